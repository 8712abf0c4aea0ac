"""The coverage matrix: which pilots work on which solution directions, and the gaps per region.

A pilot "works on" a solution direction or carer question when it chose it in its framework
mapping, logged at least one case discussion linked to it, or has at least one published
lesson on it. Only pilots with a public status (selected, active, completed or stopped) are in
the matrix: applications and declined groups never worked on anything. The gaps per region
count only selected and active pilots: a stopped or completed pilot no longer works on what
it chose. Published means what the
public library shows: the lesson's public revision, with the directions and questions of that
revision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms import SelectField

from proeftuin import reference_queries
from proeftuin.extensions import db
from proeftuin.forms import FilterForm, int_or_none, programme_choices, programme_filter_field
from proeftuin.models import (
    PUBLIC_STATUSES,
    CarerQuestion,
    CaseDiscussion,
    Lesson,
    Pilot,
    PilotDirection,
    PilotStatus,
    Programme,
    Region,
    SolutionDirection,
)
from proeftuin.models.case import case_direction, case_question
from proeftuin.models.lesson import revision_direction, revision_question
from proeftuin.models.pilot import pilot_question
from proeftuin.pilots.forms import region_choices

# What pilots did per framework item ----------------------------------------------------------


@dataclass
class Work:
    """Case discussions and published lessons, counted per (pilot id, framework item id)."""

    cases: dict[tuple[int, int], int] = field(default_factory=dict)
    lessons: dict[tuple[int, int], int] = field(default_factory=dict)


def _counts(record_pilot, item, on, pilot_ids) -> dict[tuple[int, int], int]:
    """Count the records linked to each framework item, per (pilot id, item id).

    `record_pilot` is the records' pilot column, `item` the link's item column, `on` how the
    link joins the records.
    """
    rows = db.session.execute(
        sa.select(record_pilot, item, sa.func.count())
        .join(item.table, on)
        .where(record_pilot.in_(pilot_ids))
        .group_by(record_pilot, item)
    )
    return {(pilot_id, item_id): number for pilot_id, item_id, number in rows}


def _case_counts(link: sa.Table, column: str, pilot_ids) -> dict[tuple[int, int], int]:
    return _counts(CaseDiscussion.pilot_id, link.c[column], link.c.case_id == CaseDiscussion.id,
                   pilot_ids)


def _lesson_counts(link: sa.Table, column: str, pilot_ids) -> dict[tuple[int, int], int]:
    # Counted on the public revision: what the library shows under this direction or question.
    return _counts(Lesson.pilot_id, link.c[column],
                   link.c.lesson_revision_id == Lesson.public_revision_id, pilot_ids)


def direction_work(pilot_ids) -> Work:
    """Count, per pilot and direction id, case discussions and published lessons (2 queries).

    `pilot_ids` is a list of ids or a select of them.
    """
    return Work(_case_counts(case_direction, "direction_id", pilot_ids),
                _lesson_counts(revision_direction, "direction_id", pilot_ids))


def question_work(pilot_ids) -> Work:
    """Count, per pilot and carer question id, case discussions and published lessons."""
    return Work(_case_counts(case_question, "question_id", pilot_ids),
                _lesson_counts(revision_question, "question_id", pilot_ids))


# The matrix ------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One pilot and one framework item: chosen, case discussions, published lessons."""

    chosen: bool = False
    cases: int = 0
    lessons: int = 0

    @property
    def worked_on(self) -> bool:
        """Whether the pilot works on the item: chose it, or logged work on it."""
        return self.chosen or self.cases > 0 or self.lessons > 0


@dataclass
class Total:
    """One direction over the pilots of a programme."""

    chosen: int = 0
    cases: int = 0
    lessons: int = 0
    #: pilots that work on it (chose it, or logged work on it)
    pilots: int = 0

    def add(self, cell: Cell) -> None:
        """Count one pilot's cell in."""
        self.chosen += cell.chosen
        self.cases += cell.cases
        self.lessons += cell.lessons
        self.pilots += cell.worked_on


@dataclass
class PilotRow:
    """A pilot in the matrix, with its cells by direction number."""

    pilot: Pilot
    cells: dict[int, Cell]


@dataclass
class ProgrammeMatrix:
    """The matrix of one programme: its pilots and a total per direction number."""

    programme: Programme
    rows: list[PilotRow] = field(default_factory=list)
    totals: dict[int, Total] = field(default_factory=dict)


#: the pilots whose work counts for the gaps: stopped and completed pilots no longer work on
#: anything, so a direction only they chose is a gap (they stay in the matrix)
STILL_WORKING = (PilotStatus.selected, PilotStatus.active)


@dataclass
class RegionGaps:
    """What no selected or active pilot in a region works on."""

    region: Region
    #: the selected and active pilots in the region
    pilots: int
    directions: list[SolutionDirection]
    questions: list[CarerQuestion]


@dataclass
class Coverage:
    """Everything the coverage page shows."""

    directions: list[SolutionDirection]
    questions: list[CarerQuestion]
    matrices: list[ProgrammeMatrix]
    gaps: list[RegionGaps]
    #: regions (or the chosen region) where the programmes have no selected or active pilot
    empty_regions: list[Region]

    @property
    def pilot_count(self) -> int:
        """Return the number of pilots in the matrix."""
        return sum(len(m.rows) for m in self.matrices)


def _cells(chosen: set[tuple[int, int]], work: Work) -> dict[tuple[int, int], Cell]:
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    for key in chosen:
        cells[key].chosen = True
    for key, number in work.cases.items():
        cells[key].cases = number
    for key, number in work.lessons.items():
        cells[key].lessons = number
    return cells


def coverage(programmes: list[Programme], region_id: int | None = None) -> Coverage:
    """Return the matrix of each programme's public pilots and the gaps per region.

    The number of queries is fixed: the pilots, the reference rows, and one aggregate per
    kind of link (chosen, case discussions, published lessons; for directions and questions).
    """
    directions = reference_queries.solution_directions()
    questions = reference_queries.carer_questions()
    regions = reference_queries.regions()
    matrices = {p.id: ProgrammeMatrix(p) for p in programmes}
    if not matrices:
        return Coverage(directions, questions, [], [], [])

    ids = sa.select(Pilot.id).where(
        Pilot.programme_id.in_(list(matrices)), Pilot.status.in_(PUBLIC_STATUSES)
    )
    if region_id is not None:
        ids = ids.where(Pilot.region_id == region_id)
    pilots = list(db.session.scalars(
        sa.select(Pilot).where(Pilot.id.in_(ids)).options(joinedload(Pilot.region))
        .order_by(Pilot.name, Pilot.id)
    ))
    if not pilots:
        empty = [] if region_id is not None else regions
        return Coverage(directions, questions, list(matrices.values()), [], empty)

    direction_cells = _cells(
        {(pilot_id, item_id) for pilot_id, item_id in db.session.execute(
            sa.select(PilotDirection.pilot_id, PilotDirection.direction_id)
            .where(PilotDirection.pilot_id.in_(ids))
        )},
        direction_work(ids),
    )
    question_cells = _cells(
        {(pilot_id, item_id) for pilot_id, item_id in db.session.execute(
            sa.select(pilot_question.c.pilot_id, pilot_question.c.question_id)
            .where(pilot_question.c.pilot_id.in_(ids))
        )},
        question_work(ids),
    )

    for matrix in matrices.values():
        matrix.totals = {d.number: Total() for d in directions}
    for pilot in pilots:
        matrix = matrices[pilot.programme_id]
        cells = {d.number: direction_cells.get((pilot.id, d.id), Cell()) for d in directions}
        for number, cell in cells.items():
            matrix.totals[number].add(cell)
        matrix.rows.append(PilotRow(pilot, cells))

    # A finished pilot stays in the matrix, but a direction only it chose is still a gap.
    by_region: dict[int, list[Pilot]] = defaultdict(list)
    for pilot in pilots:
        if pilot.status in STILL_WORKING:
            by_region[pilot.region_id].append(pilot)
    gaps = []
    for region in regions:
        members = by_region.get(region.id)
        if not members:
            continue
        gaps.append(RegionGaps(
            region=region,
            pilots=len(members),
            directions=[
                d for d in directions
                if not any(direction_cells.get((p.id, d.id), Cell()).worked_on for p in members)
            ],
            questions=[
                q for q in questions
                if not any(question_cells.get((p.id, q.id), Cell()).worked_on for p in members)
            ],
        ))
    empty = [r for r in regions if r.id not in by_region
             and (region_id is None or r.id == region_id)]
    return Coverage(directions, questions, list(matrices.values()), gaps, empty)


# The page's filters ----------------------------------------------------------------------------


class CoverageFilterForm(FilterForm):
    """Which of the user's programmes and which region the matrix shows, from GET parameters.

    A value that cannot be used is left out of the selection and reported on the page, so
    the writer of a hand-made link sees why the matrix is wider than asked.
    """

    class Meta:
        csrf = False  # a GET form that changes nothing

    programme = programme_filter_field()
    region = SelectField(
        _l("Regio"), name="regio", coerce=int_or_none,
        invalid_value_message=_l("Kies een regio uit de lijst."),
        invalid_choice_message=_l("Kies een regio uit de lijst."),
    )

    def __init__(self, formdata, programmes: list[Programme], **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self._programmes = programmes
        self.programme.choices = programme_choices(programmes)
        self.region.choices = region_choices(_l("Alle regio's"))
        self.validate()
        for field_ in self:
            if field_.errors:
                field_.data = None

    def selected_programmes(self) -> list[Programme]:
        """Return the programme asked for, or all of the user's programmes."""
        if self.programme.data is None:
            return self._programmes
        return [p for p in self._programmes if p.slug == self.programme.data]
