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
    Lesson,
    LessonReview,
    LessonStatus,
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
    #: the latest moment anything happened to its cases, lessons, reviews or status
    last_activity: datetime | None = None
    #: the essential disciplines the pilot does not have at the table
    missing: list[Discipline] = field(default_factory=list)


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def pilot_figures(programmes: list[Programme]) -> list[PilotFigures]:
    """Return every pilot of these programmes with its figures, by name.

    Two selects whatever the number of pilots, cases or lessons: one with an aggregate
    subquery per kind of record, and one for the essential disciplines each pilot misses.
    """
    ids = [p.id for p in programmes]
    if not ids:
        return []
    in_scope = sa.select(Pilot.id).where(Pilot.programme_id.in_(ids))
    cases = (
        sa.select(
            CaseDiscussion.pilot_id,
            sa.func.count().label("number"),
            sa.func.max(CaseDiscussion.created_at).label("created"),
            sa.func.max(CaseDiscussion.updated_at).label("updated"),
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
            sa.func.max(Lesson.updated_at).label("updated"),
            sa.func.max(Lesson.submitted_at).label("submitted_at"),
        )
        .where(Lesson.pilot_id.in_(in_scope))
        .group_by(Lesson.pilot_id)
        .subquery()
    )
    reviews = (
        sa.select(Lesson.pilot_id, sa.func.max(LessonReview.created_at).label("reviewed"))
        .join(Lesson, Lesson.id == LessonReview.lesson_id)
        .where(Lesson.pilot_id.in_(in_scope))
        .group_by(Lesson.pilot_id)
        .subquery()
    )
    changes = (
        sa.select(PilotStatusChange.pilot_id,
                  sa.func.max(PilotStatusChange.created_at).label("changed"))
        .where(PilotStatusChange.pilot_id.in_(in_scope))
        .group_by(PilotStatusChange.pilot_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Pilot,
            cases.c.number, cases.c.created, cases.c.updated,
            *(lessons.c[f"n_{status.value}"] for status in LessonStatus),
            lessons.c.created, lessons.c.updated, lessons.c.submitted_at,
            reviews.c.reviewed,
            changes.c.changed,
        )
        .outerjoin(cases, cases.c.pilot_id == Pilot.id)
        .outerjoin(lessons, lessons.c.pilot_id == Pilot.id)
        .outerjoin(reviews, reviews.c.pilot_id == Pilot.id)
        .outerjoin(changes, changes.c.pilot_id == Pilot.id)
        .where(Pilot.programme_id.in_(ids))
        .options(joinedload(Pilot.region), joinedload(Pilot.programme))
        .order_by(Pilot.name, Pilot.id)
    )
    statuses = list(LessonStatus)
    figures = {}
    for pilot, case_count, case_created, case_updated, *rest in rows:
        per_status, moments = rest[:len(statuses)], (case_created, case_updated,
                                                     *rest[len(statuses):])
        figures[pilot.id] = PilotFigures(
            pilot=pilot,
            cases=case_count or 0,
            lessons={status: int(n or 0) for status, n in zip(statuses, per_status, strict=True)},
            last_activity=_latest(*moments),
        )
    if figures:
        for pilot_id, discipline in _missing_essentials(in_scope):
            figures[pilot_id].missing.append(discipline)
    return list(figures.values())


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
            joinedload(Pilot.region),
            selectinload(Pilot.directions),
        )
        .order_by(Pilot.created_at, Pilot.id)
    )
    if not is_admin(user):
        stmt = stmt.where(Pilot.programme_id.in_(_facilitated_programme_ids(user)))
    return list(db.session.scalars(stmt))


def pilot_by_slug(slug: str) -> Pilot | None:
    """Return the pilot with this slug and everything its facilitator page shows."""
    if "\x00" in slug:  # PostgreSQL refuses NUL in a query; no slug has one
        return None
    return db.session.scalar(sa.select(Pilot).where(Pilot.slug == slug).options(*PILOT_PAGE))
