"""The pilot lifecycle: applied → selected | declined → active → completed | stopped.

`ALLOWED` is the table of steps: from each status, where a pilot may go. Each step is a named
function that refuses, with one translated TransitionError, a step the table does not allow
(or that another facilitator took first), and records who made it, when and why. The
facilitators' form and the permissions read the same table.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from proeftuin.extensions import db
from proeftuin.labels import PILOT_STATUS, status_label
from proeftuin.messaging.compose import site_path
from proeftuin.models import Membership, Pilot, PilotStatus, PilotStatusChange, User, utcnow
from proeftuin.notifications import notify
from proeftuin.programmes import assessment

ALLOWED = {
    PilotStatus.applied: {PilotStatus.selected, PilotStatus.declined},
    PilotStatus.selected: {PilotStatus.active, PilotStatus.stopped},
    PilotStatus.active: {PilotStatus.completed, PilotStatus.stopped},
}

#: transitions that must say why
REASON_REQUIRED = {PilotStatus.declined, PilotStatus.stopped}


class TransitionError(ValueError):
    """A step the lifecycle refuses, with a message for the reader; `field` names the input
    at fault ("to": the step itself, "reason": its missing reason)."""

    def __init__(self, message: str, field: str = "to"):
        super().__init__(message)
        self.message = message
        self.field = field


def _not_from_here(pilot: Pilot, target: PilotStatus) -> TransitionError:
    return TransitionError(
        _("Een proeftuin met de status %(current)s kan niet naar %(target)s. Misschien heeft iemand anders de status net gewijzigd; kies een van de mogelijke stappen.",
          current=status_label(pilot.status), target=status_label(target))
    )


def allowed_next(pilot: Pilot) -> list[PilotStatus]:
    """Return the statuses this pilot may move to, in lifecycle order."""
    return [s for s in PilotStatus if s in ALLOWED.get(pilot.status, set())]


def next_status(pilot: Pilot, value: PilotStatus | str | None) -> PilotStatus:
    """Return the status named by `value` if the pilot may move there now.

    Raises TransitionError for an unknown status or a step the lifecycle does not allow from
    where the pilot is (a stale page, typically).
    """
    try:
        target = PilotStatus(value)
    except ValueError:
        raise TransitionError(
            _("Deze statuswijziging bestaat niet. Kies een van de mogelijke stappen.")
        ) from None
    if target not in ALLOWED.get(pilot.status, set()):
        raise _not_from_here(pilot, target)
    return target


def record_application(pilot: Pilot) -> PilotStatusChange:
    """Record the first step of a new application (made by a visitor, without account)."""
    change = PilotStatusChange(pilot=pilot, from_status=None, to_status=PilotStatus.applied)
    db.session.add(change)
    return change


def _move(pilot: Pilot, to: PilotStatus, by: User, reason: str = "") -> PilotStatusChange:
    reason = (reason or "").strip()
    next_status(pilot, to)
    if to in REASON_REQUIRED and not reason:
        raise TransitionError(
            _("Geef een reden op: bij afwijzen is die verplicht.") if to is PilotStatus.declined
            else _("Geef een reden op: bij stoppen is die verplicht."),
            field="reason",
        )
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
        raise _not_from_here(pilot, to)
    db.session.refresh(pilot, ["status", "updated_at"])
    change = PilotStatusChange(
        pilot=pilot, from_status=from_status, to_status=to, changed_by=by, reason=reason
    )
    db.session.add(change)
    db.session.flush()
    if from_status is PilotStatus.applied:
        # From whichever page the application was decided: kept with its call, and mailed.
        assessment.record_decision(pilot, change)
    members = db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.pilot_id == pilot.id)
    )
    notify(members, "pilot_status_changed",
           site_path("workspace.overview", slug=pilot.slug), by=by,
           pilot=pilot.name, status=PILOT_STATUS[to])
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


def move_pilot(pilot: Pilot, to: PilotStatus | str | None, by: User,
               reason: str = "") -> PilotStatusChange:
    """Take the named step to status `to`, record who and why, and flush.

    Raises TransitionError, with nothing changed, when the status is unknown, the step is not
    allowed from where the pilot is, or the step needs a reason and has none.
    """
    target = next_status(pilot, to)
    return TRANSITIONS[target](pilot, by, reason)
