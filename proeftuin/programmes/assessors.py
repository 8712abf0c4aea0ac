"""External assessors of a call: inviting them by address, their signed link, accepting it
(with a new account if they have none) and revoking it."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from proeftuin.auth.invitations import row_of_token
from proeftuin.auth.passwords import hash_password
from proeftuin.auth.services import find_user_by_email, normalize_email
from proeftuin.extensions import db
from proeftuin.messaging.compose import absolute_url, queue
from proeftuin.models import Call, CallAssessor, Role, User, utcnow

_SALT = "proeftuin.assessor-invitation"


class AssessorError(ValueError):
    """An invitation that cannot be made or used; `message` says why, for the reader."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def assessor_token(assessor: CallAssessor) -> str:
    """The signed token of the assessor's invitation link."""
    return _serializer().dumps({"id": assessor.id, "n": assessor.nonce})


def invite(call: Call, name: str, email: str, by: User) -> CallAssessor:
    """Invite an address to assess this call and mail it the link, in the inviter's language.

    Inviting an address again renews its link; an address that assesses the call already,
    or a facilitator of its programme (who assesses anyway), is refused.
    """
    email = email.strip().lower()
    if any(f.email.lower() == email for f in call.programme.facilitators):
        raise AssessorError(str(_l(
            "Dit is het adres van een begeleider van het programma; begeleiders beoordelen "
            "de aanmeldingen al.")))
    assessor = db.session.scalar(sa.select(CallAssessor).where(
        CallAssessor.call_id == call.id, CallAssessor.email == email))
    if assessor is not None and assessor.is_active:
        raise AssessorError(str(_l("%(email)s beoordeelt deze ronde al.", email=email)))
    if assessor is None:
        assessor = CallAssessor(call=call, email=email)
        db.session.add(assessor)
    assessor.name = name.strip()
    assessor.nonce = secrets.token_urlsafe(16)
    assessor.invited_by = by
    assessor.invited_at = utcnow()
    assessor.expires_at = utcnow() + current_app.config["INVITATION_LIFETIME"]
    assessor.user_id = assessor.accepted_at = assessor.revoked_at = None
    db.session.flush()
    queue("assessor_invitation", to=email, name=assessor.name,
          language=str(get_locale() or "nl"), template="assessor_invitation",
          subject=_l("Uitnodiging om aanmeldingen te beoordelen: %(call)s", call=call.title),
          inviter=by.name, call=call.title, programme=call.programme.name,
          closes_on=call.closes_on, link=absolute_url(
              "assessment.accept_invitation", token=assessor_token(assessor)),
          expires_at=assessor.expires_at)
    return assessor


def find(token: str) -> CallAssessor | None:
    """The invitation behind a genuine token, whatever its state; None if forged or
    replaced by a newer invitation."""
    return row_of_token(_serializer(), token, CallAssessor)


def usable(assessor: CallAssessor) -> bool:
    """Whether the invitation can still be accepted: open, and its call not yet decided."""
    return assessor.is_pending and assessor.call.decided_at is None


def accept(assessor: CallAssessor, user: User) -> None:
    """Make the user the call's assessor; one conditional UPDATE, so a link works once."""
    if user.email.strip().lower() != assessor.email:
        raise AssessorError("invitation is for another address")
    now = utcnow()
    claimed = db.session.execute(
        sa.update(CallAssessor)
        .where(CallAssessor.id == assessor.id, CallAssessor.accepted_at.is_(None),
               CallAssessor.revoked_at.is_(None), CallAssessor.expires_at > now)
        .values(accepted_at=now, user_id=user.id)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1 or assessor.call.decided_at is not None:
        raise AssessorError("invitation is no longer open")
    db.session.refresh(assessor)


def create_account_and_accept(assessor: CallAssessor, name: str, password: str) -> User:
    """A participant account for the invited address, which then accepts the invitation."""
    if find_user_by_email(assessor.email) is not None:
        raise AssessorError("an account with this address already exists")
    user = User(email=normalize_email(assessor.email), name=name.strip(),
                password_hash=hash_password(password), role=Role.participant)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as error:
        raise AssessorError("an account with this address already exists") from error
    accept(assessor, user)
    return user


def revoke(assessor: CallAssessor) -> None:
    """End an invitation or an assessor's role; their scores stay with the applications."""
    if assessor.revoked_at is not None:
        raise AssessorError("already revoked")
    assessor.revoked_at = utcnow()
    db.session.flush()
