"""Forms of reuse reports: reporting one, and hiding one from the public trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from proeftuin.forms import clean_text, with_markdown_hint
from proeftuin.labels import REUSE_VERDICT
from proeftuin.models import Pilot, ReuseVerdict
from proeftuin.personal_data.guard import NotPersonalField

#: a report tells a story in a few paragraphs; the lesson itself holds the detail
REPORT_MAX = 5000
#: a reason for hiding is a sentence or two for the other facilitators
REASON_MAX = 2000


class PilotChoice(RadioField):
    """Radio buttons for one of the user's pilots, refusing others with a message of our own."""

    invalid_message = _l("Kies een van uw proeftuinen uit de lijst.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None

    def pre_validate(self, form):
        # Nothing chosen is for InputRequired to say; something not on offer is for us.
        if self.data is not None and self.data not in {
            value for value, *_ in self.iter_choices()
        }:
            raise ValidationError(self.invalid_message)


def _report_text(label, description, required_message):
    return TextAreaField(
        label,
        description=with_markdown_hint(description),
        validators=[
            DataRequired(required_message),
            Length(max=REPORT_MAX, message=_l(
                "Maak de tekst korter: hooguit %(max)d tekens.", max=REPORT_MAX)),
        ],
        filters=[clean_text],
    )


class ReuseForm(FlaskForm):
    """Which of the user's pilots reused the lesson, how, and what came of it. Public."""

    pilot = PilotChoice(_l("Welke proeftuin heeft de les hergebruikt?"), coerce=int,
                        validators=[InputRequired(_l("Kies de proeftuin die de les hergebruikte."))])
    how = _report_text(
        _l("Hoe heeft uw proeftuin de les toegepast?"),
        _l("Wat deed u, met wie, en wat paste u aan voor uw eigen situatie?"),
        _l("Beschrijf hoe uw proeftuin de les heeft toegepast."),
    )
    outcome = _report_text(
        _l("Wat kwam ervan terecht?"),
        _l("Wat werkte, wat niet, en wat zou u anderen aanraden?"),
        _l("Beschrijf wat het hergebruik opleverde, ook als het niet werkte."),
    )
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def __init__(self, *args, pilots: list[Pilot] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.pilot.choices = [
            SelectChoice(pilot.id, f"{pilot.name} ({pilot.municipality})") for pilot in pilots
        ]


class HideForm(FlaskForm):
    """Why a report leaves the public trail."""

    reason = TextAreaField(
        _l("Reden van het verbergen"),
        description=_l("Alleen begeleiders en beheerders lezen deze reden."),
        validators=[
            DataRequired(_l("Geef een reden op: bij verbergen is die verplicht.")),
            Length(max=REASON_MAX, message=_l(
                "Maak de reden korter: hooguit %(max)d tekens.", max=REASON_MAX)),
        ],
        filters=[clean_text],
    )



class FollowUpForm(FlaskForm):
    """What became of the lesson, months after the reuse, and a short text. Public."""

    verdict = RadioField(
        _l("Wat is er van de les geworden?"),
        choices=[SelectChoice(verdict.value, label) for verdict, label in REUSE_VERDICT.items()],
        validators=[InputRequired(_l("Kies wat er van de les is geworden."))])
    text = _report_text(
        _l("Toelichting"),
        _l("Aangepast: hoe? Gestopt: waarom? Overgenomen: wat hield het gaande?"),
        _l("Schrijf een korte toelichting."),
    )
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def chosen(self) -> ReuseVerdict | None:
        return ReuseVerdict(self.verdict.data) if self.verdict.data else None
