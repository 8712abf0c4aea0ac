"""Fictional reports of reuse for the demo data: pilots elsewhere that applied a demo lesson.

Call `seed_demo_reuse(now)` after the demo pilots, members and lessons exist (at the end of
`proeftuin.demo.seed_demo`). Pilots and lessons are found by name, so this module needs
nothing from the demo modules but their data in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from proeftuin import audit
from proeftuin.dates import TIMEZONE, local_date
from proeftuin.extensions import db
from proeftuin.models import (
    AuditAction,
    Lesson,
    LessonReuse,
    LessonRevision,
    MemberRole,
    Membership,
    Pilot,
    RecordType,
    ReuseVerdict,
    utcnow,
)
from proeftuin.permissions import can_report_reuse
from proeftuin.reuse import follow_ups


class DemoReuseError(RuntimeError):
    """The demo data this module builds on is not there."""


@dataclass(frozen=True)
class DemoReuse:
    """One pilot's report that it reused another pilot's published demo lesson."""

    #: the title of the lesson as published
    lesson: str
    #: the name of the reusing pilot; its coordinator reports
    pilot: str
    days_ago: int
    how: str
    outcome: str
    #: the follow-up questions answered: (months, verdict, text)
    answers: tuple[tuple[int, ReuseVerdict, str], ...] = ()


REUSES = (
    DemoReuse(
        "Vraag bij elk huisbezoek hoe het met de mantelzorger gaat",
        "Dementie en Mantelzorg Venlo", 6,
        "Onze proeftuin start pas over een paar weken, maar de casemanagers dementie hebben "
        "de vragen uit Groningen al een proefweek gebruikt. We hebben de vijf vragen "
        "ingekort tot drie, omdat mantelzorgers van mensen met dementie aan de deur vaak "
        "weinig tijd hebben.\n\n- Signalen gaan naar de mantelzorgconsulent.\n"
        "- Die belt binnen een week terug.",
        "In die ene week kwamen **drie** signalen binnen, waarvan één over een mantelzorger "
        "die we nog niet kenden. Het terugbellen binnen een week willen we vastleggen in een "
        "rooster voordat we echt beginnen.",
    ),
    DemoReuse(
        "Vraag bij elk huisbezoek hoe het met de mantelzorger gaat",
        "Digitaal Samen Zorgen Dordrecht", 140,
        "We hebben de vragen als vaste rubriek in de gedeelde zorgapp gezet, zodat ook "
        "familieleden die niet bij het huisbezoek zijn ze kunnen invullen.",
        "Familie vulde de rubriek vaker in dan we dachten. Huisbezoeken gaan nu minder over "
        "praktische zaken en meer over hoe het echt gaat. Wie geen app gebruikt, krijgt de "
        "vragen nog gewoon aan huis.",
        answers=(
            (3, ReuseVerdict.adapted,
             "We stellen de vragen nu om de week in plaats van bij elk bezoek: vaker werd het "
             "een afvinklijst."),
        ),
    ),
    DemoReuse(
        "Betrek de apotheker vanaf de start van de palliatieve fase",
        "Palliatief Netwerk Ede", 130,
        "De apotheker schuift sinds een half jaar aan bij het eerste palliatief overleg. We "
        "leggen het avondnummer van de dienstapotheek vast in het zorgdossier en op de "
        "koelkastkaart voor de familie.",
        "Geen enkele familie stond dit kwartaal in het weekend zonder medicatie. De apotheker "
        "zegt zelf dat het overleg haar tijd bespaart, omdat ze minder spoedleveringen heeft.",
    ),
)


def _public_lessons_by_title(titles: set[str]) -> dict[str, Lesson]:
    rows = db.session.execute(
        sa.select(LessonRevision.title, Lesson)
        .join(Lesson, Lesson.public_revision_id == LessonRevision.id)
        .where(LessonRevision.title.in_(titles))
    )
    return {title: lesson for title, lesson in rows}


def _coordinator_of(pilot: Pilot):
    return db.session.scalar(
        sa.select(Membership).where(Membership.pilot_id == pilot.id,
                                    Membership.role == MemberRole.coordinator)
    )


def seed_demo_reuse(now: datetime | None = None) -> list[LessonReuse]:
    """Add the demo reports of reuse, each reported by the reusing pilot's coordinator.

    The caller commits. Raises DemoReuseError when a lesson or pilot is missing, or when a
    report would be one that the site itself refuses.
    """
    now = now or utcnow()
    lessons = _public_lessons_by_title({spec.lesson for spec in REUSES})
    pilots = {
        pilot.name: pilot
        for pilot in db.session.scalars(
            sa.select(Pilot).where(Pilot.name.in_({spec.pilot for spec in REUSES}))
        )
    }
    created = []
    for spec in REUSES:
        lesson, pilot = lessons.get(spec.lesson), pilots.get(spec.pilot)
        if lesson is None or pilot is None:
            raise DemoReuseError(f"Demo lesson or pilot missing: {spec.lesson!r} / {spec.pilot!r}")
        membership = _coordinator_of(pilot)
        if membership is None or not can_report_reuse(membership.user, lesson, pilot):
            raise DemoReuseError(f"{spec.pilot} may not report reusing {spec.lesson!r}")
        at = now - timedelta(days=spec.days_ago)
        reuse = LessonReuse(lesson=lesson, pilot=pilot, reported_by=membership.user,
                            how=spec.how, outcome=spec.outcome, created_at=at)
        follow_ups.plan(reuse)
        db.session.add(reuse)
        db.session.flush()
        audit.log(AuditAction.created, membership.user, reuse, RecordType.reuse, occurred_at=at)
        _follow_up(reuse, spec, membership.user, now)
        created.append(reuse)
    return created


def _follow_up(reuse: LessonReuse, spec: DemoReuse, user, now: datetime) -> None:
    """The questions whose day has passed were asked on it; some were answered a week on,
    the others wait (and, a month late, are overdue on the facilitators' table)."""
    answers = {months: (verdict, text) for months, verdict, text in spec.answers}
    today = local_date(now)
    for question in reuse.follow_ups:
        if question.due_on > today:
            continue
        asked = datetime.combine(question.due_on, time(follow_ups.ASK_HOUR),
                                 ZoneInfo(TIMEZONE)).astimezone(UTC)
        question.asked_at = asked
        if question.months in answers:
            question.verdict, question.text = answers[question.months]
            question.answered_at = min(now, asked + timedelta(days=7))
            question.answered_by = user
            reuse.verdict = question.verdict
    db.session.flush()
