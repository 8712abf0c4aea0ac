"""Sign-in, password and invitation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from proeftuin.auth.passwords import MAX_LENGTH, MIN_LENGTH, verify_password
from proeftuin.forms import StopIfLonger, clean_line

#: the longest e-mail address there can be (RFC 5321)
EMAIL_MAX_LENGTH = 254
#: as long as User.name
NAME_MAX_LENGTH = 120


class LongerThan:
    """Refuse text longer than `max` without a maxlength attribute.

    Browsers silently cut a pasted password at maxlength, so the user would set another
    password than the one they think; a clear message is better.
    """

    def __init__(self, max: int, message):
        self.max = max
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and len(field.data) > self.max:
            raise ValidationError(self.message)


def new_password_validators(required_message):
    """Return the validators for a password being set: 12 to 128 characters."""
    return [
        DataRequired(required_message),
        Length(min=MIN_LENGTH,
               message=_l("Het wachtwoord is te kort: gebruik minstens %(min)d tekens.",
                          min=MIN_LENGTH)),
        LongerThan(MAX_LENGTH,
                   _l("Het wachtwoord is te lang: gebruik hooguit %(max)d tekens.",
                      max=MAX_LENGTH)),
    ]


PASSWORD_RULES = _l("Minstens %(min)d en hooguit %(max)d tekens. Een zin van een paar woorden is "
                    "goed te onthouden en moeilijk te raden.", min=MIN_LENGTH, max=MAX_LENGTH)


class LoginForm(FlaskForm):
    """E-mail address and password."""

    email = EmailField(
        _l("E-mailadres"),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                    StopIfLonger(EMAIL_MAX_LENGTH, _l("Dit e-mailadres is te lang.")),
                    Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Vul uw wachtwoord in.")),
                    StopIfLonger(MAX_LENGTH, _l("Dit wachtwoord is te lang."))],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    """The current password, and the new one twice."""

    current_password = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(_l("Vul uw huidige wachtwoord in.")),
                    StopIfLonger(MAX_LENGTH, _l("Dit is niet uw huidige wachtwoord."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Nieuw wachtwoord"),
        description=PASSWORD_RULES,
        validators=new_password_validators(_l("Vul een nieuw wachtwoord in.")),
        render_kw={"autocomplete": "new-password"},
    )
    new_password_repeat = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[DataRequired(_l("Vul het nieuwe wachtwoord nog een keer in.")),
                    EqualTo("new_password",
                            _l("De twee nieuwe wachtwoorden zijn niet gelijk. Typ ze opnieuw."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_current_password(self, field):
        if not verify_password(self._user.password_hash, field.data):
            raise ValidationError(_l("Dit is niet uw huidige wachtwoord."))

    def validate_new_password(self, field):
        if not field.errors and verify_password(self._user.password_hash, field.data):
            raise ValidationError(_l("Kies een ander wachtwoord dan uw huidige."))


class AcceptInvitationForm(FlaskForm):
    """Accept an invitation with the account one is signed in with (only the CSRF token)."""


class InvitedAccountForm(FlaskForm):
    """Name and password for a new account made through an invitation."""

    name = StringField(
        _l("Uw naam"),
        description=_l("Zoals andere leden van de proeftuin u kennen."),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul uw naam in.")),
                    Length(max=NAME_MAX_LENGTH,
                           message=_l("Uw naam is te lang: gebruik hooguit %(max)d tekens.",
                                      max=NAME_MAX_LENGTH))],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        _l("Kies een wachtwoord"),
        description=PASSWORD_RULES,
        validators=new_password_validators(_l("Kies een wachtwoord.")),
        render_kw={"autocomplete": "new-password"},
    )
    password_repeat = PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[DataRequired(_l("Vul het wachtwoord nog een keer in.")),
                    EqualTo("password", _l("De twee wachtwoorden zijn niet gelijk. Typ ze opnieuw."))],
        render_kw={"autocomplete": "new-password"},
    )
