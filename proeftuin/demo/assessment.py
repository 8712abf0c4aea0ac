"""The demo calls' assessment: the decided calls keep the decisions their pilots' histories
hold, and the open round of "In voor mantelzorg" is being scored by its facilitator and an
external assessor. Fictional, like all demo data."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import (
    ApplicationScore,
    Call,
    CallAssessor,
    CallDecision,
    DecisionOutcome,
    Pilot,
    PilotStatus,
    PilotStatusChange,
    User,
)

#: the notes the demo scores are given, per criterion's place in the call
_NOTES = (
    "De mantelzorgconsulent zit vanaf het begin aan tafel; mantelzorgers zelf nog niet.",
    "Huisarts en wijkverpleging doen mee; gemeente en sociaal werk ontbreken nog.",
    "Een concreet plan om maandelijks casussen te bespreken.",
)


def seed_demo_assessment(calls: list[Call], users: dict[str, User], now: datetime) -> None:
    """Keep the decisions of the calls' pilots with their calls, mark the calls without
    waiting applications decided, and score the open IVM round."""
    pilots = {p.id: p for call in calls for p in call.applications}
    for change in db.session.scalars(
            sa.select(PilotStatusChange).where(
                PilotStatusChange.pilot_id.in_(list(pilots)),
                PilotStatusChange.from_status == PilotStatus.applied)):
        pilot = pilots[change.pilot_id]
        db.session.add(CallDecision(
            call_id=pilot.call.id, pilot_id=pilot.id, reason=change.reason,
            outcome=DecisionOutcome(change.to_status.value),
            decided_by=change.changed_by, decided_at=change.created_at))
    today = now.date()
    for call in calls:
        if call.closes_on < today and all(p.status is not PilotStatus.applied
                                          for p in call.applications):
            call.decided_at = min(now, datetime.combine(
                call.closes_on + timedelta(days=21), datetime.min.time(), now.tzinfo))

    open_round = next(c for c in calls if c.title == "Ronde 2026")
    assessor = users["ilse"]
    db.session.add(CallAssessor(
        call=open_round, email=assessor.email, name=assessor.name, nonce="demo-accepted",
        invited_by=users["marloes"], invited_at=now - timedelta(days=20),
        expires_at=now - timedelta(days=6), user=assessor,
        accepted_at=now - timedelta(days=19)))
    waiting: list[Pilot] = [p for p in open_round.applications
                            if p.status is PilotStatus.applied]
    for pilot in waiting:
        for criterion, score_by_ilse, score_by_marloes, note in zip(
                open_round.criteria, (3, 2, 4), (4, 2, 5), _NOTES, strict=False):
            db.session.add(ApplicationScore(
                pilot_id=pilot.id, criterion=criterion, user=assessor, score=score_by_ilse,
                note=note, scored_at=now - timedelta(days=3)))
            if criterion.position < 3:  # the facilitator has one criterion to go
                db.session.add(ApplicationScore(
                    pilot_id=pilot.id, criterion=criterion, user=users["marloes"],
                    score=score_by_marloes, note="", scored_at=now - timedelta(days=2)))
    db.session.flush()
