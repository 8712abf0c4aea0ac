"""Settings read from the environment.

Development generates its secrets once and keeps them in the instance folder; production
(`PROEFTUIN_ENV=production`) refuses to start without `SECRET_KEY` and `TOTP_ENCRYPTION_KEY`.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not describe a runnable site."""


def with_driver(url: str) -> str:
    """Return a database URL with the driver SQLAlchemy should use.

    Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'proeftuin.sqlite3'}"
    return with_driver(url)


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set in production.")
    return _kept_key(instance_path / "secret_key", lambda: secrets.token_hex(32))


def _totp_keys(instance_path: Path, production: bool) -> tuple[str, ...]:
    """The keys the TOTP secrets are encrypted with, newest first (comma-separated)."""
    from cryptography.fernet import Fernet  # noqa: PLC0415 - only where settings are read

    keys = tuple(k.strip() for k in os.environ.get("TOTP_ENCRYPTION_KEY", "").split(",")
                 if k.strip())
    if not keys:
        if production:
            raise ConfigError(
                "TOTP_ENCRYPTION_KEY must be set in production. Make one with: python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'")
        keys = (_kept_key(instance_path / "totp_key", lambda: Fernet.generate_key().decode()),)
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ConfigError("TOTP_ENCRYPTION_KEY holds a key that is not a Fernet key "
                              "(32 bytes, url-safe base64).") from None
    return keys


def _kept_key(key_file: Path, new) -> str:
    """A key made once for this instance folder, and read from it afterwards."""
    if key_file.exists():
        return key_file.read_text().strip()
    key = new()
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _flag(name: str, default: bool) -> bool:
    """Read a yes/no setting: 1, 0, true or false (any case); empty means the default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true"):
        return True
    if value in ("0", "false"):
        return False
    raise ConfigError(f"{name} must be 1, 0, true or false, not {value!r}.")


def _one_of(name: str, choices: tuple[str, ...]) -> str:
    """Read one of `choices`; empty means the first."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return choices[0]
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def _whole_number(name: str, default: int, minimum: int = 1) -> int:
    """Read a whole number of at least `minimum`; empty means the default."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}.")
    return number


def load_config(instance_path: str) -> dict:
    """Return the settings for this environment."""
    path = Path(instance_path)
    path.mkdir(parents=True, exist_ok=True)
    env = os.environ.get("PROEFTUIN_ENV", "development").strip().lower()
    production = env == "production"
    return {
        "ENV_NAME": env,
        "SECRET_KEY": _secret_key(path, production),
        #: encrypts the TOTP secrets at rest: Fernet keys, newest first; required in
        #: production, made once into the instance folder elsewhere
        "TOTP_ENCRYPTION_KEY": _totp_keys(path, production),
        "SQLALCHEMY_DATABASE_URI": _database_url(path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        #: a session ends this long after sign-in, however active
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=12),
        #: and this long after its last request
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
        "INVITATION_LIFETIME": timedelta(days=14),
        #: case discussions are removed this many days after their pilot completed or stopped
        "CASE_RETENTION_DAYS": _whole_number("CASE_RETENTION_DAYS", 730),
        #: the audit trail outlives the records it is about: an operator may purge events
        #: only once they are this old (NEN 7513 asks for at least five years in care)
        "AUDIT_RETENTION_DAYS": _whole_number("AUDIT_RETENTION_DAYS", 5 * 365 + 1,
                                              minimum=365),
        #: facilitators and admins must complete two-factor sign-in (TOTP) to get a session
        "REQUIRE_TWO_FACTOR": _flag("REQUIRE_TWO_FACTOR", production),
        #: how long the code step may take after the password was accepted
        "TWO_FACTOR_PENDING_LIFETIME": timedelta(minutes=5),
        #: and how long setting up two-factor sign-in during sign-in may take
        "TWO_FACTOR_ENROL_LIFETIME": timedelta(minutes=15),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        #: a Redis that stops answering must not hold requests (or /healthz) up: a second,
        #: then the in-memory fallback below takes over
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}
        if os.environ.get("RATELIMIT_STORAGE_URI", "").startswith(("redis", "rediss"))
        else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        #: when Redis cannot be reached, each worker keeps counting in its own memory: sign-in
        #: stays limited (per worker) and answers, instead of failing with a server error
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        #: sign-in attempts allowed per client address and per account
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        #: requests for a new-password link, per client address and per e-mail address
        "RESET_RATE_LIMIT": os.environ.get("RESET_RATE_LIMIT", "5 per hour"),
        #: requests to follow by e-mail per client address, and (each sends a confirmation
        #: mail) per e-mail address, so no one floods an inbox with them
        "FOLLOW_RATE_LIMIT": os.environ.get("FOLLOW_RATE_LIMIT", "10 per hour"),
        "FOLLOW_ADDRESS_RATE_LIMIT": os.environ.get("FOLLOW_ADDRESS_RATE_LIMIT",
                                                    "5 per hour;10 per day"),
        #: public application form submissions per client address
        "APPLY_RATE_LIMIT": os.environ.get("APPLY_RATE_LIMIT", "20 per hour"),
        #: read-only API requests per client address
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "300 per minute"),
        #: an active or selected pilot without any activity for this many weeks is "quiet"
        "QUIET_AFTER_WEEKS": _whole_number("QUIET_AFTER_WEEKS", 6),
        #: a harvest moment's default window: lessons submitted from its day for this many weeks
        "HARVEST_WEEKS": _whole_number("HARVEST_WEEKS", 6),
        "PILOTS_PER_PAGE": 20,
        "LESSONS_PER_PAGE": 20,
        #: library searches each worker keeps in memory until the library changes; 0: none
        "LIBRARY_CACHE_SIZE": _whole_number("LIBRARY_CACHE_SIZE", 500, minimum=0),
        #: how a worker gets the library in memory for new searches: "background" builds it
        #: in a thread while the database answers, "inline" in the request (tests), "off"
        #: never (every search asks the database)
        "LIBRARY_INDEX": _one_of("LIBRARY_INDEX", ("background", "inline", "off")),
        #: library searches, lesson pages and pilot profiles each worker keeps rendered for
        #: visitors who are not signed in; 0: none
        "PAGE_CACHE_SIZE": _whole_number("PAGE_CACHE_SIZE", 500, minimum=0),
        #: and at most this many megabytes of them (0: none)
        "PAGE_CACHE_MB": _whole_number("PAGE_CACHE_MB", 4, minimum=0),
        #: each worker writes the library's search and view counts at most this often (seconds);
        #: they are kept in memory until then, so no visitor waits for the write
        "LIBRARY_USAGE_FLUSH_SECONDS": _whole_number("LIBRARY_USAGE_FLUSH_SECONDS", 60,
                                                     minimum=0),
        #: where visitors send questions about privacy and accessibility; empty hides it
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "").strip(),
        #: host names this site answers to (comma-separated); links in invitations use them
        "TRUSTED_HOSTS": [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",")
                          if h.strip()] or None,
        #: number of reverse proxies in front of the app whose X-Forwarded-* headers count
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0") or 0),
        #: where the worker sends mail: smtp://user:password@host:587 (STARTTLS),
        #: smtps://host:465 (TLS) or smtp://host:25?plain (neither, for a local relay only).
        #: Empty in development: mail is kept in the outbox and shown at /dev/mailbox.
        "SMTP_URL": os.environ.get("SMTP_URL", "").strip(),
        #: the sender of every message; the site's name is what recipients see
        "MAIL_FROM": os.environ.get("MAIL_FROM", "").strip() or "Proeftuin <proeftuin@localhost>",
        #: the site's address for links in mail, which is read outside any request
        "SITE_URL": (os.environ.get("SITE_URL", "").strip() or "http://127.0.0.1:5000").rstrip("/"),
        #: the development mailbox at /dev/mailbox: every queued message, new-password links
        #: included, to anyone who reaches the site; so only on a development server
        "DEV_MAILBOX": env == "development",
    }
