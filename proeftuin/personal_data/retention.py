"""How long case discussions are kept, and removing them once that time has passed.

A pilot keeps its case discussions while it works. Once it has ended (completed or stopped),
they are kept `CASE_RETENTION_DAYS` more (two years by default), counted from the latest
status change to that final status; from then on they are expired and listed for deletion,
and `flask purge-expired` removes them. Lessons stay: only their link to a removed source
case goes. The audit trail stays too, with one more event per case saying the system
deleted it: it holds no content, only that something happened to a record with that number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from proeftuin.audit import SYSTEM
from proeftuin.extensions import db
from proeftuin.models import (
    AuditAction,
    AuditEvent,
    CaseDiscussion,
    CaseFollowUp,
    Pilot,
    PilotStatus,
    PilotStatusChange,
    PrivacyConfirmation,
    RecordType,
    case_direction,
    case_discipline,
    case_question,
    lesson_source_case,
    utcnow,
)

#: a pilot in one of these statuses has ended; they are final in the lifecycle
ENDED_STATUSES = (PilotStatus.completed, PilotStatus.stopped)
#: ids per DELETE statement, well below every database's limit on bound parameters
_CHUNK = 500


def retention_days() -> int:
    """Return how many days case discussions are kept after their pilot ended."""
    return int(current_app.config["CASE_RETENTION_DAYS"])


def today() -> date:
    """Return today's date in UTC, the calendar the retention dates are counted in."""
    return datetime.now(UTC).date()


def expires_on(ended_at: datetime, days: int | None = None) -> date:
    """Return the first day on which the cases of a pilot that ended at `ended_at` expire."""
    days = retention_days() if days is None else days
    return ended_at.astimezone(UTC).date() + timedelta(days=days)


def _cutoff(on: date, days: int) -> datetime:
    """Pilots that ended before this moment have expired cases on day `on`."""
    return datetime.combine(on - timedelta(days=days - 1), time.min, tzinfo=UTC)


def _ended():
    """Per ended pilot: when it reached its final status (the latest change to it)."""
    return (
        sa.select(PilotStatusChange.pilot_id,
                  sa.func.max(PilotStatusChange.created_at).label("ended_at"))
        .join(Pilot, Pilot.id == PilotStatusChange.pilot_id)
        .where(Pilot.status.in_(ENDED_STATUSES), PilotStatusChange.to_status == Pilot.status)
        .group_by(PilotStatusChange.pilot_id)
        .subquery("ended")
    )


def _expired_pilot_ids(on: date, days: int):
    ended = _ended()
    return sa.select(ended.c.pilot_id).where(ended.c.ended_at < _cutoff(on, days))


def expired_cases(on: date | None = None) -> list[CaseDiscussion]:
    """Return the case discussions that have passed their retention period on day `on`."""
    on = today() if on is None else on
    return list(
        db.session.scalars(
            sa.select(CaseDiscussion)
            .where(CaseDiscussion.pilot_id.in_(_expired_pilot_ids(on, retention_days())))
            .options(joinedload(CaseDiscussion.pilot))
            .order_by(CaseDiscussion.pilot_id, CaseDiscussion.held_on, CaseDiscussion.id)
        )
    )


@dataclass(frozen=True)
class PilotRetention:
    """An ended pilot that still holds case discussions, and when they expire."""

    pilot: Pilot
    ended_at: datetime
    expires_on: date
    case_count: int

    @property
    def ended_on(self) -> date:
        """The day (in UTC) the pilot ended; the retention period counts from it."""
        return self.ended_at.astimezone(UTC).date()

    def expired(self, on: date) -> bool:
        """Whether the pilot's case discussions are past their retention period on `on`."""
        return self.expires_on <= on


def ended_pilots_with_cases() -> list[PilotRetention]:
    """Return every ended pilot that still holds case discussions, soonest to expire first."""
    ended = _ended()
    counts = (
        sa.select(CaseDiscussion.pilot_id, sa.func.count().label("cases"))
        .group_by(CaseDiscussion.pilot_id)
        .subquery("counts")
    )
    rows = db.session.execute(
        sa.select(Pilot, ended.c.ended_at, counts.c.cases)
        .join(ended, ended.c.pilot_id == Pilot.id)
        .join(counts, counts.c.pilot_id == Pilot.id)
        .options(joinedload(Pilot.programme))
        .order_by(ended.c.ended_at, Pilot.name, Pilot.id)
    )
    days = retention_days()
    return [PilotRetention(pilot, ended_at, expires_on(ended_at, days), cases)
            for pilot, ended_at, cases in rows]


def expired_pilots(on: date | None = None) -> list[PilotRetention]:
    """Return the ended pilots whose case discussions have expired on day `on`."""
    on = today() if on is None else on
    return [row for row in ended_pilots_with_cases() if row.expired(on)]


def _chunks(ids: list[int]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def purge_expired(on: date | None = None, *, dry_run: bool = False) -> list[PilotRetention]:
    """Delete the expired case discussions and everything that hangs on them; flush.

    Follow-ups, links to disciplines, questions, directions and source-of-lesson links and
    the privacy confirmations of those records go with them; lessons stay. Each removal is
    logged in the case's audit trail as done by the system. Returns what was
    (or, with `dry_run`, would be) deleted per pilot. The caller commits.
    """
    on = today() if on is None else on
    expired = expired_pilots(on)
    if dry_run or not expired:
        return expired
    # An ended pilot no longer logs cases, so these are exactly the ones counted above.
    cases = db.session.execute(
        sa.select(CaseDiscussion.id, CaseDiscussion.pilot_id).where(
            CaseDiscussion.pilot_id.in_([row.pilot.id for row in expired]))
    ).all()
    # The trail of each case says the system removed it; the events themselves stay.
    now = utcnow()
    if cases:
        db.session.execute(sa.insert(AuditEvent), [
            {"action": AuditAction.deleted, "user_id": None, "role": SYSTEM, "record_type": RecordType.case,
             "record_id": case_id, "pilot_id": pilot_id, "occurred_at": now}
            for case_id, pilot_id in cases
        ])
    case_ids = [case_id for case_id, _ in cases]
    for chunk in _chunks(case_ids):
        for statement in (
            sa.delete(PrivacyConfirmation).where(PrivacyConfirmation.record_type == RecordType.case,
                                                 PrivacyConfirmation.record_id.in_(chunk)),
            sa.delete(lesson_source_case).where(lesson_source_case.c.case_id.in_(chunk)),
            sa.delete(CaseFollowUp).where(CaseFollowUp.case_id.in_(chunk)),
            sa.delete(case_discipline).where(case_discipline.c.case_id.in_(chunk)),
            sa.delete(case_question).where(case_question.c.case_id.in_(chunk)),
            sa.delete(case_direction).where(case_direction.c.case_id.in_(chunk)),
            sa.delete(CaseDiscussion).where(CaseDiscussion.id.in_(chunk)),
        ):
            db.session.execute(statement)
    # Lessons in the session may still list a removed case as their source.
    db.session.expire_all()
    return expired
