"""Accounts and programmes: each change checks, changes and flushes; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from proeftuin.admin import queries
from proeftuin.auth import two_factor
from proeftuin.auth.passwords import MAX_LENGTH, MIN_LENGTH, hash_password
from proeftuin.auth.sessions import revoke_all_sessions
from proeftuin.extensions import db
from proeftuin.forms import clean_line
from proeftuin.models import (
    Invitation,
    OutboxMessage,
    Programme,
    Role,
    User,
    UserSession,
    utcnow,
)
from proeftuin.models.user import DELETED_NAME, deleted_email, is_deleted_account
from proeftuin.slugs import unique_slug

#: as long as the columns they go into
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 120
PROGRAMME_NAME_MAX_LENGTH = 160


def _text(message) -> str:
    """Translate a lazy message now; outside a request (the CLI) in the default language."""
    if has_request_context():
        return str(message)
    # The locale selector reads the browser session, which a command does not have.
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")):
        return str(message)


class AdminError(ValueError):
    """A change administration refuses; `field` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class AccountError(AdminError):
    """An account that cannot be created or changed like this."""


class ProgrammeError(AdminError):
    """A programme that cannot be created or changed like this."""


# Accounts --------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    """Return the address as accounts store it: trimmed and lower-case."""
    return (email or "").strip().lower()


def _checked_email(email: str, user: User | None = None) -> str:
    address = normalize_email(email)
    if not address:
        raise AccountError(_text(_l("Vul een e-mailadres in.")), "email")
    if len(address) > EMAIL_MAX_LENGTH:
        raise AccountError(_text(_l("Dit e-mailadres is te lang.")), "email")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise AccountError(
            _text(_l("%(email)s is geen geldig e-mailadres.", email=address)), "email"
        ) from None
    other = queries.user_by_email(address)
    if other is not None and (user is None or other.id != user.id):
        raise AccountError(
            _text(_l("Er is al een account met het e-mailadres %(email)s.", email=address)),
            "email",
        )
    return address


def _checked_name(name: str) -> str:
    name = clean_line(name or "")
    if not name:
        raise AccountError(_text(_l("Vul een naam in.")), "name")
    if len(name) > NAME_MAX_LENGTH:
        raise AccountError(
            _text(_l("De naam is te lang: gebruik hooguit %(max)d tekens.", max=NAME_MAX_LENGTH)),
            "name",
        )
    return name


def _checked_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccountError(_text(_l("Kies een van de rollen.")), "role") from None


def _checked_password(password: str) -> str:
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise AccountError(
            _text(_l("Het wachtwoord is te kort: gebruik minstens %(min)d tekens.",
                     min=MIN_LENGTH)),
            "password",
        )
    if len(password) > MAX_LENGTH:
        raise AccountError(
            _text(_l("Het wachtwoord is te lang: gebruik hooguit %(max)d tekens.",
                     max=MAX_LENGTH)),
            "password",
        )
    return password


def _duplicate_email(address: str) -> AccountError:
    return AccountError(
        _text(_l("Er is al een account met het e-mailadres %(email)s.", email=address)), "email"
    )


def create_account(email: str, name: str, role: Role | str, password: str) -> User:
    """Create an active account with an initial password.

    Raises AccountError for an invalid or already used e-mail address (compared without
    regard to case), an empty name, an unknown role or a password outside 12–128 characters.
    """
    address = _checked_email(email)
    name = _checked_name(name)
    role = _checked_role(role)
    password = _checked_password(password)
    user = User(email=address, name=name, role=role, password_hash=hash_password(password),
                active=True)
    try:
        # A savepoint, so that a request racing for the same address fails cleanly.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise _duplicate_email(address) from None
    return user


def update_account(user: User, by: User, *, name: str, email: str, role: Role | str,
                   active: bool, programmes: Iterable[Programme] = ()) -> None:
    """Change an account; deactivating it ends all its sessions at once.

    Admins cannot deactivate or demote themselves, so the site always keeps one admin who
    knows they are one. Only facilitators are attached to programmes.
    """
    role = _checked_role(role)
    programmes = list(programmes)
    if user.id == by.id:
        if not active:
            raise AccountError(
                _text(_l("U kunt uw eigen account niet uitschakelen. Laat een andere beheerder dat doen.")),
                "active",
            )
        if user.role is Role.admin and role is not Role.admin:
            raise AccountError(
                _text(_l("U kunt uzelf de rol van beheerder niet afnemen. Laat een andere beheerder dat doen.")),
                "role",
            )
    if programmes and role is not Role.facilitator:
        raise AccountError(
            _text(_l("Alleen begeleiders horen bij een programma. Vink de programma's uit of kies de rol begeleider.")),
            "programmes",
        )
    name = _checked_name(name)
    address = _checked_email(email, user)
    deactivated = user.active and not active
    was_required = two_factor.is_required_for(user)
    try:
        # Changes inside the savepoint are expired again if it fails, so the page that
        # reports the error shows what is stored and nothing half-changed gets flushed later.
        with db.session.begin_nested():
            user.name = name
            user.email = address
            user.role = role
            user.active = active
            user.programmes = sorted(programmes, key=lambda p: p.name)
    except IntegrityError:
        raise _duplicate_email(address) from None
    # A new facilitator or admin who signed in with the password alone signs in again,
    # and so sets up the two-factor sign-in their new role requires.
    now_required = (two_factor.is_required_for(user) and not was_required
                    and not user.two_factor_enabled)
    if deactivated or now_required:
        revoke_all_sessions(user)


def reset_two_factor(user: User, by: User | None) -> None:
    """Turn off a user's two-factor sign-in (lost phone) and end all their sessions.

    `by` is the admin doing it, or None for the command line. Admins do not reset their
    own: it would sign them out everywhere; another admin or the command does it.
    """
    if by is not None and user.id == by.id:
        raise AccountError(
            _text(_l("U kunt uw eigen tweestapsverificatie hier niet resetten. Laat een andere beheerder dat doen."))
        )
    if not two_factor.has_anything_to_reset(user):
        raise AccountError(_text(_l("Dit account heeft geen tweestapsverificatie ingesteld.")))
    two_factor.reset(user)


#: a password hash no password matches: Argon2 refuses to read it, so every check fails
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105 - not a password, the absence of one


def deletion_refusal(user: User, by: User | None) -> str | None:
    """Return why this account cannot be deleted by `by`, or None when it can."""
    if is_deleted_account(user):
        return _text(_l("Dit account is al verwijderd."))
    if by is not None and user.id == by.id:
        return _text(_l("U kunt uw eigen account niet verwijderen. Laat een andere beheerder dat doen."))
    if user.role is Role.admin and queries.active_admin_count(excluding=user) == 0:
        return _text(_l("Dit is de laatste beheerder. Maak eerst iemand anders beheerder voordat u dit account verwijdert."))
    return None


def delete_account(user: User, by: User | None) -> None:
    """Anonymise an account: it stays, for the audit trail, but says nothing about anyone.

    The name and e-mail address make way for markers, the password and two-factor sign-in
    stop working, and sessions, recovery codes, memberships and programme links go. Open
    invitations to or from the address are revoked, and those to it forget it; mail to it,
    sent or waiting, is deleted. Lessons and
    case discussions stay: they still point at the account, which now shows no name.
    Refuses the admin's own account and the last admin (AccountError).
    """
    refusal = deletion_refusal(user, by)
    if refusal is not None:
        raise AccountError(refusal)
    old_address = normalize_email(user.email)
    anonymous_address = deleted_email(user.id)
    now = utcnow()
    db.session.execute(
        sa.update(Invitation)
        .where(sa.or_(sa.func.lower(Invitation.email) == old_address,
                      Invitation.created_by_id == user.id),
               Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Invitation)
        .where(sa.func.lower(Invitation.email) == old_address)
        .values(email=anonymous_address)
        .execution_options(synchronize_session=False)
    )
    two_factor.disable(user)  # the secret and the recovery codes
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    # Mail to the person, sent or waiting, names them: it goes, and nothing more is sent.
    db.session.execute(
        sa.delete(OutboxMessage)
        .where(sa.or_(OutboxMessage.user_id == user.id,
                      sa.func.lower(OutboxMessage.recipient) == old_address))
        .execution_options(synchronize_session=False)
    )
    user.memberships.clear()
    user.programmes = []
    user.name = DELETED_NAME
    user.email = anonymous_address
    user.password_hash = UNUSABLE_PASSWORD
    user.role = Role.participant
    user.active = False
    user.last_login_at = None
    db.session.flush()


# Programmes ------------------------------------------------------------------------------


def _checked_programme_name(name: str, programme: Programme | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ProgrammeError(_text(_l("Vul de naam van het programma in.")), "name")
    if len(name) > PROGRAMME_NAME_MAX_LENGTH:
        raise ProgrammeError(
            _text(_l("De naam is te lang: gebruik hooguit %(max)d tekens.",
                     max=PROGRAMME_NAME_MAX_LENGTH)),
            "name",
        )
    other = queries.programme_by_name(name)
    if other is not None and (programme is None or other.id != programme.id):
        raise ProgrammeError(_text(_l("Er is al een programma met deze naam.")), "name")
    return name


def _checked_facilitators(facilitators: Iterable[User]) -> list[User]:
    facilitators = list(facilitators)
    if any(user.role is not Role.facilitator for user in facilitators):
        raise ProgrammeError(
            _text(_l("Alleen accounts met de rol begeleider kunnen aan een programma worden gekoppeld.")),
            "facilitators",
        )
    return sorted(facilitators, key=lambda u: (u.name, u.id))


def create_programme(name: str, description: str = "", accepts_applications: bool = True,
                     facilitators: Iterable[User] = ()) -> Programme:
    """Create a programme with a slug made from its name."""
    name = _checked_programme_name(name)
    facilitators = _checked_facilitators(facilitators)
    programme = Programme(
        name=name,
        slug=unique_slug(Programme, name),
        description=(description or "").strip(),
        accepts_applications=bool(accepts_applications),
    )
    try:
        with db.session.begin_nested():
            db.session.add(programme)
            programme.facilitators = facilitators
    except IntegrityError:
        raise ProgrammeError(_text(_l("Er is al een programma met deze naam.")), "name") from None
    return programme


def update_programme(programme: Programme, *, name: str, description: str,
                     accepts_applications: bool, facilitators: Iterable[User]) -> None:
    """Change a programme; its slug stays, so links to it keep working."""
    name = _checked_programme_name(name, programme)
    facilitators = _checked_facilitators(facilitators)
    try:
        with db.session.begin_nested():
            programme.name = name
            programme.description = (description or "").strip()
            programme.accepts_applications = bool(accepts_applications)
            programme.facilitators = facilitators
    except IntegrityError:
        raise ProgrammeError(_text(_l("Er is al een programma met deze naam.")), "name") from None

