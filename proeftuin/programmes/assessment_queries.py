"""Read-side selects of a call's assessment: the scores side by side, the spread of the
selection, the panel of assessors, and each assessor's own progress.

Every function makes a fixed number of statements, whatever the number of applications,
criteria or assessors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import fmean

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from proeftuin.extensions import db
from proeftuin.models import (
    ApplicationScore,
    AssessmentConflict,
    Call,
    CallAssessor,
    CallDecision,
    Pilot,
    PilotDirection,
    PilotStatus,
    Programme,
    User,
    call_application,
)
from proeftuin.models.base import MAX_ID

#: statuses of an application that was selected, whatever became of the pilot since
CHOSEN = (PilotStatus.selected, PilotStatus.active, PilotStatus.completed, PilotStatus.stopped)

#: what an assessor reads of an application: all of it but its contact details and history
APPLICATION = (
    joinedload(Pilot.programme),
    joinedload(Pilot.region),
    selectinload(Pilot.questions),
    selectinload(Pilot.directions).joinedload(PilotDirection.direction),
    selectinload(Pilot.disciplines),
    selectinload(Pilot.target_groups),
    selectinload(Pilot.organisations),
)


@dataclass(frozen=True)
class Figure:
    """Scores summed up: their mean, and the lowest and highest."""

    mean: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Figure | None:
        values = list(values)
        if not values:
            return None
        return cls(fmean(values), min(values), max(values), len(values))

    @property
    def spread(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class Panelist:
    """Someone who assesses the call: a facilitator of its programme or an external assessor."""

    user: User
    external: bool


@dataclass
class ApplicationRow:
    """One application beside the others: its scores per criterion and in all."""

    pilot: Pilot
    #: per criterion, in the call's order; None where nobody scored it yet
    criteria: list[Figure | None]
    #: all its scores; the spread is that of the assessors' own means
    overall: Figure | None
    assessors: Figure | None
    #: the panelists who still have criteria to score, and those who declared a conflict
    missing: list[User]
    conflicts: list[User]
    decision: CallDecision | None

    @property
    def waiting(self) -> bool:
        return self.pilot.status is PilotStatus.applied


@dataclass
class SpreadRow:
    label: str
    applications: int = 0
    selected: int = 0


@dataclass
class Spread:
    """How the applications and the selection spread over one dimension of the framework."""

    key: str
    rows: list[SpreadRow] = field(default_factory=list)

    @property
    def uncovered(self) -> list[str]:
        """Values some application has but no selected one."""
        return [row.label for row in self.rows if row.applications and not row.selected]


@dataclass
class Assessment:
    call: Call
    rows: list[ApplicationRow]
    panel: list[Panelist]
    invitations: list[CallAssessor]
    spreads: list[Spread]

    @property
    def selected(self) -> int:
        return sum(1 for row in self.rows if row.pilot.status in CHOSEN)

    @property
    def waiting(self) -> int:
        return sum(1 for row in self.rows if row.waiting)


def call_by_id(call_id: int) -> Call | None:
    """A call with its programme, the programme's facilitators and the criteria."""
    if not 0 < call_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(Call).where(Call.id == call_id)
        .options(joinedload(Call.programme).selectinload(Programme.facilitators),
                 selectinload(Call.criteria)))


def applications(call: Call, options=APPLICATION) -> list[Pilot]:
    """The call's applications, oldest first."""
    return list(db.session.scalars(
        sa.select(Pilot).join(call_application, call_application.c.pilot_id == Pilot.id)
        .where(call_application.c.call_id == call.id)
        .options(*options).order_by(Pilot.created_at, Pilot.id)))


def application_of(call: Call, pilot_id: int) -> Pilot | None:
    """One application of the call, as an assessor reads it."""
    if not 0 < pilot_id <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(Pilot).join(call_application, call_application.c.pilot_id == Pilot.id)
        .where(call_application.c.call_id == call.id, Pilot.id == pilot_id)
        .options(*APPLICATION))


def invitations(call: Call) -> list[CallAssessor]:
    """Every external assessor of the call, invited, active or revoked, by name."""
    return list(db.session.scalars(
        sa.select(CallAssessor).where(CallAssessor.call_id == call.id)
        .options(joinedload(CallAssessor.user))
        .order_by(CallAssessor.name, CallAssessor.id)))


def panel(call: Call, external: list[CallAssessor]) -> list[Panelist]:
    """Who assesses the call: its programme's facilitators and its active external assessors."""
    people = [Panelist(user, False) for user in call.programme.facilitators if user.active]
    people += [Panelist(a.user, True) for a in external if a.is_active and a.user is not None]
    return people


def assessment(call: Call) -> Assessment:
    """The call's applications side by side, the panel, and the selection's spread."""
    pilots = applications(call)
    ids = [pilot.id for pilot in pilots]
    criteria = [criterion.id for criterion in call.criteria]
    external = invitations(call)
    people = panel(call, external)
    scores: dict[int, list[ApplicationScore]] = defaultdict(list)
    conflicts: dict[int, set[int]] = defaultdict(set)
    decisions: dict[int, CallDecision] = {}
    users = {person.user.id: person.user for person in people}
    if ids:
        for score in db.session.scalars(sa.select(ApplicationScore).where(
                ApplicationScore.pilot_id.in_(ids),
                ApplicationScore.criterion_id.in_(criteria))):
            scores[score.pilot_id].append(score)
        for pilot_id, user_id in db.session.execute(
                sa.select(AssessmentConflict.pilot_id, AssessmentConflict.user_id)
                .where(AssessmentConflict.pilot_id.in_(ids))):
            conflicts[pilot_id].add(user_id)
        decisions = {d.pilot_id: d for d in db.session.scalars(
            sa.select(CallDecision).where(CallDecision.call_id == call.id)
            .options(joinedload(CallDecision.decided_by)))}
        # Scores and conflicts of people no longer on the panel (a revoked assessor) still
        # count; their names are needed too.
        others = ({s.user_id for rows in scores.values() for s in rows}
                  | {u for found in conflicts.values() for u in found}) - set(users)
        if others:
            users.update({u.id: u for u in db.session.scalars(
                sa.select(User).where(User.id.in_(others)))})
    rows = []
    for pilot in pilots:
        given = scores[pilot.id]
        by_criterion: dict[int, list[int]] = defaultdict(list)
        by_user: dict[int, list[int]] = defaultdict(list)
        for score in given:
            by_criterion[score.criterion_id].append(score.score)
            by_user[score.user_id].append(score.score)
        missing = [person.user for person in people
                   if person.user.id not in conflicts[pilot.id]
                   and len(by_user.get(person.user.id, ())) < len(criteria)]
        rows.append(ApplicationRow(
            pilot=pilot,
            criteria=[Figure.of(by_criterion[c]) for c in criteria],
            overall=Figure.of(score.score for score in given),
            assessors=Figure.of(fmean(values) for values in by_user.values()),
            missing=missing if pilot.status is PilotStatus.applied else [],
            conflicts=sorted((users[u] for u in conflicts[pilot.id]), key=lambda u: u.name),
            decision=decisions.get(pilot.id),
        ))
    return Assessment(call=call, rows=rows, panel=people, invitations=external,
                      spreads=_spreads(pilots))


def _spreads(pilots: list[Pilot]) -> list[Spread]:
    """Per region, carer question, solution direction and essential discipline: how many
    applications and how many of the selected have it."""
    tables: dict[str, dict[str, SpreadRow]] = {key: {} for key in
                                               ("regions", "questions", "directions",
                                                "disciplines")}
    order: dict[str, dict[str, tuple]] = {key: {} for key in tables}

    def count(key: str, label: str, sort: tuple, chosen: bool) -> None:
        row = tables[key].setdefault(label, SpreadRow(label))
        order[key][label] = sort
        row.applications += 1
        row.selected += chosen

    for pilot in pilots:
        chosen = pilot.status in CHOSEN
        count("regions", pilot.region.name, (pilot.region.name,), chosen)
        for question in pilot.questions:
            count("questions", f"{question.number}. {question.name}", (question.number,), chosen)
        for direction in pilot.directions:
            count("directions", f"{direction.direction_number}. {direction.direction.name}",
                  (direction.direction_number,), chosen)
        for discipline in pilot.disciplines:
            if discipline.essential:
                count("disciplines", discipline.name, (discipline.position,), chosen)
    return [Spread(key, sorted(rows.values(), key=lambda r, k=key: order[k][r.label]))
            for key, rows in tables.items()]


@dataclass
class MyCall:
    """A call the user assesses, with how far they are."""

    call: Call
    applications: int
    scored: int


def assessed_by(user: User) -> list[Call]:
    """The undecided calls the user assesses: as an external assessor, or as a facilitator
    of the call's programme (calls that have applications)."""
    external = sa.select(CallAssessor.call_id).where(
        CallAssessor.user_id == user.id, CallAssessor.accepted_at.is_not(None),
        CallAssessor.revoked_at.is_(None))
    programmes = [programme.id for programme in getattr(user, "programmes", [])]
    with_applications = sa.select(call_application.c.call_id)
    return list(db.session.scalars(
        sa.select(Call).where(
            Call.decided_at.is_(None),
            sa.or_(Call.id.in_(external),
                   sa.and_(Call.programme_id.in_(programmes), Call.id.in_(with_applications))))
        .options(joinedload(Call.programme), selectinload(Call.criteria))
        .order_by(Call.closes_on, Call.id)))


@dataclass
class MyApplication:
    pilot: Pilot
    #: how many criteria the user scored
    scored: int
    conflict: bool


def my_progress(call: Call, user: User, pilots: list[Pilot]) -> list[MyApplication]:
    """Per application, how many criteria the user scored and whether they declared a conflict."""
    ids = [pilot.id for pilot in pilots]
    scored: dict[int, int] = {}
    conflicts: set[int] = set()
    if ids:
        scored = dict(db.session.execute(
            sa.select(ApplicationScore.pilot_id, sa.func.count())
            .where(ApplicationScore.user_id == user.id, ApplicationScore.pilot_id.in_(ids),
                   ApplicationScore.criterion_id.in_([c.id for c in call.criteria]))
            .group_by(ApplicationScore.pilot_id)).all())
        conflicts = set(db.session.scalars(
            sa.select(AssessmentConflict.pilot_id).where(
                AssessmentConflict.user_id == user.id, AssessmentConflict.pilot_id.in_(ids))))
    return [MyApplication(p, scored.get(p.id, 0), p.id in conflicts) for p in pilots]


def my_scores(pilot: Pilot, user: User) -> dict[int, ApplicationScore]:
    """The user's scores of one application, per criterion id."""
    return {s.criterion_id: s for s in db.session.scalars(
        sa.select(ApplicationScore).where(ApplicationScore.pilot_id == pilot.id,
                                          ApplicationScore.user_id == user.id))}


def former_assessor(call: Call, user: User) -> bool:
    """Whether the user assessed this call before it was decided (to tell them it is over)."""
    return bool(db.session.scalar(sa.select(sa.exists().where(
        CallAssessor.call_id == call.id, CallAssessor.user_id == user.id))))
