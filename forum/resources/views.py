"""Library pages: browse, share, a resource, edit, delete, new version, and downloading
a version (images also inline, as re-encoded copies)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..accounts.models import User
from ..discussions import services as discussions
from ..discussions.models import Category, Post
from ..extensions import db, limiter
from ..files.filetypes import GROUPS
from ..files.serving import counts_as_download, send_stored
from ..permissions import Action, can, require
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import (QueryArgs, load_or_404, page_number, post_limit, receiving,
                           require_action_form)
from . import services
from .forms import TAGS_HINT, EditResourceForm, LibraryFilterForm, ShareResourceForm, VersionForm
from .models import Resource

bp = Blueprint("resources", __name__)


FILTERS = ("type", "category", "tag", "organisation", "sort")


def _category_or_error(form) -> Category | None:
    category = db.session.get(Category, form.category.data)
    if category is None:
        form.category.errors = list(form.category.errors) + ["Choose a category."]
    return category


# -- the library ----------------------------------------------------------------------------

@bp.get("/resources")
@login_required
def library():
    """The library, filtered by type, category, tag and organisation."""
    require(current_user, Action.VIEW)
    args = QueryArgs()
    query = services.LibraryQuery(
        group=args.choice("type", {*GROUPS, "link"}, ""), category_id=args.id("category"),
        tag=args.text("tag", 40).lower(), organisation_id=args.id("organisation"),
        sort=args.choice("sort", services.SORTS, "newest"), page=page_number())
    resources, total, pages = services.library_page(current_user, query)
    if query.page > pages:
        abort(404)
    form = LibraryFilterForm(args.args)
    form.fill(services.library_choices(current_user))
    filters = args.kept(FILTERS)
    return render_template("resources/library.html", resources=resources, total=total,
                           page=query.page, pages=pages, form=form, filters=filters,
                           filtered=any(k != "sort" for k in filters))


def _share_form() -> ShareResourceForm:
    form = ShareResourceForm()
    form.fill_categories(discussions.list_categories())
    return form


@bp.get("/resources/new")
@login_required
def share():
    """The form for sharing a file or a link."""
    require(current_user, Action.SHARE_RESOURCE)
    form = _share_form()
    if category_id := QueryArgs().id("category"):
        form.category.data = category_id
    return render_template("resources/share.html", form=form, tags_hint=TAGS_HINT)


@bp.post("/resources/new")
@login_required
@limiter.limit(post_limit)
def share_post():
    """Share a resource: it goes into the library with a discussion thread of its own."""
    require(current_user, Action.SHARE_RESOURCE)
    form = _share_form()
    if form.validate_on_submit() and (category := _category_or_error(form)):
        try:
            with receiving([form.file.data], max_files=1, field="file") as uploads:
                resource = services.share_resource(
                    current_user, title=form.title.data, description=form.description.data,
                    category=category, tags=form.tags.data,
                    upload=uploads[0] if uploads else None, url=form.url.data or None)
        except DomainError as error:
            add_form_error(form, error, "file")
        else:
            flash("Your resource is in the library. Thank you for sharing it.", "success")
            return redirect(url_for("resources.resource", resource_id=resource.id))
    return render_template("resources/share.html", form=form, tags_hint=TAGS_HINT), 422


# -- one resource ---------------------------------------------------------------------------

@bp.get("/resources/<int:resource_id>")
@login_required
def resource(resource_id):
    """One resource: details, versions, and the latest replies in its discussion."""
    resource = load_or_404(Resource, resource_id)
    thread = resource.thread if resource.thread and can(current_user, Action.VIEW,
                                                          resource.thread) else None
    replies = []
    if thread is not None:
        replies = list(db.session.scalars(
            db.select(Post).where(Post.thread_id == thread.id, Post.number > 1)
            .options(db.joinedload(Post.author).joinedload(User.organisation))
            .order_by(Post.number.desc()).limit(5)).unique())[::-1]
    return render_template("resources/resource.html", resource=resource,
                           versions=services.versions(resource), thread=thread,
                           replies=replies)


@bp.get("/resources/<int:resource_id>/edit")
@login_required
def edit(resource_id):
    """The form for changing a resource's details."""
    resource = load_or_404(Resource, resource_id, Action.EDIT_RESOURCE)
    form = EditResourceForm(data={
        "title": resource.title, "description": resource.description_source,
        "category": resource.category_id, "tags": ", ".join(resource.tag_names),
        "url": resource.url or ""})
    form.fill_categories(discussions.list_categories())
    return render_template("resources/edit.html", resource=resource, form=form,
                           tags_hint=TAGS_HINT)


@bp.post("/resources/<int:resource_id>/edit")
@login_required
@limiter.limit(post_limit)
def edit_post(resource_id):
    """Save a resource's details."""
    resource = load_or_404(Resource, resource_id, Action.EDIT_RESOURCE)
    form = EditResourceForm()
    form.fill_categories(discussions.list_categories())
    if form.validate_on_submit() and (category := _category_or_error(form)):
        try:
            services.update_resource(current_user, resource, title=form.title.data,
                                     description=form.description.data, category=category,
                                     tags=form.tags.data, url=form.url.data or None)
        except DomainError as error:
            add_form_error(form, error, "title")
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("resources.resource", resource_id=resource.id))
    return render_template("resources/edit.html", resource=resource, form=form,
                           tags_hint=TAGS_HINT), 422


@bp.get("/resources/<int:resource_id>/delete")
@login_required
def delete(resource_id):
    """Ask to confirm removing a resource."""
    resource = load_or_404(Resource, resource_id, Action.DELETE_RESOURCE)
    return render_template("resources/delete.html", resource=resource, form=ActionForm())


@bp.post("/resources/<int:resource_id>/delete")
@login_required
def delete_post(resource_id):
    """Remove a resource from the library (its files go too)."""
    resource = load_or_404(Resource, resource_id, Action.DELETE_RESOURCE)
    require_action_form()
    services.delete_resource(current_user, resource)
    flash(f"“{resource.title}” was removed from the library.", "success")
    return redirect(url_for("resources.library"))


@bp.get("/resources/<int:resource_id>/versions/new")
@login_required
def new_version(resource_id):
    """The form for uploading a new version of a file."""
    resource = load_or_404(Resource, resource_id, Action.EDIT_RESOURCE)
    if resource.is_link:
        abort(404)
    return render_template("resources/new_version.html", resource=resource, form=VersionForm())


@bp.post("/resources/<int:resource_id>/versions/new")
@login_required
@limiter.limit(post_limit)
def new_version_post(resource_id):
    """Upload a new version; earlier ones stay downloadable."""
    resource = load_or_404(Resource, resource_id, Action.EDIT_RESOURCE)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            with receiving([form.file.data], max_files=1, field="file") as uploads:
                version = services.add_version(current_user, resource, uploads[0],
                                               note=form.note.data or "")
        except DomainError as error:
            add_form_error(form, error, "file")
        else:
            flash(f"Version {version.number} is uploaded. Earlier versions are still "
                  "available below.", "success")
            return redirect(url_for("resources.resource", resource_id=resource.id))
    return render_template("resources/new_version.html", resource=resource, form=form), 422


# -- serving files --------------------------------------------------------------------------

def _download(resource_id: int, number: int | None, *, inline: bool = False):
    resource = load_or_404(Resource, resource_id)
    version = services.version_of(resource, number)
    if version is None or not can(current_user, Action.DOWNLOAD, version):
        abort(404)
    response = send_stored(version.stored_file, version.filename, inline=inline)
    if not inline and counts_as_download():
        services.record_download(version)
    return response


@bp.get("/resources/<int:resource_id>/download")
@login_required
def download_latest(resource_id):
    """Download the latest version of a resource's file."""
    return _download(resource_id, None)


@bp.get("/resources/<int:resource_id>/versions/<int:number>/download")
@login_required
def download_version(resource_id, number):
    """Download one version of a resource's file."""
    return _download(resource_id, number)


@bp.get("/resources/<int:resource_id>/versions/<int:number>/image")
@login_required
def version_image(resource_id, number):
    """One version of an image resource, shown inline (re-encoded without metadata)."""
    return _download(resource_id, number, inline=True)
