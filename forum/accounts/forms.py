"""Forms for joining, logging in, passwords and profiles (shape checks only)."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, PasswordField, SelectChoice,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, Optional,
                                ValidationError)

from ..validation import PlainText, clean_line, clean_multiline
from .models import ACCREDITATION, ROLES, SECTORS

NO_ORGANISATION = 0


def _choices(pairs) -> list[SelectChoice]:
    """Options from (value, label) pairs: WTForms deprecates plain tuples (gone in 3.4)."""
    return [SelectChoice(value, label) for value, label in pairs]


def _line(label, max_length, required=True):
    checks = [DataRequired(f"Enter your {label.lower()}.")] if required else [Optional()]
    return checks + [Length(max=max_length, message=f"{label} must be {max_length} characters "
                                                    "or fewer."), PlainText(label)]


class OrganisationFieldsMixin:
    """Choose an existing organisation or name a new one (with its sector)."""

    organisation_id = SelectField("Organisation", coerce=int, default=NO_ORGANISATION)
    new_organisation = StringField("Or, if it is not listed, your organisation's name",
                                   filters=[clean_line], validators=_line("Organisation name", 200,
                                                                          required=False))
    sector = SelectField("Sector", choices=_choices([("", "Choose a sector"), *SECTORS.items()]),
                         default="")

    def fill_organisations(self, organisations):
        self.organisation_id.choices = _choices(
            [(NO_ORGANISATION, "Choose your organisation")]
            + [(o.id, o.name) for o in organisations])

    def validate_organisation_id(self, field):
        if field.data == NO_ORGANISATION and not self.new_organisation.data:
            raise ValidationError("Choose your organisation, or enter its name if it is not listed.")

    def validate_sector(self, field):
        if self.new_organisation.data and not field.data:
            raise ValidationError("Choose the sector of the organisation you named.")


class EmailMixin:
    email = EmailField("Work email address", filters=[clean_line], validators=[
        DataRequired("Enter your work email address."),
        Length(max=254, message="Email address must be 254 characters or fewer."),
        Email("Enter an email address in the right format, like name@example.org.",
              check_deliverability=False)])


class JoinForm(OrganisationFieldsMixin, EmailMixin, FlaskForm):
    name = StringField("Full name", filters=[clean_line], validators=_line("Full name", 80))
    job_role = StringField("Job role", filters=[clean_line], validators=_line("Job role", 120))
    reason = TextAreaField("Why do you want to join?", filters=[clean_multiline], validators=[
        DataRequired("Tell us briefly why you want to join."),
        Length(max=2000, message="Keep your reason to 2,000 characters or fewer."),
        PlainText("Your reason", multiline=True)])
    consent = BooleanField("I have read the privacy notice and agree to my details being "
                           "used to review my request and run my membership",
                           validators=[DataRequired("Agree to the privacy notice to continue.")])


class InviteForm(OrganisationFieldsMixin, EmailMixin, FlaskForm):
    name = StringField("Full name", filters=[clean_line], validators=_line("Full name", 80))
    role = SelectField("Role", choices=_choices(ROLES.items()), default="member")


class DeclineForm(FlaskForm):
    reason = TextAreaField("Reason (sent to the applicant)", filters=[clean_multiline],
                           validators=[DataRequired("Give a reason for declining."),
                                       Length(max=2000), PlainText("Reason", multiline=True)])


class LoginForm(FlaskForm):
    email = EmailField("Email address", filters=[clean_line], validators=[
        DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password."),
                                                     Length(max=200)])
    remember = BooleanField("Keep me logged in on this device")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", filters=[clean_line], validators=[
        DataRequired("Enter your email address."), Length(max=254),
        Email("Enter an email address in the right format, like name@example.org.",
              check_deliverability=False)])


class NewPasswordMixin:
    password = PasswordField("New password", validators=[
        InputRequired("Enter a new password."), Length(max=200)])
    confirm = PasswordField("Confirm new password", validators=[
        InputRequired("Enter the new password again."), Length(max=200)])


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField("Current password", validators=[
        InputRequired("Enter your current password."), Length(max=200)])


class ChangeEmailForm(FlaskForm):
    email = EmailField("New email address", filters=[clean_line], validators=[
        DataRequired("Enter your new email address."), Length(max=254),
        Email("Enter an email address in the right format, like name@example.org.",
              check_deliverability=False)])
    # Its own id: the password form on the same page has a "password" field too.
    password = PasswordField("Current password", id="email-change-password", validators=[
        InputRequired("Enter your current password."), Length(max=200)])


class ProfileForm(OrganisationFieldsMixin, FlaskForm):
    display_name = StringField("Display name", filters=[clean_line],
                               validators=_line("Display name", 80))
    job_role = StringField("Job role", filters=[clean_line],
                           validators=_line("Job role", 120, required=False))
    bio = TextAreaField("Short bio", filters=[clean_multiline], validators=[Optional(),
        Length(max=1000, message="Keep your bio to 1,000 characters or fewer."),
        PlainText("Bio", multiline=True)])
    profile_visible = BooleanField("Let other members see my profile in the directory")


class OrganisationForm(FlaskForm):
    name = StringField("Name", filters=[clean_line], validators=_line("Name", 200))
    sector = SelectField("Sector", choices=_choices(SECTORS.items()))
    accreditation = SelectField("Accreditation status",
                                choices=_choices(ACCREDITATION.items()))
