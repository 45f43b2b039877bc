"""Tag pages: the tags index, a page per tag, editing a thread's tags, and moderators'
rename and merge."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..discussions import services as discussions
from ..discussions.models import Thread
from ..permissions import Action, require
from ..tags import services as tags
from ..tags.models import TAG_MAX_LENGTH, Tag
from ..validation import DomainError
from ..web.forms import add_form_error
from ..web.toolkit import load_or_404, page_number
from . import services
from .views import bp
from .forms import MergeTagForm, RenameTagForm, TagsForm
from .tags import list_tags


def _thread_url(thread: Thread) -> str:
    if thread.is_question:
        return url_for("qa.question", question_id=thread.id)
    return url_for("discussions.thread", thread_id=thread.id)


@bp.get("/threads/<int:thread_id>/tags")
@login_required
def edit_tags(thread_id):
    """The form for a thread's tags."""
    thread = load_or_404(Thread, thread_id, Action.TAG_THREAD)
    form = TagsForm(formdata=None, data={"tags": ", ".join(tag.name for tag in thread.tags)})
    return render_template("qa/edit_tags.html", thread=thread, form=form,
                           thread_url=_thread_url(thread))


@bp.post("/threads/<int:thread_id>/tags")
@login_required
def edit_tags_post(thread_id):
    """Save a thread's tags."""
    thread = load_or_404(Thread, thread_id, Action.TAG_THREAD)
    form = TagsForm()
    if form.validate_on_submit():
        try:
            discussions.set_thread_tags(current_user, thread, form.tags.data or "")
        except DomainError as error:
            add_form_error(form, error, "tags")
        else:
            flash("Tags saved.", "success")
            return redirect(_thread_url(thread))
    return render_template("qa/edit_tags.html", thread=thread, form=form,
                           thread_url=_thread_url(thread)), 422


@bp.get("/tags", endpoint="tags")
@login_required
def tags_index():
    """Every tag, most used first."""
    return render_template("qa/tags.html", tags=list_tags(current_user))


def _tag_or_404(name: str) -> Tag:
    tag = tags.find_tag(name)
    if tag is None:
        abort(404)
    return tag


@bp.get("/tags/<name>")
@login_required
def tag(name):
    """The threads carrying one tag."""
    tag = _tag_or_404(name)
    if tag.name != name:
        return redirect(url_for("qa.tag", name=tag.name))
    page = page_number()
    rows, total, pages = services.tagged_threads(
        current_user, tag, page=page, per_page=current_app.config["THREADS_PER_PAGE"])
    if page > pages:
        abort(404)
    return render_template("qa/tag.html", tag=tag, rows=rows, total=total, page=page,
                           pages=pages)


def _render_manage(tag, rename_form=None, merge_form=None, status=200):
    return render_template("qa/manage_tag.html", tag=tag, tag_max_length=TAG_MAX_LENGTH,
                           rename_form=rename_form or RenameTagForm(formdata=None,
                                                                    data={"name": tag.name}),
                           merge_form=merge_form or MergeTagForm(formdata=None)), status


@bp.get("/tags/<name>/manage")
@login_required
def manage_tag(name):
    """Moderators: rename or merge a tag."""
    require(current_user, Action.MANAGE_TAGS)
    return _render_manage(_tag_or_404(name))


@bp.post("/tags/<name>/rename")
@login_required
def rename_tag(name):
    """Moderators: rename a tag."""
    require(current_user, Action.MANAGE_TAGS)
    tag = _tag_or_404(name)
    form = RenameTagForm()
    if form.validate_on_submit():
        try:
            tags.rename_tag(current_user, tag, form.name.data)
        except DomainError as error:
            add_form_error(form, error, "name")
        else:
            flash(f"Tag renamed to “{tag.name}”.", "success")
            return redirect(url_for("qa.tag", name=tag.name))
    return _render_manage(tag, rename_form=form, status=422)


@bp.post("/tags/<name>/merge")
@login_required
def merge_tag(name):
    """Moderators: merge a tag into another."""
    require(current_user, Action.MANAGE_TAGS)
    tag = _tag_or_404(name)
    form = MergeTagForm()
    if form.validate_on_submit():
        target = tags.find_tag(form.target.data)
        if target is None:
            form.target.errors = [f"There is no tag “{form.target.data}”."]
        else:
            source_name = tag.name
            try:
                tags.merge_tags(current_user, tag, target)
            except DomainError as error:
                add_form_error(form, error, "target")
            else:
                flash(f"“{source_name}” merged into “{target.name}”.", "success")
                return redirect(url_for("qa.tag", name=target.name))
    return _render_manage(tag, merge_form=form, status=422)
