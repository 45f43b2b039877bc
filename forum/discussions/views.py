"""Member pages for discussions: index, category, thread, writing, editing, history."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.bylines import author_name
from ..extensions import db, limiter
from ..permissions import Action, require
from ..rendering import quote_markdown, render_markdown
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.home import home_sections
from ..submissions import DuplicateSubmission, once
from ..web.toolkit import (accepts_files, already_sent, load_or_404, max_attachments,
                           page_number, post_limit, receiving, require_action_form, sent)
from . import services
from .forms import EditPostForm, PreviewForm, ReplyForm, ThreadForm
from .models import Category, Post, Thread

bp = Blueprint("discussions", __name__)


@bp.get("/forum")
@login_required
def index():
    """The members' home page: the sections domains contribute (forum/web/home.py), then
    the categories."""
    return render_template("discussions/index.html", categories=services.list_categories(),
                           sections=home_sections(current_user))


@bp.get("/categories/<int:category_id>")
@login_required
def category(category_id):
    """One category's threads, pinned first, a page at a time."""
    category = load_or_404(Category, category_id)
    pages = services.category_page_count(current_user, category)
    page = page_number(pages, allow_last=True)
    return render_template("discussions/category.html", category=category, page=page,
                           pages=pages,
                           threads=services.category_page(current_user, category, page))


@bp.get("/categories/<int:category_id>/new")
@login_required
def new_thread(category_id):
    """The form for starting a thread in a category."""
    category = load_or_404(Category, category_id, Action.START_THREAD)
    return render_template("discussions/new_thread.html", category=category, form=ThreadForm())


@bp.post("/categories/<int:category_id>/new")
@login_required
@limiter.limit(post_limit)
@accepts_files(max_attachments)
def new_thread_post(category_id):
    """Start a thread (with tags and attached files)."""
    category = load_or_404(Category, category_id, Action.START_THREAD)
    form = ThreadForm()
    if form.validate_on_submit():
        key = form.submission_key.data
        try:
            with once(current_user.id, key), \
                    receiving(form.attachments.data, field="attachments") as uploads:
                thread = services.start_thread(current_user, category, title=form.title.data,
                                               body=form.body.data, tags=form.tags.data,
                                               attachments=uploads)
        except DuplicateSubmission:  # sent twice: the first one is the thread
            return already_sent(key, url_for("discussions.category", category_id=category.id))
        except DomainError as error:  # e.g. a bad tag name or a refused file
            add_form_error(form, error, "tags")
        else:
            return sent(key, url_for("discussions.thread", thread_id=thread.id))
    return render_template("discussions/new_thread.html", category=category, form=form), 422


@bp.get("/threads/<int:thread_id>")
@login_required
def thread(thread_id):
    """A discussion thread, a page of posts at a time (questions have their own page)."""
    if (target := services.merged_into(thread_id)) is not None:
        return redirect(url_for("discussions.thread", thread_id=target), code=301)
    thread = load_or_404(Thread, thread_id)
    if thread.is_question:
        return redirect(url_for("qa.question", question_id=thread.id))
    pages = services.page_count(thread)
    page = page_number(pages, allow_last=True)
    return render_template("discussions/thread.html", thread=thread,
                           posts=services.thread_page(thread, page), page=page, pages=pages,
                           form=ReplyForm())


@bp.get("/posts/<int:post_id>")
@login_required
def post(post_id):
    """Redirect to a post's place in its thread."""
    post = load_or_404(Post, post_id)
    return redirect(url_for("discussions.thread", thread_id=post.thread_id,
                            page=services.page_of(post), _anchor=f"post-{post.number}"))


@bp.get("/threads/<int:thread_id>/reply")
@login_required
def reply(thread_id):
    """The reply form, optionally quoting a post (?quote=<post id>)."""
    thread = load_or_404(Thread, thread_id, Action.REPLY)
    form = ReplyForm()
    quoted = None
    if request.args.get("quote", "").isdigit():
        quoted = db.session.get(Post, int(request.args["quote"]))
        if quoted is None or quoted.thread_id != thread.id or quoted.is_deleted:
            abort(404)
        # viewer=None: the quote is published to everyone, so name only whom everyone may see.
        form.body.data = quote_markdown(quoted.body_source, author_name(quoted, None))
    return render_template("discussions/reply.html", thread=thread, form=form, quoted=quoted)


@bp.post("/threads/<int:thread_id>/reply")
@login_required
@limiter.limit(post_limit)
@accepts_files(max_attachments)
def reply_post(thread_id):
    """Post a reply (with attached files)."""
    thread = load_or_404(Thread, thread_id, Action.REPLY)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_template("discussions/reply.html", thread=thread, form=form,
                               quoted=None), 422
    key = form.submission_key.data
    try:
        with once(current_user.id, key), \
                receiving(form.attachments.data, field="attachments") as uploads:
            post = services.reply(current_user, thread, body=form.body.data,
                                  attachments=uploads)
    except DuplicateSubmission:  # sent twice: the first one is the reply
        return already_sent(key, url_for("discussions.thread", thread_id=thread.id,
                                         page="last"))
    except DomainError as error:  # a refused file: nothing is written
        add_form_error(form, error, "attachments")
        return render_template("discussions/reply.html", thread=thread, form=form,
                               quoted=None), 422
    return sent(key, url_for("discussions.thread", thread_id=thread.id,
                             page=services.page_of(post), _anchor=f"post-{post.number}"))


@bp.get("/posts/<int:post_id>/edit")
@login_required
def edit(post_id):
    """The edit form for a post (and its thread's title, for the first post)."""
    post = load_or_404(Post, post_id, Action.EDIT_POST)
    form = EditPostForm(data={"body": post.body_source, "title": post.thread.title})
    return render_template("discussions/edit.html", post=post, form=form)


@bp.post("/posts/<int:post_id>/edit")
@login_required
@limiter.limit(post_limit)
def edit_post(post_id):
    """Save an edit; the earlier text is kept in the post's history."""
    post = load_or_404(Post, post_id, Action.EDIT_POST)
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
    """Ask to confirm removing a post."""
    post = load_or_404(Post, post_id, Action.DELETE_POST)
    return render_template("discussions/delete.html", post=post, form=ActionForm())


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete_post(post_id):
    """Remove a post (its place in the thread stays)."""
    post = load_or_404(Post, post_id, Action.DELETE_POST)
    require_action_form()
    services.delete_post(current_user, post)
    flash("The post was removed.", "success")
    return redirect(url_for("discussions.post", post_id=post.id))


@bp.get("/posts/<int:post_id>/history")
@login_required
def history(post_id):
    """Earlier versions of a post (its author and moderators)."""
    post = load_or_404(Post, post_id, Action.VIEW_HISTORY)
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
