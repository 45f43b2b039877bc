"""Forms for asking, answering, commenting, tagging and moderating questions (shape only)."""
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, HiddenField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, ValidationError

from ..rendering import MAX_SOURCE_LENGTH
from ..tags.models import TAG_MAX_LENGTH
from ..tags.services import parse_tags
from ..validation import (BoundedNesting, DomainError, PlainText, RendersVisibly, clean_line,
                          clean_multiline)
from ..web.forms import body_field, submission_key_field, title_field
from .models import COMMENT_MAX_LENGTH

TAGS_HINT = ("Up to 5, separated by commas, for example: menopause, policy. Use existing tags "
             "where you can; letters, numbers, spaces and hyphens only.")


def _valid_tags(form, field):
    try:
        parse_tags(field.data or "")
    except DomainError as error:
        raise ValidationError(str(error)) from None


def tags_field(label="Tags"):
    """Tags checked as the form is validated, so the ask form can show their errors."""
    return StringField(label, filters=[clean_line], validators=[
        Length(max=400, message="Tags must be 400 characters or fewer in total."),
        PlainText(label), _valid_tags])


class AskForm(FlaskForm):
    """Ask a question: category, title, details, tags, anonymity."""

    category_id = SelectField("Category", coerce=int, validate_choice=False, validators=[
        DataRequired("Choose a category.")])
    title = title_field()
    body = TextAreaField("Details", filters=[clean_multiline], validators=[
        DataRequired("Enter the details of your question."),
        Length(max=MAX_SOURCE_LENGTH,
               message=f"Details must be {MAX_SOURCE_LENGTH:,} characters or fewer."),
        PlainText("Details", multiline=True), BoundedNesting(), RendersVisibly("Details")])
    tags = tags_field()
    anonymous = BooleanField("Ask anonymously")
    # Set by qa.js once similar questions were shown while typing, so the review step is skipped.
    similar_checked = HiddenField()
    # Set on the review step's "Post my question" button form.
    confirmed = HiddenField()
    submission_key = submission_key_field()

    def fill_categories(self, categories):
        self.category_id.choices = [SelectChoice(0, "Choose a category")] + [
            SelectChoice(c.id, c.name) for c in categories]

    def validate_category_id(self, field):
        if field.data not in {choice.value for choice in self.category_id.choices if choice.value}:
            raise ValidationError("Choose a category.")


class AnswerForm(FlaskForm):
    """Answer a question, with files."""

    body = body_field("Answer")
    attachments = MultipleFileField("Attach files")
    submission_key = submission_key_field()


class CommentForm(FlaskForm):
    """A short plain-text comment under a question or answer."""

    body = TextAreaField("Comment", filters=[clean_multiline], validators=[
        DataRequired("Enter your comment."),
        Length(max=COMMENT_MAX_LENGTH,
               message=f"Comments must be {COMMENT_MAX_LENGTH} characters or fewer."),
        PlainText("Comment", multiline=True)])


class TagsForm(FlaskForm):
    """A thread's tags."""

    tags = tags_field()


class RenameTagForm(FlaskForm):
    """Moderators: rename a tag."""

    name = StringField("New name", filters=[clean_line], validators=[
        DataRequired("Enter the new name."),
        Length(max=TAG_MAX_LENGTH, message=f"Tags must be {TAG_MAX_LENGTH} characters or fewer."),
        PlainText("New name")])


class MergeTagForm(FlaskForm):
    """Moderators: merge a tag into another."""

    target = StringField("Merge into tag", filters=[clean_line], validators=[
        DataRequired("Enter the tag to merge into."),
        Length(max=TAG_MAX_LENGTH, message=f"Tags must be {TAG_MAX_LENGTH} characters or fewer."),
        PlainText("Merge into tag")])
