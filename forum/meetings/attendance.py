"""What members do about meetings: say whether they are going, and keep a private
calendar feed of the whole programme at a secret address they can reset.

Only a SHA-256 hash of a feed's token is stored, so the address exists only in what the
member was shown (and their calendar app). Resetting replaces the hash: the old address
then finds nothing (404).
"""
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import events
from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..permissions import MEMBERS, Action, require, role_of
from ..transactions import use_case
from ..validation import DomainError
from .models import CalendarFeed, Meeting, MeetingAttendance

TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 100


def dialect_insert(model):
    """INSERT ... ON CONFLICT for this database (both speak it)."""
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(model)


@use_case
def set_attendance(member, meeting: Meeting, going: bool) -> MeetingAttendance:
    """Record that `member` is (or is not) going to `meeting`; saying it again is a no-op."""
    require(member, Action.VIEW, meeting)
    if meeting.is_cancelled:
        raise DomainError("This meeting is cancelled.")
    if meeting.is_over():
        raise DomainError("This meeting is over, so attendance can no longer change.")
    require(member, Action.ATTEND_MEETING, meeting)
    going = bool(going)
    before = db.session.get(MeetingAttendance, (meeting.id, member.id))
    if before is not None and before.going == going:
        return before
    # One statement whoever clicks twice at once: the last answer stands.
    db.session.execute(
        dialect_insert(MeetingAttendance).values(meeting_id=meeting.id, user_id=member.id,
                                          going=going, updated_at=utcnow())
        .on_conflict_do_update(index_elements=["meeting_id", "user_id"],
                               set_={"going": going, "updated_at": utcnow()}))
    attendance = db.session.get(MeetingAttendance, (meeting.id, member.id),
                                populate_existing=True)
    events.attendance_changed.send(attendance, actor=member, going=going)
    return attendance


def attendance_of(member, meeting: Meeting) -> MeetingAttendance | None:
    """The member's answer for `meeting`, if they gave one."""
    return db.session.get(MeetingAttendance, (meeting.id, member.id))


# -- private calendar feeds ---------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@use_case
def reset_feed(member) -> str:
    """A new secret token for `member`'s calendar feed (the old address stops working).
    Returns the token: show it once; only its hash is kept."""
    if role_of(member) not in MEMBERS:
        raise DomainError("Only members have a calendar feed.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.execute(
        dialect_insert(CalendarFeed).values(user_id=member.id, token_hash=_hash(token),
                                     created_at=utcnow())
        .on_conflict_do_update(index_elements=["user_id"],
                               set_={"token_hash": _hash(token), "created_at": utcnow()}))
    events.calendar_feed_reset.send(member, actor=member)
    return token


@use_case
def stop_feed(member) -> None:
    """Turn `member`'s calendar feed off: its address finds nothing from now on."""
    feed = db.session.get(CalendarFeed, member.id)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()
        events.calendar_feed_reset.send(member, actor=member)


def has_feed(member) -> bool:
    """Whether `member` has a calendar feed address at the moment."""
    return db.session.get(CalendarFeed, member.id) is not None


def feed_owner(token: str) -> User | None:
    """The active member whose feed `token` opens, or None (unknown, reset, or the member
    is no longer active)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    user = db.session.scalar(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
                             .where(CalendarFeed.token_hash == _hash(token)))
    if user is None or role_of(user) not in MEMBERS:
        return None
    return user
