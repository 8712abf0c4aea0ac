"""State changes of lessons: each checks, changes, flushes and writes the audit trail.

The lifecycle's steps are a table in `lifecycle.py`; each function here takes one of them and
refuses a step the lesson's status does not allow with a LessonError, before it changes
anything, so a refused step leaves nothing half done. Routes commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from proeftuin import audit, search
from proeftuin.extensions import db
from proeftuin.lessons import lifecycle
from proeftuin.lessons.lifecycle import LessonError
from proeftuin.messaging.compose import site_path
from proeftuin.models import (
    AuditAction,
    CarerQuestion,
    CaseDiscussion,
    EvidenceBasis,
    Experiment,
    Lesson,
    LessonKind,
    LessonLevel,
    LessonReview,
    LessonRevision,
    LessonStatus,
    Pilot,
    RecordType,
    ReviewDecision,
    SolutionDirection,
    TargetGroup,
    User,
    utcnow,
)
from proeftuin.notifications import notify
from proeftuin.personal_data import guard
from proeftuin.personal_data.guard import Review

__all__ = ["LessonError"]  # raised here, defined with the lifecycle


@dataclass
class LessonContent:
    """What the writers of a lesson fill in."""

    title: str
    kind: str
    level: str
    evidence: str
    summary: str = ""
    context: str = ""
    body: str = ""
    advice: str = ""
    question_numbers: list[int] = field(default_factory=list)
    direction_numbers: list[int] = field(default_factory=list)
    target_group_ids: list[int] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)
    #: the pilot's experiments (plan-do-study-act cycles) the lesson cites
    experiment_ids: list[int] = field(default_factory=list)


def _log(action: AuditAction, user: User, lesson: Lesson) -> None:
    audit.log(action, user, lesson, RecordType.lesson)


def _enum(enum_type, value, message: str, field_name: str):
    try:
        return enum_type(getattr(value, "value", value))
    except ValueError:
        raise LessonError(message, field_name) from None


def _rows(model, column, values) -> list:
    wanted = set(values or ())
    if not wanted:
        return []
    return list(db.session.scalars(sa.select(model).where(column.in_(wanted)).order_by(column)))


def _resolved(pilot: Pilot, content: LessonContent) -> dict:
    """Check everything the content names before anything changes; return what to set."""
    title = (content.title or "").strip()
    if not title:
        raise LessonError(_("Geef de les een titel."), "title")
    values = {
        "title": title,
        "summary": content.summary or "",
        "context": content.context or "",
        "body": content.body or "",
        "advice": content.advice or "",
        "kind": _enum(LessonKind, content.kind, _("Kies de soort les."), "kind"),
        "level": _enum(LessonLevel, content.level, _("Kies het niveau van de les."), "level"),
        "evidence": _enum(EvidenceBasis, content.evidence,
                          _("Kies waarop de les steunt."), "evidence"),
        "questions": _rows(CarerQuestion, CarerQuestion.number, content.question_numbers),
        "directions": _rows(SolutionDirection, SolutionDirection.number,
                            content.direction_numbers),
        "target_groups": _rows(TargetGroup, TargetGroup.id, content.target_group_ids),
    }
    case_ids = set(content.case_ids or ())
    cases = list(db.session.scalars(
        sa.select(CaseDiscussion).where(CaseDiscussion.id.in_(case_ids),
                                        CaseDiscussion.pilot_id == pilot.id)
    )) if case_ids else []
    if len(cases) != len(case_ids):
        # Only the pilot's own case discussions can be a source: never another pilot's.
        raise LessonError(_("Kies alleen casusbesprekingen van deze proeftuin."), "source_cases")
    values["source_cases"] = cases
    experiment_ids = set(content.experiment_ids or ())
    experiments = list(db.session.scalars(
        sa.select(Experiment).where(Experiment.id.in_(experiment_ids),
                                    Experiment.pilot_id == pilot.id)
    )) if experiment_ids else []
    if len(experiments) != len(experiment_ids):
        # A lesson cites only its own pilot's experiments, never another pilot's.
        raise LessonError(_("Kies alleen experimenten van deze proeftuin."), "experiments")
    values["experiments"] = experiments
    for name, ids in (("questions", content.question_numbers),
                      ("directions", content.direction_numbers),
                      ("target_groups", content.target_group_ids)):
        if len(values[name]) != len(set(ids or ())):
            raise LessonError(_("Kies alleen uit de keuzes in de lijst."), name)
    return values


def _snapshot(lesson: Lesson) -> tuple:
    return (
        lesson.title, lesson.summary, lesson.context, lesson.body, lesson.advice, lesson.kind,
        lesson.level, lesson.evidence,
        tuple(sorted(q.id for q in lesson.questions)),
        tuple(sorted(d.id for d in lesson.directions)),
        tuple(sorted(t.id for t in lesson.target_groups)),
        tuple(sorted(c.id for c in lesson.source_cases)),
        tuple(sorted(e.id for e in lesson.experiments)),
    )


def _assign(lesson: Lesson, values: dict) -> None:
    for name, value in values.items():
        setattr(lesson, name, value)


def create_lesson(pilot: Pilot, content: LessonContent, by: User,
                  review: Review | None = None) -> Lesson:
    """Start a lesson of this pilot as a draft, with what `review` saw confirmed."""
    values = _resolved(pilot, content)
    lesson = Lesson(pilot=pilot, status=LessonStatus.draft, created_by=by, updated_by=by)
    _assign(lesson, values)
    db.session.add(lesson)
    db.session.flush()
    guard.record_confirmations(review, lesson.id, by)
    _log(AuditAction.created, by, lesson)
    return lesson


def update_lesson(lesson: Lesson, content: LessonContent, by: User,
                  review: Review | None = None) -> bool:
    """Save an edit of the working copy; return whether anything changed.

    A lesson that waits for review is not changed. An edit to a published, returned or
    withdrawn lesson makes it a draft again; the public keeps seeing its last published
    revision until a facilitator publishes the new one.
    """
    lifecycle.check(lesson, lifecycle.EDIT)
    values = _resolved(lesson.pilot, content)
    before = _snapshot(lesson)
    _assign(lesson, values)
    # What the writer confirmed counts even when the text is as it was.
    guard.record_confirmations(review, lesson.id, by)
    if _snapshot(lesson) == before:
        return False
    lesson.updated_by = by
    lesson.updated_at = utcnow()
    lifecycle.move_on_edit(lesson)
    db.session.flush()
    _log(AuditAction.changed, by, lesson)
    return True


def submit_lesson(lesson: Lesson, by: User) -> None:
    """Offer a draft or returned lesson to the programme's facilitators for review."""
    lifecycle.check(lesson, lifecycle.SUBMIT)
    if not lesson.summary.strip() or not lesson.body.strip():
        raise LessonError(
            _("Vul eerst de samenvatting en de les zelf in; daarna kunt u de les indienen.")
        )
    lifecycle.take(lesson, lifecycle.SUBMIT)
    lesson.submitted_at = utcnow()
    db.session.flush()
    _log(AuditAction.submitted, by, lesson)
    notify(lesson.pilot.programme.facilitators, "lesson_submitted",
           site_path("lessons.review", lesson_id=lesson.id), by=by,
           lesson=lesson.title, pilot=lesson.pilot.name)


def _next_number(lesson: Lesson) -> int:
    highest = db.session.scalar(
        sa.select(sa.func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson.id)
    )
    return (highest or 0) + 1


def publish_lesson(lesson: Lesson, by: User, feedback: str = "") -> LessonRevision:
    """Approve a submitted lesson: its working copy becomes the next public revision."""
    lifecycle.take(lesson, lifecycle.PUBLISH)
    now = utcnow()
    revision = LessonRevision(
        lesson=lesson, number=_next_number(lesson), published_at=now, published_by=by,
        title=lesson.title, summary=lesson.summary, context=lesson.context, body=lesson.body,
        advice=lesson.advice, kind=lesson.kind, level=lesson.level, evidence=lesson.evidence,
        questions=list(lesson.questions), directions=list(lesson.directions),
        target_groups=list(lesson.target_groups), source_case_count=len(lesson.source_cases),
    )
    db.session.add(revision)
    db.session.flush()
    lesson.public_revision = revision
    search.index_lesson(lesson)
    if lesson.first_published_at is None:
        lesson.first_published_at = now
    db.session.add(LessonReview(lesson=lesson, decision=ReviewDecision.published,
                                feedback=(feedback or "").strip(), reviewer=by, created_at=now))
    db.session.flush()
    _log(AuditAction.published, by, lesson)
    _tell_writers(lesson, "lesson_published", by)
    return revision


def return_lesson(lesson: Lesson, by: User, feedback: str) -> LessonReview:
    """Send a submitted lesson back to its writers with the feedback they need."""
    lifecycle.check(lesson, lifecycle.RETURN)
    feedback = (feedback or "").strip()
    if not feedback:
        raise LessonError(
            _("Schrijf feedback voor de schrijvers: wat moet er anders voordat de les gepubliceerd kan worden?"),
            "feedback",
        )
    lifecycle.take(lesson, lifecycle.RETURN)
    review = LessonReview(lesson=lesson, decision=ReviewDecision.returned, feedback=feedback,
                          reviewer=by, created_at=utcnow())
    db.session.add(review)
    db.session.flush()
    _log(AuditAction.returned, by, lesson)
    _tell_writers(lesson, "lesson_returned", by)
    return review


def withdraw_lesson(lesson: Lesson, by: User, reason: str) -> LessonReview:
    """Take a public lesson out of the library, with the reason its writers read."""
    lifecycle.check(lesson, lifecycle.WITHDRAW)
    reason = (reason or "").strip()
    if not reason:
        raise LessonError(_("Geef een reden op: bij intrekken is die verplicht."), "reason")
    review = LessonReview(lesson=lesson, decision=ReviewDecision.withdrawn, feedback=reason,
                          reviewer=by, created_at=utcnow())
    db.session.add(review)
    lifecycle.take(lesson, lifecycle.WITHDRAW)
    lesson.public_revision = None
    db.session.flush()
    search.remove_lesson(lesson.id)
    _log(AuditAction.withdrawn, by, lesson)
    _tell_writers(lesson, "lesson_withdrawn", by)
    return review


def _tell_writers(lesson: Lesson, kind: str, by: User) -> None:
    """Notify the lesson's writer, on the lesson's page in the workspace."""
    notify([lesson.created_by], kind,
           site_path("lessons.show", slug=lesson.pilot.slug, lesson_id=lesson.id), by=by,
           lesson=lesson.title)


def record_view(lesson: Lesson, by: User, cases=()) -> None:
    """Log that the user opened the lesson, and every case discussion shown beside it."""
    _log(AuditAction.viewed, by, lesson)
    for case in cases:
        audit.log(AuditAction.viewed, by, case, RecordType.case)
