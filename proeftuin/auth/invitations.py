"""Signed, expiring, single-use invitations to join a pilot."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from proeftuin.extensions import db
from proeftuin.models import Invitation, MemberRole, Membership, Pilot, User, utcnow

_SALT = "proeftuin.invitation"


class InvitationError(ValueError):
    """The invitation cannot be created or used."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def invitation_token(invitation: Invitation) -> str:
    """Return the signed token for the invitation's link."""
    return _serializer().dumps({"id": invitation.id, "n": invitation.nonce})


def create_invitation(pilot: Pilot, email: str, member_role: MemberRole, by: User) -> Invitation:
    """Create an invitation for this e-mail address; an open one for the same address is replaced."""
    email = email.strip().lower()
    existing = db.session.scalars(
        sa.select(Invitation).where(
            Invitation.pilot_id == pilot.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ).all()
    for old in existing:
        old.revoked_at = utcnow()
    invitation = Invitation(
        pilot=pilot,
        email=email,
        member_role=member_role,
        nonce=secrets.token_urlsafe(16),
        created_by=by,
        expires_at=utcnow() + current_app.config["INVITATION_LIFETIME"],
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


def load_invitation(token: str) -> Invitation | None:
    """Return the open invitation behind a token, or None if it is forged, used or expired."""
    max_age = int(current_app.config["INVITATION_LIFETIME"].total_seconds())
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    invitation = db.session.get(Invitation, data["id"])
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data.get("n"))):
        return None
    return invitation if invitation.is_open else None


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Make the user a member of the invitation's pilot and close the invitation."""
    if not invitation.is_open:
        raise InvitationError("invitation is no longer open")
    membership = db.session.scalar(
        sa.select(Membership).where(
            Membership.pilot_id == invitation.pilot_id, Membership.user_id == user.id
        )
    )
    if membership is None:
        membership = Membership(pilot=invitation.pilot, user=user, role=invitation.member_role)
        db.session.add(membership)
    elif invitation.member_role is MemberRole.coordinator:
        membership.role = MemberRole.coordinator
    invitation.accepted_at = utcnow()
    invitation.accepted_by = user
    db.session.flush()
    return membership


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw an invitation that has not been used yet."""
    if invitation.accepted_at is not None:
        raise InvitationError("invitation was already accepted")
    invitation.revoked_at = utcnow()
    db.session.flush()
