"""Read-side selects for the home page."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from proeftuin.extensions import db
from proeftuin.models import PUBLIC_STATUSES, Pilot, PilotDirection, SolutionDirection


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


def recent_public_pilots(limit: int) -> list[Pilot]:
    """Return the most recently registered public pilots."""
    return list(
        db.session.scalars(
            sa.select(Pilot)
            .where(Pilot.status.in_(PUBLIC_STATUSES))
            .options(selectinload(Pilot.region), selectinload(Pilot.programme))
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
