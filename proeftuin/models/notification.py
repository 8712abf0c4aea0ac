"""What the site tells a person: notifications in the site, and how each kind reaches them.

A notification is kept for its recipient with the link it is about; its text is written when
it is shown, in the reader's language, from its kind and parameters. Each person chooses per
kind whether it also comes by e-mail at once, in a daily digest, or only in the site.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, utcnow


class Delivery(enum.Enum):
    #: an e-mail for each notification, as it happens
    immediately = "immediately"
    #: one e-mail a day with the day's notifications
    daily = "daily"
    #: only on the notifications page
    site = "site"


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        # The unread count in every page's header, and the page itself, newest first.
        sa.Index("ix_notification_user_read", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    #: one of proeftuin.notifications.KINDS
    kind: Mapped[str] = mapped_column(sa.String(40))
    #: the names the text is written with (a lesson's title, a pilot's name)
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: the path of what it is about, within the site
    path: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when it went out by e-mail, alone or in a digest; empty while it waits for a digest
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: delivered in the daily digest: it waits for the next one until `mailed_at` is set
    in_digest: Mapped[bool] = mapped_column(default=False)


class NotificationPreference(db.Model):
    """How one kind of notification reaches one person; without a row: immediately."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery))


class ScheduledRun(db.Model):
    """A scheduled job that ran for a period: the worker runs each job once per period,
    whatever restarts there are, and however many workers there are."""

    __tablename__ = "scheduled_run"

    job: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    #: the period it ran for, e.g. "2026-12-07" for a daily job
    period: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
