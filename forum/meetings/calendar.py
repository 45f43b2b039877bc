"""Calendar files (RFC 5545, built with the `icalendar` package): one meeting's .ics and a
member's feed of the whole programme.

Times are written in UK time with TZID=Europe/London and the matching VTIMEZONE, so a
calendar shows 10:00 whether the meeting falls in GMT or BST. Each meeting keeps its UID
for ever (calendars update the event instead of adding another), SEQUENCE is the
meeting's `sequence` (bumped by every change calendars show), and a cancelled meeting
stays in with STATUS:CANCELLED so calendars take it out.
"""
from datetime import timedelta

from icalendar import Calendar, Event

from ..rendering import plain_text
from ..urls import absolute_url
from . import times
from .models import Meeting

PRODUCT = "-//Close the Gap//Community of Practice forum//EN"
MAX_DESCRIPTION = 4000


def _event(meeting: Meeting, *, include_joining_link: bool) -> Event:
    page = absolute_url("meetings.meeting", meeting_id=meeting.id)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", times.london(meeting.starts_at))
    event.add("dtend", times.london(meeting.ends_at))
    event.add("summary", meeting.title)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("url", page)
    lines = []
    if meeting.is_cancelled:
        lines.append("This meeting is cancelled."
                     + (f" {meeting.cancel_reason}" if meeting.cancel_reason else ""))
    link = meeting.joining_url if include_joining_link and not meeting.is_cancelled else ""
    if link:
        event.add("location", link)
        lines.append(f"Join: {link}")
    if meeting.presenters:
        lines.append("Presenting: " + ", ".join(p.name for p in meeting.presenters))
    if meeting.agenda_html:
        lines.append(plain_text(meeting.agenda_html, MAX_DESCRIPTION))
    lines.append(f"Meeting page: {page}")
    event.add("description", "\n\n".join(lines))
    return event


def calendar_for(meetings: list[Meeting], *, name: str,
                 include_joining_link: bool = True) -> bytes:
    """An .ics calendar holding `meetings` (with their time zone), as bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    for meeting in meetings:
        calendar.add_component(_event(meeting, include_joining_link=include_joining_link))
    if meetings:
        # The zone's rules for the years the meetings span (not since 1970: smaller files).
        first = min(m.starts_at for m in meetings).date() - timedelta(days=366)
        last = max(m.ends_at for m in meetings).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def filename_for(meeting: Meeting) -> str:
    """ "meeting-2027-03-28.ics" (ASCII only, safe in a header)."""
    return f"meeting-{times.london(meeting.starts_at):%Y-%m-%d}-{meeting.id}.ics"
