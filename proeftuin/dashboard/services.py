"""State changes from the facilitator pages: moving a pilot through its lifecycle."""

from __future__ import annotations

from flask_babel import gettext as _

from proeftuin.labels import status_label
from proeftuin.models import Pilot, PilotStatus, PilotStatusChange, User
from proeftuin.pilots.lifecycle import REASON_REQUIRED, TransitionError, allowed_next, move_pilot


class StatusChangeError(ValueError):
    """A status change that cannot be made; `field` says which input is at fault."""

    def __init__(self, message: str, field: str = "to"):
        super().__init__(message)
        self.message = message
        self.field = field


def next_status(pilot: Pilot, value: PilotStatus | str | None) -> PilotStatus:
    """Return the status named by `value` if the pilot may move there now.

    Raises StatusChangeError for an unknown status or a step the lifecycle does not allow
    from where the pilot is (a stale page, typically).
    """
    try:
        target = PilotStatus(value)
    except ValueError:
        raise StatusChangeError(
            _("Deze statuswijziging bestaat niet. Kies een van de mogelijke stappen.")
        ) from None
    if target not in allowed_next(pilot):
        raise StatusChangeError(
            _("Een proeftuin met de status %(current)s kan niet naar %(target)s. Misschien heeft iemand anders de status net gewijzigd; kies een van de mogelijke stappen.",
              current=status_label(pilot.status), target=status_label(target))
        )
    return target


def change_status(pilot: Pilot, to: PilotStatus | str | None, by: User,
                  reason: str = "") -> PilotStatusChange:
    """Move the pilot to status `to` through the lifecycle, record who and why, and flush.

    Raises StatusChangeError, with nothing changed, when the status is unknown, the step is
    not allowed from where the pilot is, or the step needs a reason and has none.
    """
    reason = (reason or "").strip()
    target = next_status(pilot, to)
    if target in REASON_REQUIRED and not reason:
        message = (_("Geef een reden op: bij afwijzen is die verplicht.")
                   if target is PilotStatus.declined
                   else _("Geef een reden op: bij stoppen is die verplicht."))
        raise StatusChangeError(message, field="reason")
    try:
        return move_pilot(pilot, target, by, reason)
    except TransitionError as error:  # the checks above make this unreachable in practice
        raise StatusChangeError(_("Deze statuswijziging is niet mogelijk.")) from error
