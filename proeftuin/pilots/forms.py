"""Forms of the public pilot pages: the application form and the list filters."""

from __future__ import annotations

from datetime import date

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
    StringField,
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

from proeftuin import reference, reference_queries
from proeftuin.forms import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    AtLeastOne,
    FilterForm,
    MultiCheckboxField,
    RowList,
    check_year,
    clean_line,
    clean_text,
    direction_filter_choices,
    int_or_none,
    question_filter_choices,
    str_or_none,
)
from proeftuin.labels import PILOT_STATUS
from proeftuin.models import PUBLIC_STATUSES, PilotStatus
from proeftuin.pilots import queries
from proeftuin.pilots.queries import PilotFilter

#: generous, but keeps a pasted book out of the database
MAX_TEXT = 20_000
#: empty organisation rows the form offers; more can be added later in the workspace
ORGANISATION_ROWS = 6
#: rows accepted from a submission, whatever a client sends
MAX_ORGANISATION_ROWS = 20

MARKDOWN_HINT = _l("U kunt Markdown gebruiken: **vet**, *schuin*, lijstjes met - en links.")


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

    name = StringField(
        _l("Naam van de organisatie"),
        validators=[Length(max=160, message=_l("Gebruik hoogstens %(max)d tekens."))],
        filters=[clean_line],
    )
    kind = SelectField(
        _l("Soort organisatie"),
        coerce=str_or_none,
        invalid_choice_message=_l("Kies een soort uit de lijst."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice("", _l("Kies de soort")), *(
            SelectChoice(key, label) for key, label in reference.choices("organisation_kinds")
        )]

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
        invalid_value_message=_l("Vul een geldige datum in, bijvoorbeeld 2026-09-01."),
        render_kw={"min": f"{EARLIEST_YEAR}-01-01", "max": f"{LATEST_YEAR}-12-31"},
    )


def _markdown_area(label, description):
    return TextAreaField(
        label,
        description=f"{description} {MARKDOWN_HINT}",
        validators=[
            DataRequired(_l("Vul dit veld in.")),
            Length(max=MAX_TEXT, message=_l("Gebruik hoogstens %(max)d tekens.")),
        ],
        filters=[clean_text],
    )


class ApplicationForm(FlaskForm):
    """A group's application to become a pilot of a programme."""

    name = StringField(
        _l("Naam van de proeftuin"),
        description=_l("Zoals de groep zichzelf noemt, bijvoorbeeld ‘Samen thuis in Denkstad-Noord’."),
        validators=[DataRequired(_l("Vul de naam van de proeftuin in.")),
                    Length(max=160, message=_l("Gebruik hoogstens %(max)d tekens."))],
        filters=[clean_line],
    )
    municipality = StringField(
        _l("Gemeente"),
        validators=[DataRequired(_l("Vul de gemeente in.")),
                    Length(max=120, message=_l("Gebruik hoogstens %(max)d tekens."))],
        filters=[clean_line],
    )
    region_id = SelectField(
        _l("Regio"),
        description=_l("De provincie, of in België ook Brussel."),
        coerce=int_or_none,
        validators=[InputRequired(_l("Kies een regio."))],
        invalid_value_message=_l("Kies een regio uit de lijst."),
        invalid_choice_message=_l("Kies een regio uit de lijst."),
    )
    scale = RadioField(
        _l("Schaal"),
        validators=[InputRequired(_l("Kies de schaal waarop de proeftuin werkt."))],
        invalid_choice_message=_l("Kies een van de genoemde schalen."),
    )
    programme_id = SelectField(
        _l("Programma"),
        description=_l("Het landelijke programma waarbinnen de proeftuin wil werken."),
        coerce=int_or_none,
        validators=[InputRequired(_l("Kies een programma."))],
        invalid_value_message=_l("Kies een programma uit de lijst."),
        invalid_choice_message=_l("Kies een programma uit de lijst."),
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
    disciplines = MultiCheckboxField(
        _l("Betrokken disciplines"),
        description=_l("De vier essentiële disciplines staan bovenaan. Een proeftuin heeft ze bij voorkeur alle vier aan tafel."),
        coerce=int,
        invalid_value_message=_l("Kies disciplines uit de lijst."),
        invalid_choice_message=_l("Kies disciplines uit de lijst."),
    )
    target_groups = MultiCheckboxField(
        _l("Doelgroepen"),
        coerce=int,
        invalid_value_message=_l("Kies doelgroepen uit de lijst."),
        invalid_choice_message=_l("Kies doelgroepen uit de lijst."),
    )
    questions = MultiCheckboxField(
        _l("Vraagstukken van de mantelzorger"),
        description=_l("Kies er ten minste één."),
        coerce=int,
        validators=[AtLeastOne(_l("Kies ten minste één vraagstuk."))],
        invalid_value_message=_l("Kies vraagstukken uit de lijst."),
        invalid_choice_message=_l("Kies vraagstukken uit de lijst."),
    )
    directions = MultiCheckboxField(
        _l("Oplossingsrichtingen"),
        description=_l("Kies er ten minste één. Na de selectie beschrijft de proeftuin per richting haar opgave en gewenste uitkomst."),
        coerce=int,
        validators=[AtLeastOne(_l("Kies ten minste één oplossingsrichting."))],
        invalid_value_message=_l("Kies oplossingsrichtingen uit de lijst."),
        invalid_choice_message=_l("Kies oplossingsrichtingen uit de lijst."),
    )
    planned_start = _date_field(_l("Geplande start"), _l("Bijvoorbeeld 2026-09-01."))
    planned_end = _date_field(_l("Gepland einde"), _l("Na de geplande start; proeftuinen lopen meestal een à twee jaar."))
    contact_name = StringField(
        _l("Naam contactpersoon"),
        validators=[DataRequired(_l("Vul de naam van de contactpersoon in.")),
                    Length(max=120, message=_l("Gebruik hoogstens %(max)d tekens."))],
        filters=[clean_line],
    )
    contact_email = EmailField(
        _l("E-mailadres contactpersoon"),
        validators=[DataRequired(_l("Vul het e-mailadres in.")),
                    Length(max=254, message=_l("Gebruik hoogstens %(max)d tekens.")),
                    Email(_l("Vul een geldig e-mailadres in, zoals naam@organisatie.nl."))],
        filters=[clean_line],
    )
    contact_phone = TelField(
        _l("Telefoonnummer contactpersoon"),
        description=_l("Niet verplicht."),
        validators=[
            Optional(),
            Length(max=40, message=_l("Gebruik hoogstens %(max)d tekens.")),
            Regexp(r"^[0-9+()\-. ]+$",
                   message=_l("Gebruik alleen cijfers, spaties en de tekens + - ( ).")),
        ],
        filters=[clean_line],
    )
    consent = BooleanField(
        _l("Ik geef toestemming om de contactgegevens te bewaren voor de afhandeling van deze aanmelding"),
        description=_l("Alleen de begeleiders van het programma zien ze; ze verschijnen nooit op een openbare pagina."),
        validators=[DataRequired(_l("Zonder deze toestemming kunnen we de aanmelding niet in behandeling nemen."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_id.choices = region_choices(_l("Kies een regio"))
        programmes = queries.programmes_accepting_applications()
        self.programme_id.choices = [SelectChoice("", _l("Kies een programma"))] + [
            SelectChoice(p.id, p.name) for p in programmes
        ]
        self.scale.choices = [SelectChoice(k, v) for k, v in reference.choices("pilot_scales")]
        essential = _("essentieel")
        self.disciplines.choices = [
            SelectChoice(d.id, f"{d.name} ({essential})" if d.essential else d.name)
            for d in reference_queries.disciplines()
        ]
        self.target_groups.choices = [
            SelectChoice(t.id, t.name) for t in reference_queries.target_groups()
        ]
        self.questions.choices = [
            SelectChoice(q.number, f"{q.number}. {q.name}") for q in reference_queries.carer_questions()
        ]
        self.directions.choices = [
            SelectChoice(d.number, f"{d.number}. {d.name}")
            for d in reference_queries.solution_directions()
        ]

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
        self.programme.choices = [SelectChoice("", _l("Alle programma's"))] + [
            SelectChoice(p.slug, p.name) for p in queries.programmes()
        ]
        self.direction.choices = direction_filter_choices()
        self.question.choices = question_filter_choices()
        self.target_group.choices = [SelectChoice("", _l("Alle doelgroepen"))] + [
            SelectChoice(t.key, t.name) for t in reference_queries.target_groups()
        ]
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
