"""Tags as the Q&A pages show them: how many live threads carry each tag."""
from sqlalchemy import and_, func, select

from ..discussions.models import Thread, thread_tag
from ..extensions import db
from ..permissions import listed
from ..tags.models import Tag


def list_tags(viewer) -> list[tuple[Tag, int]]:
    """Every tag with how many threads `viewer` may see carry it, most used first."""
    count = func.count(Thread.id)
    rows = db.session.execute(
        select(Tag, count).outerjoin(thread_tag, thread_tag.c.tag_id == Tag.id)
        .outerjoin(Thread, and_(Thread.id == thread_tag.c.thread_id, listed(viewer, Thread)))
        .group_by(Tag.id).order_by(count.desc(), Tag.name))
    return [(tag, n) for tag, n in rows]
