"""Forms of administration: accounts and programmes."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, ValidationError

from proeftuin.admin import queries
from proeftuin.admin.services import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, PROGRAMME_NAME_MAX_LENGTH
from proeftuin.auth.forms import repeat_password_field
from proeftuin.auth.passwords import MAX_LENGTH, MIN_LENGTH
from proeftuin.forms import StopIfLonger, clean_line, clean_text, int_checkboxes
from proeftuin.labels import ROLE
from proeftuin.models import Programme, Role, User

#: generous, but keeps a pasted book out of the database
DESCRIPTION_MAX_LENGTH = 20_000
SEARCH_MAX_LENGTH = 200


def role_choices() -> list[SelectChoice]:
    """Return the account roles as choices, labelled in the interface language."""
    return [SelectChoice(role.value, str(ROLE[role])) for role in Role]


ROLE_DESCRIPTION = _l("Deelnemers werken in proeftuinen; begeleiders volgen de proeftuinen van hun programma's; beheerders beheren accounts en programma's.")


def _role_field(default=None):
    return SelectField(
        _l("Rol"),
        description=ROLE_DESCRIPTION,
        choices=role_choices,
        default=default,
        invalid_choice_message=_l("Kies een van de rollen."),
    )


def _name_field():
    return StringField(
        _l("Naam"),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul een naam in.")),
                    Length(max=NAME_MAX_LENGTH,
                           message=_l("De naam is te lang: gebruik hooguit %(max)d tekens.",
                                      max=NAME_MAX_LENGTH))],
        render_kw={"autocomplete": "off"},
    )


def _email_field():
    return EmailField(
        _l("E-mailadres"),
        description=_l("Hiermee logt de persoon in. Elk e-mailadres hoort bij één account."),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul een e-mailadres in.")),
                    StopIfLonger(EMAIL_MAX_LENGTH, _l("Dit e-mailadres is te lang.")),
                    Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


class UserFilterForm(FlaskForm):
    """Filter the account list by role and a search term (a GET form)."""

    class Meta:
        csrf = False

    rol = SelectField(
        _l("Rol"),
        choices=lambda: [SelectChoice("", str(_l("Alle rollen"))), *role_choices()],
        default="",
        invalid_choice_message=_l("Kies een van de rollen."),
    )
    q = SearchField(
        _l("Zoek op naam of e-mailadres"),
        filters=[clean_line],
        validators=[Length(max=SEARCH_MAX_LENGTH,
                           message=_l("Maak de zoekterm korter: hooguit %(max)d tekens.",
                                      max=SEARCH_MAX_LENGTH))],
    )

    def role(self) -> Role | None:
        """Return the chosen role, if any and valid."""
        if self.rol.errors or not self.rol.data:
            return None
        return Role(self.rol.data)


class NewUserForm(FlaskForm):
    """A new account with an initial password."""

    name = _name_field()
    email = _email_field()
    role = _role_field(default=Role.participant.value)
    password = PasswordField(
        _l("Eerste wachtwoord"),
        description=_l("Minstens %(min)d en hooguit %(max)d tekens. Geef het wachtwoord op een veilige manier door; de persoon kan het daarna zelf wijzigen.",
                       min=MIN_LENGTH, max=MAX_LENGTH),
        validators=[
            DataRequired(_l("Kies een eerste wachtwoord.")),
            StopIfLonger(MAX_LENGTH, _l("Het wachtwoord is te lang: gebruik hooguit %(max)d tekens.",
                                        max=MAX_LENGTH)),
            Length(min=MIN_LENGTH,
                   message=_l("Het wachtwoord is te kort: gebruik minstens %(min)d tekens.",
                              min=MIN_LENGTH)),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password_repeat = repeat_password_field(
        _l("Herhaal het wachtwoord"), "password", _l("Vul het wachtwoord nog een keer in."),
        _l("De twee wachtwoorden zijn niet gelijk. Typ ze opnieuw."),
    )


def _programme_choices(programmes: list[Programme]) -> list[SelectChoice]:
    return [SelectChoice(p.id, p.name) for p in programmes]


class EditUserForm(FlaskForm):
    """An account's name, address, role, whether it may sign in, and its programmes."""

    name = _name_field()
    email = _email_field()
    role = _role_field()
    active = BooleanField(
        _l("Account actief"),
        description=_l("Een uitgeschakeld account kan niet meer inloggen en wordt direct overal uitgelogd. Wat de persoon heeft vastgelegd, blijft bewaard."),
    )
    programmes = int_checkboxes(
        _l("Programma's (alleen voor begeleiders)"), _l("Kies alleen programma's uit de lijst."),
        description=_l("Een begeleider volgt de proeftuinen en aanmeldingen van de aangevinkte programma's."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes.choices = _programme_choices(queries.all_programmes())


def user_data(user: User) -> dict:
    """Return the edit form's initial values for this account."""
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "active": user.active,
        "programmes": [p.id for p in user.programmes],
    }


class ProgrammeForm(FlaskForm):
    """A programme: its name, description, whether it takes applications, its facilitators."""

    name = StringField(
        _l("Naam van het programma"),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul de naam van het programma in.")),
                    Length(max=PROGRAMME_NAME_MAX_LENGTH,
                           message=_l("De naam is te lang: gebruik hooguit %(max)d tekens.",
                                      max=PROGRAMME_NAME_MAX_LENGTH))],
    )
    description = TextAreaField(
        _l("Beschrijving"),
        description=_l("Waar het programma over gaat en wie het draagt."),
        filters=[clean_text],
        validators=[Length(max=DESCRIPTION_MAX_LENGTH,
                           message=_l("Maak de beschrijving korter: hooguit %(max)d tekens.",
                                      max=DESCRIPTION_MAX_LENGTH))],
    )
    accepts_applications = BooleanField(
        _l("Neemt aanmeldingen aan"),
        description=_l("Zet dit uit wanneer het programma geen nieuwe proeftuinen meer zoekt. Bestaande proeftuinen blijven."),
        default=True,
    )
    facilitators = int_checkboxes(
        _l("Begeleiders"), _l("Kies alleen begeleiders uit de lijst."),
        description=_l("Alle accounts met de rol begeleider. Maak eerst een account aan als iemand ontbreekt."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.facilitators.choices = [
            SelectChoice(u.id, u.name if u.active else _("%(name)s (uitgeschakeld)", name=u.name))
            for u in queries.facilitator_accounts()
        ]


def programme_data(programme: Programme) -> dict:
    """Return the programme form's initial values."""
    return {
        "name": programme.name,
        "description": programme.description,
        "accepts_applications": programme.accepts_applications,
        "facilitators": [u.id for u in programme.facilitators],
    }


class DeleteUserForm(FlaskForm):
    """Confirm deleting an account by typing its e-mail address."""

    confirm_email = StringField(
        _l("Typ het e-mailadres van het account ter bevestiging"),
        description=_l("Zo verwijdert niemand per ongeluk het verkeerde account."),
        filters=[clean_line],
        validators=[DataRequired(_l("Typ het e-mailadres van het account om te bevestigen.")),
                    StopIfLonger(EMAIL_MAX_LENGTH, _l("Dit is niet het e-mailadres van dit account."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_confirm_email(self, field) -> None:
        """Accept only the account's own address, in any case."""
        if (field.data or "").strip().lower() != self.user.email.lower():
            raise ValidationError(
                _l("Dit is niet het e-mailadres van dit account. Typ %(email)s om te bevestigen.",
                   email=self.user.email)
            )
