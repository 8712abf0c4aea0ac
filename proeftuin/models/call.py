"""A programme's calls for applications (rondes), and the criteria applications are judged on.

A national programme works in rounds: it opens a call, takes applications until the call
closes, judges them on the call's criteria and selects as many pilots as it has places. An
application (a pilot in the status applied) belongs to the call it answered.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from proeftuin.models.pilot import Pilot
    from proeftuin.models.programme import Programme


#: which call each application answered: at most one per pilot. A table of its own, not a
#: column of pilot, so that adding it left the pilot table (and its triggers) as it was.
call_application = sa.Table(
    "call_application",
    db.metadata,
    sa.Column("pilot_id", sa.ForeignKey("pilot.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("call_id", sa.ForeignKey("application_call.id"), nullable=False, index=True),
    #: the language the group applied in, which its decision e-mail is written in
    sa.Column("language", sa.String(5), nullable=False, default="nl", server_default="nl"),
)


class CallState(enum.Enum):
    """Where a call is on a given day: not open yet, taking applications, or closed."""

    upcoming = "upcoming"
    open = "open"
    closed = "closed"


class Call(db.Model):
    """A round in which a programme takes applications, such as "Ronde 2027"."""

    # "call" is a reserved word in SQL
    __tablename__ = "application_call"
    __table_args__ = (
        sa.CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
        sa.CheckConstraint("places > 0", name="places_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    #: what the programme asks of applicants (Markdown)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    #: the first and the last day (Dutch time) on which applications are taken
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    #: how many pilots the programme means to select
    places: Mapped[int]
    #: set when a facilitator closed the call before its last day
    closed_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set when every application was decided and the facilitator closed the assessment;
    #: the external assessors' role ends with it
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    criteria: Mapped[list[CallCriterion]] = relationship(
        back_populates="call", order_by="CallCriterion.position",
        cascade="all, delete-orphan",
    )
    applications: Mapped[list[Pilot]] = relationship(secondary=call_application,
                                                     back_populates="call")

    def state(self, today: date) -> CallState:
        """Return where the call is on `today` (a day in Dutch time)."""
        if self.closed_early_at is not None or today > self.closes_on:
            return CallState.closed
        return CallState.upcoming if today < self.opens_on else CallState.open

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.title!r}>"


class CallCriterion(db.Model):
    """One thing the applications of a call are judged on, such as "Samenwerking"."""

    __tablename__ = "call_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("application_call.id",
                                                       ondelete="CASCADE"), index=True)
    #: 1, 2, 3 … in the order the call lists them
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(160))
    #: what the assessors look for (plain text)
    description: Mapped[str] = mapped_column(sa.Text, default="")

    call: Mapped[Call] = relationship(back_populates="criteria")
