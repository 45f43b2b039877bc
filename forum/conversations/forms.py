"""Forms for conversations: start one, reply, add people, the messaging setting. Forms
check shape (required, lengths, visible text); the services check who may be written to."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..validation import PlainText, clean_line
from ..web.forms import body_field

RECIPIENTS_HINT = ("Display names or email addresses, separated by commas. If two members "
                   "share a name, use the email address.")


def recipients_field(label: str, required: bool):
    """Members named by display name or email address, separated by commas."""
    return StringField(label, filters=[clean_line], validators=[
        DataRequired("Name at least one member.") if required else Optional(),
        Length(max=2000, message=f"{label} must be 2,000 characters or fewer."),
        PlainText(label)])


class StartForm(FlaskForm):
    """A new conversation: who to (a member chosen from a link, and/or named), subject,
    and the first message."""

    to = HiddenField()  # the ids of members chosen from a "Message" link
    recipients = recipients_field("Also write to", required=False)
    subject = StringField("Subject", filters=[clean_line], validators=[
        DataRequired("Enter a subject."),
        Length(min=3, max=200, message="Subject must be between 3 and 200 characters."),
        PlainText("Subject")])
    body = body_field("Message")

    def chosen_ids(self) -> list[int]:
        """The ids in the hidden `to` field (anything else in it is ignored)."""
        return [int(part) for part in (self.to.data or "").split(",")
                if part.strip().isdigit() and len(part.strip()) < 10][:50]


class ReplyForm(FlaskForm):
    """A message in an existing conversation."""

    body = body_field("Message")


class AddPeopleForm(FlaskForm):
    """Bring more members into a conversation."""

    recipients = recipients_field("Members to add", required=True)


class SettingsForm(FlaskForm):
    """Who may start conversations with me."""

    known_only = BooleanField("Only accept new conversations from members I have been in "
                              "a conversation with")
