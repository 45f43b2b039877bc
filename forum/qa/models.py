"""Questions and answers: helpful votes and comments under posts.

A question is a `Thread` with `kind == "question"`; its answers are its replies (posts
numbered 2 and up). The thread and post columns Q&A needs (`kind`, `is_anonymous`,
`accepted_post_id`, `helpful_count`) live on those models in forum/discussions/models.py.
"""
from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import SoftDeleteMixin, TimestampMixin
from ..discussions.models import Post, Thread
from ..extensions import db

COMMENT_MAX_LENGTH = 600

# Question lists filter on kind and sort by activity.
Index("ix_thread_kind_activity", Thread.kind, Thread.last_post_at)


class HelpfulVote(TimestampMixin, db.Model):
    """One member found one question or answer helpful (at most once: the unique constraint)."""

    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_helpful_vote_post_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class Comment(TimestampMixin, SoftDeleteMixin, db.Model):
    """A short plain-text clarification under a question or an answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # Escaped text with http(s) links made into links; rendered once, when written.
    body_html: Mapped[str] = mapped_column(Text)

    post: Mapped[Post] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def concealed_author_id(self) -> int | None:
        """An anonymous asker's comments in their own thread would give them away."""
        return self.post.thread.concealed_author_id
