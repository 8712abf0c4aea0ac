"""A column kept encrypted at rest, with a key that lives outside the database.

A copy of the database alone (a backup, a dump, a stolen disk) must not give away the second
factor of every account: the TOTP secrets are encrypted with TOTP_ENCRYPTION_KEY (Fernet:
AES-128-CBC with an HMAC). Several keys may be configured, newest first: values are written
with the first and read with any, so a key is replaced without downtime (docs/deploy.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy.types import TypeDecorator


def fernet(keys: str | list[str] | tuple[str, ...]) -> MultiFernet:
    """The keys as one cipher: it writes with the first and reads with any."""
    if isinstance(keys, str):
        keys = [key.strip() for key in keys.split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys])


def configured() -> MultiFernet:
    return fernet(current_app.config["TOTP_ENCRYPTION_KEY"])


class Encrypted(TypeDecorator):
    """Text stored as a Fernet token, and read back as the text."""

    impl = sa.String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return configured().encrypt(value.encode()).decode()

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return configured().decrypt(value.encode()).decode()
        except InvalidToken:
            raise RuntimeError(
                "A TOTP secret cannot be decrypted with any key in TOTP_ENCRYPTION_KEY: the key "
                "it was written with is missing (see docs/deploy.md, rotating the key).") from None
