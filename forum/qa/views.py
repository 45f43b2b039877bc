"""Member pages for questions and answers: lists, asking, the question page, votes, tags."""
from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template,
                   url_for)
from flask_login import current_user, login_required

from ..discussions import services as discussions
from ..discussions.models import Category, Post, Thread
from ..extensions import db, limiter
from ..permissions import Action, require
from ..tags.services import find_tag
from ..validation import DomainError
from ..web.forms import add_form_error
from ..submissions import DuplicateSubmission as RepeatedForm
from ..submissions import once
from ..web.toolkit import (QueryArgs, accepts_files, already_sent, load_or_404,
                           max_attachments, page_number, post_limit, receiving,
                           require_action_form, sent, wants_json)
from . import services
from .forms import TAGS_HINT, AnswerForm, AskForm, CommentForm
from .models import Comment
from .services import DuplicateSubmission
from .tags import list_tags

bp = Blueprint("qa", __name__)


def _post_url(post: Post) -> str:
    return url_for("qa.question", question_id=post.thread_id, _anchor=f"post-{post.number}")


# -- lists ------------------------------------------------------------------------------

@bp.get("/questions")
@login_required
def questions():
    """Questions, filtered (unanswered, mine, ...) and sorted."""
    args = QueryArgs()
    show = args.choice("show", services.SHOW, "all")
    sort = args.choice("sort", services.SORT, "activity")
    category_id = args.id("category")
    category = db.session.get(Category, category_id) if category_id else None
    tag_name = args.text("tag")
    tag = find_tag(tag_name) if tag_name else None
    page = page_number()
    rows, total, pages = [], 0, 1
    if not tag_name or tag is not None:
        rows, total, pages = services.question_list(
            current_user, show=show, sort=sort, category_id=category.id if category else None,
            tag=tag, page=page, per_page=current_app.config["THREADS_PER_PAGE"])
    if page > pages:
        abort(404)
    filters = {"show": show, "sort": sort}
    if category:
        filters["category"] = category.id
    if tag:
        filters["tag"] = tag.name
    return render_template("qa/questions.html", rows=rows, total=total, page=page, pages=pages,
                           show=show, sort=sort, category=category, tag=tag,
                           tag_name=tag_name, filters=filters,
                           categories=discussions.list_categories(),
                           shows=services.SHOW, sorts=services.SORT)


# -- asking -----------------------------------------------------------------------------

def _ask_form(formdata=True) -> AskForm:
    form = AskForm() if formdata else AskForm(formdata=None)
    form.fill_categories(services.visible_categories(current_user))
    return form


def _render_ask(form, status=200):
    return render_template("qa/ask.html", form=form, tags_hint=TAGS_HINT,
                           popular_tags=[tag for tag, n in list_tags(current_user)[:12] if n]), status


@bp.get("/questions/ask")
@login_required
def ask():
    """The ask-a-question form."""
    require(current_user, Action.START_THREAD)
    form = _ask_form(formdata=False)
    args = QueryArgs()
    if category_id := args.id("category"):
        form.category_id.data = category_id
    form.title.data = args.text("title", 200) or None  # "ask a question with this title"
    return _render_ask(form)


@bp.post("/questions/ask/change")
@login_required
def ask_change():
    """Back from the review step to the form, with everything typed so far."""
    require(current_user, Action.START_THREAD)
    return _render_ask(_ask_form())  # CSRFProtect has checked the token already


@bp.post("/questions/ask")
@login_required
@limiter.limit(post_limit)
def ask_post():
    """Post a question (after offering similar ones, without JavaScript)."""
    require(current_user, Action.START_THREAD)
    form = _ask_form()
    if not form.validate_on_submit():
        return _render_ask(form, 422)
    # qa.js puts the title it already offered similar questions for in similar_checked.
    if not (form.confirmed.data or form.similar_checked.data == form.title.data):
        similar = services.similar_questions(current_user, form.title.data)
        if similar:  # no JavaScript: offer them on a review step before posting
            return render_template("qa/ask_review.html", form=form, similar=similar)
    category = db.session.get(Category, form.category_id.data)
    key = form.submission_key.data
    try:
        with once(current_user.id, key):
            question = services.ask(current_user, category, title=form.title.data,
                                    body=form.body.data, tags=form.tags.data or "",
                                    anonymous=form.anonymous.data)
    except RepeatedForm:  # the same form sent twice: the first one is the question
        return already_sent(key, url_for("qa.questions"))
    except DuplicateSubmission as duplicate:
        flash(str(duplicate), "info")
        return redirect(url_for("qa.question", question_id=duplicate.existing.id))
    except DomainError as error:
        add_form_error(form, error, "title")
        return _render_ask(form, 422)
    flash("Your question is posted.", "success")
    return sent(key, url_for("qa.question", question_id=question.id))


@bp.get("/questions/similar")
@login_required
def similar():
    """Questions with titles like ?title=... (JSON for the ask form's live suggestions)."""
    require(current_user, Action.START_THREAD)
    title = QueryArgs().text("title", 200)
    rows = services.similar_questions(current_user, title)
    return jsonify(questions=[{
        "title": row.thread.title,
        "url": url_for("qa.question", question_id=row.thread.id),
        "answers": row.answer_count,
        "accepted": row.thread.accepted_post_id is not None,
    } for row in rows])


# -- the question page ------------------------------------------------------------------

def _render_question(question: Thread, *, answer_form=None, comment_form=None,
                     comment_post_id=None, status=200):
    page = services.question_page(question, current_user)
    forms = {}
    if comment_form is not None:
        forms[comment_post_id] = comment_form

    def comment_form_for(post):
        if post.id not in forms:
            forms[post.id] = CommentForm(formdata=None, prefix=f"comment-{post.id}")
        return forms[post.id]

    return render_template(
        "qa/question.html", question=question, thread=question, page=page,
        answer_form=answer_form or AnswerForm(formdata=None), comment_form_for=comment_form_for,
        error_forms=[f for f in (answer_form, comment_form) if f is not None],
        comment_post_id=comment_post_id), status


@bp.get("/questions/<int:question_id>")
@login_required
def question(question_id):
    """A question with its answers (accepted first, then most helpful) and comments."""
    if (target := discussions.merged_into(question_id)) is not None:
        return redirect(url_for("discussions.thread", thread_id=target), code=301)
    question = load_or_404(Thread, question_id)
    if not question.is_question:
        return redirect(url_for("discussions.thread", thread_id=question.id))
    return _render_question(question)


@bp.post("/questions/<int:question_id>/answers")
@login_required
@limiter.limit(post_limit)
@accepts_files(max_attachments)
def answer_post(question_id):
    """Post an answer (with attached files)."""
    question = load_or_404(Thread, question_id)
    if not question.is_question:
        abort(404)
    require(current_user, Action.REPLY, question)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_question(question, answer_form=form, status=422)
    key = form.submission_key.data
    try:
        with once(current_user.id, key), \
                receiving(form.attachments.data, field="attachments") as uploads:
            answer = services.answer(current_user, question, body=form.body.data,
                                     attachments=uploads)
    except RepeatedForm:  # the same form sent twice: the first one is the answer
        return already_sent(key, url_for("qa.question", question_id=question.id))
    except DuplicateSubmission as duplicate:
        flash(str(duplicate), "info")
        return redirect(_post_url(duplicate.existing))
    except DomainError as error:  # a refused file or a broken rule: nothing is written
        add_form_error(form, error, "body")
        return _render_question(question, answer_form=form, status=422)
    flash("Your answer is posted. Thank you for helping.", "success")
    return sent(key, _post_url(answer))


# -- helpful votes ----------------------------------------------------------------------

def _vote_response(post: Post, voted: bool, message: str):
    if wants_json():
        return jsonify(voted=voted, count=post.helpful_count, message=message,
                       action=url_for("qa.withdraw_vote" if voted else "qa.vote",
                                      post_id=post.id))
    flash(message, "success")
    return redirect(_post_url(post))


def _vote_refused(post: Post, error: DomainError):
    if wants_json():
        return jsonify(error=str(error)), 422
    flash(str(error), "error")
    return redirect(_post_url(post))


@bp.post("/posts/<int:post_id>/helpful")
@login_required
def vote(post_id):
    """Mark a question or answer helpful."""
    post = load_or_404(Post, post_id)
    require_action_form()
    try:
        services.vote(current_user, post)
    except DomainError as error:
        return _vote_refused(post, error)
    return _vote_response(post, True, "You marked this as helpful.")


@bp.post("/posts/<int:post_id>/helpful/withdraw")
@login_required
def withdraw_vote(post_id):
    """Withdraw a helpful vote."""
    post = load_or_404(Post, post_id)
    require_action_form()
    try:
        services.withdraw_vote(current_user, post)
    except DomainError as error:
        return _vote_refused(post, error)
    return _vote_response(post, False, "You withdrew your helpful vote.")


# -- accepting --------------------------------------------------------------------------

@bp.post("/answers/<int:post_id>/accept")
@login_required
def accept(post_id):
    """Accept an answer (the asker or a moderator)."""
    post = load_or_404(Post, post_id)
    require_action_form()
    try:
        services.accept_answer(current_user, post)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash("Answer accepted. It now shows first.", "success")
    return redirect(_post_url(post))


@bp.post("/questions/<int:question_id>/accepted/withdraw")
@login_required
def withdraw_acceptance(question_id):
    """Withdraw the acceptance of an answer."""
    question = load_or_404(Thread, question_id)
    require_action_form()
    services.withdraw_acceptance(current_user, question)
    flash("The answer is no longer marked as accepted.", "success")
    return redirect(url_for("qa.question", question_id=question.id))


# -- comments ---------------------------------------------------------------------------

@bp.post("/posts/<int:post_id>/comments")
@login_required
@limiter.limit(post_limit)
def comment_post(post_id):
    """Comment under a question or answer."""
    post = load_or_404(Post, post_id)
    question = post.thread
    if not question.is_question:
        abort(404)
    form = CommentForm(prefix=f"comment-{post.id}")
    if form.validate_on_submit():
        try:
            comment = services.add_comment(current_user, post, body=form.body.data)
        except DuplicateSubmission as duplicate:
            flash(str(duplicate), "info")
            return redirect(url_for("qa.question", question_id=question.id,
                                    _anchor=f"comment-{duplicate.existing.id}"))
        except DomainError as error:
            add_form_error(form, error, "body")
        else:
            flash("Your comment is posted.", "success")
            return redirect(url_for("qa.question", question_id=question.id,
                                    _anchor=f"comment-{comment.id}"))
    return _render_question(question, comment_form=form, comment_post_id=post.id, status=422)


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id):
    """Remove a comment."""
    comment = load_or_404(Comment, comment_id)
    require_action_form()
    services.delete_comment(current_user, comment)
    flash("The comment was removed.", "success")
    return redirect(_post_url(comment.post))


# -- moderators: convert ----------------------------------------------------------------

def _convert(thread_id, kind):
    thread = load_or_404(Thread, thread_id)
    require_action_form()
    try:
        services.convert_thread(current_user, thread, kind)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash("This thread is now a question." if kind == services.QUESTION
              else "This thread is now a discussion.", "success")
    return redirect(url_for("qa.question" if thread.is_question else "discussions.thread",
                            **({"question_id": thread.id} if thread.is_question
                               else {"thread_id": thread.id})))


@bp.post("/threads/<int:thread_id>/make-question")
@login_required
def make_question(thread_id):
    """Moderators: turn a discussion into a question."""
    return _convert(thread_id, services.QUESTION)


@bp.post("/threads/<int:thread_id>/make-discussion")
@login_required
def make_discussion(thread_id):
    """Moderators: turn a question into a discussion."""
    return _convert(thread_id, services.DISCUSSION)
