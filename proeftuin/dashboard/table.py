"""The facilitators' pilot table: its rows and flags, their selection and order, and the CSV.

The rows of every programme a facilitator follows come from two selects (see
`queries.pilot_figures`); filtering and sorting happen here, on those rows, so the page, its
summary of what needs attention and the CSV all agree on the same figures.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from proeftuin.dashboard import queries
from proeftuin.dates import local_date
from proeftuin.labels import status_label
from proeftuin.library.exports import (
    SPREADSHEET_DELIMITER,
    Column,
    csv_chunks,
    download_column,
)
from proeftuin.models import LessonStatus, PilotStatus, Programme
from proeftuin.programmes.harvests import HarvestTally, tallies
from proeftuin.reuse import follow_ups

#: only a pilot that is meant to be working can fall quiet
CAN_BE_QUIET = (PilotStatus.active, PilotStatus.selected)
#: pilots for which a missing discipline still matters: those not yet decided on or finished
STILL_OPEN = (PilotStatus.applied, PilotStatus.selected, PilotStatus.active)
#: lessons still being worked on: not yet public, not given up
IN_PROGRESS = (LessonStatus.draft, LessonStatus.submitted, LessonStatus.returned)


class SortKey(enum.Enum):
    """The columns the table sorts on; the values are those of the `sorteer` parameter."""

    name = "naam"
    status = "status"
    start = "start"
    activity = "activiteit"
    cases = "casussen"
    lessons = "lessen"
    waiting = "wacht"
    missing = "mist"


class Direction(enum.Enum):
    """Which way the table sorts; the values are those of the `volgorde` parameter."""

    ascending = "oplopend"
    descending = "aflopend"


SORT_LABELS = {
    SortKey.name: _l("Naam"),
    SortKey.status: _l("Status"),
    SortKey.start: _l("Geplande start"),
    SortKey.activity: _l("Laatste activiteit"),
    SortKey.cases: _l("Aantal casusbesprekingen"),
    SortKey.lessons: _l("Aantal gepubliceerde lessen"),
    SortKey.waiting: _l("Lessen die wachten op beoordeling"),
    SortKey.missing: _l("Ontbrekende essentiële disciplines"),
}

DIRECTION_LABELS = {
    Direction.ascending: _l("Oplopend"),
    Direction.descending: _l("Aflopend"),
}

#: the way a column sorts when it is chosen: the quietest and the most first
FIRST_DIRECTION = {
    SortKey.name: Direction.ascending,
    SortKey.status: Direction.ascending,
    SortKey.start: Direction.ascending,
    SortKey.activity: Direction.ascending,
    SortKey.cases: Direction.descending,
    SortKey.lessons: Direction.descending,
    SortKey.waiting: Direction.descending,
    SortKey.missing: Direction.descending,
}


@dataclass(frozen=True)
class TableSelection:
    """Which rows the table shows, and in what order."""

    programme_slug: str | None = None
    status: PilotStatus | None = None
    region_id: int | None = None
    quiet_only: bool = False
    missing_only: bool = False
    sort: SortKey = SortKey.name
    direction: Direction = Direction.ascending

    @property
    def sort_label(self) -> str:
        return str(SORT_LABELS[self.sort]).lower()

    @property
    def direction_label(self) -> str:
        return str(DIRECTION_LABELS[self.direction]).lower()


@dataclass
class TableRow:
    """One pilot in the table, with what the facilitator should notice about it."""

    figures: queries.PilotFigures
    #: whether an active or selected pilot has done nothing for longer than allowed
    quiet: bool = False
    #: whole weeks since the last activity (or since ever, if there was none: None)
    weeks_since: int | None = None
    #: the harvests of its cohort met and overdue; None for a pilot outside any cohort
    harvests: HarvestTally | None = None
    #: questions about lessons it reused, asked and left unanswered too long
    follow_ups_overdue: int = 0

    @property
    def pilot(self):
        return self.figures.pilot

    @property
    def last_activity(self) -> datetime | None:
        return self.figures.last_activity

    @property
    def cases(self) -> int:
        return self.figures.cases

    @property
    def lessons(self) -> dict[LessonStatus, int]:
        return self.figures.lessons

    @property
    def published(self) -> int:
        return self.figures.lessons.get(LessonStatus.published, 0)

    @property
    def in_progress(self) -> int:
        return sum(self.figures.lessons.get(status, 0) for status in IN_PROGRESS)

    @property
    def total_lessons(self) -> int:
        return sum(self.figures.lessons.values())

    @property
    def waiting(self) -> int:
        """Return the number of lessons submitted and waiting for review."""
        return self.figures.lessons.get(LessonStatus.submitted, 0)

    @property
    def missing(self):
        return self.figures.missing

    @property
    def lacks_essentials(self) -> bool:
        """Whether a pilot that is still open misses an essential discipline."""
        return bool(self.figures.missing) and self.pilot.status in STILL_OPEN


@dataclass
class Attention:
    """What needs a facilitator's attention across all their pilots."""

    quiet: int = 0
    waiting: int = 0
    missing: int = 0


def build_rows(programmes: list[Programme], now: datetime, quiet_after_weeks: int) -> list[TableRow]:
    """Return a row for every pilot of these programmes, by name, with its flags worked out."""
    limit = timedelta(weeks=quiet_after_weeks)
    today = local_date(now)
    harvests = tallies([p.id for p in programmes], today)
    all_figures = list(queries.pilot_figures(programmes))
    overdue = follow_ups.overdue_counts([f.pilot.id for f in all_figures], today)
    rows = []
    for figures in all_figures:
        last = figures.last_activity
        weeks = (now - last).days // 7 if last is not None else None
        quiet = figures.pilot.status in CAN_BE_QUIET and (last is None or now - last > limit)
        rows.append(TableRow(figures, quiet=quiet, weeks_since=weeks,
                             harvests=harvests.get(figures.pilot.id),
                             follow_ups_overdue=overdue.get(figures.pilot.id, 0)))
    return rows


def attention(rows: list[TableRow]) -> Attention:
    """Count the quiet pilots, the lessons waiting and the pilots missing a discipline."""
    found = Attention()
    for row in rows:
        found.quiet += row.quiet
        found.waiting += row.waiting
        found.missing += row.lacks_essentials
    return found


_STATUS_ORDER = {status: i for i, status in enumerate(PilotStatus)}
#: no activity at all sorts as the oldest there is: such a pilot is the quietest
_NEVER = datetime.min.replace(tzinfo=UTC)

_SORT_VALUE = {
    SortKey.name: lambda row: row.pilot.name.casefold(),
    SortKey.status: lambda row: _STATUS_ORDER[row.pilot.status],
    SortKey.start: lambda row: row.pilot.planned_start,
    SortKey.activity: lambda row: row.last_activity or _NEVER,
    SortKey.cases: lambda row: row.cases,
    SortKey.lessons: lambda row: (row.published, row.total_lessons),
    SortKey.waiting: lambda row: row.waiting,
    SortKey.missing: lambda row: len(row.missing),
}


def _matches(row: TableRow, selection: TableSelection) -> bool:
    pilot = row.pilot
    return (
        (selection.programme_slug is None or pilot.programme.slug == selection.programme_slug)
        and (selection.status is None or pilot.status is selection.status)
        and (selection.region_id is None or pilot.region_id == selection.region_id)
        and (not selection.quiet_only or row.quiet)
        and (not selection.missing_only or row.lacks_essentials)
    )


def select_rows(rows: list[TableRow], selection: TableSelection) -> list[TableRow]:
    """Return the rows the selection asks for, in its order; ties stay in name order.

    A row without a value for the column (no planned start) comes last either way.
    """
    chosen = [row for row in rows if _matches(row, selection)]
    chosen.sort(key=lambda row: (row.pilot.name.casefold(), row.pilot.id))
    value = _SORT_VALUE[selection.sort]
    known = [row for row in chosen if value(row) is not None]
    unknown = [row for row in chosen if value(row) is None]
    # sorted() is stable, also in reverse, so rows that tie keep their name order.
    known.sort(key=value, reverse=selection.direction is Direction.descending)
    return known + unknown


@dataclass(frozen=True)
class SortLink:
    """A column header's link: the parameters that sort on it, and how it sorts now."""

    params: dict[str, str]
    #: "ascending" or "descending" for the column the table is sorted on (aria-sort)
    current: str | None


def sort_links(params: dict[str, str], selection: TableSelection) -> dict[str, SortLink]:
    """Return, per sort key, a link that keeps the filters and sorts on that column.

    The column the table is sorted on links to the other direction.
    """
    links = {}
    for key in SortKey:
        if key is selection.sort:
            current = selection.direction
            direction = (Direction.descending if current is Direction.ascending
                         else Direction.ascending)
        else:
            current = None
            direction = FIRST_DIRECTION[key]
        links[key.value] = SortLink(
            params={**params, "sorteer": key.value, "volgorde": direction.value},
            current=current.name if current else None,
        )
    return links


# CSV --------------------------------------------------------------------------------------


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _moment(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _csv_columns() -> list[tuple[Column, object]]:
    """The CSV's columns, each with how to fill it from a row.

    The header is in the interface language: this file is a page's download for the
    facilitator, not documented open data, so each column's name is also its description.
    """
    lesson_columns = [
        (download_column(_("Lessen: %(status)s", status=label)),
         lambda row, s=status: row.lessons.get(s, 0))
        for status, label in (
            (LessonStatus.draft, _("concept")),
            (LessonStatus.submitted, _("ingediend, wachten op beoordeling")),
            (LessonStatus.published, _("gepubliceerd")),
            (LessonStatus.returned, _("teruggegeven")),
            (LessonStatus.withdrawn, _("ingetrokken")),
        )
    ]
    return [
        (download_column(_("Proeftuin")), lambda row: row.pilot.name),
        (download_column(_("Programma")), lambda row: row.pilot.programme.name),
        (download_column(_("Gemeente")), lambda row: row.pilot.municipality),
        (download_column(_("Regio")), lambda row: row.pilot.region.name),
        (download_column(_("Status")), lambda row: status_label(row.pilot.status)),
        (download_column(_("Geplande start")), lambda row: _day(row.pilot.planned_start)),
        (download_column(_("Gepland einde")), lambda row: _day(row.pilot.planned_end)),
        (download_column(_("Laatste activiteit (UTC)")), lambda row: _moment(row.last_activity)),
        (download_column(_("Stil")), lambda row: _("ja") if row.quiet else _("nee")),
        (download_column(_("Casusbesprekingen")), lambda row: row.cases),
        (download_column(_("Oogstmomenten gehaald")),
         lambda row: row.harvests.met if row.harvests else ""),
        (download_column(_("Oogstmomenten te laat")),
         lambda row: row.harvests.overdue if row.harvests else ""),
        (download_column(_("Vragen over hergebruik onbeantwoord")),
         lambda row: row.follow_ups_overdue),
        *lesson_columns,
        (download_column(_("Ontbrekende essentiële disciplines"), multi=True),
         lambda row: [d.name for d in row.missing]),
    ]


def csv_text(rows: list[TableRow]) -> str:
    """Return the rows as a CSV file in the library's house style (`library.exports`).

    A byte order mark for spreadsheets, a header, a row each; lists joined with
    `MULTI_SEPARATOR`, and a cell that starts like a formula neutralised.
    """
    columns = _csv_columns()
    records = ({c.name: value(row) for c, value in columns} for row in rows)
    # For the facilitators' own spreadsheets: semicolons, as Dutch settings expect.
    return "".join(csv_chunks(tuple(c for c, _value in columns), records,
                              delimiter=SPREADSHEET_DELIMITER))


def csv_filename(today: date) -> str:
    """Return the name of the CSV file made on this day."""
    return f"proeftuinen-begeleiding-{today:%Y-%m-%d}.csv"
