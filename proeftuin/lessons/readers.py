"""How often a lesson's public page is read: the daily counts its authors and facilitators see.

The counts are written by `proeftuin.library.usage`, per lesson and day, and say nothing
about who read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.models import Lesson, LessonViewCount

#: the days a lesson's page lists its views for
VIEW_DAYS = 30


@dataclass(frozen=True)
class LessonViews:
    """How often a lesson's public page was read: each day of the last VIEW_DAYS with any,
    newest first, their total, and the total since the counting began."""

    days: list[tuple[date, int]]
    recent: int
    all_time: int
    #: how many days `days` and `recent` cover
    span: int = VIEW_DAYS


def lesson_views(lesson: Lesson, today: date | None = None) -> LessonViews:
    """Return the lesson's recent views per day and its totals (2 queries)."""
    first = (today or local_today()) - timedelta(days=VIEW_DAYS - 1)
    days = [(day, views) for day, views in db.session.execute(
        sa.select(LessonViewCount.day, LessonViewCount.views)
        .where(LessonViewCount.lesson_id == lesson.id, LessonViewCount.day >= first)
        .order_by(LessonViewCount.day.desc())
    )]
    all_time = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LessonViewCount.views), 0))
        .where(LessonViewCount.lesson_id == lesson.id))
    return LessonViews(days, sum(views for _, views in days), int(all_time))
