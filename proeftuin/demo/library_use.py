"""Fictional counts of the library's use for the demo: what readers searched for, per month,
and how often the demo's published lessons were read, per day.

Call `seed_demo_library_use(now)` after the demo lessons are published (at the end of
`proeftuin.demo.seed_demo`). Most searches are shared by enough readers to show on the
facilitators' page; a few are not, and stay hidden there, as a real month's would.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from proeftuin.dates import add_months, local_date, month_of
from proeftuin.extensions import db
from proeftuin.models import Lesson, LessonViewCount, SearchCount

#: (words, facets, searches that found something, searches that found nothing) in the last
#: whole month; this month has about half of each so far
SEARCHES = (
    ("mantelzorger respijtzorg", "", 23, 0),
    ("casemanager dementie", "", 14, 0),
    ("", "richting=3", 18, 0),
    ("eenzaamheid", "vraag=2", 9, 0),
    ("logeerhuis", "", 0, 11),
    ("jonge mantelzorgers school", "", 0, 7),
    ("", "richting=9&vraag=3", 0, 8),
    ("", "richting=6&vraag=1", 6, 0),
    ("nachtzorg", "richting=2", 0, 6),
    # Fewer than five: counted, never shown.
    ("mantelzorgwoning", "", 0, 3),
    ("zorgrobot thuis", "vraag=1", 2, 0),
)

#: the days of views each published demo lesson gets, up to today
VIEW_DAYS = 45


def seed_demo_library_use(now: datetime) -> None:
    """Add the demo's search counts for this and last month, and its lessons' daily views."""
    today = local_date(now)
    this_month = month_of(today)
    for month, share in ((add_months(this_month, -1), 1.0), (this_month, 0.5)):
        for words, facets, found, nothing in SEARCHES:
            for outcome, number in ((True, found), (False, nothing)):
                number = round(number * share) if number >= 10 else number
                if number:
                    db.session.add(SearchCount(month=month, words=words, facets=facets,
                                               found=outcome, searches=number))
    lesson_ids = db.session.scalars(
        sa.select(Lesson.id).where(Lesson.public_revision_id.is_not(None)).order_by(Lesson.id))
    for rank, lesson_id in enumerate(lesson_ids):
        for days_ago in range(VIEW_DAYS):
            # A fixed, uneven pattern: some lessons are read more, weekends less.
            day = today - timedelta(days=days_ago)
            views = (rank * 3 + days_ago * 7) % 11 - (4 if day.weekday() >= 5 else 0)
            if views > 0:
                db.session.add(LessonViewCount(lesson_id=lesson_id, day=day, views=views))
    db.session.flush()

