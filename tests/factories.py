"""Factories for test data: fictional people and pilots, committed so requests see them."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from functools import cache

import sqlalchemy as sa

from proeftuin import search
from proeftuin.auth.passwords import hash_password
from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.models import (
    Call,
    CallCriterion,
    CarerQuestion,
    CaseDiscussion,
    CaseStatus,
    CohortDate,
    CohortDateKind,
    Discipline,
    EvidenceBasis,
    Lesson,
    LessonKind,
    LessonLevel,
    LessonRevision,
    LessonStatus,
    MemberRole,
    Membership,
    OrganisationKind,
    Pilot,
    PilotDirection,
    PilotOrganisation,
    PilotScale,
    PilotStatus,
    PilotStatusChange,
    Programme,
    Region,
    Role,
    SolutionDirection,
    TargetGroup,
    User,
)

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@cache
def _password_hash() -> str:
    # Hashing once keeps Argon2's deliberate slowness out of every factory call.
    return hash_password(PASSWORD)


class Factories:
    """Build committed rows with sensible fictional defaults; override what a test needs."""

    def user(self, role: Role = Role.participant, name: str | None = None,
             email: str | None = None, active: bool = True) -> User:
        n = next(_counter)
        user = User(
            email=email or f"gebruiker{n}@voorbeeld.example",
            name=name or f"Testpersoon {n}",
            password_hash=_password_hash(),
            role=role,
            active=active,
        )
        db.session.add(user)
        db.session.commit()
        return user

    def admin(self, **kwargs) -> User:
        return self.user(role=Role.admin, **kwargs)

    def programme(self, name: str | None = None, facilitators=()) -> Programme:
        n = next(_counter)
        programme = Programme(
            slug=f"programma-{n}", name=name or f"Testprogramma {n}",
            description="Een verzonnen programma voor de tests.",
        )
        programme.facilitators.extend(facilitators)
        db.session.add(programme)
        db.session.commit()
        return programme

    def call(self, programme: Programme | None = None, *, title: str | None = None,
             opens_in: int = -30, closes_in: int = 30, places: int = 3,
             criteria=("Samenwerking", "Disciplines aan tafel", "Leren en delen")) -> Call:
        """A call of the programme, open from `opens_in` to `closes_in` days from today."""
        n = next(_counter)
        today = local_today()
        call = Call(programme=programme or self.programme(), title=title or f"Ronde {n}",
                    text="Een verzonnen oproep voor de tests.",
                    opens_on=today + timedelta(days=opens_in),
                    closes_on=today + timedelta(days=closes_in), places=places)
        call.criteria = [CallCriterion(position=i, title=name, description="")
                         for i, name in enumerate(criteria, start=1)]
        db.session.add(call)
        db.session.commit()
        return call

    def cohort_date(self, call: Call, kind: CohortDateKind = CohortDateKind.session, *,
                    in_days: int = 14, due_in_days: int | None = None, **fields) -> CohortDate:
        """A date of the call's cohort calendar, `in_days` from today (negative: past); a
        harvest is due `due_in_days` from today, or six weeks after its day."""
        held_on = local_today() + timedelta(days=in_days)
        due_on = None
        if kind is CohortDateKind.harvest:
            due_on = (local_today() + timedelta(days=due_in_days) if due_in_days is not None
                      else held_on + timedelta(weeks=6))
        cohort_date = CohortDate(call=call, kind=kind, held_on=held_on, due_on=due_on,
                                 title=fields.pop("title", f"Datum {next(_counter)}"),
                                 place=fields.pop("place", "Zaal De Verzonnen Linde"),
                                 description=fields.pop("description", ""),
                                 report=fields.pop("report", ""), **fields)
        db.session.add(cohort_date)
        db.session.commit()
        return cohort_date

    def facilitator(self, *programmes: Programme, **kwargs) -> User:
        user = self.user(role=Role.facilitator, **kwargs)
        for programme in programmes:
            programme.facilitators.append(user)
        db.session.commit()
        return user

    def region(self, name: str = "Utrecht") -> Region:
        return db.session.scalar(sa.select(Region).where(Region.name == name))

    def direction(self, number: int) -> SolutionDirection:
        return db.session.scalar(
            sa.select(SolutionDirection).where(SolutionDirection.number == number)
        )

    def question(self, number: int) -> CarerQuestion:
        return db.session.scalar(sa.select(CarerQuestion).where(CarerQuestion.number == number))

    def discipline(self, key: str) -> Discipline:
        return db.session.scalar(sa.select(Discipline).where(Discipline.key == key))

    def target_group(self, key: str) -> TargetGroup:
        return db.session.scalar(sa.select(TargetGroup).where(TargetGroup.key == key))

    def pilot(self, programme: Programme | None = None, status: PilotStatus = PilotStatus.active,
              name: str | None = None, region: str = "Utrecht", directions=(1, 2),
              questions=(1,), municipality: str = "Denkstad") -> Pilot:
        n = next(_counter)
        programme = programme or self.programme()
        pilot = Pilot(
            slug=f"proeftuin-{n}",
            name=name or f"Proeftuin {n}",
            municipality=municipality,
            region=self.region(region),
            programme=programme,
            scale=PilotScale.local,
            status=status,
            theme="Samenwerking rond de mantelzorger.",
            ambition="Eerder signaleren van overbelasting.",
            contact_name="Contactpersoon Verzonnen",
            contact_email=f"contact{n}@voorbeeld.example",
            contact_phone="",
        )
        db.session.add(pilot)  # before the look-ups below autoflush
        pilot.questions = [self.question(q) for q in questions]
        pilot.directions = [
            PilotDirection(direction=self.direction(d), direction_number=d) for d in directions
        ]
        pilot.disciplines = [self.discipline("gp"), self.discipline("district_nurse")]
        pilot.target_groups = [self.target_group("frail_elderly")]
        pilot.organisations = [
            PilotOrganisation(name="Zorggroep Voorbeeld", kind=OrganisationKind.care, position=0)
        ]
        pilot.status_changes = [PilotStatusChange(from_status=None, to_status=status)]
        db.session.add(pilot)
        db.session.commit()
        return pilot

    def application(self, call: Call, **kwargs) -> Pilot:
        """A group's application to the call, waiting for a decision."""
        pilot = self.pilot(programme=call.programme, status=PilotStatus.applied, **kwargs)
        pilot.call = call
        db.session.commit()
        return pilot

    def member(self, pilot: Pilot, role: MemberRole = MemberRole.member, **kwargs) -> User:
        user = self.user(**kwargs)
        db.session.add(Membership(pilot=pilot, user=user, role=role))
        db.session.commit()
        return user

    def coordinator(self, pilot: Pilot, **kwargs) -> User:
        return self.member(pilot, role=MemberRole.coordinator, **kwargs)

    def case(self, pilot: Pilot, by: User | None = None, *, status: CaseStatus = CaseStatus.final,
             held_on: date | None = None, title: str | None = None, directions=(1,),
             questions=(1,), disciplines=("gp", "district_nurse"), **texts) -> CaseDiscussion:
        """A case discussion of this pilot with fictional, anonymised text."""
        n = next(_counter)
        case = CaseDiscussion(
            pilot=pilot, held_on=held_on or date(2026, 3, 10), title=title or f"Casus {n}",
            status=status, created_by=by, updated_by=by,
            presenter_question=texts.pop("presenter_question", "Hoe betrekken we de dochter?"),
            situation=texts.pop("situation", "Mevrouw J. (84) woont alleen; de zoon zorgt."),
            **texts,
        )
        db.session.add(case)
        case.directions = [self.direction(d) for d in directions]
        case.questions = [self.question(q) for q in questions]
        case.disciplines = [self.discipline(k) for k in disciplines]
        db.session.commit()
        return case

    def lesson(self, pilot: Pilot, by: User | None = None, *,
               status: LessonStatus = LessonStatus.draft, title: str | None = None,
               directions=(1,), questions=(1,), source_cases=(), target_groups=(),
               published_at: datetime | None = None, **texts) -> Lesson:
        """A lesson of this pilot; a published one gets its first public revision, indexed."""
        n = next(_counter)
        lesson = Lesson(
            pilot=pilot, status=status, title=title or f"Les {n}", created_by=by, updated_by=by,
            summary=texts.pop("summary", "Vraag de mantelzorger wat die zelf nodig heeft."),
            body=texts.pop("body", "Een vast aanspreekpunt voorkomt dubbel werk."),
            kind=texts.pop("kind", LessonKind.success_factor),
            level=texts.pop("level", LessonLevel.professional),
            evidence=texts.pop("evidence", EvidenceBasis.several_cases),
            **texts,
        )
        db.session.add(lesson)
        lesson.directions = [self.direction(d) for d in directions]
        lesson.questions = [self.question(q) for q in questions]
        lesson.source_cases = list(source_cases)
        lesson.target_groups = [self.target_group(k) for k in target_groups]
        if status is LessonStatus.published:
            revision = LessonRevision(
                lesson=lesson, number=1, title=lesson.title, summary=lesson.summary,
                context=lesson.context, body=lesson.body, advice=lesson.advice,
                kind=lesson.kind, level=lesson.level, evidence=lesson.evidence,
                directions=list(lesson.directions), questions=list(lesson.questions),
                target_groups=list(lesson.target_groups),
                source_case_count=len(lesson.source_cases),
                **({"published_at": published_at} if published_at else {}),
            )
            db.session.add(revision)
            db.session.flush()
            lesson.public_revision = revision
            lesson.first_published_at = revision.published_at
            search.index_lesson(lesson)
        db.session.commit()
        return lesson
