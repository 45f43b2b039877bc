"""Curated collections: ordered items (resources, threads, links), who follows them, the
"Start here" choice and who dismissed it."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import TimestampMixin, UTCDateTime, utcnow
from ..discussions.models import Thread
from ..extensions import db
from ..resources.models import Resource

DRAFT, PUBLISHED = "draft", "published"
STATUSES = {DRAFT: "Draft", PUBLISHED: "Published"}

RESOURCE, THREAD, LINK = "resource", "thread", "link"
ITEM_KINDS = {RESOURCE: "Resource", THREAD: "Discussion", LINK: "Link"}


class Collection(TimestampMixin, db.Model):
    """An ordered, moderator-curated set of resources, threads and links."""

    __table_args__ = (Index("ix_collection_listing", "status", "is_official"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    is_official: Mapped[bool] = mapped_column(default=False)
    # 1, 2, 3 ... for collections pinned to the home page; None when not pinned.
    pin_position: Mapped[int | None] = mapped_column(index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    curator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Bumped by every change to the items: the row every item change locks first, so
    # concurrent reorders queue up instead of interleaving.
    revision: Mapped[int] = mapped_column(default=0)

    curator: Mapped[User | None] = relationship()
    items: Mapped[list["CollectionItem"]] = relationship(
        back_populates="collection", order_by="CollectionItem.position",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class CollectionItem(TimestampMixin, db.Model):
    """One entry of a collection, at `position` (1..n, contiguous), with a curator's note.

    Exactly one target: a resource, a thread (discussion or question), or a link."""

    __table_args__ = (
        UniqueConstraint("collection_id", "position", name="uq_collection_item_position"),
        UniqueConstraint("collection_id", "resource_id", name="uq_collection_item_resource"),
        UniqueConstraint("collection_id", "thread_id", name="uq_collection_item_thread"),
        CheckConstraint("kind IN ('resource', 'thread', 'link')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    resource_id: Mapped[int | None] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    link_title: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    collection: Mapped[Collection] = relationship(back_populates="items")
    resource: Mapped[Resource | None] = relationship()
    thread: Mapped[Thread | None] = relationship()

    @property
    def target(self):
        """The resource or thread this item points to (None for a link)."""
        return {RESOURCE: self.resource, THREAD: self.thread}.get(self.kind)

    @property
    def title(self) -> str:
        """The target's title, or the link's."""
        target = self.target
        return target.title if target is not None else self.link_title

    @property
    def kind_label(self) -> str:
        """"Resource", "Question", "Discussion" or "Link", as the item's tag says."""
        if self.kind == THREAD and self.thread is not None:
            return "Question" if self.thread.is_question else "Discussion"
        return ITEM_KINDS[self.kind]

    @property
    def target_removed(self) -> bool:
        """The resource or thread was deleted (or hidden by a moderator)."""
        target = self.target
        return target is not None and (target.is_deleted or bool(getattr(target, "hidden_at",
                                                                         None)))


class CollectionFollow(db.Model):
    """A member following a collection; `last_seen_at` is their latest visit to it."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StartHereSetting(db.Model):
    """The site setting "which collection is Start here": one row (id 1), or none yet."""

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collection.id", ondelete="SET NULL"))
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    collection: Mapped[Collection | None] = relationship()


class StartHereDismissal(db.Model):
    """A member said "don't show me this Start here again" (a new choice shows again)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
