"""Forms of the facilitator pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from proeftuin.forms import clean_text
from proeftuin.models import Pilot, PilotStatus
from proeftuin.pilots.lifecycle import REASON_REQUIRED, allowed_next

#: long enough for a careful explanation, short enough to stay a reason
REASON_MAX_LENGTH = 2000


class StatusChangeForm(FlaskForm):
    """One step in a pilot's lifecycle: the status to move to and why."""

    to = HiddenField()
    reason = TextAreaField(
        _l("Toelichting"),
        validators=[Length(max=REASON_MAX_LENGTH,
                           message=_l("Maak de toelichting korter: hooguit %(max)d tekens.",
                                      max=REASON_MAX_LENGTH))],
        filters=[clean_text],
    )


@dataclass(frozen=True)
class ActionText:
    """How one lifecycle step is offered on the page."""

    button: str
    intro: str
    reason_label: str
    done: str


ACTIONS = {
    PilotStatus.selected: ActionText(
        button=_l("Selecteren"),
        intro=_l("De groep wordt een proeftuin van het programma en krijgt een openbaar profiel. Daarna nodigt u de coördinator uit."),
        reason_label=_l("Toelichting bij het selecteren (niet verplicht)"),
        done=_l("De aanmelding is geselecteerd. Nodig nu de coördinator van de proeftuin uit."),
    ),
    PilotStatus.declined: ActionText(
        button=_l("Afwijzen"),
        intro=_l("De aanmelding wordt afgewezen en krijgt geen openbaar profiel."),
        reason_label=_l("Reden van de afwijzing"),
        done=_l("De aanmelding is afgewezen."),
    ),
    PilotStatus.active: ActionText(
        button=_l("Starten"),
        intro=_l("De proeftuin is begonnen met het werk."),
        reason_label=_l("Toelichting bij het starten (niet verplicht)"),
        done=_l("De proeftuin is gestart."),
    ),
    PilotStatus.completed: ActionText(
        button=_l("Afronden"),
        intro=_l("De proeftuin heeft haar werk afgerond."),
        reason_label=_l("Toelichting bij het afronden (niet verplicht)"),
        done=_l("De proeftuin is afgerond."),
    ),
    PilotStatus.stopped: ActionText(
        button=_l("Stoppen"),
        intro=_l("De proeftuin stopt voor het geplande einde."),
        reason_label=_l("Reden om te stoppen"),
        done=_l("De proeftuin is gestopt."),
    ),
}


@dataclass
class StatusAction:
    """A step the pilot may take now, with its own form."""

    status: PilotStatus
    text: ActionText
    form: StatusChangeForm


def status_actions(pilot: Pilot, submitted: StatusChangeForm | None = None) -> list[StatusAction]:
    """Return a form per step the pilot may take; the submitted one keeps its input and errors."""
    actions = []
    for status in allowed_next(pilot):
        if submitted is not None and submitted.to.data == status.value:
            form = submitted
        else:
            form = StatusChangeForm(formdata=None)
        # Several of these forms share one page, so each field needs its own id.
        form.reason.id = f"reden-{status.value}"
        form.reason.label.text = ACTIONS[status].reason_label
        form.reason.flags.required = status in REASON_REQUIRED
        actions.append(StatusAction(status, ACTIONS[status], form))
    return actions
