"""Read-side selects of the facilitator pages, each loading what its page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    CaseDiscussion,
    Discipline,
    Experiment,
    Lesson,
    LessonReuse,
    LessonStatus,
    Measure,
    MeasureValue,
    Pilot,
    PilotDirection,
    PilotStatus,
    PilotStatusChange,
    Programme,
    User,
    pilot_discipline,
    programme_facilitator,
)
from proeftuin.permissions import is_admin

#: what the facilitator's pilot page shows, loaded in one go
PILOT_PAGE = (
    joinedload(Pilot.programme),
    joinedload(Pilot.region),
    selectinload(Pilot.questions),
    selectinload(Pilot.directions).joinedload(PilotDirection.direction),
    selectinload(Pilot.disciplines),
    selectinload(Pilot.target_groups),
    selectinload(Pilot.organisations),
    selectinload(Pilot.status_changes).joinedload(PilotStatusChange.changed_by),
)


@dataclass
class ProgrammeSummary:
    """One programme on the facilitator's overview."""

    programme: Programme
    counts: dict[PilotStatus, int] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        """Return the number of applications waiting for a decision."""
        return self.counts.get(PilotStatus.applied, 0)

    @property
    def total(self) -> int:
        """Return the number of pilots in the programme, whatever their status."""
        return sum(self.counts.values())


def _facilitated_programme_ids(user: User):
    """A subquery of the ids of the programmes the user facilitates."""
    return sa.select(programme_facilitator.c.programme_id).where(
        programme_facilitator.c.user_id == user.id
    )


def programmes_for(user: User) -> list[Programme]:
    """Return the programmes the user follows: every one for admins, their own otherwise."""
    stmt = sa.select(Programme).order_by(Programme.name, Programme.id)
    if not is_admin(user):
        stmt = stmt.where(Programme.id.in_(_facilitated_programme_ids(user)))
    return list(db.session.scalars(stmt))


def overview(programmes: list[Programme]) -> list[ProgrammeSummary]:
    """Return, per programme, its pilots per status."""
    summaries = {p.id: ProgrammeSummary(p) for p in programmes}
    if not summaries:
        return []
    counts = db.session.execute(
        sa.select(Pilot.programme_id, Pilot.status, sa.func.count())
        .where(Pilot.programme_id.in_(list(summaries)))
        .group_by(Pilot.programme_id, Pilot.status)
    )
    for programme_id, status, number in counts:
        summaries[programme_id].counts[status] = number
    return [summaries[p.id] for p in programmes]


@dataclass
class PilotFigures:
    """A pilot with the figures of the facilitators' pilot table."""

    pilot: Pilot
    cases: int = 0
    lessons: dict[LessonStatus, int] = field(default_factory=dict)
    #: the latest moment its members did something (see `pilot_figures`)
    last_activity: datetime | None = None
    #: the essential disciplines the pilot does not have at the table
    missing: list[Discipline] = field(default_factory=list)


#: the status changes that count as activity: the application, which its members file, and
#: the selection and start, the floor of a newly started pilot's last activity (a decline,
#: completion or stop is the facilitators' doing)
COUNTED_STATUS_CHANGES = (PilotStatus.applied, PilotStatus.selected, PilotStatus.active)


def _later(created, updated):
    # The later of the two in one pass; an update is normally the later one.
    return sa.case((created > updated, created), else_=updated)


def _other_activity(pilot_ids):
    """A subquery of (pilot_id, latest): the members' latest activity besides cases and lessons.

    Measure values entered or changed, experiments created or updated, reuse reports the
    pilot filed, and its application, with its selection or start as the floor. Each kind is
    reduced to its latest moment per pilot before the union.
    """
    def latest(pilot_id, moment, where=()):
        return (sa.select(pilot_id.label("pilot_id"), sa.func.max(moment).label("moment"))
                .where(pilot_id.in_(pilot_ids), *where).group_by(pilot_id))

    union = sa.union_all(
        latest(Measure.pilot_id, _later(MeasureValue.created_at, MeasureValue.updated_at))
        .select_from(MeasureValue).join(Measure, Measure.id == MeasureValue.measure_id),
        latest(Experiment.pilot_id, _later(Experiment.created_at, Experiment.updated_at)),
        latest(LessonReuse.pilot_id, LessonReuse.created_at),
        latest(PilotStatusChange.pilot_id, PilotStatusChange.created_at,
               where=[PilotStatusChange.to_status.in_(COUNTED_STATUS_CHANGES)]),
    ).subquery()
    return (
        sa.select(union.c.pilot_id, sa.func.max(union.c.moment).label("latest"))
        .group_by(union.c.pilot_id)
        .subquery()
    )


def pilot_figures(programmes: list[Programme]) -> list[PilotFigures]:
    """Return every pilot of these programmes with its figures, by name.

    Two selects whatever the number of pilots, cases or lessons: one with an aggregate
    subquery per kind of record, and one for the essential disciplines each pilot misses.

    The last activity is the latest moment the pilot's members did something: case
    discussions created or updated, lessons created or submitted, and what `_other_activity`
    counts. What facilitators do (a review, a publication, which also touches
    `Lesson.updated_at`) does not count, so a pilot whose lesson was reviewed last week can
    still be quiet. Cases and lessons are each read once, for their counts and their latest
    moments together: a programme of 500 pilots has some 50,000 case discussions.
    """
    ids = [p.id for p in programmes]
    if not ids:
        return []
    in_scope = sa.select(Pilot.id).where(Pilot.programme_id.in_(ids))
    cases = (
        sa.select(
            CaseDiscussion.pilot_id,
            sa.func.count().label("number"),
            sa.func.max(_later(CaseDiscussion.created_at, CaseDiscussion.updated_at))
            .label("latest"),
        )
        .where(CaseDiscussion.pilot_id.in_(in_scope))
        .group_by(CaseDiscussion.pilot_id)
        .subquery()
    )
    lessons = (
        sa.select(
            Lesson.pilot_id,
            *(sa.func.sum(sa.case((Lesson.status == status, 1), else_=0))
              .label(f"n_{status.value}") for status in LessonStatus),
            sa.func.max(Lesson.created_at).label("created"),
            sa.func.max(Lesson.submitted_at).label("submitted"),
        )
        .where(Lesson.pilot_id.in_(in_scope))
        .group_by(Lesson.pilot_id)
        .subquery()
    )
    other = _other_activity(in_scope)
    rows = db.session.execute(
        sa.select(
            Pilot,
            cases.c.number,
            *(lessons.c[f"n_{status.value}"] for status in LessonStatus),
            cases.c.latest,
            lessons.c.created,
            lessons.c.submitted,
            other.c.latest,
        )
        .outerjoin(cases, cases.c.pilot_id == Pilot.id)
        .outerjoin(lessons, lessons.c.pilot_id == Pilot.id)
        .outerjoin(other, other.c.pilot_id == Pilot.id)
        .where(Pilot.programme_id.in_(ids))
        .options(joinedload(Pilot.region), joinedload(Pilot.programme))
        .order_by(Pilot.name, Pilot.id)
    )
    statuses = list(LessonStatus)
    figures = {}
    for pilot, case_count, *rest in rows:
        per_status, moments = rest[:len(statuses)], rest[len(statuses):]
        figures[pilot.id] = PilotFigures(
            pilot=pilot,
            cases=case_count or 0,
            lessons={status: int(n or 0) for status, n in zip(statuses, per_status, strict=True)},
            last_activity=_latest(moments),
        )
    if figures:
        for pilot_id, discipline in _missing_essentials(in_scope):
            figures[pilot_id].missing.append(discipline)
    return list(figures.values())


def _latest(moments) -> datetime | None:
    """The latest of these moments, any of which may be missing."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _missing_essentials(pilot_ids) -> sa.Result:
    """Yield (pilot id, discipline) for each essential discipline a pilot does not have."""
    has_it = sa.select(pilot_discipline.c.pilot_id).where(
        pilot_discipline.c.pilot_id == Pilot.id,
        pilot_discipline.c.discipline_id == Discipline.id,
    )
    return db.session.execute(
        sa.select(Pilot.id, Discipline)
        .join(Discipline, Discipline.essential.is_(True))
        .where(Pilot.id.in_(pilot_ids), ~has_it.exists())
        .order_by(Pilot.id, Discipline.position, Discipline.id)
    )


def application_queue(user: User) -> list[Pilot]:
    """Return the applications waiting in the user's programmes, oldest first."""
    stmt = (
        sa.select(Pilot)
        .where(Pilot.status == PilotStatus.applied)
        .options(
            joinedload(Pilot.programme),
            joinedload(Pilot.call),
            joinedload(Pilot.region),
            selectinload(Pilot.directions),
        )
        .order_by(Pilot.created_at, Pilot.id)
    )
    if not is_admin(user):
        stmt = stmt.where(Pilot.programme_id.in_(_facilitated_programme_ids(user)))
    return list(db.session.scalars(stmt))
