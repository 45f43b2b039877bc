"""The form for adding a poll, and UK time for its closing date (entered and shown in
Europe/London, stored in UTC, as meetings are: a time that does not exist when the clocks
go forward is refused; one that happens twice is taken as the first)."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, IntegerField, RadioField,
                     SelectChoice, StringField, TimeField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..validation import DomainError, clean_line
from .models import MAX_OPTIONS, RESULT_MODES

LONDON = ZoneInfo("Europe/London")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]
SHOWN_OPTIONS = 8  # option boxes on the form (up to MAX_OPTIONS may be posted)


def uk_to_utc(day: date, at: time | None) -> datetime:
    """The UTC moment of `at` (default 23:59) UK time on `day`; refused if it never happens."""
    at = at or time(23, 59)
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=LONDON)
    utc = local.astimezone(timezone.utc)
    if utc.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DomainError(f"{at:%H:%M} does not exist in UK time on that day: the clocks go "
                          "forward an hour at 1:00. Choose another time.", field="closes_time")
    return utc


def uk_parts(moment: datetime) -> tuple[date, time]:
    """The UK date and time of a stored moment (to fill in the edit form)."""
    local = moment.astimezone(LONDON)
    return local.date(), local.time().replace(tzinfo=None, fold=0)


def uk_time(moment: datetime) -> str:
    """ "28 Mar 2027, 10:00 BST"."""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%b %Y}, {local:%H:%M %Z}"


class PollForm(FlaskForm):
    """A new poll on a thread or question."""

    question = StringField("Question", filters=[clean_line], validators=[
        InputRequired("Enter the poll's question."),
        Length(max=300, message="Keep the question to 300 characters or fewer.")])
    options = FieldList(StringField("Option", filters=[clean_line],
                                    validators=[Optional(), Length(max=200)]),
                        min_entries=SHOWN_OPTIONS, max_entries=MAX_OPTIONS)
    multiple = RadioField("How many options may each member choose?",
                          choices=[SelectChoice("single", "One"),
                                   SelectChoice("multiple", "Several")],
                          default="single")
    max_choices = IntegerField("Most options one member may choose (if several)",
                               validators=[Optional(), NumberRange(min=1, max=MAX_OPTIONS)])
    closes_on = DateField("Closing date (optional)", format=DATE_FORMATS,
                          validators=[Optional()])
    closes_time = TimeField("Closing time, UK time (optional; 23:59 if left empty)",
                            format=TIME_FORMATS, validators=[Optional()])
    results_mode = RadioField("When do members see the results?",
                              choices=[SelectChoice(value, label)
                                       for value, label in RESULT_MODES.items()],
                              default="after_vote")
    per_organisation = BooleanField("Answer for your organisation (a benchmark poll: one "
                                    "answer per organisation)")
    answers_public = BooleanField("Show which organisation gave which answer")

    def closes_at(self) -> datetime | None:
        """The closing moment in UTC (None: open until a moderator closes it)."""
        if self.closes_on.data is None:
            return None
        return uk_to_utc(self.closes_on.data, self.closes_time.data)


class EditPollForm(FlaskForm):
    """A poll's wording, closing date and results mode (its options stay as they are)."""

    question = PollForm.question
    closes_on = PollForm.closes_on
    closes_time = PollForm.closes_time
    results_mode = PollForm.results_mode
    closes_at = PollForm.closes_at
