"""Read-side selects of the public framework pages."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.library.queries import PRIVATE, in_library
from proeftuin.models import (
    PUBLIC_STATUSES,
    CarerQuestion,
    Lesson,
    LessonRevision,
    Pilot,
    PilotDirection,
    SolutionDirection,
    pilot_question,
)
from proeftuin.models.lesson import revision_direction, revision_question
from proeftuin.pilots.queries import WITHOUT_CONTACT, fits_integer_column

#: how many lessons a framework page lists before it points to the library
LESSONS_PER_PAGE = 20


@dataclass(frozen=True)
class LessonSelection:
    """The newest lessons of a selection in the library, and how many it holds in all."""

    lessons: list[Lesson]
    total: int


def _with_pilot_counts(target, item_id, pilot_id) -> list[tuple]:
    """Return every row of `target` with the number of public pilots linked to it, by number.

    `item_id` and `pilot_id` are the two columns of the link between pilots and `target`.
    """
    counts = (
        sa.select(item_id.label("item_id"), sa.func.count().label("n"))
        .join(Pilot, Pilot.id == pilot_id)
        .where(Pilot.status.in_(PUBLIC_STATUSES))
        .group_by(item_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(target, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.item_id == target.id)
        .order_by(target.number)
    ).all()
    return [(item, count) for item, count in rows]


def directions_with_pilot_counts() -> list[tuple[SolutionDirection, int]]:
    """Return every solution direction with the number of public pilots working on it."""
    return _with_pilot_counts(SolutionDirection, PilotDirection.direction_id,
                              PilotDirection.pilot_id)


def questions_with_pilot_counts() -> list[tuple[CarerQuestion, int]]:
    """Return every carer question with the number of public pilots working on it."""
    return _with_pilot_counts(CarerQuestion, pilot_question.c.question_id,
                              pilot_question.c.pilot_id)


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


def newest_public_lessons(ids: sa.Select | None = None, limit: int = LESSONS_PER_PAGE
                          ) -> list[Lesson]:
    """Return the newest lessons in the library (among `ids` if given), as lists show them.

    Only the public revision's title and summary and the pilot's public name and
    municipality are loaded; anything else a template touches raises.
    """
    ids = in_library() if ids is None else ids
    return list(
        db.session.scalars(
            sa.select(Lesson)
            .join(Lesson.pilot)
            .join(Lesson.public_revision)
            .where(Lesson.id.in_(ids))
            .options(
                *PRIVATE,
                contains_eager(Lesson.pilot).options(*WITHOUT_CONTACT),
                contains_eager(Lesson.public_revision).load_only(
                    LessonRevision.lesson_id, LessonRevision.title, LessonRevision.summary,
                    raiseload=True,
                ),
            )
            .order_by(Lesson.first_published_at.desc(), Lesson.id.desc())
            .limit(limit)
        )
    )


def _linked(link: sa.Table, column: str, target_id: int) -> sa.Select:
    """Return the ids of library lessons whose public revision links to this target."""
    return in_library().join(
        link,
        sa.and_(link.c.lesson_revision_id == Lesson.public_revision_id,
                link.c[column] == target_id),
    )


def _selection(ids: sa.Select, limit: int) -> LessonSelection:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))
    return LessonSelection(newest_public_lessons(ids, limit), total or 0)


def lessons_on_direction(direction: SolutionDirection, limit: int = LESSONS_PER_PAGE
                         ) -> LessonSelection:
    """Return the newest library lessons in this direction, and their number."""
    return _selection(_linked(revision_direction, "direction_id", direction.id), limit)


def lessons_on_question(question: CarerQuestion, limit: int = LESSONS_PER_PAGE
                        ) -> LessonSelection:
    """Return the newest library lessons on this carer question, and their number."""
    return _selection(_linked(revision_question, "question_id", question.id), limit)


def _lesson_counts(link: sa.Table, column: str, target) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(target.number, sa.func.count())
        .join(link, link.c[column] == target.id)
        .join(Lesson, Lesson.public_revision_id == link.c.lesson_revision_id)
        .join(Pilot, Pilot.id == Lesson.pilot_id)
        .where(Pilot.status.in_(PUBLIC_STATUSES))
        .group_by(target.number)
    ).all()
    return {number: count for number, count in rows}


def lesson_counts_by_direction() -> dict[int, int]:
    """Return how many library lessons each solution direction has, by direction number."""
    return _lesson_counts(revision_direction, "direction_id", SolutionDirection)


def lesson_counts_by_question() -> dict[int, int]:
    """Return how many library lessons each carer question has, by question number."""
    return _lesson_counts(revision_question, "question_id", CarerQuestion)
