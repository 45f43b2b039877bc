"""Notifications (one per recipient and event), what members watch, and each member's
notification settings: email delivery per kind, one-click unsubscribe, auto-watch, the
secret token of their private Atom feeds (only its hash) and when digests last went."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..collections.models import Collection
from ..conversations.models import Conversation, ConversationMessage
from ..database import UTCDateTime, utcnow
from ..discussions.models import Post, Thread
from ..extensions import db
from ..meetings.models import Meeting

# Kinds of notification, in the order the preferences page lists them.
REPLY, ANSWER, ACCEPTED, MENTION = "reply", "answer", "accepted", "mention"
COLLECTION, NEW_THREAD, APPROVED, MEETING, HIDDEN = ("collection", "new_thread", "approved",
                                                     "meeting", "hidden")
MESSAGE = "message"
KINDS = {
    REPLY: "Replies in threads you watch",
    ANSWER: "Answers to your questions",
    ACCEPTED: "Your answer accepted",
    MENTION: "Someone mentions you",
    COLLECTION: "New items in collections you follow",
    NEW_THREAD: "New threads in categories and tags you watch",
    APPROVED: "Your membership approved",
    MEETING: "A meeting you are going to starts within 24 hours",
    HIDDEN: "A moderator hid your post",
    MESSAGE: "New private messages",
}

# Email delivery choices per kind.
IMMEDIATELY, DAILY, WEEKLY, NEVER = "immediately", "daily", "weekly", "never"
DELIVERIES = {IMMEDIATELY: "Immediately", DAILY: "In a daily digest",
              WEEKLY: "In a weekly digest", NEVER: "Never"}
DEFAULT_DELIVERY = {REPLY: IMMEDIATELY, ANSWER: IMMEDIATELY, ACCEPTED: IMMEDIATELY,
                    MENTION: IMMEDIATELY, COLLECTION: WEEKLY, NEW_THREAD: DAILY,
                    # The approval email itself comes from accounts (with the password link).
                    APPROVED: NEVER, MEETING: IMMEDIATELY, HIDDEN: IMMEDIATELY,
                    MESSAGE: IMMEDIATELY}

# What can be watched.
WATCH_THREAD, WATCH_CATEGORY, WATCH_TAG = "thread", "category", "tag"
WATCH_TYPES = (WATCH_THREAD, WATCH_CATEGORY, WATCH_TAG)


class Notification(db.Model):
    """Something a member should hear about. `event_key` names the event, so one event
    notifies each member once (a retried job or a second tick adds nothing)."""

    __table_args__ = (
        UniqueConstraint("user_id", "event_key", name="uq_notification_user_event"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    event_key: Mapped[str] = mapped_column(String(120))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    # A private message (forum/conversations): its conversation and the message.
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_message.id", ondelete="CASCADE"), index=True)
    # A moderator's reason (hidden posts) or an item's title (collections).
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once it went out by email, alone or in a digest (or was decided not to).
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    thread: Mapped[Thread | None] = relationship()
    post: Mapped[Post | None] = relationship()
    collection: Mapped[Collection | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    # Joined whenever a notification loads, so list pages need no query per message.
    conversation: Mapped[Conversation | None] = relationship(lazy="joined")
    message: Mapped[ConversationMessage | None] = relationship(lazy="joined")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


class Watch(db.Model):
    """A member watching a thread, category or tag; `watching=False` records an explicit
    unwatch, so replying again does not silently re-watch the thread."""

    __table_args__ = (Index("ix_watch_target", "target_type", "target_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    target_id: Mapped[int] = mapped_column(primary_key=True)
    watching: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationSettings(db.Model):
    """A member's notification settings (a missing row means every default)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    auto_watch: Mapped[bool] = mapped_column(default=True)
    # kind -> a DELIVERIES key; kinds not in it use DEFAULT_DELIVERY.
    delivery: Mapped[dict] = mapped_column(JSON, default=dict)
    # One-click unsubscribe: no notification email at all until preferences are saved.
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_daily_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_weekly_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def delivery_for(self, kind: str) -> str:
        """How `kind` is emailed to this member."""
        chosen = (self.delivery or {}).get(kind)
        return chosen if chosen in DELIVERIES else DEFAULT_DELIVERY.get(kind, NEVER)
