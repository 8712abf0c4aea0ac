"""Read-side selects of the workspace, each loading what its page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    Agreement,
    CaseDiscussion,
    CaseFollowUp,
    Invitation,
    Lesson,
    LessonStatus,
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
from proeftuin.permissions import CASE_WRITING_STATUSES, LESSON_WRITING_STATUSES

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


# What waits for a member ------------------------------------------------------------------

#: rows of each kind the start page lists at most; the pilot's own pages have the rest
WAITING_LIMIT = 10


@dataclass
class Waiting:
    """What the pilots a person is a member of wait for them to do, or to hear about."""

    returned: list[Lesson]
    in_review: list[Lesson]
    overdue: list[CaseFollowUp]

    def __bool__(self) -> bool:
        return bool(self.returned or self.in_review or self.overdue)


def waiting_for(user: User, today: date) -> Waiting:
    """Lessons returned with feedback, lessons in review, follow-ups past their date.

    Only in pilots where the user is a member and may still write: three queries, however
    many pilots and lessons there are.
    """
    member_pilots = (sa.select(Membership.pilot_id).where(Membership.user_id == user.id)
                     .scalar_subquery())

    def lessons(status: LessonStatus, order) -> list[Lesson]:
        return list(db.session.scalars(
            sa.select(Lesson)
            .join(Lesson.pilot)
            .where(Lesson.pilot_id.in_(member_pilots), Lesson.status == status,
                   Pilot.status.in_(LESSON_WRITING_STATUSES))
            .options(contains_eager(Lesson.pilot), selectinload(Lesson.reviews))
            .order_by(order, Lesson.id)
            .limit(WAITING_LIMIT)
        ))

    overdue = list(db.session.scalars(
        sa.select(CaseFollowUp)
        .join(CaseFollowUp.case)
        .join(CaseDiscussion.pilot)
        .where(CaseDiscussion.pilot_id.in_(member_pilots), CaseFollowUp.done.is_(False),
               CaseFollowUp.due_on < today, Pilot.status.in_(CASE_WRITING_STATUSES))
        .options(contains_eager(CaseFollowUp.case).contains_eager(CaseDiscussion.pilot))
        .order_by(CaseFollowUp.due_on, CaseFollowUp.id)
        .limit(WAITING_LIMIT)
    ))
    return Waiting(
        returned=lessons(LessonStatus.returned, Lesson.updated_at.desc()),
        in_review=lessons(LessonStatus.submitted, Lesson.submitted_at),
        overdue=overdue,
    )
