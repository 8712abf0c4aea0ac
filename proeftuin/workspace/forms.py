"""Forms of a pilot's workspace."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from proeftuin import reference_queries
from proeftuin.forms import (
    MAX_TEXT,
    AtLeastOne,
    MultiCheckboxField,
    check_year,
    clean_line,
    clean_text,
    direction_choices,
    markdown_area,
    question_choices,
    reference_choices,
)
from proeftuin.labels import MEMBER_ROLE
from proeftuin.models import Pilot
from proeftuin.personal_data.guard import NotPersonalField


class FrameworkForm(FlaskForm):
    """The carer questions and solution directions a pilot works on."""

    questions = MultiCheckboxField(
        _l("Vraagstukken van de mantelzorger"), coerce=int,
        validators=[AtLeastOne(_l("Kies ten minste één vraagstuk."))],
    )
    directions = MultiCheckboxField(
        _l("Oplossingsrichtingen"), coerce=int,
        validators=[AtLeastOne(_l("Kies ten minste één oplossingsrichting."))],
    )
    confirm_loss = BooleanField(
        _l("Ja, verwijder de opgave en gewenste uitkomst van de richtingen die ik uitzet"),
        description=_l("Nodig wanneer u een richting uitzet waarvoor al tekst is geschreven. Die tekst gaat dan verloren."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions.choices = question_choices()
        self.directions.choices = direction_choices()


def framework_data(pilot: Pilot) -> dict:
    """Return the framework form's initial values for this pilot."""
    return {
        "questions": [q.number for q in pilot.questions],
        "directions": [d.direction_number for d in pilot.directions],
    }


class DirectionForm(FlaskForm):
    """A pilot's task and desired outcome in one solution direction."""

    task = TextAreaField(
        _l("Opgave"),
        description=_l("Wat neemt de proeftuin in deze richting op zich?"),
        validators=[Length(max=MAX_TEXT)],
        filters=[clean_text],
    )
    desired_outcome = TextAreaField(
        _l("Gewenste uitkomst"),
        description=_l("Wat wil de proeftuin in deze richting bereiken?"),
        validators=[Length(max=MAX_TEXT)],
        filters=[clean_text],
    )
    not_personal = NotPersonalField(choices=[], validate_choice=False)


class ProfileForm(FlaskForm):
    """The pilot's profile."""

    name = StringField(
        _l("Naam van de proeftuin"),
        validators=[DataRequired(_l("Vul de naam van de proeftuin in.")), Length(max=160)],
        filters=[clean_line],
    )
    municipality = StringField(
        _l("Gemeente"),
        validators=[DataRequired(_l("Vul de gemeente in.")), Length(max=120)],
        filters=[clean_line],
    )
    region_id = SelectField(
        _l("Regio"), coerce=int,
        validators=[InputRequired(_l("Kies een regio."))],
    )
    scale = RadioField(
        _l("Schaal"),
        validators=[InputRequired(_l("Kies de schaal waarop de proeftuin werkt."))],
    )
    theme = markdown_area(_l("Thema"), _l("Waar werkt de proeftuin aan, in eigen woorden?"))
    ambition = markdown_area(_l("Ambitie"), _l("Wat wil de proeftuin aan het eind bereikt hebben?"))
    actions = markdown_area(_l("Wat we doen"), _l("Verschijnt op het openbare profiel."))
    results = markdown_area(_l("Wat we bereikt hebben"), _l("Verschijnt op het openbare profiel."))
    planned_start = DateField(
        _l("Geplande start"), validators=[Optional(), check_year],
        description=_l("Bijvoorbeeld 2025-09-01."),
    )
    planned_end = DateField(
        _l("Gepland einde"), validators=[Optional(), check_year],
        description=_l("Na de geplande start."),
    )
    disciplines = MultiCheckboxField(_l("Betrokken disciplines"), coerce=int)
    target_groups = MultiCheckboxField(_l("Doelgroepen"), coerce=int)
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_id.choices = [SelectChoice(r.id, r.name) for r in reference_queries.regions()]
        self.scale.choices = reference_choices("pilot_scales")
        self.disciplines.choices = [SelectChoice(d.id, d.name) for d in reference_queries.disciplines()]
        self.target_groups.choices = [SelectChoice(t.id, t.name) for t in reference_queries.target_groups()]

    def validate_planned_end(self, field):
        """The end lies after the start."""
        start = self.planned_start.data
        if field.data and start and field.data <= start:
            raise ValidationError(_l("Het geplande einde moet na de geplande start liggen."))


def profile_data(pilot: Pilot) -> dict:
    """Return the profile form's initial values for this pilot."""
    return {
        "name": pilot.name,
        "municipality": pilot.municipality,
        "region_id": pilot.region_id,
        "scale": pilot.scale.value,
        "theme": pilot.theme,
        "ambition": pilot.ambition,
        "actions": pilot.actions,
        "results": pilot.results,
        "planned_start": pilot.planned_start,
        "planned_end": pilot.planned_end,
        "disciplines": [d.id for d in pilot.disciplines],
        "target_groups": [t.id for t in pilot.target_groups],
    }


class OrganisationForm(FlaskForm):
    """An organisation taking part in the pilot."""

    name = StringField(
        _l("Naam van de organisatie"),
        validators=[DataRequired(_l("Vul de naam van de organisatie in.")), Length(max=160)],
        filters=[clean_line],
    )
    kind = SelectField(_l("Soort organisatie"),
                       validators=[InputRequired(_l("Kies de soort organisatie."))])
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = reference_choices("organisation_kinds")


class AgreementForm(FlaskForm):
    """A collaboration agreement: who does what."""

    party = StringField(
        _l("Wie"),
        description=_l("Een rol of organisatie, bijvoorbeeld ‘wijkverpleegkundige’ of ‘Welzijn Voorbeeld’."),
        validators=[DataRequired(_l("Vul in wie de afspraak maakt.")), Length(max=160)],
        filters=[clean_line],
    )
    commitment = TextAreaField(
        _l("Wat"),
        description=_l("Wat doet deze partij? U kunt Markdown gebruiken."),
        validators=[DataRequired(_l("Beschrijf wat deze partij doet.")), Length(max=MAX_TEXT)],
        filters=[clean_text],
    )


def row_data(row, fields) -> dict:
    """Return an edit form's initial values: the row's attributes, an enum by its value."""
    values = {name: getattr(row, name) for name in fields}
    return {name: v.value if isinstance(v, enum.Enum) else v for name, v in values.items()}


_ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in MEMBER_ROLE.items()]


class MemberRoleForm(FlaskForm):
    """A member's role in the pilot."""

    role = SelectField(_l("Rol"), choices=_ROLE_CHOICES,
                       validators=[InputRequired(_l("Kies een rol."))])


class InvitationForm(FlaskForm):
    """Invite someone by e-mail address."""

    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul het e-mailadres in.")),
                    Email(_l("Vul een geldig e-mailadres in.")), Length(max=254)],
        filters=[clean_line],
    )
    role = RadioField(_l("Rol"), choices=_ROLE_CHOICES, default="member",
                      validators=[InputRequired(_l("Kies een rol."))])
