"""Assessing a call's applications: scores per criterion, conflicts of interest, decisions
and closing the assessment. Every score, conflict and decision is in the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from proeftuin import audit
from proeftuin.extensions import db
from proeftuin.messaging.compose import queue
from proeftuin.models import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    ApplicationScore,
    AssessmentConflict,
    AuditAction,
    Call,
    CallDecision,
    CallState,
    DecisionOutcome,
    Pilot,
    PilotStatus,
    PilotStatusChange,
    RecordType,
    User,
    call_application,
    utcnow,
)
from proeftuin.permissions import facilitates

#: the outcome of an application's decision, by the status the lifecycle moved it to
OUTCOMES = {PilotStatus.selected: DecisionOutcome.selected,
            PilotStatus.declined: DecisionOutcome.declined}


class AssessmentError(ValueError):
    """A step the assessment refuses; `message` says why, for the reader."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


def _role(user: User, call: Call) -> str:
    return "facilitator" if facilitates(user, call.programme) else "assessor"


def has_conflict(pilot: Pilot, user: User) -> bool:
    return db.session.get(AssessmentConflict, (pilot.id, user.id)) is not None


def save_scores(call: Call, pilot: Pilot, user: User,
                scores: Mapping[int, tuple[int, str]]) -> int:
    """Keep the user's score and note per criterion (criterion id → (score, note)) of one
    application; return how many changed. Each new or changed score is audited."""
    if has_conflict(pilot, user):
        raise AssessmentError(str(_l(
            "U heeft een belangenconflict gemeld bij deze aanmelding en kunt haar daarom niet "
            "beoordelen.")))
    criteria = {criterion.id for criterion in call.criteria}
    if set(scores) - criteria:
        raise AssessmentError("a criterion of another call")
    kept = {row.criterion_id: row for row in db.session.scalars(
        sa.select(ApplicationScore).where(ApplicationScore.pilot_id == pilot.id,
                                          ApplicationScore.user_id == user.id))}
    role, changed = _role(user, call), []
    for criterion_id, (score, note) in scores.items():
        if not LOWEST_SCORE <= score <= HIGHEST_SCORE:
            raise AssessmentError("score out of range")
        row = kept.get(criterion_id)
        if row is None:
            row = ApplicationScore(pilot_id=pilot.id, criterion_id=criterion_id,
                                   user_id=user.id, score=score, note=note or "")
            db.session.add(row)
            changed.append((AuditAction.created, row))
        elif (row.score, row.note) != (score, note or ""):
            row.score, row.note = score, note or ""
            changed.append((AuditAction.changed, row))
    db.session.flush()
    for action, row in changed:
        audit.record(action, user=user, role=role, record_type=RecordType.score,
                     record_id=row.id, pilot=pilot)
    return len(changed)


def declare_conflict(call: Call, pilot: Pilot, user: User, note: str) -> AssessmentConflict:
    """Record the user's conflict of interest with an application: scores they gave it go,
    and they cannot score it from now on."""
    if has_conflict(pilot, user):
        raise AssessmentError(str(_l("U had al een belangenconflict gemeld bij deze aanmelding.")))
    role = _role(user, call)
    for row in db.session.scalars(sa.select(ApplicationScore).where(
            ApplicationScore.pilot_id == pilot.id, ApplicationScore.user_id == user.id)):
        audit.record(AuditAction.deleted, user=user, role=role, record_type=RecordType.score,
                     record_id=row.id, pilot=pilot)
        db.session.delete(row)
    conflict = AssessmentConflict(pilot_id=pilot.id, user_id=user.id, note=note or "")
    db.session.add(conflict)
    db.session.flush()
    # The declaration's own key is its pilot and user; its record is the assessor.
    audit.record(AuditAction.created, user=user, role=role, record_type=RecordType.conflict,
                 record_id=user.id, pilot=pilot)
    return conflict


def decide(call: Call, pilot: Pilot, outcome: DecisionOutcome, reason: str,
           by: User) -> CallDecision:
    """Select or decline an application of the call, saying why, through the pilot's
    lifecycle (which keeps the decision with the call and mails the applicant)."""
    from proeftuin.pilots import lifecycle  # noqa: PLC0415 - the lifecycle calls back here

    if pilot.call is None or pilot.call.id != call.id:
        raise AssessmentError("an application of another call")
    if not (reason or "").strip():
        raise AssessmentError(str(_l("Geef een toelichting: die gaat mee in het besluit aan de aanvrager.")))
    step = (lifecycle.select_pilot if outcome is DecisionOutcome.selected
            else lifecycle.decline_pilot)
    try:
        step(pilot, by, reason)
    except lifecycle.TransitionError as error:
        raise AssessmentError(error.message) from error
    return db.session.scalar(sa.select(CallDecision).where(CallDecision.pilot_id == pilot.id))


def record_decision(pilot: Pilot, change: PilotStatusChange) -> CallDecision | None:
    """Keep a lifecycle step that decided an application with its call, audit it and mail
    the applicant; called by the lifecycle for every step out of "applied", from whichever
    page it was taken."""
    outcome = OUTCOMES.get(change.to_status)
    row = db.session.execute(sa.select(call_application.c.call_id, call_application.c.language)
                             .where(call_application.c.pilot_id == pilot.id)).first()
    if outcome is None or row is None:
        return None
    call = db.session.get(Call, row.call_id)
    decision = CallDecision(call_id=call.id, pilot_id=pilot.id, outcome=outcome,
                            reason=change.reason, decided_by=change.changed_by,
                            decided_at=change.created_at or utcnow())
    db.session.add(decision)
    db.session.flush()
    if change.changed_by is not None:
        audit.record(AuditAction.created, user=change.changed_by,
                     role=audit.role_in(change.changed_by, pilot),
                     record_type=RecordType.decision, record_id=decision.id, pilot=pilot)
    selected = outcome is DecisionOutcome.selected
    queue("application_decision", to=pilot.contact_email, name=pilot.contact_name,
          language=row.language, template="application_decision",
          subject=(_l("Uw aanmelding voor %(programme)s is geselecteerd",
                      programme=call.programme.name) if selected
                   else _l("Besluit over uw aanmelding voor %(programme)s",
                           programme=call.programme.name)),
          selected=selected, pilot=pilot.name, call=call.title,
          programme=call.programme.name, reason=change.reason,
          # A question about the decision reaches the facilitator who took it.
          headers={"Reply-To": change.changed_by.email} if change.changed_by else None)
    return decision


def waiting(call: Call) -> int:
    """How many of the call's applications wait for a decision."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(call_application)
        .join(Pilot, Pilot.id == call_application.c.pilot_id)
        .where(call_application.c.call_id == call.id,
               Pilot.status == PilotStatus.applied)) or 0


def close_assessment(call: Call, today: date) -> None:
    """Mark the call decided: it has closed and no application waits. The external
    assessors' role ends with it."""
    if call.decided_at is not None:
        raise AssessmentError(str(_l("Over deze ronde was al besloten.")))
    if call.state(today) is not CallState.closed:
        raise AssessmentError(str(_l(
            "De ronde neemt nog aanmeldingen aan. Sluit haar eerst; daarna kunt u de "
            "beoordeling afronden.")))
    if waiting(call):
        raise AssessmentError(str(_l(
            "Er wachten nog aanmeldingen op een besluit. Selecteer of wijs ze eerst af.")))
    call.decided_at = utcnow()
    db.session.flush()
