"""The security log: sign-ins, failures, denials and CSRF failures, never content or secrets.

Each event is one line on the `proeftuin.security` logger as `key=value` pairs, so a log
shipper can parse it. An e-mail address that failed to sign in is logged as a keyed hash:
repeated attacks on one account show up without the log holding the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from flask import current_app, has_request_context, request
from flask_login import current_user

logger = logging.getLogger("proeftuin.security")


def account_fingerprint(email: str) -> str:
    """Return a short keyed hash of an e-mail address, stable for this site's secret."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def _context() -> dict[str, str]:
    if not has_request_context():
        return {}
    user_id = current_user.get_id() if current_user and current_user.is_authenticated else "-"
    return {
        "ip": request.remote_addr or "-",
        "method": request.method,
        "path": request.path,
        "user": str(user_id),
    }


def log_event(event: str, **fields) -> None:
    """Write one security event with the request's address, path and user."""
    data = {"event": event, **_context(), **{k: str(v) for k, v in fields.items()}}
    logger.info(" ".join(f'{key}="{_quoted(value)}"' for key, value in data.items()))


def _quoted(value: str) -> str:
    # A path chosen by an attacker must not be able to fake a field or a log line.
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
