"""The home page's "Latest discussions" section: the threads with the newest posts across
every category the viewer may see (one query)."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..permissions import listed
from ..web.home import register_home_section
from .models import Thread

LATEST = 6


def latest_threads(viewer, limit: int = LATEST) -> list[Thread]:
    """The `limit` discussions with the most recent activity that `viewer` may see."""
    return list(db.session.scalars(
        select(Thread).where(listed(viewer, Thread), Thread.kind == "discussion")
        .options(joinedload(Thread.category), joinedload(Thread.last_post_author))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc()).limit(limit)))


register_home_section("latest-discussions", 20, "discussions/_home_latest.html",
                      latest_threads)
