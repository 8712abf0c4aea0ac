"""The audit trail: events are written with their change, never hold content, never change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from proeftuin import audit
from proeftuin.extensions import db
from proeftuin.models import AuditAction, AuditEvent, MemberRole, RecordType


def _event(make, pilot=None, action=AuditAction.created, record_id=1):
    pilot = pilot or make.pilot()
    user = make.member(pilot, MemberRole.coordinator)
    return audit.record(action, user=user, role="coordinator", record_type="case_discussion",
                        record_id=record_id, pilot=pilot)


def test_an_event_says_who_did_what_to_which_record_in_which_role_and_when(make):
    event = _event(make)
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(AuditEvent, event.id)
    assert stored.action is AuditAction.created
    assert stored.role == "coordinator"
    assert (stored.record_type, stored.record_id) == ("case_discussion", 1)
    assert stored.user.name and stored.pilot_id
    assert stored.occurred_at.tzinfo is not None
    # Only ids and names of things: there is no column that could hold a record's text.
    assert {c.name for c in AuditEvent.__table__.columns} == {
        "id", "occurred_at", "user_id", "role", "action", "record_type", "record_id", "pilot_id"
    }


def test_the_database_refuses_to_change_an_event(make):
    event = _event(make)
    db.session.commit()

    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.update(AuditEvent).values(role="admin"))
    db.session.rollback()

    event = db.session.get(AuditEvent, event.id)
    event.action = AuditAction.published
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(AuditEvent, event.id).action is AuditAction.created


def test_an_event_is_only_written_with_the_change_it_logs(make):
    pilot = make.pilot()
    _event(make, pilot)
    db.session.rollback()  # the change failed, so its event must not remain
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_the_trail_of_a_pilot_is_its_own_events_newest_first_in_pages(make, count_queries):
    pilot, other = make.pilot(), make.pilot()
    for number in range(1, 6):
        _event(make, pilot, record_id=number)
    _event(make, other, record_id=99)
    db.session.commit()

    events, total = audit.trail_of_pilot(pilot, page=1, per_page=3)
    assert total == 5
    assert [e.record_id for e in events] == [5, 4, 3]
    events, _ = audit.trail_of_pilot(pilot, page=2, per_page=3)
    assert [e.record_id for e in events] == [2, 1]


    def queries_for(p) -> int:
        db.session.expire_all()
        with count_queries() as queries:
            events, _ = audit.trail_of_pilot(p, per_page=50)
            assert all(e.user.name for e in events)
        return queries()

    # Five events with five users cost what one event does: no query per event.
    assert queries_for(pilot) == queries_for(other)


def test_the_system_itself_can_log_a_deletion(make):
    pilot = make.pilot()
    event = audit.record(AuditAction.deleted, user=None, role=audit.SYSTEM,
                         record_type=RecordType.case, record_id=9, pilot=pilot)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEvent, event.id)
    assert (stored.user, stored.role, stored.action) == (None, "system", AuditAction.deleted)
