"""Member pages for discussions: index, category, thread, writing, editing, history."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db, limiter
from ..forms_helpers import add_form_error
from ..permissions import Action, require
from ..rendering import quote_markdown, render_markdown
from ..validation import DomainError
from . import bp, services
from .forms import EditPostForm, PreviewForm, ReplyForm, ThreadForm
from .models import Category, Post, Thread


def _post_limit():
    from flask import current_app
    return current_app.config["POST_RATE_LIMIT"]


def get_visible_or_404(model, object_id):
    """Load `model` by id, or 404 if it does not exist or the user may not see it."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    require(current_user, Action.VIEW, obj)
    return obj


def _page_number(pages: int) -> int:
    raw = request.args.get("page", "1")
    if raw == "last":
        return pages
    if not raw.isdigit() or not 1 <= int(raw) <= pages:
        abort(404)
    return int(raw)


@bp.get("/forum")
@login_required
def index():
    return render_template("discussions/index.html", categories=services.list_categories())


@bp.get("/categories/<int:category_id>")
@login_required
def category(category_id):
    category = get_visible_or_404(Category, category_id)
    pages = services.category_page_count(category)
    page = _page_number(pages)
    return render_template("discussions/category.html", category=category, page=page,
                           pages=pages, threads=services.category_page(category, page))


@bp.get("/categories/<int:category_id>/new")
@login_required
def new_thread(category_id):
    category = get_visible_or_404(Category, category_id)
    require(current_user, Action.START_THREAD, category)
    return render_template("discussions/new_thread.html", category=category, form=ThreadForm())


@bp.post("/categories/<int:category_id>/new")
@login_required
@limiter.limit(_post_limit)
def new_thread_post(category_id):
    category = get_visible_or_404(Category, category_id)
    require(current_user, Action.START_THREAD, category)
    form = ThreadForm()
    if form.validate_on_submit():
        from ..resources.uploads import discard, receive_all  # files: forum/resources
        uploads = []
        try:
            uploads = receive_all(form.attachments.data, field="attachments")
            thread = services.start_thread(current_user, category, title=form.title.data,
                                           body=form.body.data, tags=form.tags.data,
                                           attachments=uploads)
        except DomainError as error:  # e.g. a bad tag name or a refused file
            db.session.rollback()
            add_form_error(form, error, "tags")
        else:
            return redirect(url_for("discussions.thread", thread_id=thread.id))
        finally:
            discard(uploads)
    return render_template("discussions/new_thread.html", category=category, form=form), 422


@bp.get("/threads/<int:thread_id>")
@login_required
def thread(thread_id):
    thread = get_visible_or_404(Thread, thread_id)
    if thread.is_question:  # questions have their own page (forum/qa)
        return redirect(url_for("qa.question", question_id=thread.id))
    pages = services.page_count(thread)
    page = _page_number(pages)
    return render_template("discussions/thread.html", thread=thread,
                           posts=services.thread_page(thread, page), page=page, pages=pages,
                           form=ReplyForm())


@bp.get("/posts/<int:post_id>")
@login_required
def post(post_id):
    post = get_visible_or_404(Post, post_id)
    return redirect(url_for("discussions.thread", thread_id=post.thread_id,
                            page=services.page_of(post), _anchor=f"post-{post.number}"))


@bp.get("/threads/<int:thread_id>/reply")
@login_required
def reply(thread_id):
    thread = get_visible_or_404(Thread, thread_id)
    require(current_user, Action.REPLY, thread)
    form = ReplyForm()
    quoted = None
    if request.args.get("quote", "").isdigit():
        quoted = db.session.get(Post, int(request.args["quote"]))
        if quoted is None or quoted.thread_id != thread.id or quoted.is_deleted:
            abort(404)
        from ..qa.anonymity import author_name  # late import: forum.qa imports this module
        # viewer=None: the quote is published to everyone, so name only whom everyone may see.
        form.body.data = quote_markdown(quoted.body_source, author_name(quoted, None))
    return render_template("discussions/reply.html", thread=thread, form=form, quoted=quoted)


@bp.post("/threads/<int:thread_id>/reply")
@login_required
@limiter.limit(_post_limit)
def reply_post(thread_id):
    thread = get_visible_or_404(Thread, thread_id)
    require(current_user, Action.REPLY, thread)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_template("discussions/reply.html", thread=thread, form=form,
                               quoted=None), 422
    from ..resources.uploads import discard, receive_all  # files: forum/resources
    uploads = []
    try:
        uploads = receive_all(form.attachments.data, field="attachments")
        post = services.reply(current_user, thread, body=form.body.data, attachments=uploads)
    except DomainError as error:  # a refused file: nothing is written
        db.session.rollback()
        add_form_error(form, error, "attachments")
        return render_template("discussions/reply.html", thread=thread, form=form,
                               quoted=None), 422
    finally:
        discard(uploads)
    return redirect(url_for("discussions.thread", thread_id=thread.id,
                            page=services.page_of(post), _anchor=f"post-{post.number}"))


@bp.get("/posts/<int:post_id>/edit")
@login_required
def edit(post_id):
    post = get_visible_or_404(Post, post_id)
    require(current_user, Action.EDIT_POST, post)
    form = EditPostForm(data={"body": post.body_source, "title": post.thread.title})
    return render_template("discussions/edit.html", post=post, form=form)


@bp.post("/posts/<int:post_id>/edit")
@login_required
@limiter.limit(_post_limit)
def edit_post(post_id):
    post = get_visible_or_404(Post, post_id)
    require(current_user, Action.EDIT_POST, post)
    form = EditPostForm()
    if form.validate_on_submit():
        try:
            services.edit_post(current_user, post, body=form.body.data,
                               title=form.title.data if post.number == 1 else None,
                               reason=form.reason.data or "")
        except DomainError as error:
            add_form_error(form, error, "body")
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("discussions.post", post_id=post.id))
    return render_template("discussions/edit.html", post=post, form=form), 422


@bp.get("/posts/<int:post_id>/delete")
@login_required
def delete(post_id):
    post = get_visible_or_404(Post, post_id)
    require(current_user, Action.DELETE_POST, post)
    return render_template("discussions/delete.html", post=post, form=PreviewForm())


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete_post(post_id):
    post = get_visible_or_404(Post, post_id)
    require(current_user, Action.DELETE_POST, post)
    if not PreviewForm().validate_on_submit():
        abort(400)
    services.delete_post(current_user, post)
    flash("The post was removed.", "success")
    return redirect(url_for("discussions.post", post_id=post.id))


@bp.get("/posts/<int:post_id>/history")
@login_required
def history(post_id):
    post = get_visible_or_404(Post, post_id)
    require(current_user, Action.VIEW_HISTORY, post)
    return render_template("discussions/history.html", post=post,
                           revisions=services.revisions(post))


@bp.post("/preview")
@login_required
def preview():
    """Render Markdown exactly as posting would (used by the editor's Preview button)."""
    require(current_user, Action.PREVIEW)
    form = PreviewForm()
    if not form.validate_on_submit():
        return jsonify(error="The text is too long to preview."), 422
    return jsonify(html=render_markdown(form.body.data or ""))
