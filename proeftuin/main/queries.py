"""Read-side selects for the home page."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.framework.queries import (
    directions_with_pilot_counts,
    lesson_counts_by_direction,
    newest_public_lessons,
)
from proeftuin.models import PUBLIC_STATUSES, Lesson, Pilot, PilotDirection
from proeftuin.pilots.queries import WITHOUT_CONTACT

__all__ = ["directions_with_pilot_counts", "lesson_counts_by_direction", "public_totals",
           "recent_public_lessons", "recent_public_pilots"]


def recent_public_lessons(limit: int) -> list[Lesson]:
    """Return the lessons most recently added to the library, with what their list shows."""
    return newest_public_lessons(limit=limit)


def recent_public_pilots(limit: int) -> list[Pilot]:
    """Return the most recently registered public pilots, with what their cards show."""
    return list(
        db.session.scalars(
            sa.select(Pilot)
            .where(Pilot.status.in_(PUBLIC_STATUSES))
            .options(
                *WITHOUT_CONTACT,
                joinedload(Pilot.region),
                joinedload(Pilot.programme),
                selectinload(Pilot.directions).joinedload(PilotDirection.direction),
            )
            .order_by(Pilot.created_at.desc(), Pilot.id.desc())
            .limit(limit)
        )
    )


def public_totals() -> dict[str, int]:
    """Return how many public pilots there are, and in how many municipalities."""
    row = db.session.execute(
        sa.select(
            sa.func.count(Pilot.id), sa.func.count(sa.distinct(Pilot.municipality))
        ).where(Pilot.status.in_(PUBLIC_STATUSES))
    ).one()
    return {"pilots": row[0], "municipalities": row[1]}
