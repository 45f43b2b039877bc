"""Moderators' meeting pages: schedule (also from a winning topic), edit and cancel a
meeting; after it, the follow-up page: notes, slides (linked from the library or
uploaded to it) and the recap discussion. Every view needs MANAGE_MEETINGS: members get
403 (the meetings themselves are theirs to see)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.models import Organisation
from ..discussions import services as discussions
from ..discussions.models import Category
from ..extensions import db, limiter
from ..permissions import Action, require
from ..validation import DomainError
from ..web.forms import ActionForm, add_form_error
from ..web.toolkit import QueryArgs, load_or_404, post_limit, receiving, require_action_form
from . import services, times
from .forms import CancelForm, MeetingForm, NotesForm, RecapForm, SlideLinkForm, SlideUploadForm
from .models import Meeting, MeetingSlide, TopicProposal
from .views import bp, meeting_or_404


def _managed(meeting_id: int) -> Meeting:
    meeting = meeting_or_404(meeting_id)
    require(current_user, Action.MANAGE_MEETINGS, meeting)
    return meeting


def _meeting_form(**kwargs) -> MeetingForm:
    form = MeetingForm(**kwargs)
    form.fill_organisations(db.session.scalars(db.select(Organisation)
                                               .order_by(Organisation.name)))
    return form


def _details(form: MeetingForm) -> services.MeetingDetails:
    return services.MeetingDetails(
        title=form.title.data, day=form.day.data, start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data, joining_url=form.joining_url.data or "",
        agenda=form.agenda.data or "", presenter_emails=form.presenters.data or "",
        organisation_ids=form.organisation_ids.data or [])


def _topic(raw) -> TopicProposal | None:
    """The winning topic a new meeting is made from (?topic= or the form's topic_id)."""
    raw = str(raw or "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    topic = load_or_404(TopicProposal, int(raw))
    if topic.is_merged:
        abort(404)
    return topic


def _flash_saved(saved: services.Saved, message: str) -> None:
    flash(message, "success")
    if saved.note:
        flash(saved.note, "info")


@bp.get("/meetings/new")
@login_required
def new():
    """The form for a new meeting (filled in from a topic with ?topic=)."""
    require(current_user, Action.MANAGE_MEETINGS)
    topic = _topic(QueryArgs().id("topic") or request.args.get("topic"))
    form = _meeting_form()
    if topic is not None:
        form.title.data, form.agenda.data = topic.title, topic.description_source
        form.topic_id.data = str(topic.id)
    return render_template("meetings/edit.html", form=form, meeting=None, topic=topic)


@bp.post("/meetings/new")
@login_required
@limiter.limit(post_limit)
def new_post():
    """Schedule a meeting."""
    require(current_user, Action.MANAGE_MEETINGS)
    form = _meeting_form()
    topic = _topic(form.topic_id.data)
    if form.validate_on_submit():
        try:
            saved = services.schedule_meeting(current_user, _details(form), topic=topic)
        except DomainError as error:
            add_form_error(form, error, "title")
        else:
            _flash_saved(saved, "The meeting is in the programme.")
            return redirect(url_for("meetings.meeting", meeting_id=saved.meeting.id))
    return render_template("meetings/edit.html", form=form, meeting=None, topic=topic), 422


@bp.get("/meetings/<int:meeting_id>/edit")
@login_required
def edit(meeting_id):
    """The form for a meeting's details."""
    meeting = _managed(meeting_id)
    day, at = times.local_parts(meeting.starts_at)
    form = _meeting_form(data={
        "title": meeting.title, "day": day, "start_time": at,
        "duration_minutes": meeting.duration_minutes, "joining_url": meeting.joining_url,
        "agenda": meeting.agenda_source,
        "presenters": ", ".join(p.user.email for p in meeting.presenters if p.user),
        "organisation_ids": [p.organisation_id for p in meeting.presenters
                             if p.organisation_id]})
    return render_template("meetings/edit.html", form=form, meeting=meeting, topic=None)


@bp.post("/meetings/<int:meeting_id>/edit")
@login_required
def edit_post(meeting_id):
    """Save a meeting's details (calendars pick the change up)."""
    meeting = _managed(meeting_id)
    form = _meeting_form()
    if form.validate_on_submit():
        try:
            saved = services.update_meeting(current_user, meeting, _details(form))
        except DomainError as error:
            add_form_error(form, error, "title")
        else:
            _flash_saved(saved, "Your changes are saved.")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template("meetings/edit.html", form=form, meeting=meeting, topic=None), 422


@bp.get("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id):
    """Ask to confirm cancelling a meeting."""
    meeting = _managed(meeting_id)
    return render_template("meetings/cancel.html", meeting=meeting, form=CancelForm())


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_post(meeting_id):
    """Cancel a meeting (it stays in the programme, marked cancelled)."""
    meeting = _managed(meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_meeting(current_user, meeting, form.reason.data or "")
        except DomainError as error:
            add_form_error(form, error, "reason")
        else:
            flash("The meeting is cancelled. Calendars subscribed to the programme will "
                  "show it as cancelled.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template("meetings/cancel.html", meeting=meeting, form=form), 422


# -- after the meeting ------------------------------------------------------------------

def _categories():
    return discussions.list_categories()


def _render_follow_up(meeting: Meeting, status: int = 200, **forms):
    notes = forms.get("notes") or NotesForm(data={"notes": meeting.notes_source})
    upload = forms.get("upload") or SlideUploadForm(data={"title": f"Slides: {meeting.title}"
                                                                   [:200]})
    upload.fill_categories(_categories())
    recap = forms.get("recap") or RecapForm(data={"body": (
        f"This is the recap discussion of our meeting “{meeting.title}”.\n\n"
        "What did you take away from it? Questions for the presenters are welcome too.")})
    recap.fill_categories(_categories())
    return render_template("meetings/follow_up.html", meeting=meeting, notes_form=notes,
                           link_form=forms.get("link") or SlideLinkForm(), upload_form=upload,
                           recap_form=recap, action_form=ActionForm()), status


@bp.get("/meetings/<int:meeting_id>/follow-up")
@login_required
def follow_up(meeting_id):
    """After the meeting: its notes, slides and recap discussion."""
    return _render_follow_up(_managed(meeting_id))


def _follow_up_url(meeting: Meeting, anchor: str) -> str:
    return url_for("meetings.follow_up", meeting_id=meeting.id, _anchor=anchor)


@bp.post("/meetings/<int:meeting_id>/notes")
@login_required
def save_notes(meeting_id):
    """Save the meeting's notes."""
    meeting = _managed(meeting_id)
    form = NotesForm()
    if form.validate_on_submit():
        try:
            services.save_notes(current_user, meeting, form.notes.data or "")
        except DomainError as error:
            add_form_error(form, error, "notes")
        else:
            flash("The notes are saved.", "success")
            return redirect(_follow_up_url(meeting, "notes-section"))
    return _render_follow_up(meeting, 422, notes=form)


@bp.post("/meetings/<int:meeting_id>/slides")
@login_required
def link_slides(meeting_id):
    """Link a library resource as the meeting's slides."""
    meeting = _managed(meeting_id)
    form = SlideLinkForm()
    if form.validate_on_submit():
        try:
            slide = services.link_slides(current_user, meeting, form.reference.data)
        except DomainError as error:
            add_form_error(form, error, "reference")
        else:
            flash(f"“{slide.resource.title}” is linked to the meeting.", "success")
            return redirect(_follow_up_url(meeting, "slides"))
    return _render_follow_up(meeting, 422, link=form)


@bp.post("/meetings/<int:meeting_id>/slides/upload")
@login_required
@limiter.limit(post_limit)
def upload_slides(meeting_id):
    """Upload slides: they go into the library and are linked to the meeting."""
    meeting = _managed(meeting_id)
    form = SlideUploadForm()
    form.fill_categories(_categories())
    if form.validate_on_submit():
        category = db.session.get(Category, form.category.data)
        try:
            if category is None:
                raise DomainError("Choose a category.", field="category")
            with receiving([form.file.data], max_files=1, field="file") as uploads:
                if not uploads:
                    raise DomainError("Choose the file to upload.", field="file")
                slide = services.upload_slides(current_user, meeting, uploads[0],
                                               title=form.title.data, category=category)
        except DomainError as error:
            add_form_error(form, error, "file")
        else:
            flash(f"“{slide.resource.title}” is in the library and linked to the meeting.",
                  "success")
            return redirect(_follow_up_url(meeting, "slides"))
    return _render_follow_up(meeting, 422, upload=form)


@bp.post("/meetings/<int:meeting_id>/slides/<int:slide_id>/remove")
@login_required
def remove_slide(meeting_id, slide_id):
    """Unlink a resource from the meeting (it stays in the library)."""
    meeting = _managed(meeting_id)
    slide = db.session.get(MeetingSlide, slide_id)
    if slide is None or slide.meeting_id != meeting.id:
        abort(404)
    require_action_form()
    title = slide.resource.title
    services.remove_slide(current_user, slide)
    flash(f"“{title}” is no longer linked to the meeting (it is still in the library).",
          "success")
    return redirect(_follow_up_url(meeting, "slides"))


@bp.post("/meetings/<int:meeting_id>/recap")
@login_required
def start_recap(meeting_id):
    """Start the meeting's recap discussion."""
    meeting = _managed(meeting_id)
    form = RecapForm()
    form.fill_categories(_categories())
    if form.validate_on_submit():
        category = db.session.get(Category, form.category.data)
        try:
            if category is None:
                raise DomainError("Choose a category.", field="category")
            services.start_recap(current_user, meeting, category=category,
                                 body=form.body.data)
        except DomainError as error:
            add_form_error(form, error, "body")
        else:
            flash("The recap discussion is open.", "success")
            return redirect(url_for("discussions.thread", thread_id=meeting.recap_thread_id))
    return _render_follow_up(meeting, 422, recap=form)
