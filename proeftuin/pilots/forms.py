"""Forms of the public pilot pages: the application form and the list filters."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FormField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from proeftuin import reference_queries
from proeftuin.forms import (
    MAX_TEXT,
    TOO_LONG,
    AtLeastOne,
    FilterForm,
    RowList,
    check_year,
    clean_line,
    clean_text,
    date_kwargs,
    direction_choices,
    direction_filter_choices,
    discipline_choices,
    int_checkboxes,
    int_or_none,
    int_select,
    line_field,
    programme_choices,
    question_choices,
    question_filter_choices,
    reference_choices,
    str_or_none,
    target_group_choices,
    target_group_filter_choices,
    with_markdown_hint,
)
from proeftuin.labels import PILOT_STATUS
from proeftuin.models import PUBLIC_STATUSES, PilotStatus
from proeftuin.personal_data.guard import NotPersonalField
from proeftuin.pilots import queries
from proeftuin.pilots.queries import PilotFilter

#: empty organisation rows the form offers; more can be added later in the workspace
ORGANISATION_ROWS = 6
#: rows accepted from a submission, whatever a client sends
MAX_ORGANISATION_ROWS = 20


def region_choices(placeholder) -> list[SelectChoice]:
    groups = {"NL": _l("Nederland"), "BE": _l("België (Vlaanderen en Brussel)")}
    return [SelectChoice("", placeholder)] + [
        SelectChoice(region.id, region.name, optgroup=str(groups.get(region.country, region.country)))
        for region in reference_queries.regions()
    ]


class OrganisationRowForm(FlaskForm):
    """One organisation taking part; a row left wholly blank is ignored."""

    class Meta:
        csrf = False  # the application form around it carries the token

    name = line_field(_l("Naam van de organisatie"), max=160)
    kind = SelectField(
        _l("Soort organisatie"),
        coerce=str_or_none,
        invalid_choice_message=_l("Kies een soort uit de lijst."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = reference_choices("organisation_kinds", _l("Kies de soort"))

    @property
    def is_blank(self) -> bool:
        """Whether nothing was filled in on this row."""
        return not self.name.data and not self.kind.data

    def validate_name(self, field):
        """A row with a kind also needs a name."""
        if not field.data and self.kind.data:
            raise ValidationError(_l("Vul ook de naam van deze organisatie in."))

    def validate_kind(self, field):
        """A row with a name also needs a kind."""
        if not field.data and self.name.data:
            raise ValidationError(_l("Kies ook de soort van deze organisatie."))


def _date_field(label, description):
    return DateField(
        label,
        description=description,
        validators=[InputRequired(_l("Vul een datum in, bijvoorbeeld 2026-09-01.")), check_year],
        **date_kwargs(_l("Vul een geldige datum in, bijvoorbeeld 2026-09-01.")),
    )


def _markdown_area(label, description):
    return TextAreaField(
        label,
        description=with_markdown_hint(description),
        validators=[
            DataRequired(_l("Vul dit veld in.")),
            Length(max=MAX_TEXT, message=TOO_LONG),
        ],
        filters=[clean_text],
    )


class ApplicationForm(FlaskForm):
    """A group's application to become a pilot of a programme."""

    name = line_field(
        _l("Naam van de proeftuin"), max=160, required=_l("Vul de naam van de proeftuin in."),
        description=_l("Zoals de groep zichzelf noemt, bijvoorbeeld ‘Samen thuis in Denkstad-Noord’."),
    )
    municipality = line_field(_l("Gemeente"), max=120, required=_l("Vul de gemeente in."))
    region_id = int_select(
        _l("Regio"), _l("Kies een regio uit de lijst."),
        description=_l("De provincie, of in België ook Brussel."),
        validators=[InputRequired(_l("Kies een regio."))],
    )
    scale = RadioField(
        _l("Schaal"),
        validators=[InputRequired(_l("Kies de schaal waarop de proeftuin werkt."))],
        invalid_choice_message=_l("Kies een van de genoemde schalen."),
    )
    call_id = int_select(
        _l("Ronde"), _l("Kies een open ronde uit de lijst."),
        description=_l("De ronde van het landelijke programma waarbinnen de proeftuin wil werken."),
        validators=[InputRequired(_l("Kies een ronde."))],
    )
    theme = _markdown_area(_l("Thema"), _l("Waar wil de groep aan werken, in eigen woorden?"))
    ambition = _markdown_area(
        _l("Ambitie"), _l("Wat wil de groep aan het eind van de proeftuin bereikt hebben?")
    )
    organisations = RowList(
        FormField(OrganisationRowForm),
        label=_l("Organisaties die meedoen"),
        description=_l("Noem ten minste één organisatie. Lege rijen worden overgeslagen; later kunt u in de werkplaats meer organisaties toevoegen."),
        min_entries=ORGANISATION_ROWS,
        max_entries=MAX_ORGANISATION_ROWS,
    )
    disciplines = int_checkboxes(
        _l("Betrokken disciplines"), _l("Kies disciplines uit de lijst."),
        description=_l("De vier essentiële disciplines staan bovenaan. Een proeftuin heeft ze bij voorkeur alle vier aan tafel."),
    )
    target_groups = int_checkboxes(_l("Doelgroepen"), _l("Kies doelgroepen uit de lijst."))
    questions = int_checkboxes(
        _l("Vraagstukken van de mantelzorger"), _l("Kies vraagstukken uit de lijst."),
        description=_l("Kies er ten minste één."),
        validators=[AtLeastOne(_l("Kies ten minste één vraagstuk."))],
    )
    directions = int_checkboxes(
        _l("Oplossingsrichtingen"), _l("Kies oplossingsrichtingen uit de lijst."),
        description=_l("Kies er ten minste één. Na de selectie beschrijft de proeftuin per richting haar opgave en gewenste uitkomst."),
        validators=[AtLeastOne(_l("Kies ten minste één oplossingsrichting."))],
    )
    planned_start = _date_field(_l("Geplande start"), _l("Bijvoorbeeld 2026-09-01."))
    planned_end = _date_field(_l("Gepland einde"), _l("Na de geplande start; proeftuinen lopen meestal een à twee jaar."))
    contact_name = line_field(_l("Naam contactpersoon"), max=120,
                              required=_l("Vul de naam van de contactpersoon in."))
    contact_email = EmailField(
        _l("E-mailadres contactpersoon"),
        validators=[DataRequired(_l("Vul het e-mailadres in.")),
                    Length(max=254, message=TOO_LONG),
                    Email(_l("Vul een geldig e-mailadres in, zoals naam@organisatie.nl."))],
        filters=[clean_line],
    )
    contact_phone = TelField(
        _l("Telefoonnummer contactpersoon"),
        description=_l("Niet verplicht."),
        validators=[
            Optional(),
            Length(max=40, message=TOO_LONG),
            Regexp(r"^[0-9+()\-. ]+$",
                   message=_l("Gebruik alleen cijfers, spaties en de tekens + - ( ).")),
        ],
        filters=[clean_line],
    )
    #: findings in the theme and ambition the writer ticked; checked again on every post
    not_personal = NotPersonalField()
    consent = BooleanField(
        _l("Ik geef toestemming om de contactgegevens te bewaren voor de afhandeling van deze aanmelding"),
        description=_l("Alleen de begeleiders van het programma zien ze; ze verschijnen nooit op een openbare pagina."),
        validators=[DataRequired(_l("Zonder deze toestemming kunnen we de aanmelding niet in behandeling nemen."))],
    )

    def __init__(self, *args, open_calls, **kwargs):
        """`open_calls` are the calls a group can apply to now (`calls.queries.open_calls`)."""
        super().__init__(*args, **kwargs)
        self.region_id.choices = region_choices(_l("Kies een regio"))
        self.call_id.choices = [SelectChoice("", _l("Kies een ronde"))] + [
            SelectChoice(call.id, _("%(programme)s: %(call)s (aanmelden tot en met %(day)s)",
                                    programme=call.programme.name, call=call.title,
                                    day=format_date(call.closes_on, "long")))
            for call in open_calls
        ]
        self.scale.choices = reference_choices("pilot_scales")
        self.disciplines.choices = discipline_choices()
        self.target_groups.choices = target_group_choices()
        self.questions.choices = question_choices()
        self.directions.choices = direction_choices()

    def validate_organisations(self, field):
        """At least one organisation takes part."""
        if all(row.form.is_blank for row in field.entries):
            raise ValidationError(_l("Noem ten minste één organisatie die meedoet."))

    def validate_planned_end(self, field):
        """The end lies after the start."""
        start = self.planned_start.data
        if isinstance(field.data, date) and isinstance(start, date) and field.data <= start:
            raise ValidationError(_l("Het geplande einde moet na de geplande start liggen."))


# The public list's filters ------------------------------------------------------------------


class PilotFilterForm(FilterForm):
    """The filters of the public pilot list, read from plain GET parameters."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = SearchField(
        _l("Naam of gemeente"),
        validators=[Length(max=100)],
        filters=[clean_line],
    )
    region = SelectField(_l("Regio"), name="regio", coerce=int_or_none)
    programme = SelectField(_l("Programma"), name="programma", coerce=str_or_none)
    direction = SelectField(_l("Oplossingsrichting"), name="richting", coerce=int_or_none)
    question = SelectField(_l("Vraagstuk"), name="vraag", coerce=int_or_none)
    target_group = SelectField(_l("Doelgroep"), name="doelgroep", coerce=str_or_none)
    status = SelectField(_l("Status"), name="status", coerce=str_or_none)

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.region.choices = region_choices(_l("Alle regio's"))
        self.programme.choices = programme_choices(queries.programmes())
        self.direction.choices = direction_filter_choices()
        self.question.choices = question_filter_choices()
        self.target_group.choices = target_group_filter_choices()
        self.status.choices = [SelectChoice("", _l("Alle statussen"))] + [
            SelectChoice(s.value, PILOT_STATUS[s]) for s in PUBLIC_STATUSES
        ]
        self._drop_invalid()

    def _drop_invalid(self) -> None:
        # A stale or hand-made link should still show a list, so a value we cannot use
        # is ignored rather than reported.
        self.validate()
        for field in self:
            if field.errors:
                field.data = None
                field.errors = []
        if isinstance(self.q.data, str) and not self.q.data:
            self.q.data = None

    def selection(self) -> PilotFilter:
        """Return the valid filters as a query selection."""
        return PilotFilter(
            q=self.q.data,
            region_id=self.region.data,
            programme_slug=self.programme.data,
            direction_number=self.direction.data,
            question_number=self.question.data,
            target_group_key=self.target_group.data,
            status=PilotStatus(self.status.data) if self.status.data else None,
        )
