"""Read-side selects of the measures and experiments pages, each loading what its page shows.

Every page costs the same number of queries however many measures, values and experiments
there are: values and links come in bulk (`selectinload`), never one measure at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, load_only, selectinload

from proeftuin.charts.run_chart import Marker, RunChart, build
from proeftuin.extensions import db
from proeftuin.models import (
    PUBLIC_STATUSES,
    Experiment,
    Lesson,
    Measure,
    MeasureValue,
    Pilot,
    PilotDirection,
    Programme,
)
from proeftuin.models.base import MAX_ID

#: what the experiment form needs of the pilot: its chosen directions
PILOT_DIRECTIONS = (selectinload(Pilot.directions).joinedload(PilotDirection.direction),)
#: the experiment's own page
EXPERIMENT_PAGE = (
    selectinload(Experiment.measures),
    selectinload(Experiment.directions),
    selectinload(Experiment.cited_by).load_only(Lesson.id, Lesson.pilot_id, Lesson.title,
                                                Lesson.status),
    joinedload(Experiment.created_by),
    joinedload(Experiment.updated_by),
)
#: the experiment form: the links it shows ticked
EXPERIMENT_FORM = (
    selectinload(Experiment.measures),
    selectinload(Experiment.directions),
)


def fits_id(number: int | None) -> bool:
    """Whether a number from a URL or a form can be an id at all."""
    return number is not None and 0 < number <= MAX_ID


def measure_of(pilot: Pilot, measure_id: int, *options) -> Measure | None:
    """Return the pilot's measure with this id (never another pilot's), or None."""
    if not fits_id(measure_id):
        return None
    return db.session.scalar(
        sa.select(Measure).where(Measure.id == measure_id, Measure.pilot_id == pilot.id)
        .options(*options)
    )


def experiment_of(pilot: Pilot, experiment_id: int, *options) -> Experiment | None:
    """Return the pilot's experiment with this id (never another pilot's), or None."""
    if not fits_id(experiment_id):
        return None
    return db.session.scalar(
        sa.select(Experiment)
        .where(Experiment.id == experiment_id, Experiment.pilot_id == pilot.id)
        .options(*options)
    )


def measures_of(pilot: Pilot) -> list[Measure]:
    """Return the pilot's measures in their order, without their values."""
    return list(db.session.scalars(
        sa.select(Measure).where(Measure.pilot_id == pilot.id)
        .order_by(Measure.position, Measure.id)
    ))


def experiments_of(pilot: Pilot) -> list[Experiment]:
    """Return the pilot's experiments, newest first, with their measures and directions."""
    return list(db.session.scalars(
        sa.select(Experiment).where(Experiment.pilot_id == pilot.id)
        .options(selectinload(Experiment.measures), selectinload(Experiment.directions))
        .order_by(Experiment.started_on.desc(), Experiment.id.desc())
    ))


def experiment_choices(pilot: Pilot) -> list[Experiment]:
    """Return the pilot's experiments as a lesson form offers them, newest first."""
    return list(db.session.scalars(
        sa.select(Experiment).where(Experiment.pilot_id == pilot.id)
        .options(load_only(Experiment.id, Experiment.pilot_id, Experiment.title,
                           Experiment.started_on))
        .order_by(Experiment.started_on.desc(), Experiment.id.desc())
    ))


# Run charts --------------------------------------------------------------------------------


@dataclass
class MeasureChart:
    """A measure with its run chart and the experiments marked on it."""

    measure: Measure
    chart: RunChart
    experiments: list[Experiment] = field(default_factory=list)


def _charts(measures: list[Measure], experiments: list[Experiment],
            today: date) -> list[MeasureChart]:
    """Lay out each measure's values with the experiments linked to it."""
    linked: dict[int, list[Experiment]] = {m.id: [] for m in measures}
    for experiment in experiments:
        for measure in experiment.measures:
            if measure.id in linked:
                linked[measure.id].append(experiment)
    result = []
    for measure in measures:
        own = sorted(linked[measure.id], key=lambda e: (e.started_on, e.id))
        chart = build(
            measure.name, measure.unit, measure.goal,
            {v.month: v.value for v in measure.values},
            [Marker(e.title, e.started_on, e.ended_on) for e in own],
            notes={v.month: v.note for v in measure.values if v.note},
            until=today,
        )
        result.append(MeasureChart(measure, chart, own))
    return result


def measure_charts(pilot: Pilot, today: date) -> list[MeasureChart]:
    """Return the pilot's measures in order, each with its run chart (three queries)."""
    measures = list(db.session.scalars(
        sa.select(Measure).where(Measure.pilot_id == pilot.id)
        .options(selectinload(Measure.values))
        .order_by(Measure.position, Measure.id)
    ))
    experiments = list(db.session.scalars(
        sa.select(Experiment).where(Experiment.pilot_id == pilot.id)
        .options(selectinload(Experiment.measures).load_only(Measure.id))
        .order_by(Experiment.started_on, Experiment.id)
    ))
    return _charts(measures, experiments, today)


def measure_chart(measure: Measure, today: date) -> MeasureChart:
    """Return one measure with its run chart."""
    values = list(db.session.scalars(
        sa.select(MeasureValue).where(MeasureValue.measure_id == measure.id)
        .order_by(MeasureValue.month)
    ))
    experiments = list(db.session.scalars(
        sa.select(Experiment).where(Experiment.measures.any(Measure.id == measure.id))
        .order_by(Experiment.started_on, Experiment.id)
    ))
    chart = build(measure.name, measure.unit, measure.goal, {v.month: v.value for v in values},
                  [Marker(e.title, e.started_on, e.ended_on) for e in experiments],
                  notes={v.month: v.note for v in values if v.note}, until=today)
    return MeasureChart(measure, chart, experiments)


# The facilitators' overview ----------------------------------------------------------------


@dataclass
class PilotMeasures:
    """One pilot on the facilitators' measures page."""

    pilot: Pilot
    charts: list[MeasureChart] = field(default_factory=list)
    running: list[Experiment] = field(default_factory=list)


@dataclass
class ProgrammeMeasures:
    """One programme on the facilitators' measures page."""

    programme: Programme
    pilots: list[PilotMeasures] = field(default_factory=list)


@dataclass
class MeasuresPage:
    """One page of the facilitators' measures page: a number of pilots, grouped by programme."""

    groups: list[ProgrammeMeasures]
    pagination: Pagination


def measures_overview(programmes: list[Programme], today: date, page: int,
                      per_page: int) -> MeasuresPage:
    """Return one page of the programmes' pilots past selection, with measures and experiments.

    Pilots are paged in the order of the programmes, then by name; the groups are the
    programmes with a pilot on the page, and on the first page also those without any
    pilot. Seven queries whatever the number of programmes, pilots, measures and values.
    """
    ids = [p.id for p in programmes]
    in_programmes = sa.and_(Pilot.programme_id.in_(ids), Pilot.status.in_(PUBLIC_STATUSES))
    with_pilots = set(db.session.scalars(
        sa.select(Pilot.programme_id).where(in_programmes).distinct()
    )) if ids else set()
    order = sa.case({pid: position for position, pid in enumerate(ids)},
                    value=Pilot.programme_id, else_=len(ids)) if ids else Pilot.programme_id
    pagination = db.paginate(
        sa.select(Pilot).where(in_programmes if ids else sa.false())
        .options(load_only(Pilot.id, Pilot.slug, Pilot.name, Pilot.status,
                           Pilot.programme_id, Pilot.municipality))
        .order_by(order, Pilot.name, Pilot.id),
        page=page, per_page=per_page, error_out=False, count=True,
    )
    pilots = list(pagination.items)
    pilot_ids = [p.id for p in pilots]
    measures = list(db.session.scalars(
        sa.select(Measure).where(Measure.pilot_id.in_(pilot_ids))
        .options(selectinload(Measure.values))
        .order_by(Measure.pilot_id, Measure.position, Measure.id)
    )) if pilot_ids else []
    experiments = list(db.session.scalars(
        sa.select(Experiment).where(Experiment.pilot_id.in_(pilot_ids))
        .options(selectinload(Experiment.measures).load_only(Measure.id))
        .order_by(Experiment.started_on, Experiment.id)
    )) if pilot_ids else []
    by_pilot = {p.id: PilotMeasures(p) for p in pilots}
    measures_of_pilot: dict[int, list[Measure]] = {p.id: [] for p in pilots}
    for measure in measures:
        measures_of_pilot[measure.pilot_id].append(measure)
    experiments_of_pilot: dict[int, list[Experiment]] = {p.id: [] for p in pilots}
    for experiment in experiments:
        experiments_of_pilot[experiment.pilot_id].append(experiment)
    for pilot_id, row in by_pilot.items():
        row.charts = _charts(measures_of_pilot[pilot_id], experiments_of_pilot[pilot_id], today)
        row.running = [e for e in experiments_of_pilot[pilot_id] if e.is_running(today)]
    groups = []
    for programme in programmes:
        rows = [by_pilot[p.id] for p in pilots if p.programme_id == programme.id]
        if rows or (pagination.page == 1 and programme.id not in with_pilots):
            groups.append(ProgrammeMeasures(programme, rows))
    return MeasuresPage(groups, pagination)
