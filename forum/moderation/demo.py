"""Demo moderation for `forum demo`: an open report, a resolved one (whose post is hidden),
two pinned threads (the welcome thread across the forum for six weeks, an employment-law
thread at the top of its category), and so audit entries. Idempotent: nothing is added
once the demo has reports, or pins.

Dated on the demo's Timeline: the resolved report was filed hours after its post and dealt
with the next day; the open one was filed a day before the demo was loaded, so it waits in
the queue as a fresh report would.
"""
from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..database import utcnow
from ..demo_clock import Timeline, at
from ..discussions import services as discussions
from ..discussions.models import PIN_CATEGORY, PIN_FORUM, Post, Thread
from ..extensions import db
from . import services
from .models import Report


PINS = (  # (thread title, scope, days the pin lasts from the demo's loading, or None)
    ("Welcome to the Community of Practice forum", PIN_FORUM, 42),
    ("How are you preparing for the preventative duty on sexual harassment?", PIN_CATEGORY,
     None),
)


def load_moderation_demo(timeline: Timeline | None = None) -> None:
    """Add the demo reports and pins unless there are some already."""
    timeline = timeline or Timeline()
    _pin_threads(timeline)
    if db.session.scalar(select(Report.id).limit(1)) is not None:
        return
    users = {u.email: u for u in db.session.scalars(select(User))}
    moderator = users.get("moderator@demo.example")
    posts = list(db.session.scalars(
        select(Post).join(Thread, Post.thread_id == Thread.id)
        .where(Post.number > 1, Post.deleted_at.is_(None), Thread.kind == "discussion")
        .order_by(Post.id).limit(2)))
    if moderator is None or len(posts) < 2:
        return
    reporters = [u for email, u in sorted(users.items()) if u.role == "member"]
    first = _reporter(reporters, posts[0])
    second = _reporter(reporters, posts[1])
    with at(max(timeline.ago(days=1, hours=3), timeline.after(posts[0].created_at, hours=1),
                timeline.after(first.created_at, hours=1))):
        services.file_report(first, posts[0],
                             "This names a colleague who has not agreed to be mentioned.")
    filed = max(timeline.after(posts[1].created_at, hours=5),
                timeline.after(second.created_at, hours=1))
    with at(filed):
        resolved = services.file_report(
            second, posts[1], "Please check: it may share details of a live case.")
    with at(timeline.after(filed, hours=20)):
        services.resolve_report(moderator, resolved, "Hidden while the author removes the "
                                "case details; we have written to them.", hide=True)


def _reporter(members, post):
    """The longest-standing member who did not write `post` (so they saw it posted)."""
    return min((u for u in members if u.id != post.author_id),
               key=lambda u: (u.created_at, u.email))


def _pin_threads(timeline: Timeline) -> None:
    """Pin the demo's PINS a week after their thread started (unless a thread is pinned)."""
    if db.session.scalar(select(Thread.id).where(Thread.pin_scope.is_not(None)).limit(1)):
        return
    moderator = db.session.scalar(select(User).where(User.email == "moderator@demo.example"))
    if moderator is None:
        return
    for title, scope, days in PINS:
        thread = db.session.scalar(select(Thread).where(Thread.title == title))
        if thread is None:
            continue
        # A pin's end is in the future of the real clock (the timeline may end earlier)
        until = None if days is None else utcnow() + timedelta(days=days)
        with at(timeline.after(thread.created_at, days=7)):
            discussions.set_thread_flags(moderator, thread, pinned=True, scope=scope,
                                         until=until)
