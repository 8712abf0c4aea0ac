"""How the public library is used: searches counted per month, lesson views per day.

Both tables hold counts only. A search is kept as its month, its normalised words, its
facets and whether it found anything; a view as its lesson and day. Nothing in them names a
visitor (no address, session, account or time of day), and `tests/test_library_use.py` holds
the search table to exactly these columns. The counts are written in batches by
`proeftuin.library.usage`, never while a visitor waits.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from proeftuin.extensions import db

#: the longest normalised words kept; the search box takes 200 characters
WORDS_LENGTH = 200
#: the longest facet string kept: every filter of the library at its longest value
FACETS_LENGTH = 400


class SearchCount(db.Model):
    """How many library searches of one month shared these words, facets and outcome."""

    __tablename__ = "search_count"

    #: the first day of the month (Europe/Amsterdam) the searches were made in
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    #: the searched words, folded, without duplicates, in alphabetical order ("" for none)
    words: Mapped[str] = mapped_column(sa.String(WORDS_LENGTH), primary_key=True)
    #: the chosen filters as URL parameters in a fixed order, "richting=3&vraag=1" ("" for none)
    facets: Mapped[str] = mapped_column(sa.String(FACETS_LENGTH), primary_key=True)
    #: whether the search found at least one lesson
    found: Mapped[bool] = mapped_column(primary_key=True)
    searches: Mapped[int] = mapped_column(sa.Integer)


class LessonViewCount(db.Model):
    """How often a published lesson's public page was read on one day."""

    __tablename__ = "lesson_view_count"
    __table_args__ = (
        # The facilitators' page sums a month's views over the lessons of their programmes.
        sa.Index("ix_lesson_view_count_day", "day"),
    )

    lesson_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True)
    #: the day (Europe/Amsterdam) of the views
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    views: Mapped[int] = mapped_column(sa.Integer)
