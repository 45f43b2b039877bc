"""Form pieces every domain shares: the CSRF-only form for buttons that post, the
Markdown body and title fields, and putting a service's DomainError on the right field."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..rendering import MAX_SOURCE_LENGTH
from ..validation import (BoundedNesting, PlainText, RendersVisibly, clean_line,
                          clean_multiline)

BODY_HINT = f"{MAX_SOURCE_LENGTH:,}"


class ActionForm(FlaskForm):
    """The form with only the CSRF token, for buttons that post (vote, delete, approve)."""


def body_field(label="Message"):
    """The Markdown body field every writing form shares."""
    return TextAreaField(label, filters=[clean_multiline], validators=[
        DataRequired(f"Enter your {label.lower()}."),
        Length(max=MAX_SOURCE_LENGTH,
               message=f"{label} must be {BODY_HINT} characters or fewer."),
        PlainText(label, multiline=True), BoundedNesting(), RendersVisibly(label)])


def title_field():
    """A required title of 3 to 200 visible characters."""
    return StringField("Title", filters=[clean_line], validators=[
        DataRequired("Enter a title."),
        Length(min=3, max=200, message="Title must be between 3 and 200 characters."),
        PlainText("Title")])


def tags_field(label="Tags"):
    """Comma-separated tag names; their rules are the tags domain's (forum/tags)."""
    return StringField(label, filters=[clean_line], validators=[
        Optional(), Length(max=400, message="Tags must be 400 characters or fewer in total."),
        PlainText("Tags")])


def add_form_error(form, error, field: str | None = None) -> None:
    """Attach a service's DomainError to its own field, else `field`, else the whole form."""
    message = str(error)
    field = getattr(error, "field", None) or field
    if field and field in form:
        form[field].errors = list(form[field].errors) + [message]
    else:
        form.form_errors.append(message)


def submission_key_field():
    """The hidden one-time key of a writing form (forum/submissions.py): render it with
    `form.submission_key(id=False)` so two forms on a page share no id."""
    from wtforms import HiddenField

    from ..submissions import new_key
    return HiddenField(default=new_key)
