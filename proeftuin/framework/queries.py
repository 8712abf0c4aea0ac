"""Read-side selects of the public framework pages."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    PUBLIC_STATUSES,
    CarerQuestion,
    Pilot,
    PilotDirection,
    SolutionDirection,
    pilot_question,
)
from proeftuin.pilots.queries import WITHOUT_CONTACT, fits_integer_column


def directions_with_pilot_counts() -> list[tuple[SolutionDirection, int]]:
    """Return every solution direction with the number of public pilots working on it."""
    counts = (
        sa.select(PilotDirection.direction_id, sa.func.count(PilotDirection.id).label("n"))
        .join(Pilot, Pilot.id == PilotDirection.pilot_id)
        .where(Pilot.status.in_(PUBLIC_STATUSES))
        .group_by(PilotDirection.direction_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(SolutionDirection, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.direction_id == SolutionDirection.id)
        .order_by(SolutionDirection.number)
    ).all()
    return [(direction, count) for direction, count in rows]


def questions_with_pilot_counts() -> list[tuple[CarerQuestion, int]]:
    """Return every carer question with the number of public pilots working on it."""
    counts = (
        sa.select(pilot_question.c.question_id, sa.func.count().label("n"))
        .join(Pilot, Pilot.id == pilot_question.c.pilot_id)
        .where(Pilot.status.in_(PUBLIC_STATUSES))
        .group_by(pilot_question.c.question_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(CarerQuestion, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.question_id == CarerQuestion.id)
        .order_by(CarerQuestion.number)
    ).all()
    return [(question, count) for question, count in rows]


def direction_by_number(number: int) -> SolutionDirection | None:
    """Return the solution direction with this number, or None."""
    if not fits_integer_column(number):
        return None
    return db.session.scalar(
        sa.select(SolutionDirection).where(SolutionDirection.number == number)
    )


def question_by_number(number: int) -> CarerQuestion | None:
    """Return the carer question with this number, or None."""
    if not fits_integer_column(number):
        return None
    return db.session.scalar(sa.select(CarerQuestion).where(CarerQuestion.number == number))


def public_work_on_direction(direction: SolutionDirection) -> list[PilotDirection]:
    """Return what each public pilot takes on in this direction, by pilot name."""
    return list(
        db.session.scalars(
            sa.select(PilotDirection)
            .join(PilotDirection.pilot)
            .where(
                PilotDirection.direction_id == direction.id,
                Pilot.status.in_(PUBLIC_STATUSES),
            )
            .options(
                contains_eager(PilotDirection.pilot).options(
                    *WITHOUT_CONTACT,
                    joinedload(Pilot.region),
                    joinedload(Pilot.programme),
                )
            )
            .order_by(Pilot.name, Pilot.id)
        )
    )


def public_pilots_on_question(question: CarerQuestion) -> list[Pilot]:
    """Return the public pilots working on this carer question, by name."""
    return list(
        db.session.scalars(
            sa.select(Pilot)
            .where(
                Pilot.status.in_(PUBLIC_STATUSES),
                Pilot.questions.any(CarerQuestion.id == question.id),
            )
            .options(
                *WITHOUT_CONTACT,
                joinedload(Pilot.region),
                joinedload(Pilot.programme),
                selectinload(Pilot.directions).joinedload(PilotDirection.direction),
            )
            .order_by(Pilot.name, Pilot.id)
        )
    )
