"""The audit trail is append-only in the database: no UPDATE, DELETE or TRUNCATE gets through,
on either database; only an operator's purge of events older than the retention period
deletes, and it leaves a record of its own that nothing can change or delete."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from proeftuin import audit
from proeftuin.extensions import db
from proeftuin.models import AuditAction, AuditEvent, AuditPurge, RecordType, utcnow


def _event(make, days_ago: int) -> AuditEvent:
    pilot = make.pilot()
    event = audit.record(AuditAction.created, user=None, role=audit.SYSTEM,
                         record_type=RecordType.case, record_id=1, pilot=pilot,
                         occurred_at=utcnow() - timedelta(days=days_ago))
    db.session.commit()
    return event


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("statement", [
    "DELETE FROM audit_event",
    "UPDATE audit_event SET role = 'admin'",
])
def test_the_database_refuses_to_change_or_delete_events(ctx, make, statement):
    _event(make, days_ago=3000)
    with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert _count(AuditEvent) == 1


def test_postgresql_refuses_to_truncate_the_trail(ctx, make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _event(make, days_ago=3000)
    for table in ("audit_event", "audit_purge"):
        with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {table} CASCADE"))
    assert _count(AuditEvent) == 1


def test_a_purge_deletes_only_old_events_and_records_itself(ctx, make, app):
    old, recent = _event(make, days_ago=2000), _event(make, days_ago=10)
    recent_id = recent.id
    cutoff = utcnow() - timedelta(days=app.config["AUDIT_RETENTION_DAYS"])
    assert old.occurred_at < cutoff

    assert audit.purge_events(cutoff, "Beheerder Verzonnen", dry_run=True) == 1
    assert _count(AuditEvent) == 2 and _count(AuditPurge) == 0
    assert audit.purge_events(cutoff, "Beheerder Verzonnen") == 1
    db.session.commit()
    assert [event.id for event in db.session.scalars(sa.select(AuditEvent))] == [recent_id]
    (purge,) = db.session.scalars(sa.select(AuditPurge))
    assert (purge.events, purge.by) == (1, "Beheerder Verzonnen")
    # The recent event stays protected: the purge covers only what came before its cutoff.
    with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_event"))
    # And the record of the purge can be neither changed nor deleted.
    for statement in ("UPDATE audit_purge SET events = 0", "DELETE FROM audit_purge"):
        with pytest.raises(sa.exc.DatabaseError), db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert _count(AuditPurge) == 1


def test_a_purge_within_the_retention_period_is_refused(ctx, make):
    _event(make, days_ago=10)
    with pytest.raises(audit.PurgeTooRecent):
        audit.purge_events(utcnow() - timedelta(days=5), "Beheerder Verzonnen")
    assert _count(AuditEvent) == 1 and _count(AuditPurge) == 0


def test_the_command_purges_and_says_so(app, make, runner):
    with app.app_context():
        _event(make, days_ago=2500)
    too_recent = (utcnow() - timedelta(days=30)).date().isoformat()
    refused = runner.invoke(args=["purge-audit-trail", "--before", too_recent,
                                  "--by", "Beheerder Verzonnen"])
    assert refused.exit_code != 0 and "at the latest" in refused.output
    cutoff = (utcnow() - timedelta(days=2000)).date().isoformat()
    done = runner.invoke(args=["purge-audit-trail", "--before", cutoff,
                               "--by", "Beheerder Verzonnen"])
    assert done.exit_code == 0, done.output
    assert "1 audit event(s)" in done.output
    with app.app_context():
        assert _count(AuditEvent) == 0 and _count(AuditPurge) == 1
