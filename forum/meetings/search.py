"""Meetings in the search index: title, presenters, agenda and notes (never the joining
link), and the listeners that queue reindexing whenever a meeting changes. A meeting's
recap discussion is a thread, indexed as every thread is; a meeting's document names it,
so searching for the meeting finds the recap's title too."""
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import events
from ..extensions import db
from ..rendering import plain_text
from ..search.documents import MAX_BODY_CHARS, SearchDoc, key_of
from ..search.indexing import queue_index
from ..search.registry import ResultView, Searchable, register
from . import times
from .models import Meeting, MeetingPresenter


def load_meetings(ids, condition=None) -> list[Meeting]:
    """Meetings with their presenters and recap thread (two queries)."""
    query = (select(Meeting).where(Meeting.id.in_(ids))
             .options(joinedload(Meeting.organiser), joinedload(Meeting.recap_thread),
                      selectinload(Meeting.presenters).options(
                          joinedload(MeetingPresenter.user),
                          joinedload(MeetingPresenter.organisation))))
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query).unique())


def meeting_document(meeting: Meeting) -> SearchDoc:
    """What a meeting is found by: its title, when, presenters, agenda, notes, recap."""
    lines = [times.describe(meeting.starts_at, meeting.duration_minutes)]
    if meeting.is_cancelled:
        lines.append("Cancelled.")
    if meeting.presenters:
        lines.append("Presenting: " + ", ".join(p.name for p in meeting.presenters))
    for html in (meeting.agenda_html, meeting.notes_html):
        if html:
            lines.append(plain_text(html, MAX_BODY_CHARS))
    if meeting.recap_thread is not None and not meeting.recap_thread.is_deleted:
        lines.append(meeting.recap_thread.title)
    return SearchDoc(key=key_of(meeting), kind="meeting", title=meeting.title,
                     body="\n".join(lines)[:MAX_BODY_CHARS], created_at=meeting.starts_at,
                     author_name="Meeting programme", official=True)


def meeting_result(meeting: Meeting) -> ResultView:
    """A meeting hit: links to the meeting's page, dated by when it takes place."""
    where = "Cancelled meeting" if meeting.is_cancelled else "Meeting"
    return ResultView("Meeting", url_for("meetings.meeting", meeting_id=meeting.id), where,
                      meeting, byline_role="organiser", date=meeting.starts_at)


register(Searchable("meeting", Meeting, load_meetings, meeting_document, meeting_result,
                    lambda: db.session.scalars(select(Meeting.id).order_by(Meeting.id))))


@events.meeting_scheduled.connect
@events.meeting_updated.connect
@events.meeting_cancelled.connect
@events.meeting_recap_started.connect
def _meeting_changed(meeting, **extra):
    queue_index(meeting)


@events.thread_edited.connect
def _recap_renamed(thread, **extra):
    """A recap's title is in its meeting's document."""
    meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.recap_thread_id
                                                            == thread.id))
    if meeting_id is not None:
        queue_index(f"meeting:{meeting_id}")
