"""What the library's readers look for, per month, and which framework cells it leaves unmet.

From the counts of `proeftuin.library.usage`: the most frequent searches, the searches that
found nothing, and the cells of the framework (carer question × solution direction) that
readers search for while the library holds few or no lessons on them. A search, or a cell,
that fewer than `MIN_SHARED_SEARCHES` searches of the month share is never shown: its words
could point at the one reader who typed them. Beside them, the lessons of the facilitator's
programmes that were read most that month.

Every page of it takes a fixed number of queries, whatever the number of searches or lessons.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from proeftuin import reference_queries
from proeftuin.caching import versioned_cache
from proeftuin.dashboard.activity import month_label
from proeftuin.dates import add_months, local_today, month_of
from proeftuin.extensions import db
from proeftuin.forms import FilterForm, str_or_none
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.library.usage import facets_of
from proeftuin.models import (
    CarerQuestion,
    Lesson,
    LessonRevision,
    LessonViewCount,
    Pilot,
    Programme,
    SearchCount,
    SolutionDirection,
)
from proeftuin.models.lesson import revision_direction, revision_question

#: k-anonymity: a search (its words and facets) or a framework cell is shown only when at
#: least this many searches of the month share it
MIN_SHARED_SEARCHES = 5
#: a cell with at most this many published lessons has "few" for what readers search there
FEW_LESSONS = 2
#: the length of each list on the page
LISTED = 20


@dataclass(frozen=True)
class Facet:
    """One filter of a search, as the library names it."""

    label: str
    value: str


@dataclass(frozen=True)
class Search:
    """A search that at least MIN_SHARED_SEARCHES searches of the month shared."""

    words: str
    facets: list[Facet]
    searches: int
    #: how many of them found nothing
    found_nothing: int
    #: the library with this search, to see what readers found
    url: str


@dataclass(frozen=True)
class Cell:
    """A framework cell readers searched for: a question, a direction, or both."""

    question: CarerQuestion | None
    direction: SolutionDirection | None
    searches: int
    #: published lessons in the library on the question and the direction
    lessons: int
    url: str


@dataclass(frozen=True)
class ReadLesson:
    """A lesson of the facilitator's programmes, and how often its public page was read."""

    lesson_id: int
    title: str
    pilot_name: str
    pilot_slug: str
    views: int


@dataclass
class Demand:
    """Everything the page shows for one month."""

    month: date
    frequent: list[Search] = field(default_factory=list)
    found_nothing: list[Search] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    read: list[ReadLesson] = field(default_factory=list)


# Months ---------------------------------------------------------------------------------------


def months_with_searches() -> list[date]:
    """Return the months with counted searches, and this month, newest first."""
    months = set(db.session.scalars(sa.select(SearchCount.month).distinct()))
    months.add(month_of(local_today()))
    return sorted(months, reverse=True)


class DemandMonthForm(FilterForm):
    """Which month the page shows (`maand`, as 2026-01); one it does not know is reported."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    month = SelectField(_l("Maand"), name="maand", coerce=str_or_none,
                        invalid_choice_message=_l("Kies een maand uit de lijst."))

    def __init__(self, formdata, months: list[date], **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self._months = months
        self.month.choices = [(m.strftime("%Y-%m"), month_label(m, long=True)) for m in months]
        if self.month.data is not None:
            self.validate()
            if self.month.errors:
                self.month.data = None
        if self.month.data is None:
            # The list shows the month the page shows; only a month asked for is checked.
            self.month.data = self.chosen_month().strftime("%Y-%m")

    def chosen_month(self) -> date:
        """Return the month asked for, or the last month that has ended (its counts are
        whole), or this month when that one has no searches."""
        if self.month.data:
            year, month = map(int, self.month.data.split("-"))
            return date(year, month, 1)
        last_month = add_months(month_of(local_today()), -1)
        return last_month if last_month in self._months else self._months[0]


# The month's demand ---------------------------------------------------------------------------


def demand(month: date, programmes: list[Programme]) -> Demand:
    """Return the month's shared searches, unmet cells and the programmes' most read lessons."""
    labels = _facet_labels()
    return Demand(
        month=month,
        frequent=_searches(month, labels),
        found_nothing=_searches(month, labels, nothing_found=True),
        cells=_cells(month),
        read=_most_read(month, programmes),
    )


def _facet_labels() -> dict[str, tuple[str, dict[str, str]]]:
    """Per URL parameter of the library, its label and its values' labels (kept in memory)."""
    form = LibraryFilterForm(MultiDict())
    labels = {}
    for field_ in form:
        values = {}
        if isinstance(field_, SelectField):
            values = {str(choice.value): str(choice.label) for choice in field_.iter_choices()}
        labels[field_.name] = (str(field_.label.text), values)
    return labels


def _searches(month: date, labels, nothing_found: bool = False) -> list[Search]:
    nothing = sa.func.sum(sa.case((SearchCount.found.is_(False), SearchCount.searches),
                                  else_=0))
    total = sa.func.sum(SearchCount.searches)
    shared = nothing if nothing_found else total
    rows = db.session.execute(
        sa.select(SearchCount.words, SearchCount.facets, total, nothing)
        .where(SearchCount.month == month)
        .group_by(SearchCount.words, SearchCount.facets)
        .having(shared >= MIN_SHARED_SEARCHES)
        .order_by(shared.desc(), SearchCount.words, SearchCount.facets)
        .limit(LISTED)
    )
    found = []
    for words, facets, searches, none_found in rows:
        params = facets_of(facets)
        shown = []
        for name, value in params.items():
            label, values = labels.get(name, (name, {}))
            shown.append(Facet(label, values.get(value, value)))
        if words:
            params["q"] = words
        found.append(Search(words, shown, int(searches), int(none_found),
                            url_for("library.index", **params)))
    return found


def _cells(month: date) -> list[Cell]:
    """The cells (question, direction, or both) of at least MIN_SHARED_SEARCHES searches of
    the month, with FEW_LESSONS published lessons or fewer; fewest lessons first."""
    rows = db.session.execute(
        sa.select(SearchCount.facets, sa.func.sum(SearchCount.searches))
        .where(SearchCount.month == month,
               sa.or_(SearchCount.facets.contains("richting="),
                      SearchCount.facets.contains("vraag=")))
        .group_by(SearchCount.facets)
    )
    searched: dict[tuple[int | None, int | None], int] = defaultdict(int)
    for facets, searches in rows:
        params = facets_of(facets)
        key = (_number(params.get("vraag")), _number(params.get("richting")))
        if key != (None, None):
            searched[key] += int(searches)
    searched = {key: n for key, n in searched.items() if n >= MIN_SHARED_SEARCHES}
    if not searched:
        return []
    questions = {q.number: q for q in reference_queries.carer_questions()}
    directions = {d.number: d for d in reference_queries.solution_directions()}
    lessons = _lessons_per_cell()
    cells = []
    for (question, direction), searches in searched.items():
        if (question is not None and question not in questions) or (
                direction is not None and direction not in directions):
            continue
        number = lessons.get((question, direction), 0)
        if number > FEW_LESSONS:
            continue
        params = {"vraag": question, "richting": direction}
        cells.append(Cell(questions.get(question), directions.get(direction), searches,
                          number, url_for("library.index", **{k: v for k, v in params.items()
                                                               if v is not None})))
    cells.sort(key=lambda c: (c.lessons, -c.searches, c.question.number if c.question else 0,
                              c.direction.number if c.direction else 0))
    return cells[:LISTED]


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


#: the lesson counts per cell each worker keeps: one set per version of the library
KEPT_CELL_COUNTS = 2


def _lessons_per_cell() -> dict[tuple[int | None, int | None], int]:
    """Published lessons per (question number, direction number), per question (direction
    None) and per direction (question None), as the library counts them.

    Kept under the library's version (3 queries when it changed): the pairs are counted over
    every published lesson's links, tens of milliseconds at national scale, and change only
    when the library does.
    """
    kept = versioned_cache.entry("demand_cell_lessons", KEPT_CELL_COUNTS, "cells")
    if kept.value is None:
        kept.keep(_count_lessons_per_cell())
    return kept.value


def _count_lessons_per_cell() -> dict[tuple[int | None, int | None], int]:
    by_direction = (revision_direction.c.lesson_revision_id == Lesson.public_revision_id)
    by_question = (revision_question.c.lesson_revision_id == Lesson.public_revision_id)
    counts: dict[tuple[int | None, int | None], int] = {}
    pairs = db.session.execute(
        sa.select(CarerQuestion.number, SolutionDirection.number,
                  sa.func.count(sa.distinct(Lesson.id)))
        .join(revision_direction, by_direction)
        .join(SolutionDirection, SolutionDirection.id == revision_direction.c.direction_id)
        .join(revision_question, by_question)
        .join(CarerQuestion, CarerQuestion.id == revision_question.c.question_id)
        .where(Lesson.public_revision_id.is_not(None))
        .group_by(CarerQuestion.number, SolutionDirection.number)
    )
    counts.update({(q, d): n for q, d, n in pairs})
    counts.update({(None, d): n for d, n in _lessons_per(SolutionDirection, revision_direction,
                                                          "direction_id")})
    counts.update({(q, None): n for q, n in _lessons_per(CarerQuestion, revision_question,
                                                          "question_id")})
    return counts


def _lessons_per(reference, link: sa.Table, column: str):
    """Published lessons per number of a reference table (directions or questions)."""
    return db.session.execute(
        sa.select(reference.number, sa.func.count(sa.distinct(Lesson.id)))
        .join(link, link.c.lesson_revision_id == Lesson.public_revision_id)
        .join(reference, reference.id == link.c[column])
        .where(Lesson.public_revision_id.is_not(None)).group_by(reference.number)
    )


def _most_read(month: date, programmes: list[Programme]) -> list[ReadLesson]:
    """The lessons of these programmes read most in the month, with their views (1 query)."""
    if not programmes:
        return []
    views = sa.func.sum(LessonViewCount.views).label("views")
    # The month's views are summed per lesson first, and only the top ones get their titles:
    # four times faster than grouping by the titles too.
    top = (
        sa.select(LessonViewCount.lesson_id, views)
        .join(Lesson, Lesson.id == LessonViewCount.lesson_id)
        .join(Pilot, Pilot.id == Lesson.pilot_id)
        .where(Pilot.programme_id.in_([p.id for p in programmes]),
               LessonViewCount.day >= month, LessonViewCount.day < add_months(month, 1))
        .group_by(LessonViewCount.lesson_id)
        .order_by(views.desc(), LessonViewCount.lesson_id)
        .limit(LISTED)
    ).subquery()
    rows = db.session.execute(
        sa.select(Lesson.id, LessonRevision.title, Pilot.name, Pilot.slug, top.c.views)
        .join(top, top.c.lesson_id == Lesson.id)
        .join(Pilot, Pilot.id == Lesson.pilot_id)
        .join(LessonRevision, LessonRevision.id == Lesson.public_revision_id)
        .order_by(top.c.views.desc(), Lesson.id)
    )
    return [ReadLesson(lesson_id, title, name, slug, int(number))
            for lesson_id, title, name, slug, number in rows]

