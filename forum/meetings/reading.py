"""What meeting pages read: the upcoming and past programme, one meeting's attendance
(how many are going, who from the viewer's organisation), rounds, and the home page's
section (the next meeting and any open round).

Everything goes through the policy's query twin (`listed`), and each page costs a fixed
number of queries whatever the number of meetings, presenters or answers.
"""
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..permissions import MEMBERS, listed, role_of, visible
from .models import (SCHEDULED, Meeting, MeetingAttendance, MeetingPresenter, MeetingSlide,
                     TopicBallot, TopicRound)

PAST_PER_PAGE = 20


@dataclass
class MeetingSummary:
    """A meeting as a list shows it, with how many members said they are going and the
    viewer's own answer (None: not given)."""

    meeting: Meeting
    going: int = 0
    mine: bool | None = None


@dataclass
class Attendance:
    """A meeting's attendance as its page shows it to one member."""

    going: int
    mine: bool | None
    colleagues: list[User] = field(default_factory=list)  # going, from the viewer's org


@dataclass
class OpenRound:
    """An open round on the home page, with how many votes the viewer has used."""

    round: TopicRound
    votes_used: int


def _going_counts():
    return (select(MeetingAttendance.meeting_id, func.count().label("n"))
            .where(MeetingAttendance.going.is_(True))
            .group_by(MeetingAttendance.meeting_id).subquery())


def _summaries(viewer, query) -> list[MeetingSummary]:
    """Meetings with going counts and the viewer's answers, presenters eager-loaded
    (two queries)."""
    counts = _going_counts()
    mine = (select(MeetingAttendance.meeting_id, MeetingAttendance.going)
            .where(MeetingAttendance.user_id == viewer.id).subquery())
    rows = db.session.execute(
        query.add_columns(func.coalesce(counts.c.n, 0), mine.c.going)
        .outerjoin(counts, counts.c.meeting_id == Meeting.id)
        .outerjoin(mine, mine.c.meeting_id == Meeting.id)
        .options(selectinload(Meeting.presenters).options(
            joinedload(MeetingPresenter.user), joinedload(MeetingPresenter.organisation)))
    ).all()
    return [MeetingSummary(meeting, going, answer) for meeting, going, answer in rows]


def upcoming(viewer, now=None) -> list[MeetingSummary]:
    """Meetings not yet over (cancelled ones too, marked), soonest first."""
    now = now or utcnow()
    return _summaries(viewer, select(Meeting).where(listed(viewer, Meeting),
                                                    Meeting.ends_at > now)
                      .order_by(Meeting.starts_at, Meeting.id))


def past_page_count(viewer, now=None) -> int:
    """How many pages of past meetings there are (at least one)."""
    total = db.session.scalar(select(func.count(Meeting.id)).where(
        listed(viewer, Meeting), Meeting.ends_at <= (now or utcnow())))
    return max(1, -(-total // PAST_PER_PAGE))


def past(viewer, page: int = 1, now=None) -> list[MeetingSummary]:
    """Meetings that are over, most recent first, a page at a time."""
    return _summaries(viewer, select(Meeting).where(listed(viewer, Meeting),
                                                    Meeting.ends_at <= (now or utcnow()))
                      .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
                      .offset((page - 1) * PAST_PER_PAGE).limit(PAST_PER_PAGE))


def meeting_page(meeting_id: int) -> Meeting | None:
    """A meeting with its presenters, slides (and their resources) and topics loaded."""
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.presenters).options(
            joinedload(MeetingPresenter.user), joinedload(MeetingPresenter.organisation)),
            selectinload(Meeting.slides).joinedload(MeetingSlide.resource),
            selectinload(Meeting.topics), joinedload(Meeting.recap_thread)))


def attendance(viewer, meeting: Meeting) -> Attendance:
    """How many are going, the viewer's answer, and who from their organisation is going
    (only members whose profiles the viewer may see): two queries."""
    going, mine = db.session.execute(
        select(func.count().filter(MeetingAttendance.going.is_(True)),
               func.max(MeetingAttendance.going.cast(db.Integer))
               .filter(MeetingAttendance.user_id == viewer.id))
        .where(MeetingAttendance.meeting_id == meeting.id)).one()
    colleagues = []
    if viewer.organisation_id is not None:
        colleagues = list(db.session.scalars(
            select(User).join(MeetingAttendance, and_(MeetingAttendance.user_id == User.id,
                                                      MeetingAttendance.meeting_id
                                                      == meeting.id))
            .where(MeetingAttendance.going.is_(True), User.id != viewer.id,
                   User.organisation_id == viewer.organisation_id, User.status == "active",
                   visible(viewer, User))
            .order_by(User.display_name, User.id)))
    return Attendance(going or 0, None if mine is None else bool(mine), colleagues)


def feed_meetings(viewer) -> list[Meeting]:
    """Every meeting, for a calendar feed (presenters loaded): one or two queries."""
    return list(db.session.scalars(
        select(Meeting).where(listed(viewer, Meeting)).order_by(Meeting.starts_at, Meeting.id)
        .options(selectinload(Meeting.presenters).options(
            joinedload(MeetingPresenter.user), joinedload(MeetingPresenter.organisation)))))


def scheduled_choices(now=None) -> list[Meeting]:
    """Meetings a topic can be linked to: scheduled ones, soonest upcoming first, then
    the past ones (most recent first)."""
    now = now or utcnow()
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.status == SCHEDULED)
                                       .order_by(Meeting.starts_at.desc())))
    return sorted((m for m in meetings if m.ends_at > now), key=lambda m: m.starts_at) + [
        m for m in meetings if m.ends_at <= now]


def rounds(viewer, now=None) -> tuple[list[TopicRound], list[TopicRound]]:
    """(open rounds closing soonest first, closed rounds most recent first): one query."""
    now = now or utcnow()
    every = list(db.session.scalars(select(TopicRound).where(listed(viewer, TopicRound))
                                    .order_by(TopicRound.closes_at.desc(), TopicRound.id)))
    open_ = sorted((r for r in every if r.is_open(now)), key=lambda r: (r.closes_at, r.id))
    return open_, sorted((r for r in every if not r.is_open(now)),
                         key=lambda r: (r.ended_at(), r.id), reverse=True)


# -- the home page ----------------------------------------------------------------------

def next_meeting(viewer, now=None) -> MeetingSummary | None:
    """The next scheduled meeting not yet over, with its going count: two queries."""
    now = now or utcnow()
    found = _summaries(viewer, select(Meeting).where(
        listed(viewer, Meeting), Meeting.status == SCHEDULED, Meeting.ends_at > now)
        .order_by(Meeting.starts_at, Meeting.id).limit(1))
    return found[0] if found else None


def open_rounds(viewer, now=None) -> list[OpenRound]:
    """Rounds open now, closing soonest first, with the viewer's votes used: one query."""
    now = now or utcnow()
    rows = db.session.execute(
        select(TopicRound, func.coalesce(TopicBallot.votes_used, 0))
        .outerjoin(TopicBallot, and_(TopicBallot.round_id == TopicRound.id,
                                     TopicBallot.user_id == viewer.id))
        .where(listed(viewer, TopicRound), TopicRound.closed_at.is_(None),
               TopicRound.closes_at > now)
        .order_by(TopicRound.closes_at, TopicRound.id)).all()
    return [OpenRound(round_, used) for round_, used in rows]


def home_section(viewer) -> dict | None:
    """What templates/meetings/_home.html needs, or None when there is nothing to show."""
    if role_of(viewer) not in MEMBERS:
        return None
    meeting, open_now = next_meeting(viewer), open_rounds(viewer)
    if meeting is None and not open_now:
        return None
    return {"next_meeting": meeting, "open_rounds": open_now}
