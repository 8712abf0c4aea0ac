"""Read-side selects of the public pilot pages and the application form."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import defer, joinedload, load_only, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    PUBLIC_STATUSES,
    CarerQuestion,
    Lesson,
    LessonRevision,
    Pilot,
    PilotDirection,
    PilotStatus,
    Programme,
    TargetGroup,
)
from proeftuin.models.base import MAX_ID

#: Contact details are internal. Public selects refuse to load them, so a template that
#: tried to show them fails loudly in the tests instead of leaking them.
WITHOUT_CONTACT = (
    defer(Pilot.contact_name, raiseload=True),
    defer(Pilot.contact_email, raiseload=True),
    defer(Pilot.contact_phone, raiseload=True),
)

#: what `unique_slug` makes; anything else in a URL cannot be a pilot's slug
_SLUG = re.compile(r"[A-Za-z0-9_-]{1,120}")



# Reference rows for forms and filters ----------------------------------------------------


def programmes() -> list[Programme]:
    """Return every programme, by name."""
    return list(db.session.scalars(sa.select(Programme).order_by(Programme.name)))


# The public list -------------------------------------------------------------------------


@dataclass(frozen=True)
class PilotFilter:
    """A validated selection of the public pilot list; None means "any"."""

    q: str | None = None
    region_id: int | None = None
    programme_slug: str | None = None
    direction_number: int | None = None
    question_number: int | None = None
    target_group_key: str | None = None
    status: PilotStatus | None = None


def _filtered(selection: PilotFilter) -> sa.Select:
    stmt = sa.select(Pilot).where(Pilot.status.in_(PUBLIC_STATUSES))
    if selection.q:
        stmt = stmt.where(
            sa.or_(
                Pilot.name.icontains(selection.q, autoescape=True),
                Pilot.municipality.icontains(selection.q, autoescape=True),
            )
        )
    if selection.region_id is not None:
        stmt = stmt.where(Pilot.region_id == selection.region_id)
    if selection.programme_slug:
        stmt = stmt.where(Pilot.programme.has(Programme.slug == selection.programme_slug))
    if selection.direction_number is not None:
        stmt = stmt.where(
            Pilot.directions.any(PilotDirection.direction_number == selection.direction_number)
        )
    if selection.question_number is not None:
        stmt = stmt.where(Pilot.questions.any(CarerQuestion.number == selection.question_number))
    if selection.target_group_key:
        stmt = stmt.where(Pilot.target_groups.any(TargetGroup.key == selection.target_group_key))
    if selection.status is not None:
        stmt = stmt.where(Pilot.status == selection.status)
    return stmt


def public_pilots(selection: PilotFilter, page: int, per_page: int) -> Pagination:
    """Return one page of public pilots matching the selection, by name."""
    stmt = (
        _filtered(selection)
        .options(
            *WITHOUT_CONTACT,
            joinedload(Pilot.region),
            joinedload(Pilot.programme),
            selectinload(Pilot.directions).joinedload(PilotDirection.direction),
        )
        .order_by(Pilot.name, Pilot.id)
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


# One public profile ------------------------------------------------------------------------


def public_pilot(slug: str) -> Pilot | None:
    """Return the public pilot with this slug and all its profile shows, or None."""
    if not _SLUG.fullmatch(slug):
        return None
    return db.session.scalar(
        sa.select(Pilot)
        .where(Pilot.slug == slug, Pilot.status.in_(PUBLIC_STATUSES))
        .options(
            *WITHOUT_CONTACT,
            joinedload(Pilot.region),
            joinedload(Pilot.programme),
            selectinload(Pilot.questions),
            selectinload(Pilot.directions).joinedload(PilotDirection.direction),
            selectinload(Pilot.organisations),
            selectinload(Pilot.disciplines),
            selectinload(Pilot.target_groups),
        )
    )


def fits_integer_column(number: int) -> bool:
    """Whether a number from a URL can be compared with an integer column at all."""
    return 0 <= number <= MAX_ID


def published_lessons(pilot: Pilot) -> list[LessonRevision]:
    """Return the revisions the public sees of the pilot's lessons, latest published first."""
    return list(
        db.session.scalars(
            sa.select(LessonRevision)
            .join(Lesson, Lesson.public_revision_id == LessonRevision.id)
            .where(Lesson.pilot_id == pilot.id)
            .options(load_only(LessonRevision.id, LessonRevision.lesson_id,
                               LessonRevision.title, LessonRevision.summary,
                               LessonRevision.published_at))
            .order_by(Lesson.first_published_at.desc(), Lesson.id.desc())
        )
    )
