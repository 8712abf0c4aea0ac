"""Read-side selects the API needs beyond those of the library and pilot pages."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from proeftuin.extensions import db
from proeftuin.models import Lesson, LessonRevision


def load_revision_links(lessons: list[Lesson]) -> None:
    """Load the questions and target groups of these lessons' public revisions at once.

    The library's list loads only their directions; the API shows all three, and one
    select per collection keeps the count of queries the same for any page size.
    """
    ids = [lesson.public_revision_id for lesson in lessons]
    if not ids:
        return
    db.session.scalars(
        sa.select(LessonRevision)
        .where(LessonRevision.id.in_(ids))
        .options(selectinload(LessonRevision.questions),
                 selectinload(LessonRevision.target_groups))
    ).all()
