"""Writing and reading the audit trail of case discussions and lessons.

Services call `record` in the same transaction as the change they log, so an event exists
exactly when its change does. Only ids, the action and the role are written, never content.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from proeftuin.extensions import db
from proeftuin.models import MemberRole, Pilot, Role, User, utcnow
from proeftuin.models.audit import AuditAction, AuditEvent, AuditPurge


def role_in(user: User, pilot: Pilot) -> str:
    """Name the role the user acts in on this pilot's records."""
    for membership in user.memberships:
        if membership.pilot_id == pilot.id:
            return "coordinator" if membership.role is MemberRole.coordinator else "member"
    if user.role is Role.facilitator:
        return "facilitator"
    return user.role.value


def log(action: AuditAction, user: User, subject, record_type: str,
        occurred_at: datetime | None = None) -> AuditEvent:
    """Record an action on a case discussion or lesson by this user, in their role."""
    return record(action, user=user, role=role_in(user, subject.pilot), record_type=record_type,
                  record_id=subject.id, pilot=subject.pilot, occurred_at=occurred_at)


#: the role of events the application writes on its own, such as the retention purge
SYSTEM = "system"


def record(action: AuditAction, *, user: User | None, role: str, record_type: str, record_id: int,
           pilot: Pilot, occurred_at: datetime | None = None) -> AuditEvent:
    """Add one event to the trail; the caller's commit writes it with the change itself.

    `occurred_at` is for the demo data only: events are written as they happen, never later.
    """
    event = AuditEvent(action=action, user=user, role=role, record_type=record_type,
                       record_id=record_id, pilot_id=pilot.id, occurred_at=occurred_at or utcnow())
    db.session.add(event)
    db.session.flush()
    return event


def trail_of_pilot(pilot: Pilot, *, page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], int]:
    """Return one page of the pilot's events, newest first, and the total number."""
    page = max(1, page)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.pilot_id == pilot.id)
    )
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.pilot_id == pilot.id)
        .options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return events, total


class PurgeTooRecent(ValueError):
    """The moment asked for lies within the audit trail's retention period."""


def latest_purgeable(now: datetime | None = None) -> datetime:
    """The latest moment a purge may delete events before: now less the retention period."""
    from flask import current_app  # noqa: PLC0415 - read at call time, not import time

    return (now or utcnow()) - timedelta(days=current_app.config["AUDIT_RETENTION_DAYS"])


def purge_events(before: datetime, by: str, *, dry_run: bool = False) -> int:
    """Delete the events that occurred before `before`, an operator's act: the purge is
    recorded first (the database lets no event go without a purge that covers it), with who
    ran it and how many events went. Returns that number; the caller commits."""
    if before > latest_purgeable():
        raise PurgeTooRecent(before)
    older = AuditEvent.occurred_at < before
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(older))
    if dry_run or not count:
        return count
    db.session.add(AuditPurge(cutoff=before, events=count, by=by))
    db.session.flush()
    db.session.execute(sa.delete(AuditEvent).where(older))
    return count
