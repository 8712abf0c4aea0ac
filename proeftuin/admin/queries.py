"""Read-side selects of administration, each loading what its page shows."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    CaseDiscussion,
    Lesson,
    Membership,
    MessageStatus,
    OutboxMessage,
    Pilot,
    PilotStatus,
    Programme,
    Role,
    User,
)
from proeftuin.models.base import MAX_ID

USERS_PER_PAGE = 50
#: far beyond any real list, and small enough that the offset stays a 32-bit number
MAX_PAGE = 10_000


def valid_id(value) -> bool:
    """Whether `value` could be the id of a row (PostgreSQL refuses larger integers)."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def user_by_id(user_id: int) -> User | None:
    """Return the account with this id, the programmes it facilitates and its pilots."""
    if not valid_id(user_id):
        return None
    return db.session.scalar(
        sa.select(User).where(User.id == user_id).options(
            selectinload(User.programmes),
            selectinload(User.memberships).joinedload(Membership.pilot),
        )
    )


def user_by_email(email: str) -> User | None:
    """Return the account with this e-mail address, compared without regard to case."""
    return db.session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()).limit(1)
    )


def users(role: Role | None = None, search: str = "", page: int = 1) -> Pagination:
    """Return a page of accounts by name, with their programmes and pilots."""
    stmt = (
        sa.select(User)
        .options(
            selectinload(User.programmes),
            selectinload(User.memberships).joinedload(Membership.pilot),
        )
        .order_by(sa.func.lower(User.name), User.id)
    )
    if role is not None:
        stmt = stmt.where(User.role == role)
    if search:
        stmt = stmt.where(
            sa.or_(
                User.name.icontains(search, autoescape=True),
                User.email.icontains(search, autoescape=True),
            )
        )
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=USERS_PER_PAGE, error_out=False)


def count_by_role() -> dict[Role, int]:
    """Return the number of accounts per role."""
    rows = db.session.execute(sa.select(User.role, sa.func.count()).group_by(User.role))
    return {role: number for role, number in rows}


def facilitator_accounts() -> list[User]:
    """Return every facilitator account, active or not, by name."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.role == Role.facilitator).order_by(User.name, User.id)
        )
    )


def users_by_ids(ids) -> list[User]:
    """Return the accounts with these ids."""
    ids = [i for i in ids if valid_id(i)]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids))))


def all_programmes() -> list[Programme]:
    """Return every programme by name."""
    return list(db.session.scalars(sa.select(Programme).order_by(Programme.name, Programme.id)))


def programmes_by_ids(ids) -> list[Programme]:
    """Return the programmes with these ids."""
    ids = [i for i in ids if valid_id(i)]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Programme).where(Programme.id.in_(ids))))


def programme_by_id(programme_id: int) -> Programme | None:
    """Return the programme with this id and its facilitators."""
    if not valid_id(programme_id):
        return None
    return db.session.scalar(
        sa.select(Programme)
        .where(Programme.id == programme_id)
        .options(selectinload(Programme.facilitators))
    )


def programme_by_name(name: str) -> Programme | None:
    """Return the programme with this name, compared without regard to case."""
    return db.session.scalar(
        sa.select(Programme).where(sa.func.lower(Programme.name) == name.strip().lower()).limit(1)
    )


@dataclass
class ProgrammeRow:
    """A programme in the admin list, with the number of its pilots."""

    programme: Programme
    pilot_count: int
    waiting: int


def programmes_with_counts() -> list[ProgrammeRow]:
    """Return every programme with its facilitators, number of pilots and of applications."""
    counts = (
        sa.select(
            Pilot.programme_id,
            sa.func.count().label("pilots"),
            sa.func.count().filter(Pilot.status == PilotStatus.applied).label("waiting"),
        )
        .group_by(Pilot.programme_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Programme,
            sa.func.coalesce(counts.c.pilots, 0),
            sa.func.coalesce(counts.c.waiting, 0),
        )
        .outerjoin(counts, counts.c.programme_id == Programme.id)
        .options(selectinload(Programme.facilitators))
        .order_by(Programme.name, Programme.id)
    )
    return [ProgrammeRow(programme, pilots, waiting) for programme, pilots, waiting in rows]



def programme_count() -> int:
    """Return the number of programmes."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Programme))


def active_admin_count(excluding: User | None = None) -> int:
    """Return the number of active admin accounts, leaving out `excluding`."""
    stmt = sa.select(sa.func.count()).select_from(User).where(
        User.role == Role.admin, User.active.is_(True)
    )
    if excluding is not None:
        stmt = stmt.where(User.id != excluding.id)
    return db.session.scalar(stmt)


@dataclass
class AuthoredCounts:
    """How much an account wrote: what stays, without a name, when it is deleted."""

    lessons: int
    cases: int


def authored_counts(user: User) -> AuthoredCounts:
    """Return the number of lessons and case discussions the account created."""
    lessons = sa.select(sa.func.count()).select_from(Lesson).where(
        Lesson.created_by_id == user.id).scalar_subquery()
    cases = sa.select(sa.func.count()).select_from(CaseDiscussion).where(
        CaseDiscussion.created_by_id == user.id).scalar_subquery()
    row = db.session.execute(sa.select(lessons, cases)).one()
    return AuthoredCounts(lessons=row[0], cases=row[1])


#: the failed messages the admin page lists, newest first
FAILED_SHOWN = 100


def message_counts() -> dict[MessageStatus, int]:
    """The number of outbox messages per delivery status."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    return {status: number for status, number in rows}


def failed_messages() -> list[OutboxMessage]:
    """The messages every attempt failed for, newest first."""
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == MessageStatus.failed)
        .order_by(OutboxMessage.id.desc()).limit(FAILED_SHOWN)
    ))


def message_by_id(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)

