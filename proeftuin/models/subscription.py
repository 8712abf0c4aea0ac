"""Following the library by e-mail: a selection or a pilot, for anyone with an address.

A subscription holds a person's e-mail address, so it is kept only while it is wanted: an
unconfirmed one is deleted when its confirmation link expires, and unsubscribing deletes the
row. The digests send the lessons published after `covered_until`, and move it on.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, utcnow


class Frequency(enum.Enum):
    weekly = "weekly"
    monthly = "monthly"


class Subscription(db.Model):
    __tablename__ = "subscription"
    __table_args__ = (
        # One subscription per address and thing followed: following it again changes it.
        sa.UniqueConstraint("email", "selection"),
        # What a digest run reads: the confirmed subscriptions of one frequency.
        sa.Index("ix_subscription_due", "frequency", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    #: the account that follows, when it was followed while signed in
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: the language of its mail: "nl" or "en"
    language: Mapped[str] = mapped_column(sa.String(5))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    #: what is followed: the library's URL parameters in a fixed order ("richting=3&q=…"),
    #: or "proeftuin=<id>" for a pilot
    selection: Mapped[str] = mapped_column(sa.String(1000))
    #: the pilot followed; its lessons, whatever else
    pilot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pilot.id", ondelete="CASCADE"), index=True
    )
    #: random, and part of every link to it, so a link outlives no unsubscribing
    key: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the address confirmed it; nothing is sent before
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: lessons first published after this have not been sent yet
    covered_until: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pilot = relationship("Pilot", lazy="raise")

    def __repr__(self) -> str:
        return f"<Subscription {self.id} {self.selection!r}>"
