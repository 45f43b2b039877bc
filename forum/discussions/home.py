"""The home page's "Latest discussions" section: threads a moderator pinned across the
forum first (while their pin lasts, questions included), then the discussions with the
newest posts, across every category the viewer may see (one query)."""
from sqlalchemy import case, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..permissions import listed
from ..web.home import register_home_section
from .models import Thread

LATEST = 6


def latest_threads(viewer, limit: int = LATEST) -> list[Thread]:
    """Up to `limit` threads `viewer` may see: pinned across the forum first, then the
    discussions with the most recent activity."""
    pinned = Thread.is_pinned_forum_wide
    return list(db.session.scalars(
        select(Thread).where(listed(viewer, Thread),
                             or_(Thread.kind == "discussion", pinned))
        .options(joinedload(Thread.category), joinedload(Thread.last_post_author))
        .order_by(case((pinned, 1), else_=0).desc(), Thread.last_post_at.desc(),
                  Thread.id.desc()).limit(limit)))


register_home_section("latest-discussions", 20, "discussions/_home_latest.html",
                      latest_threads)
