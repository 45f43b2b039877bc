"""The one tag model."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import TimestampMixin
from ..extensions import db

TAG_MAX_LENGTH = 40
TAGS_PER_ITEM = 5  # per thread; resources allow more (resources.services.MAX_TAGS)


class Tag(TimestampMixin, db.Model):
    """A topic label: lowercase letters, digits, spaces and hyphens (see rules.normalise_tag)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX_LENGTH), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"
