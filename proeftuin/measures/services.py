"""State changes of measures, their monthly values and experiments.

Each function checks, changes, flushes and writes the audit trail; routes commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _

from proeftuin import audit
from proeftuin.dates import local_today, month_of
from proeftuin.extensions import db
from proeftuin.models import (
    ActDecision,
    AuditAction,
    Experiment,
    ImprovementDirection,
    Measure,
    MeasureValue,
    Pilot,
    PrivacyConfirmation,
    RecordType,
    SolutionDirection,
    User,
    utcnow,
)
from proeftuin.permissions import (
    can_edit_experiment,
    can_edit_measure,
    can_write_experiments,
    can_write_measures,
)
from proeftuin.personal_data import guard
from proeftuin.personal_data.guard import Review


class MeasureError(ValueError):
    """A change that is refused; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(MeasureError):
    """The user may not do this."""


# Measures ------------------------------------------------------------------------------------


@dataclass
class MeasureContent:
    """What a pilot sets on a measure."""

    name: str
    unit: str = ""
    goal: float | None = None
    direction: str = ImprovementDirection.higher.value
    description: str = ""


def _apply_measure(measure: Measure, content: MeasureContent) -> None:
    name = (content.name or "").strip()
    if not name:
        raise MeasureError(_("Geef de meting een naam."), "name")
    try:
        direction = ImprovementDirection(content.direction)
    except ValueError:
        raise MeasureError(_("Kies of hoger of lager beter is."), "direction") from None
    measure.name = name
    measure.unit = (content.unit or "").strip()
    measure.goal = content.goal
    measure.direction = direction
    measure.description = content.description or ""


def create_measure(pilot: Pilot, content: MeasureContent, by: User,
                   review: Review | None = None) -> Measure:
    """Add a measure to the pilot, after its others."""
    if not can_write_measures(by, pilot):
        raise NotAllowed(_("Alleen leden van een werkende proeftuin leggen metingen vast."))
    last = db.session.scalar(
        sa.select(sa.func.max(Measure.position)).where(Measure.pilot_id == pilot.id)
    )
    measure = Measure(pilot=pilot, position=0 if last is None else last + 1)
    _apply_measure(measure, content)
    db.session.add(measure)
    db.session.flush()
    guard.record_confirmations(review, measure.id, by)
    audit.log(AuditAction.created, by, measure, RecordType.measure)
    return measure


def _measure_snapshot(measure: Measure) -> tuple:
    return (measure.name, measure.unit, measure.goal, measure.direction, measure.description)


def update_measure(measure: Measure, content: MeasureContent, by: User,
                   review: Review | None = None) -> bool:
    """Change a measure's name, unit, goal, direction or description.

    Returns whether anything changed; saving the same again writes nothing to the audit trail.
    """
    if not can_edit_measure(by, measure):
        raise NotAllowed(_("Alleen leden van een werkende proeftuin wijzigen metingen."))
    before = _measure_snapshot(measure)
    _apply_measure(measure, content)
    guard.record_confirmations(review, measure.id, by)
    if _measure_snapshot(measure) == before:
        return False
    measure.updated_at = utcnow()
    db.session.flush()
    audit.log(AuditAction.changed, by, measure, RecordType.measure)
    return True


def delete_measure(measure: Measure, by: User) -> None:
    """Delete a measure with its values; experiments that named it keep the rest."""
    if not can_edit_measure(by, measure):
        raise NotAllowed(_("Alleen leden van een werkende proeftuin verwijderen metingen."))
    # A later record may get a freed id, and must not inherit what was confirmed for this one.
    db.session.execute(sa.delete(PrivacyConfirmation).where(sa.or_(
        sa.and_(PrivacyConfirmation.record_type == RecordType.measure,
                PrivacyConfirmation.record_id == measure.id),
        sa.and_(PrivacyConfirmation.record_type == RecordType.measure_value,
                PrivacyConfirmation.record_id.in_(
                    sa.select(MeasureValue.id).where(MeasureValue.measure_id == measure.id))),
    )))
    audit.log(AuditAction.deleted, by, measure, RecordType.measure)
    db.session.delete(measure)
    db.session.flush()


class Recorded(NamedTuple):
    """The outcome of recording a value."""

    row: MeasureValue
    #: the value the month held before; None for a new month
    previous: float | None
    #: False when the month already held this value and note
    changed: bool


def record_value(measure: Measure, month: date, value: float, note: str, by: User,
                 today: date | None = None, review: Review | None = None) -> Recorded:
    """Record the measure's value for a month, or correct the one recorded.

    A month that has not begun yet (in Dutch time) is refused. Recording what the month
    already holds changes nothing and writes nothing to the audit trail.
    """
    if not can_edit_measure(by, measure):
        raise NotAllowed(_("Alleen leden van een werkende proeftuin leggen waarden vast."))
    month = month_of(month)
    if month > month_of(today or local_today()):
        raise MeasureError(_("Deze maand is nog niet begonnen. Vul een waarde in voor deze of een eerdere maand."), "month")
    row = db.session.scalar(
        sa.select(MeasureValue).where(MeasureValue.measure_id == measure.id,
                                      MeasureValue.month == month)
    )
    previous = row.value if row is not None else None
    if row is None:
        row = MeasureValue(measure_id=measure.id, month=month, value=value, note=note or "",
                           entered_by_id=by.id)
        try:
            # Two members recording the same month at once: the second one corrects.
            with db.session.begin_nested():
                db.session.add(row)
        except sa.exc.IntegrityError:
            row = db.session.scalars(
                sa.select(MeasureValue).where(MeasureValue.measure_id == measure.id,
                                              MeasureValue.month == month)
            ).one()
            previous = row.value
    guard.record_confirmations(review, row.id, by)
    if previous is not None:
        if (row.value, row.note) == (value, note or ""):
            return Recorded(row, previous, changed=False)
        row.value, row.note, row.entered_by_id = value, note or "", by.id
        row.updated_at = utcnow()
    db.session.flush()
    audit.record(AuditAction.created if previous is None else AuditAction.changed,
                 user=by, role=audit.role_in(by, measure.pilot), record_type=RecordType.measure_value,
                 record_id=row.id, pilot=measure.pilot)
    return Recorded(row, previous, changed=True)


# Experiments ---------------------------------------------------------------------------------


@dataclass
class ExperimentContent:
    """What a pilot writes about one plan-do-study-act cycle."""

    title: str
    started_on: date
    plan: str = ""
    do: str = ""
    study: str = ""
    act_decision: str | None = None
    act: str = ""
    ended_on: date | None = None
    measure_ids: list[int] = field(default_factory=list)
    direction_numbers: list[int] = field(default_factory=list)


def _resolved(pilot: Pilot, content: ExperimentContent,
              experiment: Experiment | None) -> dict:
    """Check everything the content names before anything changes; return what to set."""
    title = (content.title or "").strip()
    if not title:
        raise MeasureError(_("Geef het experiment een titel."), "title")
    if not (content.plan or "").strip():
        raise MeasureError(_("Beschrijf wat u gaat proberen en wat u verwacht."), "plan")
    if content.ended_on is not None and content.ended_on < content.started_on:
        raise MeasureError(_("De einddatum ligt vóór de startdatum."), "ended_on")
    try:
        decision = ActDecision(content.act_decision) if content.act_decision else None
    except ValueError:
        raise MeasureError(_("Kies overnemen, aanpassen of stoppen, of laat het experiment nog lopen."), "act_decision") from None
    if decision is not None and not (content.act or "").strip():
        raise MeasureError(_("Licht het besluit toe: waarom neemt u het over, past u het aan of stopt u?"), "act")
    measure_ids = set(content.measure_ids or ())
    measures = list(db.session.scalars(
        sa.select(Measure).where(Measure.id.in_(measure_ids), Measure.pilot_id == pilot.id)
        .order_by(Measure.position, Measure.id)
    )) if measure_ids else []
    if len(measures) != len(measure_ids):
        raise MeasureError(_("Kies alleen metingen van deze proeftuin."), "measures")
    # The pilot's own directions, and any the experiment already names (the pilot may have
    # dropped one from its mapping since).
    allowed = {d.direction_number for d in pilot.directions}
    if experiment is not None:
        allowed |= {d.number for d in experiment.directions}
    numbers = set(content.direction_numbers or ())
    if not numbers <= allowed:
        raise MeasureError(_("Kies alleen oplossingsrichtingen van deze proeftuin."), "directions")
    directions = list(db.session.scalars(
        sa.select(SolutionDirection).where(SolutionDirection.number.in_(numbers))
        .order_by(SolutionDirection.number)
    )) if numbers else []
    return {
        "title": title, "plan": content.plan or "", "do": content.do or "",
        "study": content.study or "", "act_decision": decision, "act": content.act or "",
        "started_on": content.started_on, "ended_on": content.ended_on,
        "measures": measures, "directions": directions,
    }


def create_experiment(pilot: Pilot, content: ExperimentContent, by: User,
                      review: Review | None = None) -> Experiment:
    """Log a new experiment of the pilot."""
    if not can_write_experiments(by, pilot):
        raise NotAllowed(_("Alleen leden van een werkende proeftuin leggen experimenten vast."))
    values = _resolved(pilot, content, None)
    experiment = Experiment(pilot=pilot, created_by=by, updated_by=by)
    for name, value in values.items():
        setattr(experiment, name, value)
    db.session.add(experiment)
    db.session.flush()
    guard.record_confirmations(review, experiment.id, by)
    audit.log(AuditAction.created, by, experiment, RecordType.experiment)
    return experiment


def update_experiment(experiment: Experiment, content: ExperimentContent, by: User,
                      review: Review | None = None) -> None:
    """Change an experiment: a later step of its cycle, or a correction."""
    if not can_edit_experiment(by, experiment):
        raise NotAllowed(_("Alleen leden van een werkende proeftuin wijzigen experimenten."))
    values = _resolved(experiment.pilot, content, experiment)
    for name, value in values.items():
        setattr(experiment, name, value)
    experiment.updated_by = by
    experiment.updated_at = utcnow()
    db.session.flush()
    guard.record_confirmations(review, experiment.id, by)
    audit.log(AuditAction.changed, by, experiment, RecordType.experiment)
