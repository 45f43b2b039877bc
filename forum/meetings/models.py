"""Meetings (with presenters, slides, attendance and members' private calendar feeds)
and topic rounds (proposals and members' votes).

Every time is stored in UTC (`UTCDateTime`); meetings are entered and shown in UK time
(forum/meetings/times.py).
"""
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..database import TimestampMixin, UTCDateTime, utcnow
from ..discussions.models import Thread
from ..extensions import db
from ..resources.models import Resource

SCHEDULED, CANCELLED = "scheduled", "cancelled"
STATUSES = {SCHEDULED: "Scheduled", CANCELLED: "Cancelled"}


class Meeting(TimestampMixin, db.Model):
    """One Community of Practice meeting: when, how to join, what it is about, and after
    it the slides, notes and recap discussion.

    `uid` is the calendar identity (stable across edits); `sequence` goes up by one on
    every change a calendar should pick up (RFC 5545 SEQUENCE)."""

    __table_args__ = (Index("ix_meeting_start", "starts_at"),
                      CheckConstraint("status IN ('scheduled', 'cancelled')", name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int]
    joining_url: Mapped[str] = mapped_column(String(2000), default="")
    agenda_source: Mapped[str] = mapped_column(Text, default="")
    agenda_html: Mapped[str] = mapped_column(Text, default="")
    notes_source: Mapped[str] = mapped_column(Text, default="")
    notes_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED)
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recap_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="SET NULL"))

    organiser: Mapped[User | None] = relationship()
    recap_thread: Mapped[Thread | None] = relationship()
    presenters: Mapped[list["MeetingPresenter"]] = relationship(
        back_populates="meeting", order_by="MeetingPresenter.position",
        cascade="all, delete-orphan", passive_deletes=True)
    slides: Mapped[list["MeetingSlide"]] = relationship(
        back_populates="meeting", order_by="MeetingSlide.position",
        cascade="all, delete-orphan", passive_deletes=True)
    topics: Mapped[list["TopicProposal"]] = relationship(back_populates="meeting",
                                                         order_by="TopicProposal.id")

    @property
    def is_cancelled(self) -> bool:
        """The meeting will not take place (it stays in the programme, marked)."""
        return self.status == CANCELLED

    @property
    def status_label(self) -> str:
        """ "Scheduled" or "Cancelled"."""
        return STATUSES.get(self.status, self.status)

    def is_over(self, now: datetime | None = None) -> bool:
        """The meeting has ended (by its scheduled end)."""
        return self.ends_at <= (now or utcnow())

    @property
    def duration(self) -> timedelta:
        """How long the meeting lasts."""
        return timedelta(minutes=self.duration_minutes)


class MeetingPresenter(db.Model):
    """Who presents at a meeting: a member, or an organisation (an accredited employer)."""

    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_meeting_presenter_user"),
        UniqueConstraint("meeting_id", "organisation_id", name="uq_meeting_presenter_org"),
        CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)", name="one_presenter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"))

    meeting: Mapped[Meeting] = relationship(back_populates="presenters")
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def name(self) -> str:
        """The member's display name, or the organisation's name."""
        return self.user.display_name if self.user is not None else self.organisation.name


class MeetingSlide(TimestampMixin, db.Model):
    """A library resource shown at a meeting (its slides, handouts)."""

    __table_args__ = (UniqueConstraint("meeting_id", "resource_id",
                                       name="uq_meeting_slide_resource"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="slides")
    resource: Mapped[Resource] = relationship()


class MeetingAttendance(db.Model):
    """A member's answer to "are you going?" for one meeting."""

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    going: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    user: Mapped[User] = relationship()

    @property
    def author_id(self) -> int:
        """Whose answer it is (the audit log leaves members' own doings out)."""
        return self.user_id


class CalendarFeed(db.Model):
    """A member's private calendar feed: only a SHA-256 hash of its secret token is kept,
    so the address cannot be read back from the database (resetting replaces it)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


# -- topic rounds -----------------------------------------------------------------------

class TopicRound(TimestampMixin, db.Model):
    """A call for meeting topics: members propose and vote until `closes_at` (or until a
    moderator closes it early: `closed_at`)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    votes_per_member: Mapped[int] = mapped_column(default=3)
    tallies_visible: Mapped[bool] = mapped_column(default=False)  # before closing
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    proposals: Mapped[list["TopicProposal"]] = relationship(
        back_populates="round", order_by="TopicProposal.id", cascade="all, delete-orphan",
        passive_deletes=True)

    def is_open(self, now: datetime | None = None) -> bool:
        """Proposals and votes are taken: not closed early, closing time not reached."""
        return self.closed_at is None and (now or utcnow()) < self.closes_at

    def ended_at(self) -> datetime:
        """When it closed (or will close)."""
        return self.closed_at or self.closes_at


class TopicProposal(TimestampMixin, db.Model):
    """A topic a member proposes in a round. Titles are unique per round once normalised
    ("Workplace culture!" and "workplace  culture" are the same topic). A merged
    proposal points to the one it was merged into; its votes moved there."""

    __table_args__ = (UniqueConstraint("round_id", "normalised_title",
                                       name="uq_topic_proposal_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("topic_round.id", ondelete="CASCADE"),
                                          index=True)
    title: Mapped[str] = mapped_column(String(200))
    normalised_title: Mapped[str] = mapped_column(String(200))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic_proposal.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"),
                                                   index=True)

    round: Mapped[TopicRound] = relationship(back_populates="proposals")
    author: Mapped[User | None] = relationship()
    merged_into: Mapped["TopicProposal | None"] = relationship(remote_side=[id])
    meeting: Mapped[Meeting | None] = relationship(back_populates="topics")

    @property
    def is_merged(self) -> bool:
        """Merged into another proposal (its votes moved there)."""
        return self.merged_into_id is not None


class TopicVote(TimestampMixin, db.Model):
    """One member's vote for one proposal (at most one each: the unique constraint)."""

    __table_args__ = (UniqueConstraint("proposal_id", "user_id", name="uq_topic_vote"),
                      Index("ix_topic_vote_round_user", "round_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("topic_round.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("topic_proposal.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))

    proposal: Mapped[TopicProposal] = relationship()

    @property
    def author_id(self) -> int:
        """Whose vote it is (the audit log leaves members' own doings out)."""
        return self.user_id


class TopicBallot(db.Model):
    """How many of their votes a member has used in a round. Every vote takes one with a
    conditional UPDATE (`votes_used < limit`), which also serialises a member's
    concurrent votes, so two at once can never exceed the limit."""

    __table_args__ = (CheckConstraint("votes_used >= 0", name="votes_used"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("topic_round.id", ondelete="CASCADE"),
                                          primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    votes_used: Mapped[int] = mapped_column(default=0)
