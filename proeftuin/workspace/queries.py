"""Read-side selects of the workspace, each loading what its page shows."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    Agreement,
    CaseDiscussion,
    Invitation,
    Lesson,
    MemberRole,
    Membership,
    Pilot,
    PilotDirection,
    PilotOrganisation,
    PilotStatusChange,
    Programme,
    User,
    programme_facilitator,
    utcnow,
)

# Loader options per page, passed to `load_pilot` so one select brings what it shows.
OVERVIEW = (
    joinedload(Pilot.region),
    selectinload(Pilot.questions),
    selectinload(Pilot.directions).joinedload(PilotDirection.direction),
    selectinload(Pilot.status_changes).joinedload(PilotStatusChange.changed_by),
)
FRAMEWORK = (
    selectinload(Pilot.questions),
    selectinload(Pilot.directions).joinedload(PilotDirection.direction),
)
PROFILE = (
    joinedload(Pilot.region),
    selectinload(Pilot.disciplines),
    selectinload(Pilot.target_groups),
)
ORGANISATIONS = (selectinload(Pilot.organisations),)
AGREEMENTS = (selectinload(Pilot.agreements),)


def memberships_of(user: User) -> list[Membership]:
    """Return the user's memberships with their pilots and programmes, by pilot name."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.pilot)
            .where(Membership.user_id == user.id)
            .options(contains_eager(Membership.pilot).joinedload(Pilot.programme))
            .order_by(Pilot.name, Pilot.id)
        )
    )


def facilitated_pilots(user: User, every_programme: bool = False) -> list[Pilot]:
    """Return every pilot, in any status, of the programmes the user facilitates (or all)."""
    query = sa.select(Pilot).join(Pilot.programme)
    if not every_programme:
        query = query.join(
            programme_facilitator, programme_facilitator.c.programme_id == Pilot.programme_id
        ).where(programme_facilitator.c.user_id == user.id)
    return list(
        db.session.scalars(
            query.options(contains_eager(Pilot.programme))
            .order_by(Programme.name, Pilot.name, Pilot.id)
        )
    )


def pilot_counts(pilot: Pilot) -> dict[str, int]:
    """Return how many organisations, agreements, members, case discussions and lessons the
    pilot has, in one query."""

    def count(model):
        return (
            sa.select(sa.func.count(model.id))
            .where(model.pilot_id == pilot.id)
            .scalar_subquery()
        )

    row = db.session.execute(
        sa.select(
            count(PilotOrganisation).label("organisations"),
            count(Agreement).label("agreements"),
            count(Membership).label("members"),
            count(CaseDiscussion).label("cases"),
            count(Lesson).label("lessons"),
        )
    ).one()
    return dict(row._mapping)


def members(pilot: Pilot) -> list[Membership]:
    """Return the pilot's memberships with their users: coordinators first, then by name."""
    coordinators_first = sa.case((Membership.role == MemberRole.coordinator, 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.user)
            .where(Membership.pilot_id == pilot.id)
            .options(contains_eager(Membership.user))
            .order_by(coordinators_first, User.name, User.id)
        )
    )


def coordinator_count(pilot: Pilot) -> int:
    """Return how many coordinators the pilot has."""
    return db.session.scalar(
        sa.select(sa.func.count(Membership.id)).where(
            Membership.pilot_id == pilot.id, Membership.role == MemberRole.coordinator
        )
    )


def open_invitations(pilot: Pilot) -> list[Invitation]:
    """Return the pilot's invitations that can still be used, newest first."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.pilot_id == pilot.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def member_with_email(pilot: Pilot, email: str) -> Membership | None:
    """Return the membership of whoever signs in with this e-mail address, if any."""
    return db.session.scalar(
        sa.select(Membership)
        .join(Membership.user)
        .where(Membership.pilot_id == pilot.id,
               sa.func.lower(User.email) == email.strip().lower())
    )


