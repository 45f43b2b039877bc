"""The home page's "New in the library" section: the newest resources (one query)."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..permissions import listed
from ..web.home import register_home_section
from .models import Resource

NEWEST = 5


def newest_resources(viewer, limit: int = NEWEST) -> list[Resource]:
    """The `limit` resources shared most recently that `viewer` may see."""
    return list(db.session.scalars(
        select(Resource).where(listed(viewer, Resource))
        .options(joinedload(Resource.author))
        .order_by(Resource.created_at.desc(), Resource.id.desc()).limit(limit)))


register_home_section("newest-resources", 40, "resources/_home_newest.html", newest_resources)
