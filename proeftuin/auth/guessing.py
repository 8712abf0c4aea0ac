"""Guessing passwords stays expensive without handing anyone a way to lock an account.

Sign-in attempts are limited per client address and per account. The account's budget is
shared by everyone who does not hold a device cookie for it (OWASP's "device cookies"): a
browser that signed in to the account before presents a signed cookie, and counts against a
budget of its own. So someone guessing from many addresses uses up only the strangers' budget;
the owner, on a browser they used before, still gets in. When the wrong passwords pile up, the
owner hears of it by e-mail, once a day at most.
"""

from __future__ import annotations

import secrets

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse

from proeftuin.auth import services
from proeftuin.extensions import limiter
from proeftuin.messaging import mails
from proeftuin.models import User
from proeftuin.models.user import is_deleted_account

COOKIE = "proeftuin_device"
#: a device cookie is kept a year; signing in again renews it
COOKIE_DAYS = 365
#: wrong passwords within the hour after which the owner is told, and how often at most
TELL_AFTER = parse("5 per hour")
TELL_AT_MOST = parse("1 per day")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def device_cookie(user: User) -> str:
    """The cookie value that marks this browser as one that signed in to this account."""
    return _serializer().dumps([user.id, secrets.token_hex(8)])


def _device() -> tuple[int, str] | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)
            and isinstance(data[1], str)):
        return data[0], data[1]
    return None


def _attempted_account() -> User | None:
    # Both limits and the view ask; the account is looked up once per request.
    if "_attempted_account" not in g:
        g._attempted_account = services.find_user_by_email(request.form.get("email") or "")
    return g._attempted_account


def known_device() -> bool:
    """Whether this browser signed in before to the account it now signs in to."""
    device = _device()
    if device is None:
        return False
    user = _attempted_account()
    return user is not None and user.id == device[0]


def stranger() -> bool:
    return not known_device()


def device_key() -> str:
    """A known device's own budget of attempts."""
    device = _device()
    return f"device:{device[0]}:{device[1]}" if device else "device:none"


def set_cookie(response, user: User):
    response.set_cookie(
        COOKIE, device_cookie(user), max_age=COOKIE_DAYS * 24 * 3600, httponly=True,
        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def failed() -> bool:
    """Count a wrong password for the account the form named, if there is one; tell its
    owner once the wrong passwords pile up. Returns whether a mail was queued."""
    user = _attempted_account()
    if user is None or not user.active or is_deleted_account(user):
        return False
    try:
        if limiter.limiter.hit(TELL_AFTER, "sign-in-failures", str(user.id)):
            return False
        if not limiter.limiter.hit(TELL_AT_MOST, "guessing-mail", str(user.id)):
            return False
    except Exception:  # noqa: BLE001 - without the rate-limit storage, no count and no mail
        return False
    mails.sign_in_guessed(user)
    return True
