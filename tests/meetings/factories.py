"""Meetings and topic rounds for tests, made through the real services (and raw rows for
the policy matrix)."""
from datetime import date, datetime, time, timedelta, timezone

from forum.database import utcnow
from forum.meetings import rounds, services, times
from forum.meetings.models import Meeting, TopicProposal, TopicRound

from ..factories import make_moderator


def local_day(days: int) -> date:
    """The UK date `days` from today."""
    return times.london(utcnow() + timedelta(days=days)).date()


def details(title="Workplace culture", day=None, at=time(10, 0), minutes=90, **overrides):
    """Meeting details as a moderator enters them (default: in 20 days, 10:00 UK time)."""
    values = dict(title=title, day=day or local_day(20), start_time=at,
                  duration_minutes=minutes, joining_url="https://meet.example.org/cop",
                  agenda="1. Welcome\n2. **Talk**")
    values.update(overrides)
    return services.MeetingDetails(**values)


def make_meeting(moderator=None, **overrides) -> Meeting:
    """A scheduled meeting (see `details`)."""
    return services.schedule_meeting(moderator or make_moderator(), details(**overrides)).meeting


def make_round(moderator=None, *, days=14, votes=3, tallies=False,
               title="Topics for next year's meetings") -> TopicRound:
    """An open round closing in `days` days at 17:00 UK time."""
    return rounds.open_round(moderator or make_moderator(), title=title,
                             closes_on=local_day(days), closes_time=time(17, 0),
                             votes_per_member=votes, tallies_visible=tallies)


def propose(member, round_, title, description="") -> TopicProposal:
    """A proposal by `member`."""
    return rounds.propose_topic(member, round_, title=title, description=description)


def policy_matrix_rows(organiser) -> list:
    """A scheduled and a cancelled meeting, an open and a closed round, a live and a
    merged proposal: the states the meeting rules look at."""
    now = datetime.now(timezone.utc)
    rows = []
    for n, status in enumerate(("scheduled", "cancelled")):
        start = now + timedelta(days=3 + n)
        rows.append(Meeting(uid=f"matrix-{n}", title=f"M {status}", starts_at=start,
                            ends_at=start + timedelta(hours=1), duration_minutes=60,
                            status=status, organiser=organiser))
    open_round = TopicRound(title="Open", closes_at=now + timedelta(days=5))
    closed = TopicRound(title="Closed", closes_at=now - timedelta(days=1))
    kept = TopicProposal(round=open_round, title="Kept", normalised_title="kept")
    merged = TopicProposal(round=open_round, title="Merged", normalised_title="merged",
                           merged_into=kept)
    later = TopicProposal(round=closed, title="Later", normalised_title="later")
    return rows + [open_round, closed, kept, merged, later]
