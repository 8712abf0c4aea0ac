"""Recorded confirmations that a personal-data finding was not personal data after all."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, utcnow


class PrivacyConfirmation(db.Model):
    """A writer's statement that one finding in one record is not personal data.

    Only a keyed fingerprint of the finding is kept (see `privacy.fingerprint`), never its
    text, so the confirmation itself leaks nothing. The same finding in the same record is not
    asked about again.
    """

    __tablename__ = "privacy_confirmation"
    __table_args__ = (
        sa.UniqueConstraint("record_type", "record_id", "fingerprint"),
        # The guard asks which of a text's findings other writers of the pilot confirmed.
        sa.Index("ix_privacy_confirmation_pilot_fingerprint", "pilot_id", "fingerprint",
                 "confirmed_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the kind of record (`RecordType.case`, `RecordType.lesson`, `RecordType.reuse`, an experiment), and its id
    record_type: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int]
    #: HMAC-SHA-256 of the finding's kind and normalised text
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    #: the pilot whose record it is: its writers may read each other's texts, so what they
    #: confirmed may spare their colleagues the question (guard.shared_confirmations)
    pilot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"))
    #: the kind of finding (privacy.Kind), so a reviewer can see what was waved through
    kind: Mapped[str] = mapped_column(sa.String(32))
    confirmed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
