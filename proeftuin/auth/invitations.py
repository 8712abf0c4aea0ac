"""Signed, expiring, single-use invitations to join a pilot."""

from __future__ import annotations

import enum
import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from proeftuin.extensions import db
from proeftuin.messaging.compose import site_path
from proeftuin.models import Invitation, MemberRole, Membership, Pilot, User, utcnow
from proeftuin.models.base import MAX_ID
from proeftuin.notifications import notify

_SALT = "proeftuin.invitation"
#: tokens are short; anything much longer is not one of ours and is not worth decoding
_MAX_TOKEN_LENGTH = 512


class InvitationError(ValueError):
    """The invitation cannot be created or used."""


class InvitationState(enum.Enum):
    """Whether an invitation can still be used, and if not, why."""

    open = "open"
    accepted = "accepted"
    revoked = "revoked"
    expired = "expired"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def invitation_token(invitation: Invitation) -> str:
    """Return the signed token for the invitation's link."""
    return _serializer().dumps({"id": invitation.id, "n": invitation.nonce})


def create_invitation(pilot: Pilot, email: str, member_role: MemberRole, by: User) -> Invitation:
    """Create an invitation for this e-mail address; an open one for the same address is replaced."""
    email = email.strip().lower()  # as accounts store addresses (auth.services.normalize_email)
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


def row_of_token(serializer, token: str, model):
    """The row of `model` a signed link token names (its id and nonce), whatever its state;
    None if forged, or replaced by a newer link to the same row."""
    if not isinstance(token, str) or len(token) > _MAX_TOKEN_LENGTH:
        return None
    try:
        # No max_age: the row's expires_at decides, so an expired invitation can be told
        # apart from a forged link.
        data = serializer.loads(token)
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    row_id, nonce = data.get("id"), data.get("n")
    if type(row_id) is not int or not 0 < row_id <= MAX_ID or not isinstance(nonce, str):
        return None
    row = db.session.get(model, row_id)
    if row is None or not secrets.compare_digest(row.nonce.encode(), nonce.encode()):
        return None
    return row


def find_invitation(token: str) -> Invitation | None:
    """Return the invitation behind a genuine token, whatever its state; None if forged."""
    return row_of_token(_serializer(), token, Invitation)


def invitation_state(invitation: Invitation) -> InvitationState:
    """Return whether the invitation is open, or why it is not."""
    if invitation.accepted_at is not None:
        return InvitationState.accepted
    if invitation.revoked_at is not None:
        return InvitationState.revoked
    if invitation.expires_at <= utcnow():
        return InvitationState.expired
    return InvitationState.open


def load_invitation(token: str) -> Invitation | None:
    """Return the open invitation behind a token, or None if it is forged, used or expired."""
    invitation = find_invitation(token)
    if invitation is None or invitation_state(invitation) is not InvitationState.open:
        return None
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Make the user a member of the invitation's pilot and close the invitation.

    The invitation is claimed with one conditional UPDATE, so of two requests racing with
    the same link only one succeeds.
    """
    if invitation_state(invitation) is not InvitationState.open:
        raise InvitationError("invitation is no longer open")
    if user.email.strip().lower() != invitation.email.strip().lower():
        raise InvitationError("invitation is for another address")
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise InvitationError("invitation is no longer open")
    db.session.refresh(invitation)
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
    db.session.flush()
    coordinators = db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.pilot_id == invitation.pilot_id, Membership.role == MemberRole.coordinator)
    )
    notify(coordinators, "member_joined",
           site_path("workspace.members", slug=invitation.pilot.slug), by=user,
           name=user.name, pilot=invitation.pilot.name)
    return membership


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw an invitation that has not been used yet."""
    if invitation.accepted_at is not None:
        raise InvitationError("invitation was already accepted")
    invitation.revoked_at = utcnow()
    db.session.flush()
