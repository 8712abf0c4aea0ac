"""Fictional measures and experiments for the demo data.

Call `seed_demo_measures(now)` after the demo pilots, members and lessons exist (at the end
of `proeftuin.demo.seed_demo`). Pilots and lessons are found by name, so this module needs
nothing from the demo modules but their data in the database. The values end in the month
before `now`, so a run chart always reaches the present.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from proeftuin import audit
from proeftuin.dates import add_months, month_of
from proeftuin.extensions import db
from proeftuin.models import (
    ActDecision,
    AuditAction,
    Experiment,
    ImprovementDirection,
    Lesson,
    Measure,
    MeasureValue,
    MemberRole,
    Membership,
    Pilot,
    RecordType,
    SolutionDirection,
    utcnow,
)

GRONINGEN = "Samen Sterk Thuis Groningen"
EDE = "Palliatief Netwerk Ede"


class DemoMeasuresError(RuntimeError):
    """The demo data this module builds on is not there."""


@dataclass(frozen=True)
class DemoMeasure:
    """A measure with its values, oldest first, ending last month; None is a month missed."""

    pilot: str
    name: str
    unit: str
    goal: float | None
    direction: ImprovementDirection
    description: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class DemoExperiment:
    """A plan-do-study-act cycle; its months count back from last month."""

    pilot: str
    title: str
    started_months_ago: int
    #: None while it runs
    ended_months_ago: int | None
    plan: str
    do: str
    study: str
    decision: ActDecision | None
    act: str
    measures: tuple[str, ...]
    directions: tuple[int, ...]
    #: the titles of demo lessons of the same pilot that cite it
    cited_by: tuple[str, ...] = ()


MEASURES = (
    DemoMeasure(
        GRONINGEN, "Mantelzorgers met een steunplan", "%", 60, ImprovementDirection.higher,
        "Van de mantelzorgers in onze casussen: het deel met een afgesproken steunplan. "
        "De mantelzorgconsulent telt aan het eind van elke maand.",
        (22, 25, 24, 31, 35, None, 41, 44, 47, 52),
    ),
    DemoMeasure(
        GRONINGEN, "Dagen tot contact na een signaal", "dagen", 5, ImprovementDirection.lower,
        "Het gemiddelde aantal werkdagen tussen een signaal van overbelasting en het eerste "
        "contact van de mantelzorgconsulent.",
        (14, 12, 13, 9, 8, 7, 7, 6, 5, 4),
    ),
    DemoMeasure(
        EDE, "Palliatieve patiënten met een vast overlegmoment", "%", 80,
        ImprovementDirection.higher,
        "Het deel van de patiënten in de palliatieve fase voor wie huisarts en "
        "wijkverpleegkundige een vast overlegmoment hebben.",
        (30, 35, 33, 45, 52, 58, 61, 60, 66, 70, 72),
    ),
    DemoMeasure(
        EDE, "Spoedoproepen in het weekend", "oproepen", 2, ImprovementDirection.lower,
        "Oproepen van de huisartsenpost voor onze palliatieve patiënten, per maand.",
        (9, 8, 10, 7, 6, 6, 5, 4, 5, 3, 3),
    ),
)

EXPERIMENTS = (
    DemoExperiment(
        GRONINGEN, "Mantelzorgcheck bij elk eerste huisbezoek", 7, 4,
        "De wijkverpleegkundigen stellen bij elk eerste huisbezoek de vijf vragen van de "
        "mantelzorgcheck. **Verwachting:** binnen drie maanden heeft minstens 40% van de "
        "mantelzorgers in onze casussen een steunplan.",
        "Zes wijkverpleegkundigen gebruikten de check drie maanden lang. Na de eerste maand "
        "hebben we de vragen korter gemaakt.",
        "Het deel met een steunplan steeg van 24% naar 41%. Signalen kwamen sneller bij de "
        "mantelzorgconsulent.",
        ActDecision.adopt,
        "De check wordt vast onderdeel van het eerste huisbezoek, ook voor nieuwe collega's.",
        ("Mantelzorgers met een steunplan", "Dagen tot contact na een signaal"), (7,),
        cited_by=("Vraag bij elk huisbezoek hoe het met de mantelzorger gaat",),
    ),
    DemoExperiment(
        GRONINGEN, "Inloopuur voor mantelzorgers in de huisartsenpraktijk", 2, None,
        "Elke donderdagmiddag zit de mantelzorgconsulent een uur in de huisartsenpraktijk. "
        "**Verwachting:** meer mantelzorgers melden zich zelf, en het steunplan komt sneller.",
        "De eerste acht inlooptijden zijn gehouden; de assistentes wijzen mantelzorgers erop.",
        "", None, "",
        ("Mantelzorgers met een steunplan",), (5,),
    ),
    DemoExperiment(
        EDE, "Vast palliatief overleg op dinsdagochtend", 8, 5,
        "Huisarts en wijkverpleegkundige bespreken elke dinsdagochtend een kwartier hun "
        "palliatieve patiënten. **Verwachting:** minder spoedoproepen in het weekend.",
        "Twee van de drie praktijken hielden het overleg elke week; de derde om de week.",
        "De spoedoproepen daalden waar het overleg wekelijks was; bij de derde praktijk niet.",
        ActDecision.adapt,
        "We houden het overleg aan, maar plannen het in de derde praktijk op een dag die wel "
        "lukt, en nodigen de apotheker één keer per maand uit.",
        ("Spoedoproepen in het weekend", "Palliatieve patiënten met een vast overlegmoment"),
        (2,),
    ),
)


def _coordinators(pilots: list[Pilot]) -> dict[int, object]:
    rows = db.session.scalars(
        sa.select(Membership).where(Membership.pilot_id.in_([p.id for p in pilots]),
                                    Membership.role == MemberRole.coordinator)
    )
    return {m.pilot_id: m.user for m in rows}


def seed_demo_measures(now: datetime | None = None) -> list[Experiment]:
    """Add the demo measures, their monthly values and the experiments; the caller commits.

    Raises DemoMeasuresError when a pilot, a coordinator or a cited lesson is missing.
    """
    now = now or utcnow()
    last_month = add_months(month_of(now.date()), -1)
    names = {spec.pilot for spec in (*MEASURES, *EXPERIMENTS)}
    pilots = {p.name: p for p in db.session.scalars(sa.select(Pilot).where(Pilot.name.in_(names)))}
    if set(pilots) != names:
        raise DemoMeasuresError(f"Demo pilots missing: {sorted(names - set(pilots))}")
    coordinators = _coordinators(list(pilots.values()))
    if len(coordinators) != len(pilots):
        raise DemoMeasuresError("Every demo pilot with measures needs a coordinator.")
    directions = {d.number: d for d in db.session.scalars(sa.select(SolutionDirection))}

    def at(day: date) -> datetime:
        # Nine in the morning of that day, but never later than now.
        return min(datetime(day.year, day.month, day.day, 9, tzinfo=UTC), now)

    measures: dict[tuple[str, str], Measure] = {}
    for position, spec in enumerate(MEASURES):
        pilot, user = pilots[spec.pilot], coordinators[pilots[spec.pilot].id]
        first = add_months(last_month, -(len(spec.values) - 1))
        measure = Measure(pilot=pilot, name=spec.name, unit=spec.unit, goal=spec.goal,
                          direction=spec.direction, description=spec.description,
                          position=position, created_at=at(first), updated_at=at(first))
        db.session.add(measure)
        db.session.flush()
        audit.log(AuditAction.created, user, measure, RecordType.measure, occurred_at=at(first))
        for offset, value in enumerate(spec.values):
            if value is None:
                continue
            month = add_months(first, offset)
            # Each month's value is entered early in the next month.
            entered = at(add_months(month, 1) + timedelta(days=2))
            row = MeasureValue(measure=measure, month=month, value=value, entered_by=user,
                               created_at=entered, updated_at=entered)
            db.session.add(row)
            db.session.flush()
            audit.record(AuditAction.created, user=user, role=audit.role_in(user, pilot),
                         record_type=RecordType.measure_value, record_id=row.id, pilot=pilot,
                         occurred_at=entered)
        measures[spec.pilot, spec.name] = measure

    titles = {title for spec in EXPERIMENTS for title in spec.cited_by}
    lessons = {
        (lesson.pilot_id, lesson.title): lesson
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.title.in_(titles)))
    }
    created = []
    for spec in EXPERIMENTS:
        pilot, user = pilots[spec.pilot], coordinators[pilots[spec.pilot].id]
        started = add_months(last_month, -spec.started_months_ago) + timedelta(days=6)
        ended = (add_months(last_month, -spec.ended_months_ago) + timedelta(days=20)
                 if spec.ended_months_ago is not None else None)
        experiment = Experiment(
            pilot=pilot, title=spec.title, plan=spec.plan, do=spec.do, study=spec.study,
            act_decision=spec.decision, act=spec.act, started_on=started, ended_on=ended,
            created_by=user, updated_by=user, created_at=at(started),
            updated_at=at(ended or started),
        )
        experiment.measures = [measures[spec.pilot, name] for name in spec.measures]
        experiment.directions = [directions[n] for n in spec.directions]
        db.session.add(experiment)
        db.session.flush()
        audit.log(AuditAction.created, user, experiment, RecordType.experiment,
                  occurred_at=experiment.created_at)
        for title in spec.cited_by:
            lesson = lessons.get((pilot.id, title))
            if lesson is None:
                raise DemoMeasuresError(f"Demo lesson missing: {title!r} of {spec.pilot}")
            lesson.experiments.append(experiment)
        created.append(experiment)
    db.session.flush()
    return created
