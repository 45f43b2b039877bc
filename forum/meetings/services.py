"""Running the meeting programme: schedule, edit and cancel meetings; after a meeting, its
slides (library resources, linked or uploaded), notes and recap discussion. Members'
attendance and calendar feeds are in attendance.py, topic rounds in rounds.py, what pages
read in reading.py, the .ics files in calendar.py.

Every function decorated `@use_case` commits once and announces what changed
(forum/events.py). `sequence` (the calendar's SEQUENCE) goes up by one with every change
to what a calendar shows: title, times, joining link, agenda, presenters, status.
"""
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from .. import events
from ..accounts.models import Organisation, User
from ..database import utcnow
from ..discussions import services as discussions
from ..discussions.models import Category
from ..extensions import db
from ..files.uploads import Upload
from ..permissions import Action, require
from ..rendering import MAX_SOURCE_LENGTH, render_markdown
from ..resources import services as resources
from ..resources.models import Resource
from ..transactions import use_case
from ..validation import DomainError
from . import times
from .models import CANCELLED, Meeting, MeetingPresenter, MeetingSlide, TopicProposal

MIN_MINUTES, MAX_MINUTES = 15, 12 * 60
MAX_PRESENTERS = 20
MAX_SLIDES = 30
YEARS_EITHER_WAY = 10
_RESOURCE_PATH = re.compile(r"^/resources/(\d{1,9})(?:/.*)?$")
_SPLIT = re.compile(r"[,;\s]+")


@dataclass
class MeetingDetails:
    """What a moderator enters for a meeting (shape already checked by the form)."""

    title: str
    day: date
    start_time: time
    duration_minutes: int
    joining_url: str = ""
    agenda: str = ""
    presenter_emails: str = ""  # members, by email address: commas, spaces or lines
    organisation_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Saved:
    """A saved meeting, and a note for the moderator about its time (see times.to_utc)."""

    meeting: Meeting
    note: str = ""


def check_joining_url(url: str) -> str:
    """A joining link: empty, or a full http(s) address (never javascript: and the like)."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url) if len(url) <= 2000 else None
    except ValueError:
        parts = None
    if (parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc
            or any(ch.isspace() or ord(ch) < 32 for ch in url)):
        raise DomainError("Enter the joining link as a full web address starting with "
                          "https:// or http://.", field="joining_url")
    return url


def _check(details: MeetingDetails) -> times.LocalStart:
    title = " ".join((details.title or "").split())
    if not 3 <= len(title) <= 200:
        raise DomainError("Title must be between 3 and 200 characters.", field="title")
    details.title = title
    if not MIN_MINUTES <= (details.duration_minutes or 0) <= MAX_MINUTES:
        raise DomainError(f"A meeting lasts from {MIN_MINUTES} minutes to "
                          f"{MAX_MINUTES // 60} hours.", field="duration_minutes")
    if len(details.agenda or "") > MAX_SOURCE_LENGTH:
        raise DomainError(f"The agenda must be {MAX_SOURCE_LENGTH:,} characters or fewer.",
                          field="agenda")
    today, span = utcnow().date(), timedelta(days=365 * YEARS_EITHER_WAY)
    if not today - span <= details.day <= today + span:
        raise DomainError(f"Choose a date within {YEARS_EITHER_WAY} years of today.",
                          field="day")
    details.joining_url = check_joining_url(details.joining_url)
    return times.to_utc(details.day, details.start_time)


def _presenters(details: MeetingDetails) -> list[tuple[User | None, Organisation | None]]:
    """(member, None) and (None, organisation) pairs, in the order given, no repeats."""
    emails = list(dict.fromkeys(e.lower() for e in _SPLIT.split(details.presenter_emails or "")
                                if e))
    org_ids = list(dict.fromkeys(details.organisation_ids or []))
    if len(emails) + len(org_ids) > MAX_PRESENTERS:
        raise DomainError(f"A meeting has at most {MAX_PRESENTERS} presenters.",
                          field="presenters")
    users = {u.email.lower(): u for u in db.session.scalars(
        select(User).where(func.lower(User.email).in_(emails), User.status == "active"))
    } if emails else {}
    missing = [email for email in emails if email not in users]
    if missing:
        raise DomainError("No active member has the email address "
                          + ", ".join(missing[:5]) + ". Check the spelling, or leave it out.",
                          field="presenters")
    organisations = {o.id: o for o in db.session.scalars(
        select(Organisation).where(Organisation.id.in_(org_ids)))} if org_ids else {}
    if len(organisations) != len(org_ids):
        raise DomainError("Choose organisations from the list.", field="organisation_ids")
    return ([(users[e], None) for e in emails] + [(None, organisations[i]) for i in org_ids])


def _set_presenters(meeting: Meeting, pairs) -> bool:
    """Replace the presenters if they differ; True when they changed."""
    wanted = [(u.id if u else None, o.id if o else None) for u, o in pairs]
    current = [(p.user_id, p.organisation_id) for p in meeting.presenters]
    if wanted == current:
        return False
    meeting.presenters.clear()
    db.session.flush()  # the old rows go before new ones take their (meeting, who) keys
    for position, (user, organisation) in enumerate(pairs):
        meeting.presenters.append(MeetingPresenter(user=user, organisation=organisation,
                                                   position=position))
    return True


def _write(meeting: Meeting, details: MeetingDetails, start: times.LocalStart) -> list[str]:
    """Copy the details onto the meeting; the names of the fields that changed."""
    changed = []
    values = {"title": details.title, "starts_at": start.utc,
              "duration_minutes": details.duration_minutes,
              "joining_url": details.joining_url, "agenda_source": details.agenda or ""}
    for name, value in values.items():
        if getattr(meeting, name) != value:
            setattr(meeting, name, value)
            changed.append({"starts_at": "start", "agenda_source": "agenda"}.get(name, name))
    meeting.ends_at = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    if "agenda" in changed:
        meeting.agenda_html = render_markdown(meeting.agenda_source) if meeting.agenda_source \
            else ""
    return changed


@use_case
def schedule_meeting(moderator, details: MeetingDetails,
                     topic: TopicProposal | None = None) -> Saved:
    """Add a meeting to the programme (from a winning topic, when `topic` is given)."""
    require(moderator, Action.MANAGE_MEETINGS)
    start = _check(details)
    pairs = _presenters(details)
    now = utcnow()
    meeting = Meeting(uid=f"{uuid.uuid4()}@community-of-practice", organiser=moderator,
                      created_at=now, updated_at=now, sequence=0, status="scheduled",
                      title="", joining_url="", agenda_source="", agenda_html="",
                      starts_at=start.utc, duration_minutes=details.duration_minutes)
    _write(meeting, details, start)
    db.session.add(meeting)
    _set_presenters(meeting, pairs)
    db.session.flush()
    if topic is not None:
        topic.meeting = meeting
    events.meeting_scheduled.send(meeting, actor=moderator, topic=topic)
    if topic is not None:
        events.topic_linked.send(topic, actor=moderator, meeting=meeting)
    return Saved(meeting, start.note)


@use_case
def update_meeting(moderator, meeting: Meeting, details: MeetingDetails) -> Saved:
    """Change a meeting's details; a change calendars show bumps its SEQUENCE."""
    require(moderator, Action.MANAGE_MEETINGS)
    start = _check(details)
    pairs = _presenters(details)
    changed = _write(meeting, details, start)
    if _set_presenters(meeting, pairs):
        changed.append("presenters")
    if changed:
        meeting.sequence += 1
        meeting.updated_at = utcnow()
        db.session.flush()
        events.meeting_updated.send(meeting, actor=moderator, changed=tuple(changed))
    return Saved(meeting, start.note if "start" in changed else "")


@use_case
def cancel_meeting(moderator, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancel a meeting: it stays in the programme, marked cancelled (and in calendars)."""
    require(moderator, Action.MANAGE_MEETINGS)
    if meeting.is_cancelled:
        raise DomainError("This meeting is already cancelled.")
    meeting.status = CANCELLED
    meeting.cancel_reason = " ".join((reason or "").split())[:500]
    meeting.sequence += 1
    meeting.updated_at = utcnow()
    db.session.flush()
    events.meeting_cancelled.send(meeting, actor=moderator, reason=meeting.cancel_reason)
    return meeting


# -- after the meeting ------------------------------------------------------------------

@use_case
def save_notes(moderator, meeting: Meeting, notes: str) -> Meeting:
    """Set the meeting's notes (Markdown; empty removes them)."""
    require(moderator, Action.MANAGE_MEETINGS)
    notes = notes or ""
    if len(notes) > MAX_SOURCE_LENGTH:
        raise DomainError(f"The notes must be {MAX_SOURCE_LENGTH:,} characters or fewer.",
                          field="notes")
    if notes == meeting.notes_source:
        return meeting
    meeting.notes_source = notes
    meeting.notes_html = render_markdown(notes) if notes else ""
    meeting.updated_at = utcnow()
    db.session.flush()
    events.meeting_updated.send(meeting, actor=moderator, changed=("notes",))
    return meeting


def resource_id_of(reference: str) -> int:
    """'12', '/resources/12' or 'https://…/resources/12/…' -> 12, or a DomainError."""
    raw = (reference or "").strip()
    if raw.isdigit() and 0 < len(raw) < 10:
        return int(raw)
    try:
        path = urlsplit(raw).path if len(raw) <= 2000 else ""
    except ValueError:
        path = ""
    found = _RESOURCE_PATH.match(path.rstrip("/"))
    if found is None:
        raise DomainError("Enter the address of a resource in the library (for example "
                          "…/resources/12) or its number.", field="reference")
    return int(found.group(1))


def _link_slide(moderator, meeting: Meeting, resource: Resource) -> MeetingSlide:
    slides = list(db.session.scalars(select(MeetingSlide).where(
        MeetingSlide.meeting_id == meeting.id).order_by(MeetingSlide.position)))
    if any(slide.resource_id == resource.id for slide in slides):
        raise DomainError(f"“{resource.title}” is already linked to this meeting.",
                          field="reference")
    if len(slides) >= MAX_SLIDES:
        raise DomainError(f"A meeting has at most {MAX_SLIDES} slides and handouts.",
                          field="reference")
    slide = MeetingSlide(meeting=meeting, resource=resource, added_by_id=moderator.id,
                         position=(slides[-1].position + 1) if slides else 1,
                         created_at=utcnow())
    db.session.add(slide)
    db.session.flush()
    events.meeting_slide_added.send(slide, actor=moderator)
    return slide


@use_case
def link_slides(moderator, meeting: Meeting, reference: str) -> MeetingSlide:
    """Link a library resource (by its address or number) as the meeting's slides."""
    require(moderator, Action.MANAGE_MEETINGS)
    resource = db.session.get(Resource, resource_id_of(reference))
    if resource is None or resource.is_deleted:
        raise DomainError("There is no resource with that number in the library (it may "
                          "have been removed).", field="reference")
    return _link_slide(moderator, meeting, resource)


@use_case
def upload_slides(moderator, meeting: Meeting, upload: Upload, *, title: str,
                  category: Category) -> MeetingSlide:
    """Put an uploaded file in the library (with its discussion, as any shared resource)
    and link it as the meeting's slides: one transaction for both."""
    require(moderator, Action.MANAGE_MEETINGS)
    when = times.london(meeting.starts_at)
    resource = resources.share_resource(
        moderator, title=title, category=category, upload=upload,
        description=f"Slides from the Community of Practice meeting “{meeting.title}” on "
                    f"{when.day} {when:%B %Y}.")
    return _link_slide(moderator, meeting, resource)


@use_case
def remove_slide(moderator, slide: MeetingSlide) -> None:
    """Unlink a resource from the meeting (it stays in the library)."""
    require(moderator, Action.MANAGE_MEETINGS)
    events.meeting_slide_removed.send(slide, actor=moderator)
    db.session.delete(slide)
    db.session.flush()


@use_case
def start_recap(moderator, meeting: Meeting, *, category: Category, body: str) -> Meeting:
    """Open the meeting's recap discussion in `category` ("Recap: <title>")."""
    require(moderator, Action.MANAGE_MEETINGS)
    if meeting.recap_thread is not None and not meeting.recap_thread.is_deleted:
        raise DomainError("This meeting already has a recap discussion.", field="body")
    title = f"Recap: {meeting.title}"[:200]
    meeting.recap_thread = discussions.open_thread(moderator, category, title=title,
                                                   body=body)
    meeting.updated_at = utcnow()
    db.session.flush()
    events.meeting_recap_started.send(meeting, actor=moderator, thread=meeting.recap_thread)
    return meeting
