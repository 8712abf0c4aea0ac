"""Checking credentials and keeping password hashes current."""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.auth.passwords import hash_password, needs_rehash, verify_password
from proeftuin.extensions import db
from proeftuin.models import User


def find_user_by_email(email: str) -> User | None:
    """Return the account with this e-mail address (case-insensitive), if any."""
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, rehashing an outdated hash."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
