"""The forms to follow by e-mail and to change how often."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired

from proeftuin.auth.forms import EMAIL_MAX_LENGTH
from proeftuin.forms import StopIfLonger, clean_line
from proeftuin.labels import FREQUENCY
from proeftuin.models import Frequency


def frequency_field() -> RadioField:
    return RadioField(
        _l("Hoe vaak wilt u de nieuwe lessen ontvangen?"),
        choices=[SelectChoice(frequency.value, label) for frequency, label in FREQUENCY.items()],
        default=Frequency.weekly.value,
        validators=[InputRequired(_l("Kies hoe vaak u de nieuwe lessen wilt ontvangen."))],
        invalid_choice_message=_l("Kies een keer per week of een keer per maand."),
    )


class FollowForm(FlaskForm):
    """An address and a frequency; someone signed in follows with their account's address,
    and the route removes the address field."""

    email = EmailField(
        _l("Uw e-mailadres"),
        description=_l("Hier sturen we eerst een e-mail om te bevestigen dat u wilt volgen."),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                    StopIfLonger(EMAIL_MAX_LENGTH, _l("Dit e-mailadres is te lang.")),
                    Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl."))],
        render_kw={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"},
    )
    frequency = frequency_field()


class FrequencyForm(FlaskForm):
    frequency = frequency_field()


class StopForm(FlaskForm):
    """Stop following: a button, and the form's CSRF token where a page shows it."""
