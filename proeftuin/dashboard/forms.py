"""Forms of the facilitator pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length

from proeftuin.dashboard.table import (
    DIRECTION_LABELS,
    FIRST_DIRECTION,
    SORT_LABELS,
    Direction,
    SortKey,
    TableSelection,
)
from proeftuin.forms import (
    FilterForm,
    clean_line,
    clean_text,
    int_or_none,
    programme_choices,
    programme_filter_field,
    str_or_none,
)
from proeftuin.labels import PILOT_STATUS
from proeftuin.models import Pilot, PilotStatus, Programme
from proeftuin.pilots.forms import region_choices
from proeftuin.pilots.lifecycle import REASON_REQUIRED, allowed_next

#: a typed value is quoted back up to this many characters
SHOWN_VALUE_LENGTH = 40

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


class PilotTableForm(FilterForm):
    """The filters and order of the facilitators' pilot table, read from GET parameters.

    A value that does not exist (a stale or hand-made link) is set aside and listed in
    `invalid`, so the page can say so and show the table without it.
    """

    class Meta:
        csrf = False  # a GET form that changes nothing

    programme = programme_filter_field()
    status = SelectField(_l("Status"), name="status", coerce=str_or_none)
    region = SelectField(_l("Regio"), name="regio", coerce=int_or_none)
    quiet = BooleanField(_l("Alleen stille proeftuinen"), name="stil",
                         false_values=("", "0", "false", "nee"), render_kw={"value": "1"})
    missing = BooleanField(_l("Alleen proeftuinen die een essentiële discipline missen"),
                           name="mist", false_values=("", "0", "false", "nee"),
                           render_kw={"value": "1"})
    sort = SelectField(_l("Sorteren op"), name="sorteer", coerce=str_or_none)
    order = SelectField(_l("Volgorde"), name="volgorde", coerce=str_or_none)

    def __init__(self, formdata, programmes: list[Programme], quiet_weeks: int, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.programme.choices = programme_choices(programmes)
        self.status.choices = [SelectChoice("", _l("Alle statussen"))] + [
            SelectChoice(s.value, label) for s, label in PILOT_STATUS.items()
        ]
        self.region.choices = region_choices(_l("Alle regio's"))
        self.quiet.description = _(
            "Actieve en geselecteerde proeftuinen waarin langer dan %(weeks)d weken niets is "
            "gebeurd.", weeks=quiet_weeks)
        self.missing.description = _l(
            "Aangemelde, geselecteerde en actieve proeftuinen zonder huisarts, "
            "wijkverpleegkundige, Wmo-consulent of sociaal werker.")
        self.sort.choices = [SelectChoice("", SORT_LABELS[SortKey.name])] + [
            SelectChoice(key.value, SORT_LABELS[key]) for key in SortKey if key is not SortKey.name
        ]
        self.order.choices = [SelectChoice("", _l("Standaard"))] + [
            SelectChoice(d.value, DIRECTION_LABELS[d]) for d in Direction
        ]
        self.invalid = self._drop_invalid()

    def _drop_invalid(self) -> list[tuple[str, str]]:
        self.validate()
        invalid = []
        for field in self:
            if field.errors:
                typed = clean_line((field.raw_data or [""])[0])
                if len(typed) > SHOWN_VALUE_LENGTH:
                    typed = typed[:SHOWN_VALUE_LENGTH] + "…"
                invalid.append((str(field.label.text), typed))
                field.data = None
                field.errors = []
        for flag in (self.quiet, self.missing):
            if not flag.data:
                flag.data = None
        return invalid

    def params(self) -> dict[str, str]:
        """Return the valid filters and order as URL parameters."""
        params = super().params()
        for flag in (self.quiet, self.missing):
            if flag.data:
                params[flag.name] = "1"
        return params

    def active(self) -> list[dict]:
        """Describe each active filter; the order is not a filter, so it is left out."""
        order = {str(self.sort.label.text), str(self.order.label.text)}
        return [item for item in super().active() if str(item["label"]) not in order]

    def selection(self) -> TableSelection:
        """Return the valid filters and order as a table selection."""
        sort = SortKey(self.sort.data) if self.sort.data else SortKey.name
        direction = Direction(self.order.data) if self.order.data else FIRST_DIRECTION[sort]
        return TableSelection(
            programme_slug=self.programme.data,
            status=PilotStatus(self.status.data) if self.status.data else None,
            region_id=self.region.data,
            quiet_only=bool(self.quiet.data),
            missing_only=bool(self.missing.data),
            sort=sort,
            direction=direction,
        )
