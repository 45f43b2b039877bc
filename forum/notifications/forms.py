"""The notification preferences form: email delivery per kind, and auto-watch."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField

from .models import DELIVERIES, KINDS


class PreferencesForm(FlaskForm):
    """One choice per kind of notification (fields named `delivery_<kind>`)."""

    auto_watch = BooleanField("Watch threads I start or reply to")

    def deliveries(self) -> dict[str, str]:
        """kind -> chosen delivery."""
        return {kind: self[f"delivery_{kind}"].data for kind in KINDS}

    def delivery_fields(self):
        """(kind label, field) for each kind, in order."""
        return [(label, self[f"delivery_{kind}"]) for kind, label in KINDS.items()]


for _kind, _label in KINDS.items():
    setattr(PreferencesForm, f"delivery_{_kind}",
            SelectField(_label, choices=[SelectChoice(value, label)
                                         for value, label in DELIVERIES.items()],
                        validate_choice=True))
