"""Meeting pages for members: the programme (upcoming and past), one meeting, saying
whether you are going, the meeting's .ics file, and your private calendar feed.
Moderators' meeting pages are manage_views.py; topic rounds are round_views.py."""
from flask import (Blueprint, Response, abort, flash, redirect, render_template, session,
                   url_for)
from flask_login import current_user, login_required

from ..permissions import Action, can, require
from ..urls import absolute_url
from ..web.forms import ActionForm
from ..web.toolkit import load_or_404, page_number, require_action_form
from ..validation import DomainError
from . import attendance, calendar, reading, times
from .models import Meeting

bp = Blueprint("meetings", __name__)
_NEW_TOKEN = "meetings.new_feed_token"  # shown once, on the page after a reset


def meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting with its presenters, slides and topics, if the viewer may see it."""
    meeting = reading.meeting_page(meeting_id)
    if meeting is None:
        abort(404)
    return load_or_404(Meeting, meeting.id)


def ics_response(body: bytes, filename: str) -> Response:
    """An .ics download (never cached: it may carry the joining link)."""
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/meetings")
@login_required
def index():
    """Upcoming meetings (soonest first), open topic rounds, and the calendar links."""
    require(current_user, Action.VIEW)
    open_rounds, _ = reading.rounds(current_user)
    return render_template("meetings/index.html", upcoming=reading.upcoming(current_user),
                           open_rounds=open_rounds, form=ActionForm())


@bp.get("/meetings/past")
@login_required
def past():
    """Meetings that are over, most recent first, with their slides and recaps."""
    require(current_user, Action.VIEW)
    pages = reading.past_page_count(current_user)
    page = page_number(pages)
    return render_template("meetings/past.html", meetings=reading.past(current_user, page),
                           page=page, pages=pages)


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id):
    """One meeting: when, how to join, agenda, presenters, attendance; after it, slides,
    notes and the recap discussion."""
    meeting = meeting_or_404(meeting_id)
    return render_template("meetings/meeting.html", meeting=meeting,
                           attendance=reading.attendance(current_user, meeting),
                           form=ActionForm())


def _answer(meeting_id: int, going: bool):
    meeting = load_or_404(Meeting, meeting_id)
    require_action_form()
    try:
        attendance.set_attendance(current_user, meeting, going)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash("Thank you: you are going to this meeting." if going
              else "Thank you: you are not going to this meeting.", "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id, _anchor="attendance"))


@bp.post("/meetings/<int:meeting_id>/going")
@login_required
def going(meeting_id):
    """Say you are going to the meeting."""
    return _answer(meeting_id, True)


@bp.post("/meetings/<int:meeting_id>/not-going")
@login_required
def not_going(meeting_id):
    """Say you are not going to the meeting."""
    return _answer(meeting_id, False)


@bp.get("/meetings/<int:meeting_id>/meeting.ics")
@login_required
def meeting_ics(meeting_id):
    """The meeting as an .ics file for any calendar (with the joining link: members only)."""
    meeting = meeting_or_404(meeting_id)
    body = calendar.calendar_for(
        [meeting], name=meeting.title,
        include_joining_link=can(current_user, Action.SEE_JOINING_LINK, meeting))
    return ics_response(body, calendar.filename_for(meeting))


# -- the private calendar feed ----------------------------------------------------------

@bp.get("/meetings/calendar")
@login_required
def calendar_settings():
    """Your private calendar feed: create its address, reset it, or turn it off."""
    require(current_user, Action.VIEW)
    token = session.pop(_NEW_TOKEN, None)
    feed_url = absolute_url("meetings.feed", token=token) if token else None
    return render_template("meetings/calendar.html", feed_url=feed_url,
                           has_feed=attendance.has_feed(current_user), form=ActionForm())


@bp.post("/meetings/calendar/reset")
@login_required
def reset_feed():
    """Create a new secret feed address (any earlier one stops working)."""
    require(current_user, Action.VIEW)
    require_action_form()
    had_feed = attendance.has_feed(current_user)
    session[_NEW_TOKEN] = attendance.reset_feed(current_user)
    flash("Your new calendar address is below. The old one no longer works." if had_feed
          else "Your calendar address is below.", "success")
    return redirect(url_for("meetings.calendar_settings"))


@bp.post("/meetings/calendar/stop")
@login_required
def stop_feed():
    """Turn the calendar feed off: its address stops working."""
    require(current_user, Action.VIEW)
    require_action_form()
    attendance.stop_feed(current_user)
    flash("Your calendar feed is off. Calendars subscribed to it will stop updating.",
          "success")
    return redirect(url_for("meetings.calendar_settings"))


@bp.get("/meetings/calendar/<token>.ics")
def feed(token):
    """A member's feed of every meeting, at their secret address (no login: calendar apps
    cannot log in). An unknown or reset address, or a member no longer active: 404."""
    owner = attendance.feed_owner(token)
    if owner is None:
        abort(404)
    body = calendar.calendar_for(reading.feed_meetings(owner),
                                 name="Community of Practice meetings")
    return ics_response(body, "community-of-practice-meetings.ics")


@bp.app_template_filter("meeting_when")
def meeting_when(meeting: Meeting) -> str:
    """ "Tuesday 28 March 2027, 10:00 to 11:30 BST": a meeting's time in UK time."""
    return times.describe(meeting.starts_at, meeting.duration_minutes)


@bp.app_template_filter("uk_time")
def uk_time(moment) -> str:
    """ "28 Mar 2027, 10:00 BST": any stored time in UK time, with its zone."""
    return times.short(moment) if moment else ""
