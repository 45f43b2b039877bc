"""Forms for reporting, hiding and resolving, the audit log's filters, reshaping and
pinning threads, and suspending members and changing roles."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, RadioField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..accounts.models import ROLES
from ..discussions.models import PIN_CATEGORY, PIN_FORUM
from ..validation import PlainText, clean_line, clean_multiline
from ..web.forms import title_field
from .models import REASON_MAX


def reason_field(label: str, message: str, required: bool = True):
    """A plain-text reason of at most REASON_MAX characters."""
    return TextAreaField(label, filters=[clean_multiline], validators=[
        DataRequired(message) if required else Optional(),
        Length(max=REASON_MAX, message=f"{label} must be {REASON_MAX:,} characters or fewer."),
        PlainText(label, multiline=True)])


class ReportForm(FlaskForm):
    """A member's report: what is wrong with this item."""

    reason = reason_field("What is the problem?",
                          "Say what the problem is, so the moderators can act on it.")


class HideForm(FlaskForm):
    """Hiding or showing again a post: the reason is shown to its author."""

    reason = reason_field("Reason (shown to the author)", "Give a reason for the author.")


class ResolveForm(FlaskForm):
    """Closing a report with a note; optionally hiding the reported post at once."""

    note = reason_field("Resolution note", "Write a note on what you did and why.")
    hide = BooleanField("Also hide the reported post (the note is shown to its author "
                        "as the reason)")


class AuditFilterForm(FlaskForm):
    """The audit log's filters (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    person = SelectField("Person", validate_choice=False, default="")
    action = SelectField("Action", validate_choice=False, default="")
    target = SelectField("Target type", validate_choice=False, default="")
    date_from = DateField("From (date)", validators=[Optional()])
    date_to = DateField("To (date)", validators=[Optional()])

    def fill(self, people, actions, targets) -> None:
        """Options from what the log holds."""
        self.person.choices = [SelectChoice("", "Anyone")] + [
            SelectChoice(str(pid), name) for pid, name in people]
        self.action.choices = [SelectChoice("", "Any action")] + [
            SelectChoice(a, a) for a in actions]
        self.target.choices = [SelectChoice("", "Anything")] + [
            SelectChoice(t, t) for t in targets]


class MoveForm(FlaskForm):
    """Moving a thread: the new category, and why (kept in the audit log)."""

    category = SelectField("Move to", coerce=int, validate_choice=False)
    reason = reason_field("Reason", "Give a reason (kept in the audit log).")

    def fill_categories(self, categories) -> None:
        """The categories to choose from."""
        self.category.choices = [SelectChoice(c.id, c.name) for c in categories]


class MergeForm(FlaskForm):
    """Merging a thread into another, named by its address or number."""

    target = StringField("Merge into (the other thread's address or number)",
                         filters=[clean_line], validators=[
                             DataRequired("Say which thread to merge into."),
                             Length(max=300, message="That is too long for an address.")])
    reason = reason_field("Reason", "Give a reason (kept in the audit log).")


class SplitForm(FlaskForm):
    """Splitting replies off into a new discussion."""

    posts = SelectMultipleField("Replies to move", coerce=int, validate_choice=False)
    title = title_field()
    category = SelectField("Category of the new thread", coerce=int, validate_choice=False)
    reason = reason_field("Reason", "Give a reason (kept in the audit log).")

    def fill(self, replies, categories) -> None:
        """The replies and categories to choose from."""
        self.posts.choices = [SelectChoice(post.id, str(post.number)) for post in replies]
        self.category.choices = [SelectChoice(c.id, c.name) for c in categories]


def forum_today() -> date:
    """Today's date in the forum's time zone (dates people type are days there)."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


class PinForm(FlaskForm):
    """Pinning a thread: where, and (optionally) until when."""

    scope = RadioField("Where should it be pinned?", default=PIN_CATEGORY, choices=[
        SelectChoice(PIN_CATEGORY, "To the top of its category"),
        SelectChoice(PIN_FORUM, "Across the forum: at the top of the home page's latest "
                                "discussions, and of its category")],
        validators=[DataRequired("Choose where to pin it.")])
    until = DateField("Pinned until", validators=[Optional()])

    def validate_until(self, field) -> None:
        if field.data is not None and field.data < forum_today():
            raise ValidationError(f"{field.data:%-d %b %Y} has passed: choose today or a later "
                                  "day, or leave the date empty to pin it until it is unpinned.")


class SuspendForm(FlaskForm):
    """Suspending a member: why (they are told at login), and until when (optional)."""

    reason = TextAreaField("Reason (the member is told it when they try to log in)",
                           filters=[clean_multiline], validators=[
                               DataRequired("Give a reason for the suspension."),
                               Length(max=500, message="Reason must be 500 characters or fewer."),
                               PlainText("Reason", multiline=True)])
    until = DateField("Suspended until (optional: leave empty to suspend until reinstated)",
                      validators=[Optional()])


class RoleForm(FlaskForm):
    """An admin's change of a member's role."""

    role = SelectField("Role", choices=[SelectChoice(value, label)
                                        for value, label in ROLES.items()])
