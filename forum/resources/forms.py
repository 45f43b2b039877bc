"""Forms for the resource library: share, edit, new version, and the library's filters."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from ..rendering import MAX_SOURCE_LENGTH
from ..validation import PlainText, clean_line, clean_multiline
from ..files.filetypes import GROUPS
from .services import SORTS


def _choices(pairs) -> list[SelectChoice]:
    """Options from (value, label) pairs: WTForms deprecates plain tuples (gone in 3.4)."""
    return [SelectChoice(value, label) for value, label in pairs]


TAGS_HINT = "Separate tags with commas, for example: policy, staff survey, training."


def _http_only(form, field):
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError("Enter a web address starting with https:// or http://.")


def title_field():
    return StringField("Title", filters=[clean_line], validators=[
        DataRequired("Enter a title."),
        Length(min=3, max=200, message="Title must be between 3 and 200 characters."),
        PlainText("Title")])


def description_field():
    return TextAreaField("Description", filters=[clean_multiline], validators=[
        DataRequired("Enter a description: what it is and how others might use it."),
        Length(max=MAX_SOURCE_LENGTH,
               message=f"Description must be {MAX_SOURCE_LENGTH:,} characters or fewer."),
        PlainText("Description", multiline=True)])


def url_field():
    return StringField("Link to a web page", filters=[clean_line], validators=[
        Optional(), Length(max=2000, message="The web address must be 2,000 characters or fewer."),
        URL(message="Enter a full web address, like https://www.example.org/guide."),
        _http_only])


class _ResourceFields(FlaskForm):
    title = title_field()
    description = description_field()
    category = SelectField("Category", coerce=int, validate_choice=True, validators=[
        DataRequired("Choose a category.")])
    tags = StringField("Tags", filters=[clean_line], validators=[
        Optional(), Length(max=400, message="Tags must be 400 characters or fewer."),
        PlainText("Tags")])

    def fill_categories(self, categories) -> None:
        self.category.choices = _choices([(0, "Choose a category")] + [
            (c.id, c.name) for c in categories])


class ShareResourceForm(_ResourceFields):
    file = FileField("File")
    url = url_field()


class EditResourceForm(_ResourceFields):
    url = url_field()


class VersionForm(FlaskForm):
    file = FileField("New version", validators=[FileRequired("Choose the file to upload.")])
    note = StringField("What changed", filters=[clean_line], validators=[
        Optional(), Length(max=300, message="Keep this to 300 characters or fewer."),
        PlainText("What changed")])


class LibraryFilterForm(FlaskForm):
    """The library's filters: a GET form, so no CSRF token and no 'required' fields."""

    class Meta:
        csrf = False

    type = SelectField("Type", default="", validate_choice=False, choices=_choices(
        [("", "All types"), *GROUPS.items(), ("link", "Links")]))
    category = SelectField("Category", default="", validate_choice=False)
    tag = SelectField("Tag", default="", validate_choice=False)
    organisation = SelectField("Organisation", default="", validate_choice=False)
    sort = SelectField("Sort by", choices=_choices(SORTS.items()), default="newest",
                       validate_choice=False)

    def fill(self, choices: dict) -> None:
        self.category.choices = _choices([("", "All categories")] + [
            (str(c.id), c.name) for c in choices["categories"]])
        self.tag.choices = _choices([("", "All tags")] + [(t, t) for t in choices["tags"]])
        self.organisation.choices = _choices([("", "All organisations")] + [
            (str(i), name) for i, name in choices["organisations"]])
