"""Read-side selects of the reference rows that forms and filters offer as choices."""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import CarerQuestion, Discipline, Region, SolutionDirection, TargetGroup


def regions() -> list[Region]:
    """Return the regions, Dutch ones first, in reference order."""
    return list(db.session.scalars(sa.select(Region).order_by(Region.position, Region.id)))


def disciplines() -> list[Discipline]:
    """Return the disciplines, the essential ones first."""
    return list(
        db.session.scalars(
            sa.select(Discipline).order_by(Discipline.essential.desc(), Discipline.position)
        )
    )


def target_groups() -> list[TargetGroup]:
    """Return the target groups in reference order."""
    return list(db.session.scalars(sa.select(TargetGroup).order_by(TargetGroup.position)))


def carer_questions() -> list[CarerQuestion]:
    """Return the carer questions by number."""
    return list(db.session.scalars(sa.select(CarerQuestion).order_by(CarerQuestion.number)))


def solution_directions() -> list[SolutionDirection]:
    """Return the solution directions by number."""
    return list(
        db.session.scalars(sa.select(SolutionDirection).order_by(SolutionDirection.number))
    )
