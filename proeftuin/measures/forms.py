"""Forms of measures, their monthly values and experiments, and the facilitators' filter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from proeftuin.dates import local_today
from proeftuin.forms import (
    MAX_TEXT,
    TOO_LONG,
    FilterForm,
    RequiredDate,
    check_month,
    check_year,
    clean_line,
    clean_text,
    date_kwargs,
    int_checkboxes,
    line_field,
    programme_choices,
    programme_filter_field,
    with_markdown_hint,
)
from proeftuin.measures.services import ExperimentContent, MeasureContent
from proeftuin.models import Experiment, ImprovementDirection, Measure, Pilot, Programme
from proeftuin.personal_data.guard import NotPersonalField

#: values beyond this are typing mistakes, and would make the chart unreadable
MAX_NUMBER = 1e9
#: how a number is written in a form field: no thousands separator, up to ten decimals, so
#: that a saved value reads back as itself
INPUT_FORMAT = "0.##########"
_NUMBER_CHARACTERS = frozenset("0123456789+-.,")

DIRECTION_LABELS = {
    ImprovementDirection.higher: _l("Hoger is beter"),
    ImprovementDirection.lower: _l("Lager is beter"),
}
#: the act step: what the pilot does with the experiment; "" while it runs
ACT_LABELS = {
    "": _l("Nog geen besluit: het experiment loopt"),
    "adopt": _l("Overnemen"),
    "adapt": _l("Aanpassen en opnieuw proberen"),
    "abandon": _l("Stoppen"),
}


class NumberProblem(ValueError):
    """Text that is not a usable number; `message` says why, for the one who typed it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_number(text: str | None, locale=None) -> float:
    """Read a number as people type it in the interface language, or raise NumberProblem.

    The language's own notation is read strictly: in Dutch 1234,5 and 1.234,5 are both
    1234.5, and 1.234 is 1234. The other decimal mark is taken where it cannot be a
    thousands separator (4.5 in Dutch, 4,5 in English: one mark, not followed by exactly
    three digits); 12345.678 in Dutch could be either, so it is refused. Exponents, NaN
    and infinity are refused, and so are numbers too large to be a measurement.
    """
    locale = locale or get_locale() or "nl"
    text = "".join((text or "").split())
    if not text or not set(text) <= _NUMBER_CHARACTERS:
        raise NumberProblem(_l("Vul een getal in, bijvoorbeeld 42 of 42,5."))
    try:
        number = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        number = _other_decimal_mark(text, str(get_decimal_symbol(locale)))
    if not number.is_finite():
        raise NumberProblem(_l("Vul een getal in, bijvoorbeeld 42 of 42,5."))
    if abs(number) >= Decimal(MAX_NUMBER):
        raise NumberProblem(_l("Dit getal is te groot. Controleer de waarde."))
    return float(number)


def _other_decimal_mark(text: str, decimal_symbol: str) -> Decimal:
    """Read `text` with the decimal mark the language does not use, if that is unambiguous."""
    other = "." if decimal_symbol == "," else ","
    unsigned = text.lstrip("+-")
    sign = text[:len(text) - len(unsigned)]
    whole, mark, fraction = unsigned.partition(other)
    if not (mark and whole.isdigit() and fraction.isdigit() and len(sign) <= 1):
        raise NumberProblem(_l("Vul een getal in, bijvoorbeeld 42 of 42,5."))
    if len(fraction) == 3:
        raise NumberProblem(_l("Is %(number)s een getal met decimalen of met duizendtallen? "
                               "Schrijf het zonder scheidingsteken voor duizendtallen, "
                               "bijvoorbeeld 1234 of 1234,5.", number=text))
    return Decimal(f"{sign}{whole}.{fraction}")


class NumberField(StringField):
    """A number typed as text, so a Dutch decimal comma is accepted and a typo is kept."""

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, filters=[clean_line], **kwargs)
        self.required = required
        if required:
            self.flags.required = True
        self.number: float | None = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, int | float):
            # Without thousands separators: 1.234 would read back as 1234 or as 1,234.
            return format_decimal(self.data, format=INPUT_FORMAT)
        return ""

    def pre_validate(self, form):
        self.number = None
        text = self.data if isinstance(self.data, str) else (
            None if self.data is None else str(self.data))
        if not text:
            if self.required:
                raise ValidationError(_l("Vul een getal in."))
            return
        try:
            self.number = parse_number(text)
        except NumberProblem as problem:
            raise ValidationError(problem.message) from None


class MeasureForm(FlaskForm):
    """A measure: what the pilot counts, in which unit, and what it aims for."""

    name = line_field(
        _l("Naam"), max=160, required=_l("Geef de meting een naam."),
        description=_l("Wat telt of meet de proeftuin, bijvoorbeeld ‘Mantelzorgers met een steunplan’."),
    )
    unit = line_field(_l("Eenheid"), max=40,
                      description=_l("Bijvoorbeeld ‘%’, ‘mantelzorgers’ of ‘dagen’."))
    goal = NumberField(
        _l("Doel"),
        description=_l("De waarde die de proeftuin wil bereiken. Mag leeg blijven."),
    )
    direction = RadioField(
        _l("Wat is beter?"),
        choices=[SelectChoice(d.value, label) for d, label in DIRECTION_LABELS.items()],
        default=ImprovementDirection.higher.value,
        invalid_choice_message=_l("Kies of hoger of lager beter is."),
    )
    description = TextAreaField(
        _l("Toelichting"),
        description=with_markdown_hint(_l("Hoe telt de proeftuin, en waarom deze meting?")),
        validators=[Length(max=MAX_TEXT, message=TOO_LONG)],
        filters=[clean_text],
    )
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def content(self) -> MeasureContent:
        """Return what the valid form holds, as the services take it."""
        return MeasureContent(
            name=self.name.data, unit=self.unit.data or "", goal=self.goal.number,
            direction=self.direction.data, description=self.description.data or "",
        )


def measure_data(measure: Measure) -> dict:
    """Return the measure form's initial values."""
    return {
        "name": measure.name, "unit": measure.unit, "goal": measure.goal,
        "direction": measure.direction.value, "description": measure.description,
    }


class ValueForm(FlaskForm):
    """The value of a measure in one month; a month that has one already is corrected."""

    month = StringField(
        _l("Maand"),
        description=_l("Jaar en maand, bijvoorbeeld 2026-03. Heeft die maand al een waarde, dan wordt die vervangen."),
        validators=[DataRequired(_l("Vul de maand in, bijvoorbeeld 2026-03."))],
        filters=[clean_line],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "placeholder": _l("JJJJ-MM")},
    )
    value = NumberField(_l("Waarde"), required=True)
    note = line_field(_l("Opmerking"), max=500,
                      description=_l("Bijvoorbeeld hoe er deze maand is geteld. Mag leeg blijven."))
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or local_today()
        self.chosen_month: date | None = None

    def validate_month(self, field):
        """A real month, in a plausible year, that has begun."""
        month = check_month(field.data,
                            _l("Vul de maand in als jaar en maand, bijvoorbeeld 2026-03."))
        if month > self.today.replace(day=1):
            raise ValidationError(_l("Deze maand is nog niet begonnen. Vul een waarde in voor deze of een eerdere maand."))
        self.chosen_month = month


# Experiments -------------------------------------------------------------------------------

#: the label and hint of each text of an experiment, in the order of the cycle
TEXTS = {
    "plan": (_l("Plan: wat gaan we proberen, en wat verwachten we?"),
             _l("Beschrijf de verandering en wat er volgens u zal gebeuren, zo mogelijk in een meting.")),
    "do": (_l("Do: wat hebben we gedaan?"),
           _l("Wat is er werkelijk gebeurd, en wat ging anders dan gepland?")),
    "study": (_l("Study: wat zagen we?"),
              _l("Wat lieten de metingen en de ervaringen zien, vergeleken met de verwachting?")),
    "act": (_l("Act: toelichting op het besluit"),
            _l("Waarom neemt de proeftuin het over, past ze het aan of stopt ze ermee?")),
}


def text_label(name: str) -> str:
    """Return the label of one of an experiment's texts."""
    return str(TEXTS[name][0])


def _text_area(name: str, required: bool = False) -> TextAreaField:
    label, hint = TEXTS[name]
    validators = [Length(max=MAX_TEXT, message=TOO_LONG)]
    if required:
        validators.insert(0, DataRequired(_l("Beschrijf wat u gaat proberen en wat u verwacht.")))
    return TextAreaField(label, description=with_markdown_hint(hint), validators=validators,
                         filters=[clean_text])


class ExperimentForm(FlaskForm):
    """One plan-do-study-act cycle, filled in step by step."""

    title = line_field(
        _l("Titel"), max=200, required=_l("Geef het experiment een titel."),
        description=_l("Een paar woorden, zoals ‘Mantelzorgcheck bij elk eerste huisbezoek’."),
    )
    started_on = DateField(
        _l("Gestart op"), validators=[RequiredDate(_l("Vul de startdatum in.")), check_year],
        **date_kwargs(),
    )
    ended_on = DateField(
        _l("Afgerond op"), description=_l("Leeg zolang het experiment loopt."),
        validators=[Optional(), check_year], **date_kwargs(),
    )
    plan = _text_area("plan", required=True)
    do = _text_area("do")
    study = _text_area("study")
    act_decision = RadioField(
        _l("Act: wat doen we ermee?"),
        choices=[SelectChoice(key, label) for key, label in ACT_LABELS.items()],
        default="",
        invalid_choice_message=_l("Kies overnemen, aanpassen of stoppen, of laat het experiment nog lopen."),
    )
    act = _text_area("act")
    measures = int_checkboxes(
        _l("Metingen"), _l("Kies alleen metingen van deze proeftuin."),
        description=_l("Op de run chart van deze metingen staat de start van het experiment."),
    )
    directions = int_checkboxes(_l("Oplossingsrichtingen"),
                                _l("Kies alleen oplossingsrichtingen van deze proeftuin."))
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def __init__(self, *args, pilot: Pilot, measures: list[Measure],
                 experiment: Experiment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures.choices = [
            SelectChoice(m.id, f"{m.name} ({m.unit})" if m.unit else m.name) for m in measures
        ]
        directions = {d.direction_number: d.direction for d in pilot.directions}
        if experiment is not None:
            directions.update({d.number: d for d in experiment.directions})
        self.directions.choices = [
            SelectChoice(number, f"{number}. {directions[number].name}")
            for number in sorted(directions)
        ]

    def validate_ended_on(self, field):
        """An experiment ends on or after its start."""
        start = self.started_on.data
        if isinstance(field.data, date) and isinstance(start, date) and field.data < start:
            raise ValidationError(_l("De einddatum ligt vóór de startdatum."))

    def validate_act(self, field):
        """A decision comes with its reasons."""
        if self.act_decision.data and not (field.data or "").strip():
            raise ValidationError(_l("Licht het besluit toe: waarom neemt u het over, past u het aan of stopt u?"))

    def content(self) -> ExperimentContent:
        """Return what the valid form holds, as the services take it."""
        return ExperimentContent(
            title=self.title.data, started_on=self.started_on.data,
            ended_on=self.ended_on.data, plan=self.plan.data or "", do=self.do.data or "",
            study=self.study.data or "", act_decision=self.act_decision.data or None,
            act=self.act.data or "", measure_ids=self.measures.data or [],
            direction_numbers=self.directions.data or [],
        )


def experiment_data(experiment: Experiment) -> dict:
    """Return the experiment form's initial values."""
    return {
        "title": experiment.title, "started_on": experiment.started_on,
        "ended_on": experiment.ended_on, "plan": experiment.plan, "do": experiment.do,
        "study": experiment.study, "act": experiment.act,
        "act_decision": experiment.act_decision.value if experiment.act_decision else "",
        "measures": [m.id for m in experiment.measures],
        "directions": [d.number for d in experiment.directions],
    }


def experiment_label(experiment: Experiment) -> str:
    """Name an experiment by its title and the day it started."""
    return f"{experiment.title} ({format_date(experiment.started_on, 'long')})"



# The facilitators' overview --------------------------------------------------------------


class ProgrammeFilterForm(FilterForm):
    """The programme filter of the facilitators' measures page, from a GET parameter."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    programme = programme_filter_field()

    def __init__(self, formdata, *, programmes: list[Programme], **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.programme.choices = programme_choices(programmes)
        self.validate()
        if self.programme.errors:
            self.programme.data = None
