"""E-mail waiting to be sent: the outbox, written in the same transaction as its cause.

A change that sends mail adds an `OutboxMessage` to the session; the commit that saves the
change saves the message, and a rollback drops both. The worker process (`flask worker`,
proeftuin/messaging/worker.py) claims queued messages, sends them over SMTP and records the
outcome; nothing in a request talks to a mail server.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, utcnow


class MessageStatus(enum.Enum):
    #: waiting for its (next) attempt at `next_attempt_at`
    queued = "queued"
    #: claimed by a worker until `lease_until`; after that another worker may take it
    sending = "sending"
    sent = "sent"
    #: every attempt failed; an admin may queue it again
    failed = "failed"


class OutboxMessage(db.Model):
    """One e-mail to one recipient, composed in the recipient's language when queued."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # What the worker asks for: messages due, in order.
        sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the message is about, e.g. "invitation" or "password_reset"
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    recipient_name: Mapped[str] = mapped_column(sa.String(120), default="")
    #: the language the message was written in: "nl" or "en"
    language: Mapped[str] = mapped_column(sa.String(5))
    subject: Mapped[str] = mapped_column(sa.String(250))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    #: extra headers, such as List-Unsubscribe, by name
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: set when queued and kept on every attempt, so a message sent twice after a worker died
    #: mid-send is one message to the receiving server and the reader's mail program
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus), default=MessageStatus.queued
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the claim of the worker that holds the message (random per claim)
    claim: Mapped[str | None] = mapped_column(sa.String(32))
    #: the last attempt's error, without the message's content
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the account it was sent to, when there is one
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status.value}>"
