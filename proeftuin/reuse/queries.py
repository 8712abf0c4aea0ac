"""Read-side selects of reuse reports: the public trail and the pages around a report."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, raiseload, selectinload

from proeftuin.extensions import db
from proeftuin.lessons.queries import fits_id
from proeftuin.models import PUBLIC_STATUSES, Lesson, LessonReuse, Membership, Pilot, User
from proeftuin.pilots.queries import WITHOUT_CONTACT


def trail_reports(lesson_id: int, include_hidden: bool = False) -> list[LessonReuse]:
    """Return the lesson's reports of reuse by public pilots, oldest first, with their pilot.

    Hidden reports come along only with `include_hidden`; the trail still shows each of them
    only to those who may hide it. Who reported stays out of the public trail: loading it
    raises, as loading a pilot's contact fields does.
    """
    if not fits_id(lesson_id):
        return []
    stmt = (
        sa.select(LessonReuse)
        .join(LessonReuse.pilot)
        .where(LessonReuse.lesson_id == lesson_id, Pilot.status.in_(PUBLIC_STATUSES))
        .options(
            contains_eager(LessonReuse.pilot).options(
                *WITHOUT_CONTACT,
                joinedload(Pilot.region),
                joinedload(Pilot.programme),
            ),
            selectinload(LessonReuse.follow_ups),
            raiseload(LessonReuse.reported_by),
            raiseload(LessonReuse.hidden_by),
        )
        .order_by(LessonReuse.created_at, LessonReuse.id)
    )
    if not include_hidden:
        stmt = stmt.where(LessonReuse.hidden_at.is_(None))
    return list(db.session.scalars(stmt))


def other_pilots_of(user: User, lesson: Lesson) -> list[Pilot]:
    """Return the pilots the user is a member of, other than the lesson's own, by name."""
    return list(db.session.scalars(
        sa.select(Pilot)
        .join(Membership, Membership.pilot_id == Pilot.id)
        .where(Membership.user_id == user.id, Pilot.id != lesson.pilot_id)
        .options(*WITHOUT_CONTACT)
        .order_by(Pilot.name, Pilot.id)
    ))


def reuse_by_id(reuse_id: int, for_update: bool = False) -> LessonReuse | None:
    """Return the report with its lesson, both pilots and their programmes, or None.

    `for_update` locks the row (on PostgreSQL) so two facilitators cannot cross.
    """
    if not fits_id(reuse_id):
        return None
    stmt = sa.select(LessonReuse).where(LessonReuse.id == reuse_id)
    if for_update:
        stmt = stmt.with_for_update(of=LessonReuse).execution_options(populate_existing=True)
    return db.session.scalar(
        stmt.options(
            joinedload(LessonReuse.lesson, innerjoin=True).options(
                joinedload(Lesson.pilot, innerjoin=True).joinedload(Pilot.programme),
                joinedload(Lesson.public_revision),
            ),
            joinedload(LessonReuse.pilot, innerjoin=True).options(
                joinedload(Pilot.programme), joinedload(Pilot.region),
            ),
            selectinload(LessonReuse.follow_ups),
        )
    )
