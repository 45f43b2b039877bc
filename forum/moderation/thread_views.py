"""Moderators' pages for threads: lock and unlock, pin (to the top of its category or
across the forum, optionally until a date) and unpin, merge one into another, split
replies off. The lock and pin services stay with the threads (forum/discussions); every
change announces an event the audit log records."""
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..discussions import services as discussions
from ..discussions.models import PIN_FORUM, Category, Post, Thread
from ..extensions import db
from ..permissions import Action
from ..validation import DomainError
from ..web.forms import add_form_error
from ..web.toolkit import QueryArgs, load_or_404, page_number, require_action_form
from . import threads
from .forms import MergeForm, PinForm, SplitForm
from .views import bp


def _back_to(thread: Thread):
    return redirect(url_for("qa.question", question_id=thread.id) if thread.is_question
                    else url_for("discussions.thread", thread_id=thread.id))


# -- lock, unlock, unpin: one click -------------------------------------------------------

def _flag_route(name: str, message: str, **flags) -> None:
    def view(thread_id):
        thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
        require_action_form()
        discussions.set_thread_flags(current_user, thread, **flags)
        flash(message, "success")
        return _back_to(thread)
    view.__name__ = f"{name}_thread"
    view.__doc__ = f"{name.capitalize()} a thread (moderators)."
    bp.add_url_rule(f"/threads/<int:thread_id>/{name}", view_func=login_required(view),
                    methods=["POST"])


_flag_route("lock", "Thread locked: only moderators can reply.", locked=True)
_flag_route("unlock", "Thread unlocked.", locked=False)
_flag_route("unpin", "Thread unpinned.", pinned=False)


# -- pin: where, and until when -----------------------------------------------------------

def _pin_page(thread: Thread, form: PinForm, status: int = 200):
    return render_template("moderation/pin.html", thread=thread, form=form), status


@bp.get("/threads/<int:thread_id>/pin")
@login_required
def pin(thread_id):
    """The form to pin a thread (or change its pin): its category or the whole forum, and
    an optional last day."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    form = PinForm()
    if thread.is_pinned:
        form.scope.data = thread.pin_scope
        form.until.data = (thread.pinned_until.astimezone(ZoneInfo(
            current_app.config["TIMEZONE"])).date() if thread.pinned_until else None)
    return _pin_page(thread, form)


@bp.post("/threads/<int:thread_id>/pin")
@login_required
def pin_thread(thread_id):
    """Pin the thread; it counts as pinned until the end of the day chosen (UK time)."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    form = PinForm()
    if form.validate_on_submit():
        until = (datetime.combine(form.until.data, time.max, ZoneInfo(
            current_app.config["TIMEZONE"])) if form.until.data else None)
        try:
            discussions.set_thread_flags(current_user, thread, pinned=True,
                                         scope=form.scope.data, until=until)
        except DomainError as error:
            add_form_error(form, error, "until")
        else:
            where = ("across the forum" if thread.pin_scope == PIN_FORUM
                     else "to the top of its category")
            flash(f"Pinned {where}" + (f" until {form.until.data:%-d %b %Y}."
                                       if until else "."), "success")
            return _back_to(thread)
    return _pin_page(thread, form, 422)


# -- merge and split ------------------------------------------------------------------------

_THREAD_ADDRESS = re.compile(r"^(?:\S*/(?:threads|questions)/)?(\d{1,9})/?(?:[?#]\S*)?$")


def _target_thread(raw: str) -> Thread:
    """The thread a moderator named by its address or number (DomainError if none)."""
    match = _THREAD_ADDRESS.match(raw.strip())
    thread = db.session.get(Thread, int(match.group(1))) if match else None
    if thread is None:
        raise DomainError("No thread has that address or number.", field="target")
    return thread


@bp.get("/moderation/threads/<int:thread_id>/merge")
@login_required
def merge(thread_id):
    """The form to merge this thread into another."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    return render_template("moderation/merge.html", thread=thread, form=MergeForm())


@bp.post("/moderation/threads/<int:thread_id>/merge")
@login_required
def merge_thread(thread_id):
    """Merge the thread; its address then leads to the other one."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    form = MergeForm()
    if form.validate_on_submit():
        try:
            target = threads.merge_threads(current_user, thread, _target_thread(
                form.target.data), form.reason.data)
        except DomainError as error:
            add_form_error(form, error, "target")
        else:
            flash(f"Merged into “{target.title}”: {target.post_count} posts, in time order.",
                  "success")
            return redirect(url_for("discussions.thread", thread_id=target.id))
    return render_template("moderation/merge.html", thread=thread, form=form), 422


def _split_form(thread: Thread, page: int) -> tuple[SplitForm, list[Post]]:
    replies = threads.split_page(thread, page)
    form = SplitForm()
    form.fill(replies, discussions.list_categories())
    if not form.category.data:
        form.category.data = thread.category_id
    return form, replies


def _split_page(thread: Thread, form: SplitForm, replies: list[Post], page: int,
                pages: int, status: int = 200):
    return render_template("moderation/split.html", thread=thread, form=form, replies=replies,
                           page=page, pages=pages, per_page=threads.split_per_page()), status


@bp.get("/moderation/threads/<int:thread_id>/split")
@login_required
def split(thread_id):
    """The form to move chosen replies into a new discussion, a page of replies at a time
    (the same few queries whatever the thread's length)."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    pages = threads.split_page_count(thread)
    page = page_number(pages)
    form, replies = _split_form(thread, page)
    return _split_page(thread, form, replies, page, pages)


@bp.post("/moderation/threads/<int:thread_id>/split")
@login_required
def split_thread(thread_id):
    """Split the chosen replies (of one page) off."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    pages = threads.split_page_count(thread)
    page = QueryArgs(request.form).id("page") or 1
    page = min(page, pages)
    form, replies = _split_form(thread, page)
    if form.validate_on_submit():
        category = db.session.get(Category, form.category.data or 0)
        try:
            if category is None:
                raise DomainError("Choose a category.", field="category")
            new = threads.split_thread(current_user, thread, form.posts.data or [],
                                       title=form.title.data, category=category,
                                       reason=form.reason.data)
        except DomainError as error:
            add_form_error(form, error, "posts")
        else:
            flash(f"{new.post_count} post{'s' if new.post_count != 1 else ''} moved to "
                  f"“{new.title}”.", "success")
            return redirect(url_for("discussions.thread", thread_id=new.id))
    return _split_page(thread, form, replies, page, pages, 422)
