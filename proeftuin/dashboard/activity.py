"""Activity over time: case discussions and lessons per month, per programme and per pilot.

Months are counted in Dutch and Belgian time (CET/CEST), on both databases: a lesson
written at 00:30 on 1 April counts in April, although it is still March in UTC. The counting
happens in SQL (`GROUP BY` on a month key `YYYY-MM`), so a page makes the same few queries
however many pilots, cases and lessons there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from proeftuin import charts
from proeftuin.dates import (  # local_today: routes ask it here, so a test can set the day
    TIMEZONE,
    add_months,
    local_today,  # noqa: F401
    months_between,
)
from proeftuin.extensions import db
from proeftuin.models import (
    PUBLIC_STATUSES,
    CaseDiscussion,
    Lesson,
    Pilot,
    Programme,
)

#: the longest period the activity page draws, in months
MAX_MONTHS = 60
#: the period the activity page shows when none is chosen, in months
DEFAULT_MONTHS = 12

#: what the activity page counts per month, in the order of its tables and chart series
MEASURES = ("cases", "lessons_created", "lessons_published")


def local_midnight(day: date) -> datetime:
    """Return the start of `day` in the reports' time zone, as a UTC moment."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def month_of(column, *, timestamp: bool) -> sa.ColumnElement[str]:
    """Return the SQL expression of the month (`YYYY-MM`) a date or UTC timestamp falls in.

    A timestamp is first moved to the reports' time zone. PostgreSQL knows time zones;
    SQLite does not, so there the CET/CEST rule does it: a UTC moment belongs to the local
    month of the moment two hours later when its UTC month is March to September (the next
    month starts in summer time) and one hour later otherwise. Daylight saving changes
    on the last Sunday of March and October at 01:00 UTC, so the offset at every month's
    last midnight is the offset of the month that follows: the rule is exact.
    All constants are literal SQL, so the expression in `SELECT` and `GROUP BY` is the same.
    """
    if _dialect() == "postgresql":
        if timestamp:
            column = sa.func.timezone(sa.literal_column(f"'{TIMEZONE}'"), column)
        return sa.func.to_char(column, sa.literal_column("'YYYY-MM'"))
    if not timestamp:
        return sa.func.strftime(sa.literal_column("'%Y-%m'"), column)
    summer_boundary = sa.func.strftime(sa.literal_column("'%m'"), column).between(
        sa.literal_column("'03'"), sa.literal_column("'09'")
    )
    shift = sa.case(
        (summer_boundary, sa.literal_column("'+2 hours'")),
        else_=sa.literal_column("'+1 hours'"),
    )
    return sa.func.strftime(sa.literal_column("'%Y-%m'"), column, shift)


def year_of(column, *, timestamp: bool) -> sa.ColumnElement[str]:
    """Return the SQL expression of the year (`YYYY`) a date or UTC timestamp falls in."""
    one, four = sa.literal_column("1"), sa.literal_column("4")
    return sa.func.substr(month_of(column, timestamp=timestamp), one, four)


# Periods of whole months ----------------------------------------------------------------


def month_key(day: date) -> str:
    """Return the month key (`YYYY-MM`) of a day."""
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class MonthSpan:
    """A period of whole months, from the month of `first` through the month of `last`."""

    first: date
    last: date

    @classmethod
    def ending(cls, last: date, months: int = DEFAULT_MONTHS) -> MonthSpan:
        """Return the `months` months up to and including the month of `last`."""
        last = last.replace(day=1)
        return cls(add_months(last, 1 - months), last)

    @property
    def months(self) -> list[date]:
        """Return the first day of each month in the period."""
        return months_between(self.first, self.last)

    @property
    def keys(self) -> list[str]:
        """Return the month key of each month in the period."""
        return [month_key(m) for m in self.months]

    @property
    def end_day(self) -> date:
        """Return the first day after the period."""
        return add_months(self.last, 1)

    @property
    def start_moment(self) -> datetime:
        """Return the period's first moment (local midnight), in UTC."""
        return local_midnight(self.first.replace(day=1))

    @property
    def end_moment(self) -> datetime:
        """Return the first moment after the period (local midnight), in UTC."""
        return local_midnight(self.end_day)


def month_label(month: date, long: bool = False) -> str:
    """Return a month as the interface language writes it: "jan 2026" or "januari 2026"."""
    return format_date(month, "MMMM y" if long else "MMM y")


# The counts -----------------------------------------------------------------------------


@dataclass
class Series:
    """Counts per month of one pilot or programme, keyed by measure and month key."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {measure: {} for measure in MEASURES}
    )

    def add(self, measure: str, month: str, number: int) -> None:
        """Add `number` to a measure's count in a month."""
        self.counts[measure][month] = self.counts[measure].get(month, 0) + number

    def values(self, measure: str, keys: list[str]) -> list[int]:
        """Return a measure's count for each month key, 0 where nothing happened."""
        return [self.counts[measure].get(key, 0) for key in keys]

    def total(self, measure: str) -> int:
        """Return a measure's count over the whole period."""
        return sum(self.counts[measure].values())


@dataclass
class PilotActivity:
    """One pilot's activity in the period."""

    pilot: Pilot
    series: Series = field(default_factory=Series)


@dataclass
class ProgrammeActivity:
    """One programme's activity in the period: its total and that of each of its pilots."""

    programme: Programme
    series: Series = field(default_factory=Series)
    pilots: list[PilotActivity] = field(default_factory=list)


def _counts(span: MonthSpan, in_scope: sa.ColumnElement[bool]):
    """Yield (measure, pilot id, month key, count) for the period, in three grouped selects.

    `in_scope` is a condition on `Pilot`: the pilots of some programmes, or one pilot.
    """
    case_month = month_of(CaseDiscussion.held_on, timestamp=False)
    cases = (
        sa.select(CaseDiscussion.pilot_id, case_month, sa.func.count())
        .join(Pilot, Pilot.id == CaseDiscussion.pilot_id)
        .where(in_scope, CaseDiscussion.held_on >= span.first,
               CaseDiscussion.held_on < span.end_day)
        .group_by(CaseDiscussion.pilot_id, case_month)
    )
    for pilot_id, month, number in db.session.execute(cases):
        yield "cases", pilot_id, month, number
    for measure, column in (("lessons_created", Lesson.created_at),
                            ("lessons_published", Lesson.first_published_at)):
        month = month_of(column, timestamp=True)
        stmt = (
            sa.select(Lesson.pilot_id, month, sa.func.count())
            .join(Pilot, Pilot.id == Lesson.pilot_id)
            .where(in_scope, column >= span.start_moment, column < span.end_moment)
            .group_by(Lesson.pilot_id, month)
        )
        for pilot_id, key, number in db.session.execute(stmt):
            yield measure, pilot_id, key, number


def activity(programmes: list[Programme], span: MonthSpan) -> list[ProgrammeActivity]:
    """Return, per programme, its case discussions and lessons per month, and per pilot.

    A pilot is listed when it is (or was) a selected pilot, or when it has activity in the
    period; applications and declined groups without any are left out.
    """
    result = {p.id: ProgrammeActivity(p) for p in programmes}
    if not result:
        return []
    ids = list(result)
    per_pilot: dict[int, Series] = {}
    for measure, pilot_id, month, number in _counts(span, Pilot.programme_id.in_(ids)):
        per_pilot.setdefault(pilot_id, Series()).add(measure, month, number)

    pilots = db.session.scalars(
        sa.select(Pilot).where(Pilot.programme_id.in_(ids)).order_by(Pilot.name, Pilot.id)
    )
    for pilot in pilots:
        series = per_pilot.get(pilot.id)
        if series is None and pilot.status not in PUBLIC_STATUSES:
            continue
        series = series or Series()
        summary = result[pilot.programme_id]
        summary.pilots.append(PilotActivity(pilot, series))
        for measure in MEASURES:
            for month, number in series.counts[measure].items():
                summary.series.add(measure, month, number)
    return [result[p.id] for p in programmes]


def pilot_activity(pilot: Pilot, span: MonthSpan) -> PilotActivity:
    """Return one pilot's case discussions and lessons per month (three selects)."""
    series = Series()
    for measure, _pilot_id, month, number in _counts(span, Pilot.id == pilot.id):
        series.add(measure, month, number)
    return PilotActivity(pilot, series)


# Labels and the chart ------------------------------------------------------------------


def measure_labels() -> dict[str, str]:
    """Return the name of each measure in the interface language."""
    return {
        "cases": _("Casusbesprekingen"),
        "lessons_created": _("Lessen geschreven"),
        "lessons_published": _("Lessen gepubliceerd"),
    }


def month_rows(span: MonthSpan) -> list[tuple[str, date, str, str]]:
    """Return (key, first day, short label, long label) for each month of the period."""
    return [(key, month, month_label(month), month_label(month, long=True))
            for key, month in zip(span.keys, span.months, strict=True)]


def chart(item: ProgrammeActivity | PilotActivity, span: MonthSpan):
    """Return a programme's or a pilot's activity per month as a bar chart image."""
    months = span.months
    many = len(months) > 24
    bar = charts.load_pygal().Bar(**charts.config(
        width=560,
        x_label_rotation=45 if len(months) > 6 else 0,
        show_minor_x_labels=not many,
        x_labels_major_every=3 if many else None,
        y_title=_("Aantal"),
        min_scale=1,
        max_scale=10,
    ))
    bar.x_labels = [month_label(m) for m in months]
    keys = span.keys
    for measure, label in measure_labels().items():
        bar.add(label, item.series.values(measure, keys))
    name = item.pilot.name if isinstance(item, PilotActivity) else item.programme.name
    alt = _(
        "Staafdiagram van de casusbesprekingen, geschreven lessen en gepubliceerde lessen "
        "per maand in %(programme)s, van %(first)s tot en met %(last)s. De aantallen staan "
        "in de tabel bij het diagram.",
        programme=name, first=month_label(span.first, long=True),
        last=month_label(span.last, long=True),
    )
    return charts.image(bar, alt)
