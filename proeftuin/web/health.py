"""What /healthz reports: the database, which the site cannot work without, and the
rate-limit storage, which it can (each worker then counts in its own memory)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app
from flask.logging import default_handler

from proeftuin.extensions import db, limiter


def database_reachable() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def rate_limit_storage() -> str:
    """"memory" (every worker counts on its own, as configured), "ok", or "unreachable"
    (Redis is down: the workers count in memory until it is back)."""
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return "memory"
    try:
        reachable = limiter.storage.check()
    except Exception:  # noqa: BLE001 - any failure of the storage's client means unreachable
        reachable = False
    return "ok" if reachable else "unreachable"


def log_rate_limit_storage() -> None:
    """Let Flask-Limiter's warnings reach the error log.

    It logs "falling back to in-memory storage" when Redis goes away, and "recovered" when it
    returns, to a logger that has only a NullHandler: under gunicorn, which configures its
    own loggers and no others, nobody would read it. Flask's handler writes to the request's
    error stream, which is gunicorn's error log (and the journal outside a request).
    """
    logger = logging.getLogger("flask-limiter")
    if default_handler not in logger.handlers:
        logger.addHandler(default_handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
