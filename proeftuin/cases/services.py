"""State changes of case discussions: each checks, changes, flushes and audits; routes commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from proeftuin import audit
from proeftuin.cases import queries
from proeftuin.extensions import db
from proeftuin.models import (
    CASE_TEXT_FIELDS,
    AuditAction,
    CarerQuestion,
    CaseDiscussion,
    CaseFollowUp,
    CaseStatus,
    Discipline,
    Pilot,
    PrivacyConfirmation,
    RecordType,
    SolutionDirection,
    User,
)
from proeftuin.permissions import can_edit_case, can_view_case, can_write_cases
from proeftuin.personal_data import guard
from proeftuin.personal_data.guard import Review


class CaseError(ValueError):
    """A change to a case discussion that is refused."""


class NotAllowed(CaseError):
    """The user may not do this to the case discussion."""


class CaseInUse(CaseError):
    """Lessons name the case discussion as their source, so it cannot be deleted."""

    def __init__(self, lessons: int):
        super().__init__("case discussion is a source of lessons")
        self.lessons = lessons


@dataclass
class FollowUp:
    """One agreement as the form hands it over."""

    action: str
    owner: str = ""
    due_on: date | None = None
    done: bool = False


@dataclass
class CaseContent:
    """Everything a writer sets on a case discussion."""

    held_on: date
    title: str
    status: str
    texts: dict[str, str]
    discipline_ids: list[int]
    question_numbers: list[int]
    direction_numbers: list[int]
    follow_ups: list[FollowUp]


def _apply(case: CaseDiscussion, content: CaseContent) -> None:
    case.held_on = content.held_on
    case.title = content.title
    case.status = CaseStatus(content.status)
    for name in CASE_TEXT_FIELDS:
        setattr(case, name, content.texts.get(name) or "")
    case.disciplines = list(db.session.scalars(
        sa.select(Discipline).where(Discipline.id.in_(set(content.discipline_ids)))
    ))
    case.questions = list(db.session.scalars(
        sa.select(CarerQuestion).where(CarerQuestion.number.in_(set(content.question_numbers)))
    ))
    case.directions = list(db.session.scalars(
        sa.select(SolutionDirection)
        .where(SolutionDirection.number.in_(set(content.direction_numbers)))
    ))
    # Rows keep their place: the first agreement stays the first, so existing rows are
    # changed in place and only the surplus is added or removed.
    existing = list(case.follow_ups)
    rows: list[CaseFollowUp] = []
    for position, item in enumerate(content.follow_ups):
        row = existing[position] if position < len(existing) else CaseFollowUp()
        row.action = item.action
        row.owner = item.owner or ""
        row.due_on = item.due_on
        row.done = bool(item.done)
        row.position = position
        rows.append(row)
    case.follow_ups = rows


def create_case(pilot: Pilot, content: CaseContent, by: User,
                review: Review | None = None) -> CaseDiscussion:
    """Log a new case discussion for the pilot and record who created it (and what they
    confirmed is not personal data, in `review`)."""
    if not can_write_cases(by, pilot):
        raise NotAllowed("only members of a working pilot log case discussions")
    case = CaseDiscussion(pilot=pilot, created_by=by, updated_by=by)
    db.session.add(case)
    _apply(case, content)
    db.session.flush()
    guard.record_confirmations(review, case.id, by)
    audit.log(AuditAction.created, by, case, RecordType.case)
    return case


def update_case(case: CaseDiscussion, content: CaseContent, by: User,
                review: Review | None = None) -> None:
    """Change a case discussion and record who changed it (and what they confirmed)."""
    if not can_edit_case(by, case):
        raise NotAllowed("only members of a working pilot change case discussions")
    _apply(case, content)
    case.updated_by = by
    db.session.flush()
    guard.record_confirmations(review, case.id, by)
    audit.log(AuditAction.changed, by, case, RecordType.case)


def record_view(case: CaseDiscussion, by: User) -> None:
    """Record that the user read the case discussion."""
    if not can_view_case(by, case):
        raise NotAllowed("not a reader of this pilot's case discussions")
    audit.log(AuditAction.viewed, by, case, RecordType.case)


def record_export(case: CaseDiscussion, by: User) -> None:
    """Record that the user opened the case discussion for printing."""
    if not can_view_case(by, case):
        raise NotAllowed("not a reader of this pilot's case discussions")
    audit.log(AuditAction.exported, by, case, RecordType.case)


def delete_case(case: CaseDiscussion, by: User) -> None:
    """Delete a case discussion that no lesson names as its source.

    The privacy confirmations of the case go with it; the audit trail keeps its events and
    records the deletion.
    """
    if not can_edit_case(by, case):
        raise NotAllowed("only members of a working pilot delete case discussions")
    lessons = queries.lesson_count(case)
    if lessons:
        raise CaseInUse(lessons)
    db.session.execute(sa.delete(PrivacyConfirmation).where(
        PrivacyConfirmation.record_type == RecordType.case,
        PrivacyConfirmation.record_id == case.id,
    ))
    audit.log(AuditAction.deleted, by, case, RecordType.case)
    db.session.delete(case)
    db.session.flush()
