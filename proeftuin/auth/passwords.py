"""Password hashing with Argon2id and the password rules."""

from __future__ import annotations

import unicodedata

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


#: A hash to verify against when the account does not exist, so that a wrong e-mail address
#: takes as long as a wrong password. Made once with today's parameters from a random password
#: nobody kept, and written here rather than made at start: hashing takes Argon2id's 64 MiB and
#: half a second, which every worker and command would pay, and made on first use it would
#: make each worker's first unknown address the slow one (tests check it keeps up).
DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$l79pEWRyXqgp8LYP1/+8kg$"
              "8Tj+sD5q1rKvzpGGo0Wv7/it8a9q9KNQ/9SXtBHdv3U")


def hash_password(password: str) -> str:
    """Return an Argon2id hash of the password."""
    return _hasher.hash(_prepare(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash (or a dummy hash, to keep timing even)."""
    try:
        return _hasher.verify(password_hash or DUMMY_HASH, _prepare(password)) and bool(
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
