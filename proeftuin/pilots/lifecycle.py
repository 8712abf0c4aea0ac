"""The pilot lifecycle: applied → selected | declined → active → completed | stopped.

Each step is a named function that refuses a transition the lifecycle does not allow and
records who made it, when and why.
"""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import Pilot, PilotStatus, PilotStatusChange, User, utcnow

ALLOWED = {
    PilotStatus.applied: {PilotStatus.selected, PilotStatus.declined},
    PilotStatus.selected: {PilotStatus.active, PilotStatus.stopped},
    PilotStatus.active: {PilotStatus.completed, PilotStatus.stopped},
}

#: transitions that must say why
REASON_REQUIRED = {PilotStatus.declined, PilotStatus.stopped}


class TransitionError(ValueError):
    """The pilot cannot move to that status from where it is."""


def allowed_next(pilot: Pilot) -> list[PilotStatus]:
    """Return the statuses this pilot may move to, in lifecycle order."""
    return [s for s in PilotStatus if s in ALLOWED.get(pilot.status, set())]


def record_application(pilot: Pilot) -> PilotStatusChange:
    """Record the first step of a new application (made by a visitor, without account)."""
    change = PilotStatusChange(pilot=pilot, from_status=None, to_status=PilotStatus.applied)
    db.session.add(change)
    return change


def _move(pilot: Pilot, to: PilotStatus, by: User, reason: str = "") -> PilotStatusChange:
    reason = (reason or "").strip()
    if to not in ALLOWED.get(pilot.status, set()):
        raise TransitionError(f"{pilot.status.value} → {to.value} is not allowed")
    if to in REASON_REQUIRED and not reason:
        raise TransitionError(f"{to.value} needs a reason")
    from_status = pilot.status
    # Compare-and-set: of two facilitators deciding at the same moment, only one wins.
    moved = db.session.execute(
        sa.update(Pilot)
        .where(Pilot.id == pilot.id, Pilot.status == from_status)
        .values(status=to, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.refresh(pilot)
        raise TransitionError(f"{from_status.value} changed meanwhile")
    db.session.refresh(pilot, ["status", "updated_at"])
    change = PilotStatusChange(
        pilot=pilot, from_status=from_status, to_status=to, changed_by=by, reason=reason
    )
    db.session.add(change)
    db.session.flush()
    return change


def select_pilot(pilot: Pilot, by: User, reason: str = "") -> PilotStatusChange:
    """Select an application: the group becomes a pilot of the programme."""
    return _move(pilot, PilotStatus.selected, by, reason)


def decline_pilot(pilot: Pilot, by: User, reason: str) -> PilotStatusChange:
    """Decline an application, saying why."""
    return _move(pilot, PilotStatus.declined, by, reason)


def activate_pilot(pilot: Pilot, by: User, reason: str = "") -> PilotStatusChange:
    """Mark a selected pilot as started."""
    return _move(pilot, PilotStatus.active, by, reason)


def complete_pilot(pilot: Pilot, by: User, reason: str = "") -> PilotStatusChange:
    """Mark an active pilot as completed."""
    return _move(pilot, PilotStatus.completed, by, reason)


def stop_pilot(pilot: Pilot, by: User, reason: str) -> PilotStatusChange:
    """Stop a pilot before its planned end, saying why."""
    return _move(pilot, PilotStatus.stopped, by, reason)


TRANSITIONS = {
    PilotStatus.selected: select_pilot,
    PilotStatus.declined: decline_pilot,
    PilotStatus.active: activate_pilot,
    PilotStatus.completed: complete_pilot,
    PilotStatus.stopped: stop_pilot,
}


def move_pilot(pilot: Pilot, to: PilotStatus, by: User, reason: str = "") -> PilotStatusChange:
    """Dispatch to the named transition for `to`."""
    return TRANSITIONS[to](pilot, by, reason)
