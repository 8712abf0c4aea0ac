"""Read-side selects of the facilitator pages, each loading what its page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    Pilot,
    PilotDirection,
    PilotStatus,
    PilotStatusChange,
    Programme,
    User,
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
class PilotRow:
    """A pilot in a programme's table, with the moment its status last changed."""

    pilot: Pilot
    last_change_at: datetime | None


@dataclass
class ProgrammeSummary:
    """One programme on the facilitator's overview."""

    programme: Programme
    counts: dict[PilotStatus, int] = field(default_factory=dict)
    pilots: list[PilotRow] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        """Return the number of applications waiting for a decision."""
        return self.counts.get(PilotStatus.applied, 0)


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


def overview(user: User) -> list[ProgrammeSummary]:
    """Return, per programme the user follows, its pilots per status and its pilot table."""
    programmes = programmes_for(user)
    summaries = {p.id: ProgrammeSummary(p) for p in programmes}
    if not summaries:
        return []
    ids = list(summaries)
    counts = db.session.execute(
        sa.select(Pilot.programme_id, Pilot.status, sa.func.count())
        .where(Pilot.programme_id.in_(ids))
        .group_by(Pilot.programme_id, Pilot.status)
    )
    for programme_id, status, number in counts:
        summaries[programme_id].counts[status] = number

    last_change = (
        sa.select(
            PilotStatusChange.pilot_id,
            sa.func.max(PilotStatusChange.created_at).label("changed_at"),
        )
        .join(Pilot, Pilot.id == PilotStatusChange.pilot_id)
        .where(Pilot.programme_id.in_(ids))
        .group_by(PilotStatusChange.pilot_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Pilot, last_change.c.changed_at)
        .outerjoin(last_change, last_change.c.pilot_id == Pilot.id)
        .where(Pilot.programme_id.in_(ids))
        .options(joinedload(Pilot.region))
        .order_by(Pilot.name, Pilot.id)
    )
    for pilot, changed_at in rows:
        summaries[pilot.programme_id].pilots.append(PilotRow(pilot, changed_at))
    return [summaries[p.id] for p in programmes]


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
