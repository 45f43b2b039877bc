"""Forms for meetings and topic rounds. Forms check shape (required, lengths, real dates
and times, http(s) links, visible text); the services check what needs the database or
the clock (presenters exist, the time exists in UK time, the round is still open)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectChoice,
                     SelectField, SelectMultipleField, StringField, TextAreaField, TimeField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from ..rendering import MAX_SOURCE_LENGTH
from ..validation import BoundedNesting, PlainText, clean_line, clean_multiline
from ..web.forms import title_field
from .rounds import MAX_DESCRIPTION, MAX_VOTES
from .services import MAX_MINUTES, MIN_MINUTES

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


class UKDateField(DateField):
    """A date (the browser's date picker sends 2027-03-28; typed 28/03/2027 works too),
    with a message that says what to do."""

    def process_formdata(self, valuelist):
        """Parse the date, or fail with our message."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"Enter a real date, for example 28/03/2027, for "
                             f"“{self.label.text}”.")


class UKTimeField(TimeField):
    """A time of day on the 24-hour clock, for example 10:00 or 14:30."""

    def process_formdata(self, valuelist):
        """Parse the time, or fail with our message."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"Enter a time on the 24-hour clock, for example 10:00 or "
                             f"14:30, for “{self.label.text}”.")


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _http_only(form, field):
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError("Enter the joining link as a full web address starting with "
                              "https:// or http://.")


def markdown_field(label: str, required: bool = False):
    """An optional (or required) Markdown text of at most MAX_SOURCE_LENGTH characters."""
    first = DataRequired(f"Enter the {label.lower()}.") if required else Optional()
    return TextAreaField(label, filters=[clean_multiline], validators=[
        first, Length(max=MAX_SOURCE_LENGTH,
                      message=f"{label} must be {MAX_SOURCE_LENGTH:,} characters or fewer."),
        PlainText(label, multiline=True), BoundedNesting()])


class MeetingForm(FlaskForm):
    """A meeting's details, as a moderator schedules or edits it."""

    title = title_field()
    day = UKDateField("Date", format=DATE_FORMATS,
                      validators=[InputRequired("Enter the date of the meeting.")])
    start_time = UKTimeField("Start time (UK time)", format=TIME_FORMATS,
                             validators=[InputRequired("Enter the start time.")])
    duration_minutes = IntegerField(
        "Length in minutes", default=90,
        validators=[InputRequired("Enter how long the meeting lasts, in minutes."),
                    NumberRange(min=MIN_MINUTES, max=MAX_MINUTES,
                                message=f"A meeting lasts from {MIN_MINUTES} to "
                                        f"{MAX_MINUTES} minutes.")])
    joining_url = StringField("Joining link", filters=[clean_line], validators=[
        Optional(), Length(max=2000, message="The joining link must be 2,000 characters or "
                                             "fewer."), _http_only])
    agenda = markdown_field("Agenda")
    presenters = StringField("Presenting members", filters=[clean_line], validators=[
        Optional(), Length(max=2000, message="List at most 2,000 characters of email "
                                             "addresses."), PlainText("Presenting members")])
    organisation_ids = SelectMultipleField("Presenting organisations", coerce=int,
                                           choices=[], validate_choice=False)
    topic_id = HiddenField()

    def fill_organisations(self, organisations) -> None:
        """The organisations a moderator may choose as presenters."""
        self.organisation_ids.choices = _choices((o.id, o.name) for o in organisations)

    def validate_organisation_ids(self, field):
        """Only organisations offered on the form (the list is the database's)."""
        known = {choice.value for choice in field.choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError("Choose organisations from the list.")


class CancelForm(FlaskForm):
    """Why a meeting is cancelled (shown on its page and in calendars)."""

    reason = StringField("Reason (shown to members)", filters=[clean_line], validators=[
        Optional(), Length(max=500, message="Keep the reason to 500 characters or fewer."),
        PlainText("The reason")])


class NotesForm(FlaskForm):
    """The meeting's notes, after it."""

    notes = markdown_field("Notes")


class SlideLinkForm(FlaskForm):
    """A library resource to show as the meeting's slides."""

    reference = StringField("Address or number of the resource", filters=[clean_line],
                            validators=[DataRequired("Enter the address or number of a "
                                                     "resource in the library."),
                                        Length(max=2000, message="That address is too long."),
                                        PlainText("The address")])


class SlideUploadForm(FlaskForm):
    """A file of slides to put in the library and link to the meeting."""

    file = FileField("Slides file", validators=[FileRequired("Choose the file to upload.")])
    title = StringField("Title in the library", filters=[clean_line], validators=[
        DataRequired("Enter a title for the library."),
        Length(min=3, max=200, message="Title must be between 3 and 200 characters."),
        PlainText("Title")])
    category = SelectField("Library category", coerce=int, validate_choice=True,
                           validators=[DataRequired("Choose a category.")])

    def fill_categories(self, categories) -> None:
        """The categories a resource may be filed under."""
        self.category.choices = _choices([(0, "Choose a category")]
                                         + [(c.id, c.name) for c in categories])


class RecapForm(FlaskForm):
    """Where the recap discussion goes, and its opening post."""

    category = SelectField("Category", coerce=int, validate_choice=True,
                           validators=[DataRequired("Choose a category.")])
    body = markdown_field("Opening post", required=True)

    def fill_categories(self, categories) -> None:
        """The categories the recap may be started in."""
        self.category.choices = _choices([(0, "Choose a category")]
                                         + [(c.id, c.name) for c in categories])


class RoundForm(FlaskForm):
    """A new topic round."""

    title = title_field()
    description = TextAreaField("What to propose", filters=[clean_multiline], validators=[
        Optional(), Length(max=MAX_DESCRIPTION, message=f"Keep this to {MAX_DESCRIPTION:,} "
                                                        "characters or fewer."),
        PlainText("What to propose", multiline=True)])
    closes_on = UKDateField("Closing date", format=DATE_FORMATS,
                            validators=[InputRequired("Enter the closing date.")])
    closes_time = UKTimeField("Closing time (UK time)", format=TIME_FORMATS, default=None,
                              validators=[InputRequired("Enter the closing time.")])
    votes_per_member = IntegerField(
        "Votes each member has", default=3,
        validators=[InputRequired("Enter how many votes each member has."),
                    NumberRange(min=1, max=MAX_VOTES,
                                message=f"Give each member from 1 to {MAX_VOTES} votes.")])
    tallies_visible = BooleanField("Show vote counts while the round is open")


class ProposalForm(FlaskForm):
    """A member's topic proposal."""

    title = StringField("Topic", filters=[clean_line], validators=[
        DataRequired("Enter the topic."),
        Length(min=3, max=200, message="The topic must be between 3 and 200 characters."),
        PlainText("The topic")])
    description = TextAreaField("Why it matters", filters=[clean_multiline],
                                validators=[
        Optional(), Length(max=MAX_DESCRIPTION, message=f"Keep this to {MAX_DESCRIPTION:,} "
                                                        "characters or fewer."),
        PlainText("The description", multiline=True), BoundedNesting()])


class MergeForm(FlaskForm):
    """Which duplicate proposal goes into which."""

    merged = SelectField("Merge this proposal", coerce=int, validate_choice=True,
                         validators=[DataRequired("Choose the proposal to merge.")])
    kept = SelectField("into this one (it keeps its title and gets the votes)", coerce=int,
                       validate_choice=True,
                       validators=[DataRequired("Choose the proposal to keep.")])

    def fill_proposals(self, proposals) -> None:
        """The round's proposals that are not merged."""
        pairs = [(0, "Choose a proposal")] + [(p.id, p.title) for p in proposals]
        self.merged.choices = _choices(pairs)
        self.kept.choices = _choices(pairs)


class LinkTopicForm(FlaskForm):
    """The meeting that takes up a topic."""

    meeting = SelectField("Meeting", coerce=int, validate_choice=True)

    def fill_meetings(self, meetings, describe) -> None:
        """Meetings to choose from (0: none)."""
        self.meeting.choices = _choices([(0, "No meeting")] + [
            (m.id, f"{m.title} ({describe(m.starts_at)})") for m in meetings])
