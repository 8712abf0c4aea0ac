"""Sign-in, password and invitation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from proeftuin.auth.passwords import MAX_LENGTH, MIN_LENGTH, verify_password
from proeftuin.forms import StopIfLonger, clean_line

#: the longest e-mail address there can be (RFC 5321)
EMAIL_MAX_LENGTH = 254
#: as long as User.name
NAME_MAX_LENGTH = 120
#: longer than any code with spaces or dashes typed in; anything longer is not a code
CODE_MAX_LENGTH = 64


def new_password_validators(required_message):
    """Return the validators for a password being set: 12 to 128 characters."""
    return [
        DataRequired(required_message),
        Length(min=MIN_LENGTH,
               message=_l("Het wachtwoord is te kort: gebruik minstens %(min)d tekens.",
                          min=MIN_LENGTH)),
        StopIfLonger(MAX_LENGTH,
                     _l("Het wachtwoord is te lang: gebruik hooguit %(max)d tekens.",
                        max=MAX_LENGTH)),
    ]


PASSWORD_RULES = _l("Minstens %(min)d en hooguit %(max)d tekens. Een zin van een paar woorden is "
                    "goed te onthouden en moeilijk te raden.", min=MIN_LENGTH, max=MAX_LENGTH)


def _password_field(label, required_message, too_long_message) -> PasswordField:
    """The password one already has, to sign in or to confirm a change with."""
    return PasswordField(
        label,
        validators=[DataRequired(required_message), StopIfLonger(MAX_LENGTH, too_long_message)],
        render_kw={"autocomplete": "current-password"},
    )


def new_password_field(label, required_message, description=PASSWORD_RULES) -> PasswordField:
    """A password being set, within the length rules; the browser may suggest one."""
    return PasswordField(
        label,
        description=description,
        validators=new_password_validators(required_message),
        render_kw={"autocomplete": "new-password"},
    )


def repeat_password_field(label, of: str, required_message, mismatch_message) -> PasswordField:
    """The password being set, typed again; it must equal the field named `of`."""
    return PasswordField(
        label,
        validators=[DataRequired(required_message), EqualTo(of, mismatch_message)],
        render_kw={"autocomplete": "new-password"},
    )


def account_email_field() -> EmailField:
    """The address an account signs in with, as the sign-in and new-password forms ask it."""
    return EmailField(
        _l("E-mailadres"),
        filters=[clean_line],
        validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                    StopIfLonger(EMAIL_MAX_LENGTH, _l("Dit e-mailadres is te lang.")),
                    Email(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )


class LoginForm(FlaskForm):
    """E-mail address and password."""

    email = account_email_field()
    password = _password_field(_l("Wachtwoord"), _l("Vul uw wachtwoord in."),
                               _l("Dit wachtwoord is te lang."))
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    """The current password, and the new one twice."""

    current_password = _password_field(_l("Huidig wachtwoord"),
                                       _l("Vul uw huidige wachtwoord in."),
                                       _l("Dit is niet uw huidige wachtwoord."))
    new_password = new_password_field(_l("Nieuw wachtwoord"), _l("Vul een nieuw wachtwoord in."))
    new_password_repeat = repeat_password_field(
        _l("Herhaal het nieuwe wachtwoord"), "new_password",
        _l("Vul het nieuwe wachtwoord nog een keer in."),
        _l("De twee nieuwe wachtwoorden zijn niet gelijk. Typ ze opnieuw."),
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
    password = new_password_field(_l("Kies een wachtwoord"), _l("Kies een wachtwoord."))
    password_repeat = repeat_password_field(
        _l("Herhaal het wachtwoord"), "password", _l("Vul het wachtwoord nog een keer in."),
        _l("De twee wachtwoorden zijn niet gelijk. Typ ze opnieuw."),
    )


# Two-factor sign-in -------------------------------------------------------------------------


def compact_code(value):
    """Drop the spaces and dashes people type or paste inside a code."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in clean_line(value) if not ch.isspace() and ch != "-")


def _app_code_field(label=None, required: bool = True):
    """The six digits from an authenticator app."""
    first = (DataRequired(_l("Vul de code uit uw authenticator-app in.")) if required
             else Optional())
    return StringField(
        label or _l("Code uit uw app"),
        description=_l("De zes cijfers die uw authenticator-app nu bij Proeftuin toont."),
        filters=[compact_code],
        validators=[first,
                    StopIfLonger(CODE_MAX_LENGTH, _l("Een code bestaat uit zes cijfers.")),
                    Regexp(r"^[0-9]{6}$", message=_l("Een code bestaat uit zes cijfers."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "autocapitalize": "none", "spellcheck": "false"},
    )


def _recovery_code_field(label=None, required: bool = True):
    """One of the recovery codes shown when two-factor sign-in was switched on."""
    first = DataRequired(_l("Vul een van uw herstelcodes in.")) if required else Optional()
    return StringField(
        label or _l("Herstelcode"),
        description=_l("Een van de herstelcodes die u bij het instellen heeft bewaard, "
                       "bijvoorbeeld abcd-efgh-jkmn-pqrs. Elke code werkt één keer."),
        filters=[compact_code],
        validators=[first,
                    StopIfLonger(CODE_MAX_LENGTH, _l("Dit is geen geldige herstelcode."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


class TwoFactorCodeForm(FlaskForm):
    """The code from the authenticator app (sign-in, setting up, new recovery codes)."""

    code = _app_code_field()


class RecoveryCodeForm(FlaskForm):
    """A recovery code instead of the app's code."""

    code = _recovery_code_field()


class DisableTwoFactorForm(FlaskForm):
    """The password, and a code from the app or a recovery code."""

    password = _password_field(_l("Wachtwoord"), _l("Vul uw wachtwoord in."),
                               _l("Dit is niet uw wachtwoord."))
    code = _app_code_field(required=False)
    recovery_code = _recovery_code_field(
        label=_l("Of: een herstelcode, als u uw app niet meer heeft"), required=False
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_password(self, field):
        if not verify_password(self._user.password_hash, field.data):
            raise ValidationError(_l("Dit is niet uw wachtwoord."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.code.errors and not self.recovery_code.errors and not (
            self.code.data or self.recovery_code.data
        ):
            self.code.errors.append(_l("Vul de code uit uw app in, of een herstelcode."))
            return False
        return valid


class ForgotPasswordForm(FlaskForm):
    """The address of the account whose password is forgotten."""

    email = account_email_field()


class ResetPasswordForm(FlaskForm):
    """The new password, twice."""

    new_password = new_password_field(_l("Nieuw wachtwoord"), _l("Vul een nieuw wachtwoord in."))
    new_password_repeat = repeat_password_field(
        _l("Herhaal het nieuwe wachtwoord"), "new_password",
        _l("Vul het nieuwe wachtwoord nog een keer in."),
        _l("De twee nieuwe wachtwoorden zijn niet gelijk. Typ ze opnieuw."),
    )
