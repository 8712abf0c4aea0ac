"""Server-side records of sign-in sessions.

The cookie carries a random token; the database keeps its hash, when it began and when it
was last used. A session ends 12 hours after sign-in or 30 minutes after its last request,
and sign-out or a password change revokes it at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, session
from flask_login import login_user, logout_user

from proeftuin.extensions import db
from proeftuin.models import User, UserSession, utcnow

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret
#: where main.set_language keeps the chosen interface language
LANGUAGE_KEY = "lang"
#: last_seen_at is written at most this often, so ordinary requests stay read-only
TOUCH_INTERVAL = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> UserSession:
    """Sign the user in with a new session; whatever the old cookie held is dropped.

    A fresh token on every sign-in defeats session fixation: a token planted in the
    browser before sign-in never becomes a signed-in session. Only the visitor's
    language choice survives, as it says nothing about who they are.
    """
    previous = current_session_record()
    if previous is not None:
        previous.revoked_at = utcnow()
    token = secrets.token_urlsafe(32)
    record = UserSession(user=user, token_hash=_hash(token))
    db.session.add(record)
    user.last_login_at = utcnow()
    db.session.flush()
    _clear_session()
    session[SESSION_TOKEN_KEY] = token
    session.permanent = True
    login_user(user, remember=False, fresh=True)
    return record


def _clear_session() -> None:
    """Empty the cookie session, keeping only the interface language."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language in current_app.config["LANGUAGES"]:
        session[LANGUAGE_KEY] = language


def current_session_record() -> UserSession | None:
    """Return the session record behind this request's cookie, if it is still valid."""
    token = session.get(SESSION_TOKEN_KEY)
    if not token or not isinstance(token, str):
        return None
    record = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == _hash(token))
    )
    if record is None or record.revoked_at is not None:
        return None
    now = utcnow()
    if now - record.created_at > current_app.config["SESSION_ABSOLUTE_LIFETIME"]:
        return None
    if now - record.last_seen_at > current_app.config["SESSION_IDLE_TIMEOUT"]:
        return None
    return record


def load_user_for_request(user_id: str) -> User | None:
    """Flask-Login's user loader: the user only while their session record is valid."""
    record = current_session_record()
    if record is None or str(record.user_id) != str(user_id):
        return None
    user = db.session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    if utcnow() - record.last_seen_at > TOUCH_INTERVAL:
        record.last_seen_at = utcnow()
        g.session_touched = True  # committed by the before_request hook that loaded us
    return user


def end_session() -> None:
    """Revoke this browser's session and sign out."""
    record = current_session_record()
    if record is not None:
        record.revoked_at = utcnow()
    logout_user()
    _clear_session()


def revoke_all_sessions(user: User) -> None:
    """Revoke every session of the user (after a password change or deactivation)."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
