"""The worker: deliver the outbox with retries, one claim at a time, and run the schedule.

Any number of workers may run. A worker claims a batch of due messages by writing its claim
and a lease into them (on PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`, so two
workers never pick the same row; SQLite lets one writer at a time). It sends them over one
SMTP connection and records each outcome under its claim. A worker that dies mid-send leaves
its messages 'sending'; when the lease runs out another worker takes them again, with the
same Message-ID, so a message that did reach the server before the crash is recognised as the
same one by the receiving side.
"""

from __future__ import annotations

import logging
import secrets
import signal
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from proeftuin.extensions import db
from proeftuin.messaging import schedule, transport
from proeftuin.models import MessageStatus, OutboxMessage, utcnow

log = logging.getLogger(__name__)

#: the waits after the first, second … failed attempt; after the last a message has failed
RETRY_AFTER = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
    timedelta(hours=6),
)
#: how long a claim holds: longer than a batch takes to send, short enough to recover soon
LEASE = timedelta(minutes=5)
#: how long a sent message is kept, to answer "did my mail go out?", before it is deleted
#: with the address and the links in it
SENT_KEPT = timedelta(days=30)
BATCH = 50
#: seconds between looks at the outbox when it was empty
POLL_SECONDS = 5.0


@dataclass
class Delivery:
    """What one round of the worker did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


def claim(now: datetime, batch: int = BATCH) -> tuple[str, list[OutboxMessage]]:
    """Claim up to `batch` due messages for this worker and commit the claim."""
    token = secrets.token_hex(16)
    due = (
        sa.select(OutboxMessage.id)
        .where(sa.or_(
            sa.and_(OutboxMessage.status == MessageStatus.queued,
                    OutboxMessage.next_attempt_at <= now),
            sa.and_(OutboxMessage.status == MessageStatus.sending,
                    OutboxMessage.lease_until < now),
        ))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(batch)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(status=MessageStatus.sending, claim=token, lease_until=now + LEASE,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.claim == token).order_by(OutboxMessage.id)
    ).all()
    return token, list(messages)


def deliver_due(now: datetime | None = None) -> Delivery:
    """Send what is due, once; record every outcome. Returns what happened."""
    now = now or utcnow()
    token, messages = claim(now)
    outcome = Delivery()
    if not messages:
        return outcome
    sender = current_app.config["MAIL_FROM"]
    try:
        settings = transport.parse_smtp_url(current_app.config["SMTP_URL"])
        with (transport.Smtp(settings) if settings else transport.Keep()) as connection:
            for message in messages:
                try:
                    connection.send(transport.build(message, sender))
                except (OSError, ValueError, smtplib.SMTPException) as error:
                    _record_failure(message, token, error, now, outcome)
                else:
                    _record(message, token, status=MessageStatus.sent, sent_at=utcnow(),
                            last_error=None)
                    outcome.sent += 1
                # Each outcome is saved as it happens: a worker that dies mid-batch leaves
                # only the message it was sending to be sent again.
                db.session.commit()
    except (OSError, smtplib.SMTPException, transport.SmtpUrlError) as error:
        # The server could not be reached at all: every message of the claim waits.
        for message in messages:
            if message.status is MessageStatus.sending:
                _record_failure(message, token, error, now, outcome)
    db.session.commit()
    return outcome


def _record_failure(message: OutboxMessage, token: str, error: Exception, now: datetime,
                    outcome: Delivery) -> None:
    reason = f"{type(error).__name__}: {error}"[:500]
    log.warning("message %s (%s) not sent, attempt %s: %s", message.id, message.kind,
                message.attempts, reason)
    if message.attempts > len(RETRY_AFTER):
        _record(message, token, status=MessageStatus.failed, last_error=reason)
        outcome.failed += 1
    else:
        _record(message, token, status=MessageStatus.queued, last_error=reason,
                next_attempt_at=now + RETRY_AFTER[message.attempts - 1])
        outcome.retried += 1


def _record(message: OutboxMessage, token: str, **values) -> None:
    """Write an outcome, only while the claim is still this worker's."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim == token)
        .values(claim=None, lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    for name, value in values.items():
        setattr(message, name, value)


def purge_sent(now: datetime) -> int:
    """Delete the messages sent longer ago than SENT_KEPT; how many."""
    return db.session.execute(sa.delete(OutboxMessage).where(
        OutboxMessage.status == MessageStatus.sent, OutboxMessage.sent_at < now - SENT_KEPT,
    )).rowcount


def send_again(message: OutboxMessage) -> None:
    """Queue a failed message once more, as an admin asks: a new round of attempts."""
    message.status = MessageStatus.queued
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = None


def run(app: Flask, once: bool = False) -> None:
    """Deliver the outbox until stopped (SIGTERM or Ctrl+C); `once`: a single round."""
    stopping = []
    if not once:
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stopping.append(True))
    with app.app_context():
        transport.parse_smtp_url(app.config["SMTP_URL"])  # a bad setting stops the start
        # Without a server, mail is only kept for the development mailbox: anywhere else it
        # would count as sent and reach nobody.
        if not app.config["SMTP_URL"] and app.config["ENV_NAME"] != "development":
            raise transport.SmtpUrlError("SMTP_URL must be set outside development")
    while not stopping:
        with app.app_context():
            try:
                schedule.run_due(utcnow())
                outcome = deliver_due()
            except sa.exc.OperationalError as error:
                # The database is away (a restart, a failover): try again in a moment.
                log.warning("outbox not read: %s", error)
                db.session.rollback()
                outcome = Delivery()
            finally:
                db.session.remove()
        if once:
            return
        if not (outcome.sent or outcome.retried or outcome.failed):
            time.sleep(POLL_SECONDS)
