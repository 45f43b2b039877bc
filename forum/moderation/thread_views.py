"""Moderators' pages for reshaping threads: merge one into another, split replies off."""
import re

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..discussions import services as discussions
from ..discussions.models import Category, Post, Thread
from ..extensions import db
from ..permissions import Action
from ..validation import DomainError
from ..web.forms import add_form_error
from ..web.toolkit import load_or_404
from . import threads
from .forms import MergeForm, SplitForm
from .views import bp

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


def _split_form(thread: Thread) -> tuple[SplitForm, list[Post]]:
    replies = list(db.session.scalars(select(Post).where(
        Post.thread_id == thread.id, Post.number > 1).order_by(Post.number)))
    form = SplitForm()
    form.fill(replies, discussions.list_categories())
    if not form.category.data:
        form.category.data = thread.category_id
    return form, replies


@bp.get("/moderation/threads/<int:thread_id>/split")
@login_required
def split(thread_id):
    """The form to move chosen replies into a new discussion."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    form, replies = _split_form(thread)
    return render_template("moderation/split.html", thread=thread, form=form, replies=replies)


@bp.post("/moderation/threads/<int:thread_id>/split")
@login_required
def split_thread(thread_id):
    """Split the chosen replies off."""
    thread = load_or_404(Thread, thread_id, Action.MODERATE_THREAD)
    form, replies = _split_form(thread)
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
    return render_template("moderation/split.html", thread=thread, form=form,
                           replies=replies), 422
