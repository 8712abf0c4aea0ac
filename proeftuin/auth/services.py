"""Checking credentials, changing passwords and creating invited accounts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from proeftuin.auth.invitations import InvitationError, accept_invitation
from proeftuin.auth.passwords import hash_password, needs_rehash, verify_password
from proeftuin.auth.sessions import revoke_all_sessions
from proeftuin.extensions import db
from proeftuin.forms import clean_line
from proeftuin.models import Invitation, Membership, Role, User


def normalize_email(email: str) -> str:
    """Return the address as accounts store it: trimmed and lower-case."""
    # The same clean-up as the form's, so that the per-account rate-limit key cannot be
    # varied with control characters the form would strip anyway.
    return clean_line(email).lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account with this e-mail address (case-insensitive), if any."""
    # lower() on the column too, so that a row stored before addresses were normalised
    # still matches; new rows are always stored lower-case.
    return db.session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == normalize_email(email)).limit(1)
    )


def invitation_situation(email: str, user) -> tuple[str, User | None]:
    """What an invitation link sent to `email` asks of `user`, who opens it: "new_account"
    (no account has the address), "sign_in", "accept", or "other_account" (signed in as
    someone else); with the address's account, if any."""
    account = find_user_by_email(email)
    if user.is_authenticated and (account is None or user.id != account.id):
        return "other_account", account
    if account is None:
        return "new_account", None
    return ("accept" if user.is_authenticated else "sign_in"), account


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, rehashing an outdated hash."""
    user = find_user_by_email(email)
    # Verify even when there is no account, so both failures take the same time.
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password and revoke every session of the user.

    The caller starts a fresh session for the current browser afterwards.
    """
    user.password_hash = hash_password(new_password)
    db.session.flush()
    revoke_all_sessions(user)


def create_invited_account(invitation: Invitation, name: str, password: str) -> Membership:
    """Create a participant account for the invitation's address and accept the invitation."""
    if find_user_by_email(invitation.email) is not None:
        raise InvitationError("an account with this address already exists")
    user = User(
        email=normalize_email(invitation.email),
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role.participant,
    )
    try:
        # A savepoint, so that a second request racing for the same address fails cleanly.
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as error:
        raise InvitationError("an account with this address already exists") from error
    return accept_invitation(invitation, user)
