"""Library pages (browse, share, a resource, edit, delete, new version) and the only views
that serve uploaded files: downloads as attachments, images inline as re-encoded copies."""
from flask import (abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user, login_required

from ..accounts.forms import EmptyForm
from ..discussions.models import Category, Post
from ..extensions import db, limiter
from ..forms_helpers import add_form_error
from ..permissions import Action, can, require
from ..validation import DomainError
from . import bp, services
from .filetypes import ACCEPT_ATTRIBUTE, ALLOWED_DESCRIPTION, GROUPS, human_size
from .forms import TAGS_HINT, EditResourceForm, LibraryFilterForm, ShareResourceForm, VersionForm
from .models import Attachment, Resource, ResourceVersion, StoredFile
from .storage import get_storage
from .uploads import discard, receive_all

# Served files may never run script or be sniffed into HTML, even if opened directly.
FILE_CSP = "sandbox; default-src 'none'"


def _post_limit():
    return current_app.config["POST_RATE_LIMIT"]


@bp.app_template_filter("filesize")
def _filesize(size):
    return human_size(size)


@bp.record_once
def _upload_globals(state):
    # Globals, not a context processor: imported macros (the file field) see only globals.
    state.app.jinja_env.globals.update(upload_accept=ACCEPT_ATTRIBUTE,
                                       upload_types=ALLOWED_DESCRIPTION)


def _resource_or_404(resource_id: int) -> Resource:
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    require(current_user, Action.VIEW, resource)
    return resource


def _category_or_error(form) -> Category | None:
    category = db.session.get(Category, form.category.data)
    if category is None:
        form.category.errors = list(form.category.errors) + ["Choose a category."]
    return category


# -- the library ----------------------------------------------------------------------------

def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.get("/resources")
@login_required
def library():
    require(current_user, Action.VIEW)
    query = services.LibraryQuery(
        group=request.args.get("type", "") if request.args.get("type") in {*GROUPS, "link"}
        else "",
        category_id=_int_arg("category"), tag=request.args.get("tag", "")[:40].strip().lower(),
        organisation_id=_int_arg("organisation"),
        sort=request.args.get("sort") if request.args.get("sort") in services.SORTS
        else "newest",
        page=_int_arg("page") or 1)
    resources, total, pages = services.library_page(query)
    if query.page > pages:
        abort(404)
    form = LibraryFilterForm(request.args)
    form.fill(services.library_choices())
    filters = {key: value for key, value in request.args.items()
               if key in {"type", "category", "tag", "organisation", "sort"} and value}
    return render_template("resources/library.html", resources=resources, total=total,
                           page=query.page, pages=pages, form=form, filters=filters,
                           filtered=any(k != "sort" for k in filters))


def _share_form() -> ShareResourceForm:
    form = ShareResourceForm()
    form.fill_categories(services.discussions.list_categories())
    return form


@bp.get("/resources/new")
@login_required
def share():
    require(current_user, Action.SHARE_RESOURCE)
    form = _share_form()
    if request.args.get("category", "").isdigit():
        form.category.data = int(request.args["category"])
    return render_template("resources/share.html", form=form, tags_hint=TAGS_HINT)


@bp.post("/resources/new")
@login_required
@limiter.limit(_post_limit)
def share_post():
    require(current_user, Action.SHARE_RESOURCE)
    form = _share_form()
    if form.validate_on_submit() and (category := _category_or_error(form)):
        uploads = []
        try:
            uploads = receive_all([form.file.data], max_files=1, field="file")
            resource = services.share_resource(
                current_user, title=form.title.data, description=form.description.data,
                category=category, tags=form.tags.data,
                upload=uploads[0] if uploads else None, url=form.url.data or None)
        except DomainError as error:
            add_form_error(form, error, "file")
        else:
            flash("Your resource is in the library. Thank you for sharing it.", "success")
            return redirect(url_for("resources.resource", resource_id=resource.id))
        finally:
            discard(uploads)
    return render_template("resources/share.html", form=form, tags_hint=TAGS_HINT), 422


# -- one resource ---------------------------------------------------------------------------

@bp.get("/resources/<int:resource_id>")
@login_required
def resource(resource_id):
    resource = _resource_or_404(resource_id)
    thread = resource.thread if resource.thread and can(current_user, Action.VIEW,
                                                          resource.thread) else None
    replies = []
    if thread is not None:
        from ..accounts.models import User
        replies = list(db.session.scalars(
            db.select(Post).where(Post.thread_id == thread.id, Post.number > 1)
            .options(db.joinedload(Post.author).joinedload(User.organisation))
            .order_by(Post.number.desc()).limit(5)).unique())[::-1]
    return render_template("resources/resource.html", resource=resource,
                           versions=services.versions(resource), thread=thread,
                           replies=replies, form=EmptyForm())


@bp.post("/resources/<int:resource_id>/discussion")
@login_required
def start_discussion(resource_id):
    resource = _resource_or_404(resource_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.ensure_discussion(current_user, resource)
    return redirect(url_for("discussions.thread", thread_id=resource.thread_id))


@bp.get("/resources/<int:resource_id>/edit")
@login_required
def edit(resource_id):
    resource = _resource_or_404(resource_id)
    require(current_user, Action.EDIT_RESOURCE, resource)
    form = EditResourceForm(data={
        "title": resource.title, "description": resource.description_source,
        "category": resource.category_id, "tags": ", ".join(resource.tag_names),
        "url": resource.url or ""})
    form.fill_categories(services.discussions.list_categories())
    return render_template("resources/edit.html", resource=resource, form=form,
                           tags_hint=TAGS_HINT)


@bp.post("/resources/<int:resource_id>/edit")
@login_required
@limiter.limit(_post_limit)
def edit_post(resource_id):
    resource = _resource_or_404(resource_id)
    require(current_user, Action.EDIT_RESOURCE, resource)
    form = EditResourceForm()
    form.fill_categories(services.discussions.list_categories())
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
    resource = _resource_or_404(resource_id)
    require(current_user, Action.DELETE_RESOURCE, resource)
    return render_template("resources/delete.html", resource=resource, form=EmptyForm())


@bp.post("/resources/<int:resource_id>/delete")
@login_required
def delete_post(resource_id):
    resource = _resource_or_404(resource_id)
    require(current_user, Action.DELETE_RESOURCE, resource)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_resource(current_user, resource)
    flash(f"“{resource.title}” was removed from the library.", "success")
    return redirect(url_for("resources.library"))


@bp.get("/resources/<int:resource_id>/versions/new")
@login_required
def new_version(resource_id):
    resource = _resource_or_404(resource_id)
    require(current_user, Action.EDIT_RESOURCE, resource)
    if resource.is_link:
        abort(404)
    return render_template("resources/new_version.html", resource=resource, form=VersionForm())


@bp.post("/resources/<int:resource_id>/versions/new")
@login_required
@limiter.limit(_post_limit)
def new_version_post(resource_id):
    resource = _resource_or_404(resource_id)
    require(current_user, Action.EDIT_RESOURCE, resource)
    form = VersionForm()
    if form.validate_on_submit():
        uploads = []
        try:
            uploads = receive_all([form.file.data], max_files=1, field="file")
            version = services.add_version(current_user, resource, uploads[0],
                                           note=form.note.data or "")
        except DomainError as error:
            add_form_error(form, error, "file")
        else:
            flash(f"Version {version.number} is uploaded. Earlier versions are still "
                  "available below.", "success")
            return redirect(url_for("resources.resource", resource_id=resource.id))
        finally:
            discard(uploads)
    return render_template("resources/new_version.html", resource=resource, form=form), 422


# -- serving files --------------------------------------------------------------------------

def _counts_as_download() -> bool:
    """A GET for the whole file, or for its start (resumed downloads are not counted)."""
    if request.method != "GET" or request.if_none_match or request.if_modified_since:
        return False
    ranges = request.range
    return ranges is None or (bool(ranges.ranges) and ranges.ranges[0][0] == 0)


def _send(stored: StoredFile, filename: str, *, inline: bool = False):
    path = get_storage().path(stored.sha256)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=stored.filetype.mime, as_attachment=not inline,
                         download_name=filename, conditional=True, etag=stored.sha256,
                         last_modified=stored.created_at)
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _download(target: ResourceVersion | Attachment, *, inline: bool = False):
    if target is None or not can(current_user, Action.DOWNLOAD, target):
        abort(404)
    stored = target.stored_file
    if stored is None or (inline and not stored.filetype.is_image):
        abort(404)  # only re-encoded images are ever shown inline
    response = _send(stored, target.filename, inline=inline)
    if not inline and _counts_as_download():
        services.record_download(target)
    return response


def _version(resource_id: int, number: int | None) -> ResourceVersion | None:
    resource = _resource_or_404(resource_id)
    return services.version_of(resource, number)


@bp.get("/resources/<int:resource_id>/download")
@login_required
def download_latest(resource_id):
    return _download(_version(resource_id, None))


@bp.get("/resources/<int:resource_id>/versions/<int:number>/download")
@login_required
def download_version(resource_id, number):
    return _download(_version(resource_id, number))


@bp.get("/resources/<int:resource_id>/versions/<int:number>/image")
@login_required
def version_image(resource_id, number):
    return _download(_version(resource_id, number), inline=True)


@bp.get("/attachments/<int:attachment_id>/download")
@login_required
def download_attachment(attachment_id):
    return _download(db.session.get(Attachment, attachment_id))


@bp.get("/attachments/<int:attachment_id>/image")
@login_required
def attachment_image(attachment_id):
    return _download(db.session.get(Attachment, attachment_id), inline=True)


# -- removing an attachment -----------------------------------------------------------------

def _attachment_to_delete(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    require(current_user, Action.DELETE_ATTACHMENT, attachment)
    return attachment


@bp.get("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(attachment_id):
    attachment = _attachment_to_delete(attachment_id)
    return render_template("resources/delete_attachment.html", attachment=attachment,
                           form=EmptyForm())


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment_post(attachment_id):
    attachment = _attachment_to_delete(attachment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    post_id, name = attachment.post_id, attachment.filename
    services.delete_attachment(current_user, attachment)
    flash(f"“{name}” was removed from the post.", "success")
    return redirect(url_for("discussions.post", post_id=post_id))
