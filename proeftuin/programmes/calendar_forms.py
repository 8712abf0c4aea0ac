"""The facilitators' forms of a cohort's calendar: a date, and a learning session's report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TimeField
from wtforms.validators import InputRequired, Optional, ValidationError

from proeftuin.forms import (
    RequiredDate,
    check_year,
    date_kwargs,
    int_checkboxes,
    line_field,
    markdown_area,
    str_or_none,
)
from proeftuin.labels import COHORT_DATE_KIND
from proeftuin.models import CohortDate, CohortDateKind, Pilot

#: how a time may be typed: as a time field sends it, with seconds, or with a full stop
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]


def _time_field(label, description=None) -> TimeField:
    return TimeField(label, description=description, format=TIME_FORMATS,
                     validators=[Optional()],
                     invalid_value_message=_l("Vul een tijd in als 14:30."))


class CohortDateForm(FlaskForm):
    """A date of the cohort's calendar: what, when, where; for a harvest its due day."""

    kind = SelectField(
        _l("Soort"), coerce=str_or_none,
        validators=[InputRequired(_l("Kies wat voor datum het is."))],
        invalid_choice_message=_l("Kies een soort uit de lijst."),
    )
    title = line_field(_l("Titel of onderwerp"), max=160,
                       required=_l("Geef de datum een titel of onderwerp."),
                       description=_l("Bijvoorbeeld ‘Samen beslissen met de mantelzorger’."))
    held_on = DateField(
        _l("Dag"),
        description=_l("Voor een oogstmoment: de eerste dag waarop een ingediende les telt."),
        validators=[RequiredDate(_l("Vul de dag in, bijvoorbeeld 2027-03-15.")), check_year],
        **date_kwargs(_l("Vul een geldige datum in, bijvoorbeeld 2027-03-15.")),
    )
    start_time = _time_field(_l("Begintijd"),
                             _l("Leeg laten voor een datum die de hele dag duurt, zoals een oogstmoment."))
    end_time = _time_field(_l("Eindtijd"))
    place = line_field(_l("Plaats"), max=160,
                       description=_l("Bijvoorbeeld een zaal en een adres, of ‘Online’."))
    description = markdown_area(_l("Beschrijving"),
                                _l("Wat de proeftuinen kunnen verwachten of voorbereiden. Dit staat ook in de agenda-feed; zet er geen namen van mensen in."))
    due_on = DateField(
        _l("Uiterste dag (oogstmoment)"),
        description=_l("Alleen voor een oogstmoment: een les die tot en met deze dag is ingediend, telt mee. Leeg gelaten: zes weken na de dag."),
        validators=[Optional(), check_year],
        **date_kwargs(_l("Vul een geldige datum in, bijvoorbeeld 2027-04-26.")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Kies een soort"))] + [
            (kind.value, label) for kind, label in COHORT_DATE_KIND.items()]

    @property
    def chosen_kind(self) -> CohortDateKind | None:
        """The kind chosen, if it is one."""
        try:
            return CohortDateKind(self.kind.data)
        except ValueError:
            return None

    def validate_start_time(self, field):
        """A harvest lasts all day: it has no times."""
        if field.data is not None and self.chosen_kind is CohortDateKind.harvest:
            raise ValidationError(_l("Een oogstmoment duurt de hele dag: laat de tijden leeg."))

    def validate_end_time(self, field):
        """An end time comes after a start time; a harvest has neither."""
        if field.data is None:
            return
        start = self.start_time
        if self.chosen_kind is CohortDateKind.harvest:
            if start.data is None:  # else the start time says so already
                raise ValidationError(_l("Een oogstmoment duurt de hele dag: laat de tijden leeg."))
            return
        if start.data is None:
            if not start.errors:  # a start time that is no time has its own message
                raise ValidationError(_l("Vul ook een begintijd in."))
            return
        if field.data <= start.data:
            raise ValidationError(_l("De eindtijd moet na de begintijd liggen."))

    def validate_due_on(self, field):
        """A harvest's due day is not before its day."""
        if (field.data and self.held_on.data and self.chosen_kind is CohortDateKind.harvest
                and field.data < self.held_on.data):
            raise ValidationError(_l("De uiterste dag mag niet voor de dag van het oogstmoment liggen."))

    def values(self) -> dict:
        """The date's values for the services; only a harvest keeps a due day."""
        kind = self.chosen_kind
        return {
            "kind": kind, "held_on": self.held_on.data, "start_time": self.start_time.data,
            "end_time": self.end_time.data, "title": self.title.data,
            "place": self.place.data or "", "description": self.description.data or "",
            "due_on": self.due_on.data if kind is CohortDateKind.harvest else None,
        }


def cohort_date_data(cohort_date: CohortDate) -> dict:
    """The form's values for an existing date."""
    return {
        "kind": cohort_date.kind.value, "held_on": cohort_date.held_on,
        "start_time": cohort_date.start_time, "end_time": cohort_date.end_time,
        "title": cohort_date.title, "place": cohort_date.place,
        "description": cohort_date.description, "due_on": cohort_date.due_on,
    }


class SessionReportForm(FlaskForm):
    """A learning session's report and the cohort's pilots that attended."""

    report = markdown_area(_l("Verslag"),
                           _l("Kort: wat er aan bod kwam en wat de proeftuinen meenemen. Alleen begeleiders lezen het; het staat niet in de agenda-feed."))
    pilots = int_checkboxes(_l("Aanwezige proeftuinen"),
                            _l("Kies proeftuinen uit de lijst."),
                            description=_l("Vink de proeftuinen van de ronde aan die (met ten minste één lid) aanwezig waren of verwacht worden."))

    def __init__(self, *args, cohort: list[Pilot], **kwargs):
        super().__init__(*args, **kwargs)
        self.pilots.choices = [(pilot.id, pilot.name) for pilot in cohort]
