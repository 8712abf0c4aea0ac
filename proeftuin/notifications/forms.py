"""The choice, per kind of notification, of how it reaches someone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from proeftuin.models import Delivery
from proeftuin.notifications import KINDS

DELIVERY_CHOICES = [
    SelectChoice(Delivery.immediately.value, _l("Meteen per e-mail")),
    SelectChoice(Delivery.daily.value, _l("In een dagelijks overzicht per e-mail")),
    SelectChoice(Delivery.site.value, _l("Alleen op de site")),
]


class PreferencesForm(FlaskForm):
    """One radio group per kind; built from KINDS below."""


for _kind, (_label, _text) in KINDS.items():
    setattr(PreferencesForm, _kind, RadioField(
        _label, choices=DELIVERY_CHOICES,
        validators=[InputRequired(_l("Kies hoe u deze meldingen wilt krijgen."))],
        invalid_choice_message=_l("Kies een van de genoemde manieren."),
    ))
