"""A forgotten password: a link mailed to the account's address, for one new password.

The link is signed with the site's secret, valid for an hour, and bound to the password as it
is: once any new password is set (by this link or otherwise) the link no longer works, so it
works once. Whether an address has an account is never told: the same answer follows every
request, and a message goes out only when there is an active account.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from proeftuin.auth import services
from proeftuin.extensions import db
from proeftuin.messaging import mails
from proeftuin.models import User
from proeftuin.models.user import is_deleted_account

LIFETIME = timedelta(hours=1)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _stamp(user: User) -> str:
    """A keyed digest of the password hash: it changes with every new password."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "stamp": _stamp(user)})


def user_for_token(token: str) -> User | None:
    """The account a link is for, while it may still set a password; else None."""
    try:
        data = _serializer().loads(token, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active or is_deleted_account(user):
        return None
    if not hmac.compare_digest(str(data.get("stamp", "")), _stamp(user)):
        return None
    return user


def request_reset(email: str) -> User | None:
    """Mail a reset link when an active account has this address; returns the account."""
    user = services.find_user_by_email(email)
    if user is None or not user.active or is_deleted_account(user):
        return None
    mails.password_reset(user, reset_token(user))
    return user


def reset_password(user: User, new_password: str) -> None:
    """Set the new password; every session of the account ends, here and elsewhere."""
    services.change_password(user, new_password)
