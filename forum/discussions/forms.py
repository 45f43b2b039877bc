"""Forms for threads, replies, edits and categories."""
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..rendering import MAX_SOURCE_LENGTH
from ..validation import PlainText, clean_line, clean_multiline
from ..web.forms import body_field, submission_key_field, tags_field, title_field


class ThreadForm(FlaskForm):
    """Start a discussion: title, message, tags, files."""

    title = title_field()
    body = body_field()
    # Names are checked by the service (forum.tags.services.parse_tags), shown on this field.
    tags = tags_field()
    # Files are checked by forum.files.uploads.receive_all, shown on this field.
    attachments = MultipleFileField("Attach files")
    submission_key = submission_key_field()


class ReplyForm(FlaskForm):
    """Reply to a thread, with files."""

    body = body_field("Reply")
    attachments = MultipleFileField("Attach files")
    submission_key = submission_key_field()


class EditPostForm(FlaskForm):
    title = StringField("Title", filters=[clean_line], validators=[
        Optional(), Length(min=3, max=200, message="Title must be between 3 and 200 characters."),
        PlainText("Title")])
    body = body_field()
    reason = StringField("Reason for the edit (optional)", filters=[clean_line], validators=[
        Optional(), Length(max=200, message="Reason must be 200 characters or fewer."),
        PlainText("Reason")])


class PositionField(IntegerField):
    """A list position shown to people counted from 1, stored counted from 0 as before.

    `data` stays the stored value (0 is first), so the view and service are unchanged; only
    what the admin reads and types is shifted by one.
    """

    def _value(self):
        """What the input shows: what was typed, else the stored position plus one."""
        if self.raw_data:
            return self.raw_data[0]
        return str(self.data + 1) if self.data is not None else ""

    def process_formdata(self, valuelist):
        """Read the typed position and store it counted from 0."""
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data -= 1


class CategoryForm(FlaskForm):
    name = StringField("Name", filters=[clean_line], validators=[
        DataRequired("Enter a name."), Length(max=80, message="Name must be 80 characters or fewer."),
        PlainText("Name")])
    description = TextAreaField("Description", filters=[clean_multiline], validators=[
        Length(max=500, message="Description must be 500 characters or fewer."),
        PlainText("Description", multiline=True)])
    position = PositionField("Position in the list", default=0, validators=[
        Optional(), NumberRange(min=0, max=999, message="Position must be between 1 and 1000.")])


class PreviewForm(FlaskForm):
    """The editor's Preview button: the text to render."""

    body = TextAreaField(filters=[clean_multiline], validators=[
        Length(max=MAX_SOURCE_LENGTH)])
