"""Read-side selects of a cohort's calendar: its dates, its pilots, and a pilot's own dates
with where it stands with each harvest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    COHORT_STATUSES,
    Call,
    CohortDate,
    Pilot,
    call_application,
)
from proeftuin.models.base import MAX_ID
from proeftuin.programmes.harvests import CohortPilot, HarvestRecord, harvest_record

#: the past dates the workspace overview still shows, besides every coming one
PAST_ON_OVERVIEW = 3

_ORDER = (CohortDate.held_on, CohortDate.start_time.is_not(None), CohortDate.start_time,
          CohortDate.id)


def dates_of(call: Call, *, with_pilots: bool = False) -> list[CohortDate]:
    """Return the call's dates in order of day and time; with `with_pilots`, each session's
    attending pilots too."""
    options = (selectinload(CohortDate.pilots),) if with_pilots else ()
    return list(db.session.scalars(
        sa.select(CohortDate).where(CohortDate.call_id == call.id)
        .options(*options).order_by(*_ORDER)))


def date_of(call: Call, date_id: int) -> CohortDate | None:
    """Return one date of the call's calendar with its attending pilots, or None."""
    if not 0 < date_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(CohortDate).where(CohortDate.id == date_id, CohortDate.call_id == call.id)
        .options(selectinload(CohortDate.pilots)))


def cohort_of(call: Call) -> list[Pilot]:
    """Return the call's selected pilots (whatever became of them since), by name."""
    return list(db.session.scalars(
        sa.select(Pilot).join(call_application, call_application.c.pilot_id == Pilot.id)
        .where(call_application.c.call_id == call.id, Pilot.status.in_(COHORT_STATUSES))
        .order_by(Pilot.name, Pilot.id)))


def record_of(call: Call, dates: list[CohortDate], cohort: list[Pilot],
              today: date) -> HarvestRecord:
    """Where each pilot of the call's cohort stands with each of its harvests."""
    return harvest_record(dates, [CohortPilot(p.id, call.id, p.status) for p in cohort], today)


@dataclass
class PilotCalendar:
    """The dates of a pilot's cohort as its workspace shows them."""

    call: Call
    coming: list[CohortDate] = field(default_factory=list)
    #: the latest past dates, oldest first
    past: list[CohortDate] = field(default_factory=list)
    record: HarvestRecord | None = None


def calendar_of_pilot(pilot: Pilot, today: date) -> PilotCalendar | None:
    """Return the calendar of the pilot's cohort: every coming date and the last few past
    ones, with the pilot's standing on each harvest; None outside a cohort, or for a cohort
    without dates. Three selects at most, whatever the number of dates."""
    if pilot.status not in COHORT_STATUSES:
        return None
    dates = list(db.session.scalars(
        sa.select(CohortDate)
        .join(call_application, call_application.c.call_id == CohortDate.call_id)
        .where(call_application.c.pilot_id == pilot.id)
        .options(joinedload(CohortDate.call))
        .order_by(*_ORDER)))
    if not dates:
        return None
    call = dates[0].call
    past = [d for d in dates if d.held_on < today]
    calendar = PilotCalendar(call=call, coming=[d for d in dates if d.held_on >= today],
                             past=past[-PAST_ON_OVERVIEW:])
    shown = calendar.past + calendar.coming
    calendar.record = harvest_record(shown, [CohortPilot(pilot.id, call.id, pilot.status)],
                                     today)
    return calendar
