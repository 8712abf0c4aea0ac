"""The cohort of a call and its calendar: kick-off, learning sessions, harvest moments, close.

The pilots a call selected form its cohort. Between kick-off and close they meet in learning
sessions, and at each harvest moment they are asked to turn what they learned into lessons;
the harvest is met when the pilot submits a lesson from that day up to its due day.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, link_table, utcnow
from proeftuin.models.pilot import PilotStatus

if TYPE_CHECKING:
    from proeftuin.models.call import Call
    from proeftuin.models.pilot import Pilot

#: the statuses of a call's applications that were selected: together, its cohort
COHORT_STATUSES = (PilotStatus.selected, PilotStatus.active, PilotStatus.completed,
                   PilotStatus.stopped)
#: the pilots of a cohort still at work, whom a harvest moment asks for lessons
ACTIVE_COHORT_STATUSES = (PilotStatus.selected, PilotStatus.active)


class CohortDateKind(enum.Enum):
    """What happens on a date of the cohort's calendar."""

    kickoff = "kickoff"
    #: a learning session: the pilots meet, learn from each other, and a report follows
    session = "session"
    #: a harvest moment: every active pilot is asked to turn case discussions into lessons
    harvest = "harvest"
    close = "close"


#: which pilots of the cohort attend (or, afterwards, attended) a learning session
cohort_date_pilot = link_table("cohort_date_pilot", ("cohort_date_id", "cohort_date"),
                               ("pilot_id", "pilot"), on_target_delete="CASCADE")


class CohortDate(db.Model):
    """A date on the calendar of a call's cohort."""

    __tablename__ = "cohort_date"
    __table_args__ = (
        sa.CheckConstraint("end_time IS NULL OR (start_time IS NOT NULL AND end_time > start_time)",
                           name="ends_after_start"),
        sa.CheckConstraint("due_on IS NULL OR due_on >= held_on", name="due_after_day"),
        # The calendar of a call, in order of its days.
        sa.Index("ix_cohort_date_call_id_held_on", "call_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("application_call.id",
                                                       ondelete="CASCADE"))
    kind: Mapped[CohortDateKind] = mapped_column(enum_column(CohortDateKind))
    #: the day (Dutch time) it falls on; for a harvest, the first day that counts
    held_on: Mapped[date]
    #: local (Europe/Amsterdam) times; without a start time the date lasts all day
    start_time: Mapped[time | None] = mapped_column(sa.Time)
    end_time: Mapped[time | None] = mapped_column(sa.Time)
    #: what it is called, or for a learning session its topic
    title: Mapped[str] = mapped_column(sa.String(160))
    place: Mapped[str] = mapped_column(sa.String(160), default="")
    #: what the pilots can expect (Markdown)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: a learning session's short report, written afterwards (Markdown); never in the feed
    report: Mapped[str] = mapped_column(sa.Text, default="")
    #: a harvest's last day (Dutch time) on which a submitted lesson meets it
    due_on: Mapped[date | None]
    #: when a harvest's reminder went out to the active pilots' members
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    call: Mapped[Call] = relationship()
    pilots: Mapped[list[Pilot]] = relationship(secondary=cohort_date_pilot,
                                               order_by="Pilot.name")

    @property
    def is_harvest(self) -> bool:
        return self.kind is CohortDateKind.harvest

    @property
    def is_session(self) -> bool:
        return self.kind is CohortDateKind.session

    def __repr__(self) -> str:
        return f"<CohortDate {self.id} {self.kind.value} {self.held_on}>"
