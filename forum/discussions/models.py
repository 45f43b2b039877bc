"""Categories, threads (with their tags), posts, post revisions and post attachments."""
from datetime import datetime

from sqlalchemy import (Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, and_,
                        false, or_)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import SoftDeleteMixin, TimestampMixin, UTCDateTime, utcnow
from ..extensions import db
from ..files.models import FileReference, StoredFile
from ..tags.models import Tag

# Where a pinned thread is pinned: the top of its category, or across the forum (also the
# top of the home page's latest discussions).
PIN_CATEGORY, PIN_FORUM = "category", "forum"
PIN_SCOPES = (PIN_CATEGORY, PIN_FORUM)

thread_tag = Table(
    "thread_tag", db.metadata,
    Column("thread_id", ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Category(TimestampMixin, db.Model):
    """A topic area that threads live in; admins manage them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)


class Thread(TimestampMixin, SoftDeleteMixin, db.Model):
    """A conversation: its opening post is post number 1."""

    __table_args__ = (Index("ix_thread_category_activity", "category_id", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    is_locked: Mapped[bool] = mapped_column(default=False)
    # Pinned by a moderator (forum/moderation): where (PIN_SCOPES; None: not pinned) and,
    # optionally, until when; past that it simply stops counting (see `is_pinned`).
    pin_scope: Mapped[str | None] = mapped_column(String(20))
    pinned_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Denormalised so list pages cost one query whatever their length.
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    # Questions and answers (forum/qa): a "question" ranks its replies as answers.
    kind: Mapped[str] = mapped_column(String(20), default="discussion",
                                      server_default="discussion")
    # Anonymous question: author_id is kept, but only moderators are shown it (bylines).
    is_anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_official: Mapped[bool] = mapped_column(default=False, server_default=false())
    # use_alter: thread and post refer to each other, so this constraint is created last.
    # No ON DELETE: posts are soft-deleted (services clear this); a purge must clear it first.
    accepted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", use_alter=True))
    # Set with its opening post's hidden_at (forum/moderation): out of every list for
    # members but its author, who sees it with the reason.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Merged into another thread (forum/moderation): removed, and its address redirects.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"))

    category: Mapped[Category] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    last_post_author: Mapped[User | None] = relationship(foreign_keys=[last_post_author_id])
    merged_into: Mapped["Thread | None"] = relationship(remote_side=[id],
                                                        foreign_keys=[merged_into_id])
    tags: Mapped[list[Tag]] = relationship(secondary=thread_tag, order_by=Tag.name)

    @property
    def concealed_author_id(self) -> int | None:
        """The author no other member may be told of: an anonymous question's asker."""
        return self.author_id if self.is_anonymous else None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @hybrid_property
    def is_pinned(self) -> bool:
        """Pinned now: a moderator pinned it and its end, if any, has not passed."""
        return self.pin_scope is not None and (self.pinned_until is None
                                               or self.pinned_until > utcnow())

    @is_pinned.inplace.expression
    @classmethod
    def _is_pinned_expression(cls):
        return and_(cls.pin_scope.is_not(None),
                    or_(cls.pinned_until.is_(None), cls.pinned_until > utcnow()))

    @hybrid_property
    def is_pinned_forum_wide(self) -> bool:
        """Pinned now across the forum (the top of the home page's latest discussions)."""
        return self.pin_scope == PIN_FORUM and self.is_pinned

    @is_pinned_forum_wide.inplace.expression
    @classmethod
    def _is_pinned_forum_wide_expression(cls):
        return and_(cls.pin_scope == PIN_FORUM, cls.is_pinned)

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def is_question(self) -> bool:
        return self.kind == "question"


class Post(TimestampMixin, SoftDeleteMixin, db.Model):
    """One message in a thread. `number` is its 1-based position, used for paging."""

    __table_args__ = (UniqueConstraint("thread_id", "number", name="uq_post_thread_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Denormalised count of helpful votes (forum/qa), so ranking answers costs nothing per row.
    helpful_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Hidden by a moderator (forum/moderation): members see a placeholder, the author and
    # moderators see the post with the reason.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    # "selectin": a whole page's attachments load in one query.
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="post", lazy="selectin", order_by="Attachment.position")

    @property
    def concealed_author_id(self) -> int | None:
        """An anonymous asker's own posts in their thread would give them away."""
        return self.thread.concealed_author_id

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostRevision(TimestampMixin, db.Model):
    """An earlier version of a post, saved each time it is edited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200), default="")

    editor: Mapped[User | None] = relationship()


class Attachment(FileReference, TimestampMixin, db.Model):
    """A file attached to a post. Loaded with every post (one extra query per page)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    stored_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile | None] = relationship(lazy="joined")
    uploader: Mapped[User | None] = relationship()
