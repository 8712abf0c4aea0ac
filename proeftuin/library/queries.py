"""Read-side selects of the public library: only what a facilitator published."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, defer, joinedload, raiseload, selectinload

from proeftuin.extensions import db
from proeftuin.models import PUBLIC_STATUSES, Lesson, LessonRevision, Pilot

#: the largest value an integer column holds on PostgreSQL; bigger numbers match nothing
MAX_ID = 2**31 - 1

#: The working copy and the source cases are not public. The public select refuses to load
#: them, so a template that tried to show them fails loudly in the tests instead of leaking.
PRIVATE = (
    *(defer(getattr(Lesson, name), raiseload=True)
      for name in ("title", "summary", "context", "body", "advice", "kind", "level", "evidence")),
    raiseload(Lesson.source_cases),
    raiseload(Lesson.reviews),
    raiseload(Lesson.questions),
    raiseload(Lesson.directions),
    raiseload(Lesson.target_groups),
)


def public_lesson(lesson_id: int) -> Lesson | None:
    """Return a lesson that is in the library, with its public revision and pilot, or None."""
    if not 0 < lesson_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(Lesson)
        .join(Lesson.pilot)
        .where(Lesson.id == lesson_id, Lesson.public_revision_id.is_not(None),
               Pilot.status.in_(PUBLIC_STATUSES))
        .options(
            *PRIVATE,
            contains_eager(Lesson.pilot).options(
                defer(Pilot.contact_name, raiseload=True),
                defer(Pilot.contact_email, raiseload=True),
                defer(Pilot.contact_phone, raiseload=True),
                joinedload(Pilot.region),
                joinedload(Pilot.programme),
            ),
            joinedload(Lesson.public_revision).options(
                selectinload(LessonRevision.questions),
                selectinload(LessonRevision.directions),
                selectinload(LessonRevision.target_groups),
            ),
        )
    )
