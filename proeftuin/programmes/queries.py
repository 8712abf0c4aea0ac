"""Read-side selects of calls: which take applications, and each call with its applications."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import Call, Pilot, PilotStatus, Programme, call_application
from proeftuin.models.base import MAX_ID


def _taking_applications(today: date):
    """The conditions of a call that takes applications on `today`."""
    return (Call.closed_early_at.is_(None), Call.opens_on <= today, Call.closes_on >= today,
            Programme.accepts_applications.is_(True))


def open_calls(today: date) -> list[Call]:
    """Return the calls a group can apply to today, by programme and closing day, with their
    programme and criteria."""
    return list(db.session.scalars(
        sa.select(Call).join(Call.programme).where(*_taking_applications(today))
        .options(joinedload(Call.programme), selectinload(Call.criteria))
        .order_by(Programme.name, Call.closes_on, Call.id)))


def open_calls_by_programme(today: date) -> dict[int, list[Call]]:
    """Return the open calls (`open_calls`) per programme id."""
    found: dict[int, list[Call]] = {}
    for call in open_calls(today):
        found.setdefault(call.programme_id, []).append(call)
    return found


def open_call(call_id: int | None, today: date) -> Call | None:
    """Return this call if a group can apply to it today."""
    if call_id is None or not 0 < call_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(Call).join(Call.programme)
        .where(Call.id == call_id, *_taking_applications(today)))


def coming_calls(today: date) -> list[Call]:
    """Return the calls that open after today, soonest first, with their programme."""
    return list(db.session.scalars(
        sa.select(Call).join(Call.programme)
        .where(Call.closed_early_at.is_(None), Call.opens_on > today,
               Programme.accepts_applications.is_(True))
        .options(joinedload(Call.programme))
        .order_by(Call.opens_on, Programme.name, Call.id)))


@dataclass
class CallSummary:
    """A call and how many of its applications wait, were selected or were declined."""

    call: Call
    counts: dict[PilotStatus, int] = field(default_factory=dict)

    @property
    def applications(self) -> int:
        return sum(self.counts.values())

    @property
    def waiting(self) -> int:
        return self.counts.get(PilotStatus.applied, 0)

    @property
    def declined(self) -> int:
        return self.counts.get(PilotStatus.declined, 0)

    @property
    def selected(self) -> int:
        """Applications chosen: selected then, whatever became of them since."""
        return self.applications - self.waiting - self.declined


def calls_of(programmes: list[Programme]) -> list[CallSummary]:
    """Return the calls of these programmes, newest first, each with its counts."""
    ids = [programme.id for programme in programmes]
    if not ids:
        return []
    summaries = [CallSummary(call) for call in db.session.scalars(
        sa.select(Call).where(Call.programme_id.in_(ids))
        .options(joinedload(Call.programme))
        .order_by(Call.opens_on.desc(), Call.id.desc()))]
    by_id = {summary.call.id: summary for summary in summaries}
    for call_id, status, count in db.session.execute(
            sa.select(call_application.c.call_id, Pilot.status, sa.func.count())
            .join(Pilot, Pilot.id == call_application.c.pilot_id)
            .where(call_application.c.call_id.in_(list(by_id)))
            .group_by(call_application.c.call_id, Pilot.status)):
        by_id[call_id].counts[status] = count
    return summaries


def programme_exists(programme_id: int) -> bool:
    """Whether a programme has this id."""
    return 0 < programme_id <= MAX_ID and db.session.get(Programme, programme_id) is not None


def call_by_id(call_id: int) -> Call | None:
    """Return a call with its programme and criteria, or None."""
    if not 0 < call_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(Call).where(Call.id == call_id)
        .options(joinedload(Call.programme), selectinload(Call.criteria)))


def applications_of(call: Call) -> list[Pilot]:
    """Return the call's applications, oldest first, with their region."""
    return list(db.session.scalars(
        sa.select(Pilot).join(call_application, call_application.c.pilot_id == Pilot.id)
        .where(call_application.c.call_id == call.id)
        .options(joinedload(Pilot.region))
        .order_by(Pilot.created_at, Pilot.id)))
