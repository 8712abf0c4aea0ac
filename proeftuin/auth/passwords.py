"""Password hashing with Argon2id and the password rules."""

from __future__ import annotations

import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: every password that is set must be at least this long
MIN_LENGTH = 12
#: and at most this long, which also keeps hashing cheap for absurd input
MAX_LENGTH = 128

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters


def _prepare(password: str) -> str:
    # The same password typed on another keyboard or system may arrive in another Unicode
    # form (NIST SP 800-63B advises normalising); NFKC makes them hash alike.
    return unicodedata.normalize("NFKC", password)


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so that a wrong e-mail
    address takes as long as a wrong password.

    Made on first use, not at import: hashing takes Argon2's 64 MiB and half a second, which
    every process (each web worker, each CLI command) would otherwise pay at start.
    """
    return _hasher.hash(_prepare("not-a-real-password-for-timing"))


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _hasher.hash(_prepare(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash (or a dummy hash, to keep timing even)."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), _prepare(password)) and bool(
            password_hash
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
