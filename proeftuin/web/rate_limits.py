"""Rate-limit keys read from a request, shared by the forms that take an e-mail address."""

from __future__ import annotations

from collections.abc import Callable

from flask import request

from proeftuin.auth.forms import EMAIL_MAX_LENGTH
from proeftuin.auth.services import normalize_email


def form_address_key(prefix: str) -> Callable[[], str]:
    """A key per e-mail address in the posted form, cleaned up as accounts store addresses,
    so that spelling an address differently (case, control characters) is no fresh count."""

    def key() -> str:
        return f"{prefix}:" + normalize_email(request.form.get("email") or "")[:EMAIL_MAX_LENGTH]

    return key
