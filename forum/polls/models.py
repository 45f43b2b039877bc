"""Polls attached to a thread or a question: the poll, its options, ballots and choices.

A ballot is one member's answer (`user_id`), or for a benchmark poll ("answer for your
organisation") one organisation's answer (`organisation_id`, with `answered_by_id`, the
member who last gave it). UNIQUE (poll_id, user_id) and UNIQUE (poll_id,
organisation_id) make a double click, or two colleagues answering at the same moment,
store one ballot (NULLs never collide, so each kind only uses its own constraint).
Every time is stored in UTC and shown in UK time (forum/meetings/times.py).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..database import UTCDateTime, utcnow
from ..discussions.models import Thread
from ..extensions import db

AFTER_VOTE, AFTER_CLOSE, MODERATORS = "after_vote", "after_close", "moderators"
RESULT_MODES = {AFTER_VOTE: "After voting",
                AFTER_CLOSE: "Only after the poll closes",
                MODERATORS: "Only to moderators until the poll closes"}
MIN_OPTIONS, MAX_OPTIONS = 2, 20


class Poll(db.Model):
    """One poll on one thread (or question): its question, how members answer and when
    the results show."""

    __table_args__ = (
        CheckConstraint("results_mode IN ('after_vote', 'after_close', 'moderators')",
                        name="results_mode"),
        CheckConstraint("max_choices >= 1", name="max_choices"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"),
                                           unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(String(300))
    multiple: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int] = mapped_column(default=1)
    results_mode: Mapped[str] = mapped_column(String(20), default=AFTER_VOTE)
    per_organisation: Mapped[bool] = mapped_column(default=False)
    answers_public: Mapped[bool] = mapped_column(default=False)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    options: Mapped[list["PollOption"]] = relationship(
        back_populates="poll", order_by="PollOption.position", cascade="all, delete-orphan",
        passive_deletes=True)

    def is_open(self, now: datetime | None = None) -> bool:
        """Answers are taken: not closed early and not past its closing time."""
        if self.closed_at is not None:
            return False
        return self.closes_at is None or (now or utcnow()) < self.closes_at

    @property
    def title(self) -> str:
        """What the audit log and search call it."""
        return self.question

    @property
    def results_mode_label(self) -> str:
        """When the results show, in words."""
        return RESULT_MODES.get(self.results_mode, self.results_mode)


class PollOption(db.Model):
    """One answer a poll offers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(200))

    poll: Mapped[Poll] = relationship(back_populates="options")


class PollBallot(db.Model):
    """One member's answer, or (benchmark polls) one organisation's."""

    __table_args__ = (
        UniqueConstraint("poll_id", "user_id", name="uq_poll_ballot_user"),
        UniqueConstraint("poll_id", "organisation_id", name="uq_poll_ballot_organisation"),
        CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)", name="one_voter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    poll: Mapped[Poll] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    choices: Mapped[list["PollChoice"]] = relationship(cascade="all, delete-orphan",
                                                       passive_deletes=True)

    @property
    def author_id(self) -> int | None:
        """Whose answer this is: the member who gave it (the audit log reads it, so a
        moderator's own vote counts as taking part, not as moderation)."""
        return self.answered_by_id


class PollChoice(db.Model):
    """One option chosen on a ballot."""

    ballot_id: Mapped[int] = mapped_column(ForeignKey("poll_ballot.id", ondelete="CASCADE"),
                                           primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_option.id", ondelete="CASCADE"),
                                           primary_key=True, index=True)


# The thread page asks "has this thread a poll?" with no query of its own: every Thread
# load carries its poll's id (a correlated subquery on the unique poll.thread_id index),
# so a thread without a poll costs nothing and one with a poll costs its two queries.
Thread.poll_id = column_property(
    select(Poll.id).where(Poll.thread_id == Thread.id).correlate_except(Poll)
    .scalar_subquery())
