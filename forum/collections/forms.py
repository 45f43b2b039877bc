"""Forms for curating collections: a collection's details, and adding an item to it.

Forms check shape (required, length, http/https addresses); the services check what
needs the database (that a resource or thread exists and is live, duplicates)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import (DataRequired, Length, Optional, StopValidation,
                                ValidationError)

from ..validation import BoundedNesting, PlainText, clean_line, clean_multiline
from ..web.forms import title_field
from .models import LINK, RESOURCE, THREAD
from .services import MAX_NOTE

MAX_DESCRIPTION = 10_000


class CollectionForm(FlaskForm):
    """A collection's title, Markdown description and whether it is official."""

    title = title_field()
    description = TextAreaField("Description", filters=[clean_multiline], validators=[
        Optional(),
        Length(max=MAX_DESCRIPTION,
               message=f"Description must be {MAX_DESCRIPTION:,} characters or fewer."),
        PlainText("Description", multiline=True), BoundedNesting()])
    is_official = BooleanField("Official Close the Gap material")


def _stop_if_empty(form, field):
    """Like Optional(), without marking the field "(optional)": the chosen kind decides."""
    if not field.data:
        field.errors = []
        raise StopValidation()


def _http_only(form, field):
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError("Enter a web address starting with https:// or http://.")


class AddItemForm(FlaskForm):
    """What to add: a resource or a thread by its address or number, or an external link."""

    kind = RadioField("What do you want to add?", default="resource",
                      choices=[SelectChoice(RESOURCE, "A resource from the library"),
                               SelectChoice(THREAD, "A discussion or a question"),
                               SelectChoice(LINK, "A link to another website")],
                      validators=[DataRequired("Choose what to add.")])
    reference = StringField(
        "Address or number of the resource, discussion or question", filters=[clean_line],
        validators=[_stop_if_empty, Length(max=2000, message="That address is too long."),
                    PlainText("The address")])
    link_url = StringField("Link address", filters=[clean_line], validators=[
        _stop_if_empty,
        Length(max=2000, message="The web address must be 2,000 characters or fewer."),
        _http_only])
    link_title = StringField("Link title", filters=[clean_line], validators=[
        _stop_if_empty,
        Length(min=3, max=200, message="Link title must be between 3 and 200 characters."),
        PlainText("Link title")])
    note = StringField("Why it is here", filters=[clean_line], validators=[
        Optional(),
        Length(max=MAX_NOTE, message=f"Keep the note to {MAX_NOTE} characters or fewer."),
        PlainText("The note")])

    def validate(self, extra_validators=None) -> bool:
        """The fields the chosen kind needs are required (the others are ignored)."""
        valid = super().validate(extra_validators)
        needed = ([(self.link_url, "Enter the link's web address."),
                   (self.link_title, "Give the link a title.")] if self.kind.data == LINK
                  else [(self.reference, "Enter the address or number of what you want "
                                         "to add.")])
        for field, message in needed:
            if not field.data and not field.errors:
                field.errors = list(field.errors) + [message]
                valid = False
        return valid
