"""Demo moderation for `forum demo`: an open report, a resolved one (whose post is hidden),
and so audit entries. Idempotent: nothing is added once the demo has reports."""
from sqlalchemy import select

from ..accounts.models import User
from ..discussions.models import Post, Thread
from ..extensions import db
from . import services
from .models import Report


def load_moderation_demo() -> None:
    """Add the demo reports unless there are some already."""
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
    first = next(u for u in reporters if u.id != posts[0].author_id)
    second = next(u for u in reporters if u.id != posts[1].author_id)
    services.file_report(first, posts[0],
                         "This names a colleague who has not agreed to be mentioned.")
    resolved = services.file_report(
        second, posts[1], "Please check: it may share details of a live case.")
    services.resolve_report(moderator, resolved, "Hidden while the author removes the case "
                            "details; we have written to them.", hide=True)
