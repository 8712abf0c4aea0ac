"""The monitor report: what a programme reports on for a chosen period.

Definitions (the page, the CSV and the spreadsheet state them too):

- applied: the pilot's application was recorded in the period (its first status change);
- selected: a facilitator selected the pilot in the period (status change to selected);
- started: the pilot became active in the period (status change to active), the figure for
  the programme monitor's indicator on the number of local pilots started;
- active in the period: started before the period ended and not completed or stopped before
  it began; active at the end: started, and not completed or stopped, by the period's last day;
- published lessons: lessons first published in the period, also when they were withdrawn
  later; counted by the kind and directions of their first publication and by the region of
  their pilot. A lesson with several directions counts once for each.

Days, months and years are those of the Netherlands and Flanders (see `proeftuin.dates`).
Every table is one grouped select: the report makes the same queries whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from proeftuin import reference_queries
from proeftuin.dashboard.activity import local_midnight, year_of
from proeftuin.extensions import db
from proeftuin.labels import lesson_kind_label
from proeftuin.models import (
    Lesson,
    LessonKind,
    LessonRevision,
    Pilot,
    PilotStatus,
    PilotStatusChange,
    Programme,
    Region,
    SolutionDirection,
)
from proeftuin.models.lesson import revision_direction

#: the longest period the report covers, in years
MAX_YEARS = 10


@dataclass(frozen=True)
class Period:
    """The days from `start` through `end`, both included."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        """Return a calendar year."""
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_year(self) -> bool:
        """Whether the period is exactly one calendar year."""
        return self == Period.year(self.start.year)

    @property
    def too_long(self) -> bool:
        """Whether the period is longer than the report covers."""
        return (self.end - self.start).days >= MAX_YEARS * 366

    @property
    def years(self) -> list[int]:
        """Return the calendar years the period touches."""
        return list(range(self.start.year, self.end.year + 1))

    @property
    def start_moment(self) -> datetime:
        """Return the first moment of the period, in UTC."""
        return local_midnight(self.start)

    @property
    def end_moment(self) -> datetime:
        """Return the first moment after the period, in UTC."""
        return local_midnight(self.end + timedelta(days=1))

    def label(self) -> str:
        """Return the period as the interface language writes it."""
        if self.is_year:
            return str(self.start.year)
        return _("%(start)s tot en met %(end)s", start=format_date(self.start, "long"),
                 end=format_date(self.end, "long"))

    def slug(self) -> str:
        """Return the period as it appears in a file name."""
        if self.is_year:
            return str(self.start.year)
        return f"{self.start.isoformat()}-tot-{self.end.isoformat()}"


@dataclass
class ProgrammeYear:
    """Pilots applied, selected and started in one programme in one year of the period."""

    programme: Programme
    year: int
    applied: int = 0
    selected: int = 0
    started: int = 0


@dataclass
class RegionActivePilots:
    """The number of active pilots in one region."""

    region: Region
    during: int = 0
    at_end: int = 0


@dataclass
class LessonCount:
    """Lessons first published in the period under one label, and how many are public now."""

    label: str
    published: int = 0
    public: int = 0


@dataclass
class MonitorReport:
    """The report's tables for one period and a set of programmes."""

    period: Period
    programmes: list[Programme]
    pilots: list[ProgrammeYear] = field(default_factory=list)
    regions: list[RegionActivePilots] = field(default_factory=list)
    by_direction: list[LessonCount] = field(default_factory=list)
    by_kind: list[LessonCount] = field(default_factory=list)
    by_region: list[LessonCount] = field(default_factory=list)

    def total(self, rows, name: str) -> int:
        """Return the sum of one column of a table."""
        return sum(getattr(row, name) for row in rows)


@dataclass
class Table:
    """One table of the report as the page, the CSV and the spreadsheet show it.

    A row starts with `label_count` labels (a programme and a year, or a name), followed by
    one number per measure. `measures` are the machine names of those numbers, for the CSV.
    """

    key: str
    title: str
    #: the worksheet's name: short, as a spreadsheet allows 31 characters
    sheet: str
    headers: list[str]
    measures: list[str]
    rows: list[list]
    label_count: int = 1
    #: the totals row, or None where a total would count a lesson more than once
    total: list | None = None
    note: str = ""


def definitions() -> list[tuple[str, str]]:
    """Return what each figure of the report counts, in the interface language."""
    return [
        (_("Aangemeld"), _("De aanmelding van de proeftuin is in de periode vastgelegd.")),
        (_("Geselecteerd"), _("Een begeleider heeft de proeftuin in de periode geselecteerd.")),
        (_("Gestart"), _("De proeftuin is in de periode actief geworden. Dit is het getal voor "
                         "de monitorindicator over het aantal opgestarte lokale proeftuinen.")),
        (_("Actief in de periode"), _("De proeftuin was op enig moment in de periode actief: "
                                      "gestart vóór het einde van de periode en niet afgerond "
                                      "of gestopt vóór het begin.")),
        (_("Actief aan het einde"), _("De proeftuin was op de laatste dag van de periode "
                                      "actief.")),
        (_("Gepubliceerd"), _("Lessen die in de periode voor het eerst zijn gepubliceerd, ook "
                              "als ze later zijn ingetrokken; geteld naar de soort en de "
                              "oplossingsrichtingen van die eerste publicatie en naar de regio "
                              "van de proeftuin. Een les met meer richtingen telt bij elke "
                              "richting mee.")),
        (_("Nu openbaar"), _("Het deel daarvan dat nu in de bibliotheek staat.")),
    ]


def tables(report: MonitorReport) -> list[Table]:
    """Return the report's tables, in the order the page and the exports show them."""
    pilots = Table(
        key="pilots",
        title=_("Proeftuinen per programma en jaar"),
        sheet=_("Proeftuinen per programma"),
        headers=[_("Programma"), _("Jaar"), _("Aangemeld"), _("Geselecteerd"), _("Gestart")],
        measures=["applied", "selected", "started"],
        rows=[[row.programme.name, row.year, row.applied, row.selected, row.started]
              for row in report.pilots],
        label_count=2,
        total=[_("Totaal"), "", *(report.total(report.pilots, name)
                                  for name in ("applied", "selected", "started"))],
    )
    active = Table(
        key="active_pilots",
        title=_("Actieve proeftuinen per regio"),
        sheet=_("Actief per regio"),
        headers=[_("Regio"), _("Actief in de periode"), _("Actief aan het einde")],
        measures=["active_during", "active_at_end"],
        rows=[[row.region.name, row.during, row.at_end] for row in report.regions],
        total=[_("Totaal"), report.total(report.regions, "during"),
               report.total(report.regions, "at_end")],
    )
    lesson_headers = [_("Gepubliceerd"), _("Nu openbaar")]
    lesson_measures = ["published", "public"]

    def lesson_table(key, title, sheet, heading, counts, total=True, note=""):
        return Table(
            key=key, title=title, sheet=sheet, headers=[heading, *lesson_headers],
            measures=lesson_measures,
            rows=[[c.label, c.published, c.public] for c in counts],
            total=[_("Totaal"), report.total(counts, "published"),
                   report.total(counts, "public")] if total else None,
            note=note,
        )

    return [
        pilots,
        active,
        lesson_table("lessons_by_direction", _("Gepubliceerde lessen per oplossingsrichting"),
                     _("Lessen per richting"),
                     _("Oplossingsrichting"), report.by_direction, total=False,
                     note=_("Een les met meer oplossingsrichtingen telt bij elke richting "
                            "mee, dus de kolommen tellen niet op tot het aantal lessen.")),
        lesson_table("lessons_by_kind", _("Gepubliceerde lessen per soort"),
                     _("Lessen per soort"), _("Soort les"),
                     report.by_kind),
        lesson_table("lessons_by_region", _("Gepubliceerde lessen per regio"),
                     _("Lessen per regio"), _("Regio"),
                     report.by_region),
    ]


def _pilot_steps(report: MonitorReport, ids: list[int]) -> None:
    period = report.period
    change = PilotStatusChange
    year = year_of(change.created_at, timestamp=True)

    def pilots_where(condition):
        return sa.func.count(sa.distinct(sa.case((condition, change.pilot_id))))

    stmt = (
        sa.select(
            Pilot.programme_id, year,
            pilots_where(change.from_status.is_(None)),
            pilots_where(change.to_status == PilotStatus.selected),
            pilots_where(change.to_status == PilotStatus.active),
        )
        .join(Pilot, Pilot.id == change.pilot_id)
        .where(Pilot.programme_id.in_(ids), change.created_at >= period.start_moment,
               change.created_at < period.end_moment)
        .group_by(Pilot.programme_id, year)
    )
    counts = {(p, int(y)): (a, s, st) for p, y, a, s, st in db.session.execute(stmt)}
    for programme in report.programmes:
        for number in period.years:
            applied, selected, started = counts.get((programme.id, number), (0, 0, 0))
            report.pilots.append(ProgrammeYear(programme, number, applied, selected, started))


def active_spans(ids: list[int]) -> sa.Subquery:
    """A subquery of (pilot_id, started, ended): when each pilot of these programmes first
    became active and first stopped being active. Only the status changes of the
    programmes' own pilots are aggregated, not those of every pilot in the database."""
    change = PilotStatusChange
    return (
        sa.select(
            change.pilot_id,
            sa.func.min(sa.case((change.to_status == PilotStatus.active, change.created_at)))
            .label("started"),
            sa.func.min(sa.case((change.from_status == PilotStatus.active, change.created_at)))
            .label("ended"),
        )
        .where(change.pilot_id.in_(sa.select(Pilot.id).where(Pilot.programme_id.in_(ids))))
        .group_by(change.pilot_id)
        .subquery()
    )


def _active_pilots(report: MonitorReport, ids: list[int], regions: list[Region]) -> None:
    period = report.period
    spans = active_spans(ids)
    started_in_time = spans.c.started < period.end_moment
    during = sa.and_(started_in_time, sa.or_(spans.c.ended.is_(None),
                                             spans.c.ended >= period.start_moment))
    at_end = sa.and_(started_in_time, sa.or_(spans.c.ended.is_(None),
                                             spans.c.ended >= period.end_moment))
    stmt = (
        sa.select(
            Pilot.region_id,
            sa.func.count(sa.case((during, 1))),
            sa.func.count(sa.case((at_end, 1))),
        )
        .join(spans, spans.c.pilot_id == Pilot.id)
        .where(Pilot.programme_id.in_(ids))
        .group_by(Pilot.region_id)
    )
    counts = {region_id: (d, e) for region_id, d, e in db.session.execute(stmt)}
    report.regions = [RegionActivePilots(r, *counts.get(r.id, (0, 0))) for r in regions]


def _lessons(report: MonitorReport, ids: list[int], regions: list[Region]) -> None:
    period = report.period
    first = aliased(LessonRevision)
    public = sa.func.count(sa.distinct(sa.case((Lesson.public_revision_id.is_not(None),
                                                Lesson.id))))
    published = sa.func.count(sa.distinct(Lesson.id))

    def counted(*columns):
        return (
            sa.select(*columns, published, public)
            .join(Pilot, Pilot.id == Lesson.pilot_id)
            .join(first, sa.and_(first.lesson_id == Lesson.id, first.number == 1))
            .where(Pilot.programme_id.in_(ids), Lesson.first_published_at >= period.start_moment,
                   Lesson.first_published_at < period.end_moment)
        )

    by_direction = {
        direction_id: (n, p) for direction_id, n, p in db.session.execute(
            counted(revision_direction.c.direction_id)
            .join(revision_direction, revision_direction.c.lesson_revision_id == first.id)
            .group_by(revision_direction.c.direction_id)
        )
    }
    directions: list[SolutionDirection] = reference_queries.solution_directions()
    report.by_direction = [
        LessonCount(f"{d.number}. {d.name}", *by_direction.get(d.id, (0, 0)))
        for d in directions
    ]

    by_kind = {
        kind: (n, p) for kind, n, p in db.session.execute(
            counted(first.kind).group_by(first.kind)
        )
    }
    report.by_kind = [
        LessonCount(lesson_kind_label(kind.value), *by_kind.get(kind, (0, 0)))
        for kind in LessonKind
    ]

    by_region = {
        region_id: (n, p) for region_id, n, p in db.session.execute(
            counted(Pilot.region_id).group_by(Pilot.region_id)
        )
    }
    report.by_region = [
        LessonCount(r.name, *by_region.get(r.id, (0, 0))) for r in regions
    ]


def monitor_report(programmes: list[Programme], period: Period) -> MonitorReport:
    """Return the monitor report of these programmes over the period."""
    report = MonitorReport(period, programmes)
    ids = [p.id for p in programmes]
    regions = reference_queries.regions()
    if not ids:
        ids = [-1]  # the tables keep their rows, all zero
    _pilot_steps(report, ids)
    _active_pilots(report, ids, regions)
    _lessons(report, ids, regions)
    return report
