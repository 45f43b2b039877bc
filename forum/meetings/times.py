"""UK time for meetings: entered and shown in Europe/London, stored in UTC.

Twice a year a local time is not simply one moment:

- the last Sunday of March, the clocks go forward at 01:00 GMT: 01:00 to 01:59 never
  happen that day. Such a time is refused with a message saying so (`NonexistentTime`).
- the last Sunday of October, they go back at 02:00 BST: 01:00 to 01:59 happen twice.
  Such a time is taken as the first of the two (still British Summer Time, UTC+1): the
  earlier moment, as `datetime(..., fold=0)` means. Pages show the zone (BST or GMT)
  beside every meeting time, so what was chosen is visible.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from ..validation import DomainError

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class LocalStart:
    """A meeting start entered in UK time: the UTC moment, and a note when the local time
    was ambiguous (the hour that happens twice in October)."""

    utc: datetime
    note: str = ""


def _label(local: datetime) -> str:
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def to_utc(day: date, at: time) -> LocalStart:
    """The UTC moment of `at` o'clock UK time on `day` (see the module docstring for the
    two hours a year that need a rule). Raises DomainError for a time that does not exist."""
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=LONDON)
    utc = local.astimezone(timezone.utc)
    if utc.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DomainError(
            f"{_label(local)} does not exist in UK time: the clocks go forward an hour at "
            f"1:00 that night, straight to 2:00. Choose a time before 1:00 or from 2:00 "
            "onwards.", field="start_time")
    later = local.replace(fold=1).astimezone(timezone.utc)
    note = ""
    if later != utc:
        note = (f"{_label(local)} happens twice in UK time, because the clocks go back an "
                "hour that night. The meeting is set for the first of the two, in British "
                f"Summer Time ({local:%H:%M} BST, {utc:%H:%M} UTC).")
    return LocalStart(utc, note)


def london(moment: datetime) -> datetime:
    """A stored (UTC) time in UK time."""
    return moment.astimezone(LONDON)


def local_parts(moment: datetime) -> tuple[date, time]:
    """The UK date and time of a stored moment (for filling in the edit form)."""
    local = london(moment)
    return local.date(), local.time().replace(tzinfo=None, fold=0)


def describe(moment: datetime, minutes: int | None = None) -> str:
    """ "Tuesday 28 March 2027, 10:00 to 11:30 BST" (or "10:00 BST" without a length)."""
    start = london(moment)
    text = f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}"
    if minutes:
        end = london(moment + timedelta(minutes=minutes))
        if end.date() != start.date():
            text += f" to {end:%A} {end.day} {end:%B}, {end:%H:%M}"
        elif end.tzname() != start.tzname():
            text += f" {start:%Z} to {end:%H:%M}"
        else:
            text += f" to {end:%H:%M}"
        return f"{text} {end:%Z}"
    return f"{text} {start:%Z}"


def short(moment: datetime) -> str:
    """ "28 Mar 2027, 10:00 BST"."""
    local = london(moment)
    return f"{local.day} {local:%b %Y}, {local:%H:%M %Z}"
