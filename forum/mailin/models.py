"""Incoming replies already handled, so the same message is never posted twice."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import TimestampMixin
from ..extensions import db


class InboundEmail(TimestampMixin, db.Model):
    """One reply by email that became a post, named by a hash of its Message-ID."""

    __tablename__ = "inbound_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 (hex) of the thread id and the Message-ID (lowercased; the whole message
    # when it has none): the same message may answer two threads, but each only once.
    message_key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"),
                                                index=True)

    def __repr__(self) -> str:
        return f"<InboundEmail {self.id} user {self.user_id} post {self.post_id}>"
