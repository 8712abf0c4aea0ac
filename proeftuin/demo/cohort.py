"""The calendar of the demo's decided round of "In voor mantelzorg – thuis": a kick-off,
learning sessions with their attendance and reports, harvest moments (met, overdue and one
still to come) and the close. Fictional, like all demo data.

The days are counted from the day the demo is loaded, as the demo's lessons are, so that
the pilots' submitted lessons meet the harvests they should.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from proeftuin.dates import TIMEZONE
from proeftuin.extensions import db
from proeftuin.models import Call, CohortDate, CohortDateKind, Pilot

#: the round whose cohort has a calendar
ROUND = "Ronde 2025"


@dataclass(frozen=True)
class DemoDate:
    kind: CohortDateKind
    title: str
    days: int  # from today; negative: past
    times: tuple[time, time] | None = None
    place: str = ""
    description: str = ""
    report: str = ""
    #: for a harvest, the due day in days from today
    due_days: int | None = None
    #: for a learning session, the pilots (by name) that attended or are expected
    attendance: tuple[str, ...] = ()


_GRONINGEN = "Samen Sterk Thuis Groningen"
_DORDRECHT = "Digitaal Samen Zorgen Dordrecht"
_TILBURG = "Respijt op Maat Tilburg"

DATES = (
    DemoDate(CohortDateKind.kickoff, "Aftrap van de ronde", -200, (time(10), time(15)),
             "Vergadercentrum De Verzonnen Brug, Utrecht",
             "Kennismaken met elkaar en met het kader; elke proeftuin vertelt in vijf "
             "minuten wat hij wil bereiken."),
    DemoDate(CohortDateKind.session, "Mantelzorgers vanaf het begin aan tafel", -150,
             (time(13, 30), time(16, 30)), "Buurthuis De Bedachte Linde, Amersfoort",
             "Hoe krijgt u mantelzorgers aan tafel bij het casusoverleg? Neem een voorbeeld "
             "mee uit uw eigen proeftuin.",
             report="Drie proeftuinen deelden hoe zij mantelzorgers uitnodigen. Afgesproken: "
                    "elke proeftuin probeert één nieuwe vorm uit en vertelt erover in de "
                    "volgende leersessie.",
             attendance=(_GRONINGEN, _DORDRECHT, _TILBURG)),
    DemoDate(CohortDateKind.harvest, "Eerste oogst", -160, due_days=-118,
             description="Zet de casusbesprekingen van het eerste halfjaar om in lessen."),
    DemoDate(CohortDateKind.harvest, "Tweede oogst", -90, due_days=-48,
             description="Wat werkte er bij het inzetten van respijtzorg?"),
    DemoDate(CohortDateKind.session, "Samen beslissen met de mantelzorger", -60,
             (time(13, 30), time(16, 30)), "Online",
             "Een leersessie over gedeelde besluitvorming met mantelzorgers.",
             report="De proeftuinen oefenden met het gesprek over wat de mantelzorger zelf "
                    "wil. Dordrecht deelt zijn gespreksleidraad via de bibliotheek.",
             attendance=(_GRONINGEN, _DORDRECHT)),
    DemoDate(CohortDateKind.harvest, "Derde oogst", -45, due_days=-20,
             description="Lessen over samenwerking met de gemeente."),
    DemoDate(CohortDateKind.session, "Werkende mantelzorgers bereiken", 12,
             (time(14), time(17)), "Wijkcentrum Het Verzonnen Plein, Utrecht",
             "Hoe bereikt u mantelzorgers die ook werken? Neem een vraag mee uit uw praktijk.",
             attendance=(_GRONINGEN, _DORDRECHT)),
    DemoDate(CohortDateKind.harvest, "Vierde oogst", 20, due_days=62,
             description="Zet de casusbesprekingen van het najaar om in lessen."),
    DemoDate(CohortDateKind.close, "Slotbijeenkomst", 150, (time(10), time(16)),
             "Vergadercentrum De Verzonnen Brug, Utrecht",
             "De proeftuinen presenteren wat zij geleerd hebben aan elkaar en aan andere "
             "gemeenten."),
)


def seed_demo_cohort(calls: list[Call], now: datetime) -> None:
    """Put the dates on the calendar of the decided IVM round; harvests whose day has passed
    were reminded of on their day."""
    zone = ZoneInfo(TIMEZONE)
    today = now.astimezone(zone).date()
    call = next(c for c in calls if c.title == ROUND)
    pilots: dict[str, Pilot] = {p.name: p for p in call.applications}
    for spec in DATES:
        held_on = today + timedelta(days=spec.days)
        cohort_date = CohortDate(
            call=call, kind=spec.kind, held_on=held_on,
            start_time=spec.times[0] if spec.times else None,
            end_time=spec.times[1] if spec.times else None,
            title=spec.title, place=spec.place, description=spec.description,
            report=spec.report if spec.days < 0 else "",
            due_on=today + timedelta(days=spec.due_days) if spec.due_days is not None else None,
            pilots=[pilots[name] for name in spec.attendance],
            created_at=min(now, _moment(today - timedelta(days=210), zone)))
        if spec.kind is CohortDateKind.harvest and held_on <= today:
            cohort_date.reminded_at = _moment(held_on, zone, hour=8)
        db.session.add(cohort_date)
    db.session.flush()


def _moment(day: date, zone: ZoneInfo, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), zone).astimezone(UTC)
