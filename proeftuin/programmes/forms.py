"""The facilitators' form for a call and its criteria."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FormField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, StopValidation, ValidationError

from proeftuin.forms import (
    RequiredDate,
    RowList,
    check_year,
    date_kwargs,
    int_or_none,
    line_field,
    markdown_area,
)
from proeftuin.models import Call

#: criterion rows a new call offers, and the most a call may have
CRITERION_ROWS = 5
MAX_CRITERIA = 12
#: more places than this is a typing mistake: programmes select tens of pilots at most
MAX_PLACES = 500


def _a_number(form, field):
    # Text that is no number has its own message already; a range would only repeat it.
    if field.process_errors:
        raise StopValidation()


class CriterionRowForm(FlaskForm):
    """One criterion; a row left wholly blank is ignored."""

    class Meta:
        csrf = False  # the call's form around it carries the token

    title = line_field(_l("Criterium"), max=160)
    description = line_field(_l("Waar de beoordelaars op letten"), max=500)

    @property
    def is_blank(self) -> bool:
        """Whether nothing was filled in on this row."""
        return not self.title.data and not self.description.data

    def validate_title(self, field):
        """A row with a description also needs a title."""
        if not field.data and self.description.data:
            raise ValidationError(_l("Geef dit criterium ook een naam."))


class CallForm(FlaskForm):
    """A call: what it asks, when it takes applications, how many places it has, and the
    criteria its applications are judged on."""

    programme_id = SelectField(
        _l("Programma"), coerce=int_or_none,
        validators=[InputRequired(_l("Kies een programma."))],
        invalid_choice_message=_l("Kies een programma uit de lijst."),
    )
    title = line_field(_l("Titel"), max=160, required=_l("Geef de ronde een titel."),
                       description=_l("Bijvoorbeeld ‘Ronde 2027’."))
    text = markdown_area(
        _l("Tekst van de oproep"),
        _l("Wat het programma zoekt en wat het biedt; aanmelders lezen dit boven het formulier."))
    opens_on = DateField(
        _l("Eerste dag van aanmelden"),
        validators=[RequiredDate(_l("Vul de eerste dag in, bijvoorbeeld 2027-01-15.")),
                    check_year],
        **date_kwargs(_l("Vul een geldige datum in, bijvoorbeeld 2027-01-15.")),
    )
    closes_on = DateField(
        _l("Laatste dag van aanmelden"),
        description=_l("Tot en met deze dag (Nederlandse tijd) kan een groep zich aanmelden."),
        validators=[RequiredDate(_l("Vul de laatste dag in, bijvoorbeeld 2027-03-01.")),
                    check_year],
        **date_kwargs(_l("Vul een geldige datum in, bijvoorbeeld 2027-03-01.")),
    )
    places = IntegerField(
        _l("Aantal plaatsen"),
        description=_l("Hoeveel proeftuinen het programma in deze ronde wil selecteren."),
        validators=[InputRequired(_l("Vul het aantal plaatsen in.")), _a_number,
                    NumberRange(1, MAX_PLACES, _l("Kies een aantal tussen %(min)s en %(max)s."))],
        invalid_value_message=_l("Vul een heel getal in, bijvoorbeeld 4."),
    )
    criteria = RowList(
        FormField(CriterionRowForm),
        label=_l("Criteria"),
        description=_l("Waarop de aanmeldingen worden beoordeeld, elk met een score van 1 tot 5. Lege rijen worden overgeslagen."),
        min_entries=CRITERION_ROWS,
        max_entries=MAX_CRITERIA,
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_id.choices = [(p.id, p.name) for p in programmes]

    def validate_closes_on(self, field):
        """The last day is not before the first."""
        opens = self.opens_on.data
        if field.data and opens and field.data < opens:
            raise ValidationError(_l("De laatste dag mag niet voor de eerste liggen."))

    def validate_criteria(self, field):
        """A call has at least one criterion."""
        if all(row.form.is_blank for row in field.entries):
            raise ValidationError(_l("Noem ten minste één criterium."))

    def criteria_rows(self) -> list[tuple[str, str]]:
        """The (title, description) of each filled-in criterion, in order."""
        return [(row.form.title.data, row.form.description.data or "")
                for row in self.criteria.entries if not row.form.is_blank]


def call_data(call: Call) -> dict:
    """The form's values for an existing call, with room for more criteria."""
    criteria = [{"title": c.title, "description": c.description} for c in call.criteria]
    return {
        "programme_id": call.programme_id, "title": call.title, "text": call.text,
        "opens_on": call.opens_on, "closes_on": call.closes_on, "places": call.places,
        "criteria": criteria + [{}] * min(max(CRITERION_ROWS - len(criteria), 1),
                                          MAX_CRITERIA - len(criteria)),
    }
