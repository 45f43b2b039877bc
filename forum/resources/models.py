"""The resource library: resources (a file with versions, or a link), their versions and tags."""
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..database import SoftDeleteMixin, TimestampMixin, UTCDateTime, utcnow
from ..discussions.models import Category, Thread
from ..extensions import db
from ..files.filetypes import GROUPS, TYPES
from ..files.models import FileReference, StoredFile
from ..tags.models import Tag

resource_tag = Table(
    "resource_tag", db.metadata,
    Column("resource_id", ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)

class Resource(TimestampMixin, SoftDeleteMixin, db.Model):
    """An entry in the library: a file (with versions) or an external link."""

    __table_args__ = (Index("ix_resource_listing", "deleted_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    # The sharer's organisation when shared: people move on, the record should not.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    # Denormalised from the current version so the library lists and filters in one query.
    kind: Mapped[str] = mapped_column(String(10), default="link", index=True)
    version_count: Mapped[int] = mapped_column(default=0)
    download_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="SET NULL"))
    is_official: Mapped[bool] = mapped_column(default=False)  # marked by moderators (collections)

    category: Mapped[Category] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    organisation: Mapped[Organisation | None] = relationship()
    thread: Mapped[Thread | None] = relationship()
    # The one tag model (forum/tags), shared with threads; "selectin": a page in one query.
    tags: Mapped[list[Tag]] = relationship(secondary=resource_tag, order_by=Tag.name,
                                           lazy="selectin")
    versions: Mapped[list["ResourceVersion"]] = relationship(
        back_populates="resource", order_by="ResourceVersion.number.desc()")

    @property
    def is_link(self) -> bool:
        return self.url is not None

    @property
    def type_label(self) -> str:
        return "Link" if self.is_link else TYPES[self.kind].label

    @property
    def group_label(self) -> str:
        return "Link" if self.is_link else GROUPS[TYPES[self.kind].group]

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]


class ResourceVersion(FileReference, TimestampMixin, db.Model):
    """One uploaded version of a resource's file. `stored_file_id` is cleared when the
    resource is deleted, which lets the file itself go."""

    __table_args__ = (UniqueConstraint("resource_id", "number",
                                       name="uq_resource_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"))
    number: Mapped[int]
    stored_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")

    resource: Mapped[Resource] = relationship(back_populates="versions")
    stored_file: Mapped[StoredFile | None] = relationship(lazy="joined")
    uploader: Mapped[User | None] = relationship()
