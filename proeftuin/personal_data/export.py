"""A person's own data: everything they wrote, as one download; and how a deleted account looks.

The download holds what the person wrote and what the site keeps about their account, never
a secret (password hash, two-factor secret, recovery codes, session tokens) and nothing
someone else wrote. Handing out case discussions and lessons is recorded in their audit
trails as an export.

A deleted account is not removed, because the audit trail must keep pointing at it: its
name and address are replaced by markers (see `admin.services.delete_account`), and the
interface shows "Verwijderd account" in its own language wherever the name would be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from proeftuin.audit import role_in
from proeftuin.extensions import db
from proeftuin.models import (
    AuditAction,
    AuditEvent,
    CaseDiscussion,
    Experiment,
    Lesson,
    LessonReview,
    Membership,
    Pilot,
    PrivacyConfirmation,
    Programme,
    RecordType,
    User,
    programme_facilitator,
    utcnow,
)
from proeftuin.models.case import CASE_TEXT_FIELDS
from proeftuin.models.lesson import LESSON_TEXT_FIELDS
from proeftuin.permissions import can_read_cases, can_read_experiments, can_read_lessons

#: the version of the download's layout, for whoever reads it by program
FORMAT_VERSION = 1


# Collecting --------------------------------------------------------------------------------


@dataclass
class PersonalData:
    """Everything the download holds, loaded in a fixed number of queries."""

    user: User
    memberships: list[Membership]
    programmes: list[Programme]
    cases: list[CaseDiscussion]
    lessons: list[Lesson]
    reviews: list[LessonReview]
    confirmations: list[PrivacyConfirmation]
    #: the plan-do-study-act experiments the user logged
    experiments: list[Experiment] = field(default_factory=list)


def _own(user: User, owner, order, *options) -> list:
    """Return the rows whose `owner` column is the user, by `order` and then id."""
    model = owner.class_
    return list(db.session.scalars(
        sa.select(model).where(owner == user.id).options(*options).order_by(order, model.id)
    ))


def _own_in_pilots(user: User, owner, order, may_read, *options) -> list:
    """Return the user's rows in pilots whose records of this kind they may still read."""
    model = owner.class_
    rows = _own(user, owner, order, joinedload(model.pilot).joinedload(Pilot.programme), *options)
    # Only what the user may still read: once they have left a pilot, its case discussions
    # (which others may have added to since) are no longer theirs to take away.
    return [row for row in rows if may_read(user, row.pilot)]


def collect(user: User) -> PersonalData:
    """Load what the user wrote and what their account holds."""
    programmes = db.session.scalars(
        sa.select(Programme)
        .join(programme_facilitator, programme_facilitator.c.programme_id == Programme.id)
        .where(programme_facilitator.c.user_id == user.id).order_by(Programme.name)
    ).all()
    return PersonalData(
        user,
        memberships=_own(user, Membership.user_id, Membership.created_at,
                         joinedload(Membership.pilot)),
        programmes=list(programmes),
        cases=_own_in_pilots(
            user, CaseDiscussion.created_by_id, CaseDiscussion.held_on, can_read_cases,
            selectinload(CaseDiscussion.disciplines),
            selectinload(CaseDiscussion.questions),
            selectinload(CaseDiscussion.directions),
            selectinload(CaseDiscussion.follow_ups),
        ),
        lessons=_own_in_pilots(
            user, Lesson.created_by_id, Lesson.created_at, can_read_lessons,
            selectinload(Lesson.questions),
            selectinload(Lesson.directions),
            selectinload(Lesson.target_groups),
            selectinload(Lesson.source_cases),
        ),
        reviews=_own(user, LessonReview.reviewer_id, LessonReview.created_at),
        confirmations=_own(user, PrivacyConfirmation.confirmed_by_id,
                           PrivacyConfirmation.confirmed_at),
        experiments=_own_in_pilots(
            user, Experiment.created_by_id, Experiment.started_on, can_read_experiments,
            selectinload(Experiment.measures),
            selectinload(Experiment.directions),
        ),
    )


def log_export(data: PersonalData) -> None:
    """Record in the audit trail that these case discussions, lessons and experiments were
    exported."""
    user = data.user
    now = utcnow()
    rows = [
        {"action": AuditAction.exported, "user_id": user.id, "role": role_in(user, record.pilot),
         "record_type": record_type, "record_id": record.id, "pilot_id": record.pilot_id,
         "occurred_at": now}
        for record_type, records in ((RecordType.case, data.cases), (RecordType.lesson, data.lessons),
                                     (RecordType.experiment, data.experiments))
        for record in records
    ]
    if rows:
        # One statement for all of them, however many there are.
        db.session.execute(sa.insert(AuditEvent), rows)


# The document ------------------------------------------------------------------------------


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pilot(pilot) -> dict:
    return {"slug": pilot.slug, "name": pilot.name}


def _numbered(items) -> list[dict]:
    return [{"number": item.number, "name": item.name} for item in items]


def _keyed(items) -> list[dict]:
    return [{"key": item.key, "name": item.name} for item in items]


def _case(case: CaseDiscussion) -> dict:
    return {
        "id": case.id,
        "pilot": _pilot(case.pilot),
        "held_on": _when(case.held_on),
        "title": case.title,
        "status": case.status.value,
        **{field: getattr(case, field) for field in CASE_TEXT_FIELDS},
        "disciplines": _keyed(case.disciplines),
        "carer_questions": _numbered(case.questions),
        "solution_directions": _numbered(case.directions),
        "follow_ups": [
            {"action": f.action, "owner": f.owner, "due_on": _when(f.due_on), "done": f.done}
            for f in case.follow_ups
        ],
        "created_at": _when(case.created_at),
        "updated_at": _when(case.updated_at),
    }


def _lesson(lesson: Lesson) -> dict:
    return {
        "id": lesson.id,
        "pilot": _pilot(lesson.pilot),
        "title": lesson.title,
        "status": lesson.status.value,
        **{field: getattr(lesson, field) for field in LESSON_TEXT_FIELDS},
        "kind": lesson.kind.value,
        "level": lesson.level.value,
        "evidence": lesson.evidence.value,
        "carer_questions": _numbered(lesson.questions),
        "solution_directions": _numbered(lesson.directions),
        "target_groups": _keyed(lesson.target_groups),
        # Only the numbers: the source cases may have been written by others.
        "source_case_ids": [case.id for case in lesson.source_cases],
        "created_at": _when(lesson.created_at),
        "updated_at": _when(lesson.updated_at),
        "submitted_at": _when(lesson.submitted_at),
        "first_published_at": _when(lesson.first_published_at),
    }


def _experiment(experiment: Experiment) -> dict:
    return {
        "id": experiment.id,
        "pilot": _pilot(experiment.pilot),
        "title": experiment.title,
        "started_on": _when(experiment.started_on),
        "ended_on": _when(experiment.ended_on),
        "plan": experiment.plan,
        "do": experiment.do,
        "study": experiment.study,
        "act_decision": experiment.act_decision.value if experiment.act_decision else None,
        "act": experiment.act,
        "measures": [measure.name for measure in experiment.measures],
        "solution_directions": _numbered(experiment.directions),
        "created_at": _when(experiment.created_at),
        "updated_at": _when(experiment.updated_at),
    }


def document(data: PersonalData) -> dict:
    """Return the download as plain data, ready for JSON."""
    user = data.user
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": _when(utcnow()),
        "account": {
            "name": user.name,
            "email": user.email,
            "role": user.role.value,
            "active": user.active,
            "created_at": _when(user.created_at),
            "last_login_at": _when(user.last_login_at),
            "two_factor_enabled": user.two_factor_enabled,
        },
        "memberships": [
            {"pilot": _pilot(m.pilot), "role": m.role.value, "since": _when(m.created_at)}
            for m in data.memberships
        ],
        "facilitated_programmes": [{"slug": p.slug, "name": p.name} for p in data.programmes],
        "case_discussions": [_case(case) for case in data.cases],
        "lessons": [_lesson(lesson) for lesson in data.lessons],
        "experiments": [_experiment(experiment) for experiment in data.experiments],
        "lesson_reviews": [
            # Only the lesson's number: the lesson itself is someone else's writing.
            {"lesson_id": r.lesson_id, "decision": r.decision.value, "feedback": r.feedback,
             "created_at": _when(r.created_at)}
            for r in data.reviews
        ],
        "privacy_confirmations": [
            {"record_type": c.record_type, "record_id": c.record_id, "kind": c.kind,
             "confirmed_at": _when(c.confirmed_at)}
            for c in data.confirmations
        ],
    }


def filename(on: date) -> str:
    """Return the download's file name."""
    return f"proeftuin-mijn-gegevens-{on.isoformat()}.json"
