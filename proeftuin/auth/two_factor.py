"""Two-factor sign-in: TOTP codes from an authenticator app, and single-use recovery codes.

After the password step, an account that has two-factor sign-in on (or must have it) gets no
session yet: a short-lived marker in the cookie session names the account, and only a valid
code turns it into a session. Each function that changes state flushes; the caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import sqlalchemy as sa
from flask import current_app, session
from markupsafe import Markup, escape
from pyotp.utils import strings_equal

from proeftuin.auth.sessions import revoke_all_sessions
from proeftuin.extensions import db
from proeftuin.models import RecoveryCode, Role, User, utcnow

#: the name authenticator apps show beside the code
ISSUER = "Proeftuin"
#: how many recovery codes a user gets at a time
RECOVERY_CODE_COUNT = 10
#: 32 symbols (5 bits each) without l, o, 0 and 1, which are easily mistaken for each other
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
#: 16 symbols: 80 random bits, far beyond guessing, so a plain SHA-256 hash is enough
RECOVERY_CODE_LENGTH = 16
#: cookie-session key of the sign-in that waits for its second step
PENDING_KEY = "two_factor_pending"
#: the roles that read case notes of many pilots and so must use two-factor sign-in
STAFF_ROLES = frozenset({Role.admin, Role.facilitator})

_TOTP_CODE = re.compile(r"[0-9]{6}")  # ASCII only; \d would also match other scripts' digits
_RECOVERY_CODE = re.compile(f"[{RECOVERY_ALPHABET}]{{{RECOVERY_CODE_LENGTH}}}")


# Who needs it ---------------------------------------------------------------------------


def is_required_for(user: User) -> bool:
    """Whether this site makes the user's role use two-factor sign-in."""
    return bool(current_app.config.get("REQUIRE_TWO_FACTOR")) and user.role in STAFF_ROLES


def can_disable(user: User) -> bool:
    """Whether the user may turn two-factor sign-in off themselves."""
    return user.two_factor_enabled and not is_required_for(user)


def second_step_for(user: User) -> str | None:
    """Return what sign-in still needs after the password: "code", "enrol" or nothing."""
    if user.two_factor_enabled:
        return "code"
    if is_required_for(user):
        return "enrol"
    return None


# Setting up ------------------------------------------------------------------------------


def start_enrolment(user: User) -> None:
    """Give the user a fresh secret to scan; two-factor sign-in stays off until confirmed.

    A new secret every time, so that a secret someone else may have seen while setting up
    earlier is never the one that gets switched on.
    """
    if user.two_factor_enabled:
        raise ValueError("two-factor sign-in is already on")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_counter = None
    db.session.flush()


def provisioning_uri(user: User) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str, label: str) -> Markup:
    """Return the address as an inline SVG QR code, named `label` for screen readers."""
    # Imported here, not at the top: segno adds 9 MB to every worker for a page seldom seen.
    import segno

    # Dark on an explicit light background, so the code also scans in a dark theme.
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff",
                                                svgclass="qr-code")
    # segno writes only path data (the address is not in the SVG as text); the label is escaped.
    return Markup(  # noqa: S704
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    )


def grouped_secret(secret: str) -> str:
    """Return the secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Switch two-factor sign-in on if the code matches the new secret; return recovery codes.

    Every session of the account ends, since each began with the password alone; the caller
    starts the one it keeps. Returns None (and changes nothing) when the code is wrong.
    """
    if user.two_factor_enabled or not user.totp_secret or not verify_totp(user, code):
        return None
    user.totp_enabled_at = utcnow()
    revoke_all_sessions(user)
    return new_recovery_codes(user)


def disable(user: User) -> None:
    """Turn two-factor sign-in off and forget the secret and the recovery codes."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def reset(user: User) -> None:
    """Turn two-factor sign-in off for a user who lost their phone, and end their sessions.

    Whoever holds a session of the account now must sign in again; a user whose role
    requires two-factor sign-in sets it up anew on that sign-in.
    """
    disable(user)
    revoke_all_sessions(user)


def has_anything_to_reset(user: User) -> bool:
    """Whether the user has two-factor sign-in on, or half set up."""
    return user.totp_secret is not None or user.totp_enabled_at is not None


# Codes ------------------------------------------------------------------------------------


def _compact(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()


def verify_totp(user: User, code: str) -> bool:
    """Accept a code from the app once: the current time step or one either side of it.

    A code is refused when its time step is not later than the last accepted one, so a
    code seen over someone's shoulder cannot be used again. The check and the claim are one
    conditional UPDATE, so two requests racing with the same code cannot both win.
    """
    code = _compact(code)
    if not user.totp_secret or not _TOTP_CODE.fullmatch(code):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(utcnow())
    for counter in (current - 1, current, current + 1):
        if strings_equal(totp.generate_otp(counter), code) and _claim_time_step(user, counter):
            return True
    return False


def _claim_time_step(user: User, counter: int) -> bool:
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user.id,
               sa.or_(User.totp_last_counter.is_(None), User.totp_last_counter < counter))
        .values(totp_last_counter=counter)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    user.totp_last_counter = counter
    return True


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _format_recovery_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones and return them, for showing once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return [_format_recovery_code(code) for code in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code of this user once, and mark it used."""
    code = _compact(code)
    if not user.two_factor_enabled or not _RECOVERY_CODE.fullmatch(code):
        return False
    result = db.session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def remaining_recovery_codes(user: User) -> int:
    """Return how many unused recovery codes the user has."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


# The sign-in that waits for its second step ----------------------------------------------


@dataclass(frozen=True)
class PendingSignIn:
    """An account whose password was accepted, and where to go once the code is too."""

    user: User
    next: str
    enrol: bool


def begin_pending(user: User, next_target: str) -> str | None:
    """Remember that the password was right, without signing in; return the step to show.

    Returns None, and remembers nothing, for an account that needs no second step.
    Staff who must use two-factor sign-in but have not set it up get a fresh secret here,
    on the password POST, so that the enrolment page itself changes nothing.
    """
    step = second_step_for(user)
    if step is None:
        return None
    if step == "enrol":
        start_enrolment(user)
    session[PENDING_KEY] = {
        "user_id": user.id,
        "stamp": account_stamp(user),
        "started_at": utcnow().timestamp(),
        "next": next_target,
        "enrol": step == "enrol",
    }
    return step


def account_stamp(user: User) -> str:
    """A keyed digest of what a pending sign-in must not outlive.

    The marker lives in the cookie, where the server cannot delete it; instead it carries
    this stamp, which changes when the sign-in completes (last_login_at), the password
    changes, or two-factor sign-in is set up, switched on or reset. A copied marker is then
    worthless once any of those happened.
    """
    state = "|".join(str(value) for value in (
        user.id, user.password_hash, user.last_login_at, user.totp_secret,
        user.totp_enabled_at,
    ))
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"pending-sign-in|" + state.encode(), hashlib.sha256).hexdigest()


def _lifetime(enrol: bool) -> timedelta:
    key = "TWO_FACTOR_ENROL_LIFETIME" if enrol else "TWO_FACTOR_PENDING_LIFETIME"
    return current_app.config[key]


def pending_user_id() -> int | None:
    """Return the id in the pending marker, if there is one (for rate-limit keys)."""
    marker = session.get(PENDING_KEY)
    if isinstance(marker, dict) and isinstance(marker.get("user_id"), int):
        return marker["user_id"]
    return None


def pending_sign_in() -> PendingSignIn | None:
    """Return the sign-in waiting for its code, unless it expired or the account was closed.

    An expired or unusable marker is removed from the session.
    """
    marker = session.get(PENDING_KEY)
    if not isinstance(marker, dict):
        return None
    user_id, started_at = marker.get("user_id"), marker.get("started_at")
    enrol = marker.get("enrol") is True
    if not isinstance(user_id, int) or not isinstance(started_at, int | float):
        end_pending()
        return None
    age = utcnow() - datetime.fromtimestamp(started_at, tz=UTC)
    if not timedelta(0) <= age <= _lifetime(enrol):
        end_pending()
        return None
    user = db.session.get(User, user_id)
    stamp = marker.get("stamp")
    if (user is None or not user.active or not isinstance(stamp, str)
            or not hmac.compare_digest(stamp, account_stamp(user))):
        end_pending()
        return None
    next_target = marker.get("next")
    return PendingSignIn(user=user, next=next_target if isinstance(next_target, str) else "",
                         enrol=enrol)


def had_pending_sign_in() -> bool:
    """Whether the session holds a marker at all (to explain an expired one)."""
    return PENDING_KEY in session


def end_pending() -> None:
    """Forget the sign-in that waited for its second step."""
    session.pop(PENDING_KEY, None)
