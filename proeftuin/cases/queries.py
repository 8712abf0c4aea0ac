"""Read-side selects of the case discussions, each loading what its page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    CarerQuestion,
    CaseDiscussion,
    CaseStatus,
    Discipline,
    Pilot,
    PilotDirection,
    SolutionDirection,
    lesson_source_case,
)

#: what the list shows of each case; selects in bulk, so the page costs the same for any size
LIST = (
    selectinload(CaseDiscussion.directions),
    selectinload(CaseDiscussion.disciplines),
)
#: everything the full page (and the print view) shows
FULL = (
    selectinload(CaseDiscussion.disciplines),
    selectinload(CaseDiscussion.questions),
    selectinload(CaseDiscussion.directions),
    selectinload(CaseDiscussion.follow_ups),
    joinedload(CaseDiscussion.created_by),
    joinedload(CaseDiscussion.updated_by),
)
#: what the form needs of the case
FORM = (
    selectinload(CaseDiscussion.disciplines),
    selectinload(CaseDiscussion.questions),
    selectinload(CaseDiscussion.directions),
    selectinload(CaseDiscussion.follow_ups),
)
#: what the form needs of the pilot: its own questions and directions are marked
PILOT_FRAMEWORK = (
    selectinload(Pilot.questions),
    selectinload(Pilot.directions).joinedload(PilotDirection.direction),
)


@dataclass(frozen=True)
class CaseFilter:
    """A validated selection of a pilot's case list; None means "any"."""

    direction_number: int | None = None
    question_number: int | None = None
    discipline_key: str | None = None
    held_from: date | None = None
    held_until: date | None = None
    status: CaseStatus | None = None


def _filtered(pilot: Pilot, selection: CaseFilter) -> sa.Select:
    stmt = sa.select(CaseDiscussion).where(CaseDiscussion.pilot_id == pilot.id)
    if selection.direction_number is not None:
        stmt = stmt.where(CaseDiscussion.directions.any(
            SolutionDirection.number == selection.direction_number))
    if selection.question_number is not None:
        stmt = stmt.where(CaseDiscussion.questions.any(
            CarerQuestion.number == selection.question_number))
    if selection.discipline_key:
        stmt = stmt.where(CaseDiscussion.disciplines.any(
            Discipline.key == selection.discipline_key))
    if selection.held_from is not None:
        stmt = stmt.where(CaseDiscussion.held_on >= selection.held_from)
    if selection.held_until is not None:
        stmt = stmt.where(CaseDiscussion.held_on <= selection.held_until)
    if selection.status is not None:
        stmt = stmt.where(CaseDiscussion.status == selection.status)
    return stmt


def cases_of(pilot: Pilot, selection: CaseFilter, *, page: int, per_page: int) -> Pagination:
    """Return one page of the pilot's case discussions matching the selection, newest first."""
    stmt = (
        _filtered(pilot, selection)
        .options(*LIST)
        .order_by(CaseDiscussion.held_on.desc(), CaseDiscussion.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def case_of(pilot: Pilot, case_id: int, *options) -> CaseDiscussion | None:
    """Return the pilot's case discussion with this id, or None if it is another pilot's."""
    return db.session.scalar(
        sa.select(CaseDiscussion)
        .where(CaseDiscussion.id == case_id, CaseDiscussion.pilot_id == pilot.id)
        .options(*options)
    )


def lesson_count(case: CaseDiscussion) -> int:
    """Return how many lessons name this case discussion as a source."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(lesson_source_case)
        .where(lesson_source_case.c.case_id == case.id)
    )
