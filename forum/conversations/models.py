"""Private conversations between members: the conversation, who takes part (and how far
each has read), its messages, members' blocks and their "who may message me" setting.

Messages are numbered 1, 2, 3... within their conversation (`Conversation.message_count`
is the last number), so a participant's unread count is `message_count - last_read_number`
with no query per row.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db


class Conversation(TimestampMixin, db.Model):
    """A private conversation: a subject, its participants and their messages."""

    __table_args__ = (Index("ix_conversation_last_message", "last_message_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    starter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    message_count: Mapped[int] = mapped_column(default=0)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    starter: Mapped[User | None] = relationship()
    participants: Mapped[list["ConversationParticipant"]] = relationship(
        back_populates="conversation", order_by="ConversationParticipant.joined_at",
        cascade="all, delete-orphan", passive_deletes=True)
    messages: Mapped[list["ConversationMessage"]] = relationship(
        back_populates="conversation", order_by="ConversationMessage.number",
        cascade="all, delete-orphan", passive_deletes=True)

    def participant(self, user) -> "ConversationParticipant | None":
        """`user`'s participant row (active or left), or None."""
        user_id = getattr(user, "id", None)
        return next((p for p in self.participants if p.user_id == user_id), None)

    def is_active_participant(self, user) -> bool:
        """`user` takes part and has not left."""
        row = self.participant(user)
        return row is not None and row.left_at is None

    @property
    def active_participants(self) -> list["ConversationParticipant"]:
        """Who takes part now, in the order they joined."""
        return [p for p in self.participants if p.left_at is None]


class ConversationParticipant(db.Model):
    """A member in a conversation: when they joined, left (None: still in) and read up to."""

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_read_number: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("conversation_id", "user_id",
                                       name="uq_conversation_participant"),)

    conversation: Mapped[Conversation] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def unread(self) -> int:
        """Messages in the conversation this participant has not read."""
        return max(0, self.conversation.message_count - self.last_read_number)


class ConversationMessage(TimestampMixin, db.Model):
    """One message: Markdown source and its sanitised HTML (rendered on write)."""

    __table_args__ = (UniqueConstraint("conversation_id", "number",
                                       name="uq_conversation_message_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class MemberBlock(TimestampMixin, db.Model):
    """`blocker` blocks `blocked`: no new conversations from them, their conversations
    with the blocker are out of the blocker's inbox and notifications."""

    __table_args__ = (CheckConstraint("blocker_id <> blocked_id", name="not_self"),)

    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                            primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)

    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])


class ConversationSettings(db.Model):
    """A member's messaging setting (a missing row: anyone may start a conversation)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    # Refuse new conversations from members I have never been in a conversation with.
    known_only: Mapped[bool] = mapped_column(default=False)
