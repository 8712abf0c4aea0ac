"""Forms of the case discussions: the case itself, its follow-up rows and the list filters."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from proeftuin import reference_queries
from proeftuin.cases.queries import CaseFilter
from proeftuin.cases.services import CaseContent, FollowUp
from proeftuin.forms import (
    MAX_TEXT,
    TOO_LONG,
    FilterForm,
    RequiredDate,
    RowList,
    check_year,
    clean_text,
    date_kwargs,
    direction_filter_choices,
    discipline_choices,
    int_checkboxes,
    int_select,
    line_field,
    question_filter_choices,
    str_or_none,
    with_markdown_hint,
)
from proeftuin.labels import CASE_STATUS
from proeftuin.models import CASE_TEXT_FIELDS, CaseDiscussion, CaseStatus, Pilot
from proeftuin.personal_data.guard import NotPersonalField

#: the longest follow-up action; one agreement, not a report
MAX_ACTION = 2_000
#: empty follow-up rows the form always offers below the filled ones
SPARE_ROWS = 2
#: filled follow-up rows one case discussion may hold
MAX_FOLLOW_UPS = 30
#: rows read from a submission, whatever a client sends
MAX_ROWS_READ = MAX_FOLLOW_UPS + SPARE_ROWS + 1

#: the label and hint of each free text of a case discussion, in CASE_TEXT_FIELDS order
TEXTS = {
    "presenter_question": (
        _l("Vraag van de inbrenger"),
        _l("Met welke vraag komt de inbrenger naar de groep?"),
    ),
    "situation": (
        _l("Situatie"),
        _l("Beschrijf de situatie zonder namen, adressen, telefoonnummers, geboortedata of burgerservicenummers. Schrijf bijvoorbeeld ‘mevrouw (84)’ of ‘de dochter’."),
    ),
    "carer_perspective": (
        _l("Perspectief van de mantelzorger"),
        _l("Hoe ziet de mantelzorger de situatie, en wat heeft die nodig?"),
    ),
    "went_well": (
        _l("Wat ging goed"),
        _l("Wat werkte in deze casus, en waarom?"),
    ),
    "group_advice": (
        _l("Advies van de groep"),
        _l("Wat geeft de groep de inbrenger mee?"),
    ),
    "could_do_better": (
        _l("Wat kon anders, eerder of beter"),
        _l("Waar had het team anders, eerder of beter kunnen handelen?"),
    ),
}


def text_label(name: str) -> str:
    """Return the label of one of the case discussion's free texts."""
    return str(TEXTS[name][0])


def not_far_ahead(form, field):
    """Refuse a discussion date more than a day ahead: it has not taken place yet."""
    if isinstance(field.data, date) and field.data > date.today() + timedelta(days=1):
        raise ValidationError(_l("Een casusbespreking die nog moet plaatsvinden kunt u nog niet vastleggen. Controleer de datum."))


def _markdown_area(name: str) -> TextAreaField:
    label, hint = TEXTS[name]
    return TextAreaField(
        label,
        description=with_markdown_hint(hint),
        validators=[Length(max=MAX_TEXT, message=TOO_LONG)],
        filters=[clean_text],
    )


class FollowUpForm(FlaskForm):
    """One agreement made in the discussion; a row left wholly blank is ignored."""

    class Meta:
        csrf = False  # the case form around it carries the token

    action = TextAreaField(
        _l("Afspraak"),
        description=_l("Wat gaat er gebeuren?"),
        validators=[Length(max=MAX_ACTION, message=TOO_LONG)],
        filters=[clean_text],
    )
    owner = line_field(
        _l("Wie"), max=160,
        description=_l("Een rol of discipline, bijvoorbeeld ‘de wijkverpleegkundige’; geen naam."),
    )
    due_on = DateField(
        _l("Uiterlijk op"),
        validators=[Optional(), check_year],
        **date_kwargs(),
    )
    done = BooleanField(_l("Afgerond"))

    @property
    def is_blank(self) -> bool:
        """Whether nothing was filled in on this row."""
        return not (self.action.data or self.owner.data or self.due_on.data
                    or self.due_on.raw_data and any(self.due_on.raw_data)
                    or self.done.data)

    def validate_action(self, field):
        """A row with a person, a date or a tick also says what was agreed."""
        if not field.data and not self.is_blank:
            raise ValidationError(_l("Beschrijf ook wat er is afgesproken, of maak de rij leeg."))


class CaseForm(FlaskForm):
    """A case discussion: when, who was there, the case, what the group made of it."""

    held_on = DateField(
        _l("Datum van de bespreking"),
        validators=[RequiredDate(_l("Vul de datum van de bespreking in.")), check_year,
                    not_far_ahead],
        **date_kwargs(),
    )
    title = line_field(
        _l("Korte titel"), max=160, required=_l("Geef de casus een korte titel."),
        description=_l("Een paar woorden waaraan de groep de casus herkent, zoals ‘Overbelaste partner na ziekenhuisopname’. Gebruik geen namen."),
    )
    status = RadioField(
        _l("Status"),
        description=_l("Een concept kunt u later aanvullen; definitief is wat de groep heeft afgesproken."),
        choices=[SelectChoice(status.value, label) for status, label in CASE_STATUS.items()],
        default=CaseStatus.draft.value,
        invalid_choice_message=_l("Kies concept of definitief."),
    )
    disciplines = int_checkboxes(_l("Aanwezige disciplines"), _l("Kies disciplines uit de lijst."))
    presenter_question = _markdown_area("presenter_question")
    situation = _markdown_area("situation")
    carer_perspective = _markdown_area("carer_perspective")
    went_well = _markdown_area("went_well")
    group_advice = _markdown_area("group_advice")
    could_do_better = _markdown_area("could_do_better")
    follow_ups = RowList(
        FormField(FollowUpForm),
        label=_l("Afspraken en vervolg"),
        description=_l("Wat is er afgesproken, wie doet het en wanneer? Lege rijen worden overgeslagen. Na het opslaan of een voorbeeld staan er weer twee lege rijen klaar."),
        min_entries=SPARE_ROWS,
        max_entries=MAX_ROWS_READ,
    )
    questions = int_checkboxes(_l("Vraagstukken van de mantelzorger"),
                               _l("Kies vraagstukken uit de lijst."))
    directions = int_checkboxes(_l("Oplossingsrichtingen"),
                                _l("Kies oplossingsrichtingen uit de lijst."))
    #: fingerprints of personal-data findings the writer ticked as "not personal data"
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        own = _l("gekozen door de proeftuin")
        own_questions = {q.number for q in pilot.questions}
        own_directions = {d.direction_number for d in pilot.directions}
        self.disciplines.choices = discipline_choices()
        self.questions.choices = [
            SelectChoice(q.number, f"{q.number}. {q.name}" + (f" ({own})" if q.number in own_questions else ""))
            for q in reference_queries.carer_questions()
        ]
        self.directions.choices = [
            SelectChoice(d.number, f"{d.number}. {d.name}" + (f" ({own})" if d.number in own_directions else ""))
            for d in reference_queries.solution_directions()
        ]

    def validate_follow_ups(self, field):
        """Keep the follow-up list to what a discussion agrees on."""
        filled = sum(1 for entry in field.entries if not entry.form.is_blank)
        if filled > MAX_FOLLOW_UPS:
            raise ValidationError(_l("Noem hoogstens %(max)d afspraken.", max=MAX_FOLLOW_UPS))

    def text_fields(self) -> list:
        """Return the case's long text fields, in the order the page shows them."""
        return [self[name] for name in CASE_TEXT_FIELDS]

    def keep_spare_rows(self) -> None:
        """Make sure the follow-up list ends in SPARE_ROWS blank rows, to fill in without script."""
        entries = self.follow_ups.entries
        blank_at_end = 0
        for entry in reversed(entries):
            if not entry.form.is_blank:
                break
            blank_at_end += 1
        while blank_at_end < SPARE_ROWS and len(entries) < MAX_ROWS_READ:
            self.follow_ups.append_entry()
            blank_at_end += 1

    def content(self) -> CaseContent:
        """Return what the writer entered, for the services; blank follow-up rows left out."""
        return CaseContent(
            held_on=self.held_on.data,
            title=self.title.data,
            status=self.status.data,
            texts={name: self[name].data or "" for name in CASE_TEXT_FIELDS},
            discipline_ids=self.disciplines.data or [],
            question_numbers=self.questions.data or [],
            direction_numbers=self.directions.data or [],
            follow_ups=[
                FollowUp(action=row.action.data, owner=row.owner.data or "",
                         due_on=row.due_on.data, done=bool(row.done.data))
                for row in (entry.form for entry in self.follow_ups.entries)
                if not row.is_blank
            ],
        )


def case_data(case: CaseDiscussion) -> dict:
    """Return the case form's initial values for this case discussion."""
    return {
        "held_on": case.held_on,
        "title": case.title,
        "status": case.status.value,
        "disciplines": [d.id for d in case.disciplines],
        "questions": [q.number for q in case.questions],
        "directions": [d.number for d in case.directions],
        "follow_ups": [
            {"action": f.action, "owner": f.owner, "due_on": f.due_on, "done": f.done}
            for f in case.follow_ups
        ],
        **{name: getattr(case, name) for name in CASE_TEXT_FIELDS},
    }



# The list's filters ----------------------------------------------------------------------


class CaseFilterForm(FilterForm):
    """The filters of a pilot's case list, read from plain GET parameters.

    A value that cannot be used is left out of the selection and reported on the page, so
    the writer of a hand-made link sees why the list is wider than asked.
    """

    class Meta:
        csrf = False  # a GET form that changes nothing

    direction = int_select(_l("Oplossingsrichting"),
                           _l("Kies een oplossingsrichting uit de lijst."), name="richting")
    question = int_select(_l("Vraagstuk"), _l("Kies een vraagstuk uit de lijst."), name="vraag")
    discipline = SelectField(
        _l("Discipline"), name="discipline", coerce=str_or_none,
        invalid_choice_message=_l("Kies een discipline uit de lijst."),
    )
    held_from = DateField(
        _l("Besproken vanaf"), name="van", validators=[Optional(), check_year],
        description=_l("Bijvoorbeeld 2026-01-01."), **date_kwargs(),
    )
    held_until = DateField(
        _l("Besproken tot en met"), name="tot", validators=[Optional(), check_year],
        description=_l("Bijvoorbeeld 2026-12-31."), **date_kwargs(),
    )
    status = SelectField(
        _l("Status"), name="status", coerce=str_or_none,
        invalid_choice_message=_l("Kies concept of definitief."),
    )

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.direction.choices = direction_filter_choices()
        self.question.choices = question_filter_choices()
        self.discipline.choices = [SelectChoice("", _l("Alle disciplines"))] + [
            SelectChoice(d.key, d.name) for d in reference_queries.disciplines()
        ]
        self.status.choices = [SelectChoice("", _l("Concept en definitief"))] + [
            SelectChoice(status.value, label) for status, label in CASE_STATUS.items()
        ]
        self._set_aside_invalid()

    def validate_held_until(self, field):
        """The period ends on or after its start."""
        start = self.held_from.data
        if isinstance(field.data, date) and isinstance(start, date) and field.data < start:
            raise ValidationError(_l("De einddatum ligt vóór de begindatum."))

    def _set_aside_invalid(self) -> None:
        self.validate()
        for field in self:
            if field.errors:
                field.data = None

    def selection(self) -> CaseFilter:
        """Return the valid filters as a query selection."""
        return CaseFilter(
            direction_number=self.direction.data,
            question_number=self.question.data,
            discipline_key=self.discipline.data,
            held_from=self.held_from.data,
            held_until=self.held_until.data,
            status=CaseStatus(self.status.data) if self.status.data else None,
        )
