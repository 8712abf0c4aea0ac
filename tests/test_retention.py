"""Retention: case discussions expire a set time after their pilot ended, are listed for
deletion, and `flask purge-expired` removes them (and what hangs on them), never lessons."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.config import ConfigError, load_config
from proeftuin.extensions import db
from proeftuin.models import (
    AuditAction,
    AuditEvent,
    CaseDiscussion,
    CaseFollowUp,
    Lesson,
    PilotStatus,
    PilotStatusChange,
    PrivacyConfirmation,
    case_direction,
    case_discipline,
    case_question,
    lesson_source_case,
    utcnow,
)
from proeftuin.personal_data import retention

DAYS = 730


def ended(make, days_ago: int, status: PilotStatus = PilotStatus.completed, **kwargs):
    """A pilot that reached `status` this many days ago."""
    pilot = make.pilot(status=status, **kwargs)
    pilot.status_changes[-1].created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return pilot


def count(table) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(table))


def world(make) -> SimpleNamespace:
    """Pilots on both sides of the retention period, each with a case discussion."""
    w = SimpleNamespace(
        expired=ended(make, DAYS + 1, name="Proeftuin Lang Geleden"),
        expires_today=ended(make, DAYS, PilotStatus.stopped, name="Proeftuin Vandaag"),
        expires_tomorrow=ended(make, DAYS - 1, name="Proeftuin Morgen"),
        active=make.pilot(status=PilotStatus.active, name="Proeftuin Bezig"),
    )
    w.writer = make.member(w.expired, name="Schrijver Sam")
    w.cases = {name: make.case(getattr(w, name), w.writer, title=f"Casus {name}")
               for name in ("expired", "expires_today", "expires_tomorrow", "active")}
    # The active pilot's case is old, but its pilot has not ended: it stays.
    w.cases["active"].held_on = w.cases["active"].held_on.replace(year=2015)
    db.session.commit()
    # Plain numbers, which stay readable after the rows are gone.
    w.ids = {name: case.id for name, case in w.cases.items()}
    w.pilot_ids = {name: getattr(w, name).id for name in w.cases}
    return w


# Which cases expire -----------------------------------------------------------------------


def test_cases_expire_the_retention_period_after_their_pilot_ended(make):
    w = world(make)

    expired = retention.expired_cases()

    assert {case.id for case in expired} == {w.cases["expired"].id, w.cases["expires_today"].id}


def test_a_pilot_that_has_not_ended_keeps_its_cases_however_old(make):
    for status in (PilotStatus.selected, PilotStatus.active):
        pilot = make.pilot(status=status)
        pilot.status_changes[-1].created_at = utcnow() - timedelta(days=5 * DAYS)
        make.case(pilot)
    db.session.commit()

    assert retention.expired_cases() == []


def test_the_latest_change_to_the_final_status_counts(make):
    pilot = ended(make, 3 * DAYS)
    # Recorded twice (a correction): the period counts from the later one.
    db.session.add(PilotStatusChange(pilot=pilot, from_status=PilotStatus.active,
                                     to_status=PilotStatus.completed,
                                     created_at=utcnow() - timedelta(days=10)))
    make.case(pilot)

    assert retention.expired_cases() == []
    [row] = retention.ended_pilots_with_cases()
    assert row.ended_on == (utcnow() - timedelta(days=10)).date()
    assert row.expires_on == row.ended_on + timedelta(days=DAYS)


def test_expiry_is_counted_for_the_day_asked_about(make):
    w = world(make)
    today = retention.today()

    assert len(retention.expired_cases(today - timedelta(days=2))) == 0
    assert len(retention.expired_cases(today - timedelta(days=1))) == 1
    assert len(retention.expired_cases(today)) == 2
    assert len(retention.expired_cases(today + timedelta(days=1))) == 3
    rows = {row.pilot.id: row for row in retention.ended_pilots_with_cases()}
    assert rows[w.expires_tomorrow.id].expires_on == today + timedelta(days=1)
    assert rows[w.expires_today.id].expired(today)
    assert not rows[w.expires_tomorrow.id].expired(today)
    assert w.active.id not in rows


def test_the_retention_period_is_a_setting(app, make):
    w = world(make)
    app.config["CASE_RETENTION_DAYS"] = 30

    assert len(retention.expired_cases()) == 3
    assert w.cases["active"].id not in {case.id for case in retention.expired_cases()}


@pytest.mark.parametrize(("value", "expected"), [("", 730), ("365", 365), (" 90 ", 90)])
def test_the_setting_comes_from_the_environment(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("CASE_RETENTION_DAYS", value)
    assert load_config(str(tmp_path))["CASE_RETENTION_DAYS"] == expected


@pytest.mark.parametrize("value", ["twee jaar", "0", "-5", "1.5"])
def test_a_retention_setting_that_is_not_a_number_of_days_stops_the_start(monkeypatch, tmp_path,
                                                                         value):
    monkeypatch.setenv("CASE_RETENTION_DAYS", value)
    with pytest.raises(ConfigError, match="CASE_RETENTION_DAYS"):
        load_config(str(tmp_path))


# Purging ----------------------------------------------------------------------------------


def purge(runner, *args):
    with runner.app.app_context():
        return runner.invoke(args=["purge-expired", *args])


def decorate(make, case, writer):
    """Give a case what hangs on it: a follow-up, a privacy confirmation, a lesson from it."""
    db.session.add(CaseFollowUp(case=case, action="De huisarts belt de dochter.",
                                owner="de huisarts"))
    db.session.add(PrivacyConfirmation(record_type="case_discussion", record_id=case.id,
                                       fingerprint="c" * 64, kind="phone",
                                       confirmed_by_id=writer.id))
    db.session.commit()
    return make.lesson(case.pilot, writer, source_cases=[case], title=f"Les uit {case.title}")


def test_a_dry_run_lists_counts_per_pilot_and_deletes_nothing(runner, make):
    w = world(make)
    make.case(w.expired, w.writer, title="Tweede casus")
    before = count(CaseDiscussion)

    result = purge(runner, "--dry-run")

    assert result.exit_code == 0, result.output
    assert f"{w.expired.slug}: 2 case discussion(s) would be deleted" in result.output
    assert f"{w.expires_today.slug}: 1 case discussion(s) would be deleted" in result.output
    assert w.expires_tomorrow.slug not in result.output and w.active.slug not in result.output
    assert "Dry run: 3 case discussion(s) of 2 pilot(s) would be deleted." in result.output
    assert "Casus" not in result.output  # never what a case holds, not even its title
    db.session.expire_all()
    assert count(CaseDiscussion) == before
    assert count(AuditEvent) == 0


def test_purge_deletes_expired_cases_and_what_hangs_on_them_but_keeps_lessons(runner, make):
    w = world(make)
    old_lesson = decorate(make, w.cases["expired"], w.writer).id
    kept_lesson = decorate(make, w.cases["expires_tomorrow"], w.writer).id
    # A lesson's confirmation with the same number is about another record: it stays.
    db.session.add(PrivacyConfirmation(record_type="lesson", record_id=w.ids["expired"],
                                       fingerprint="d" * 64, kind="email"))
    db.session.commit()
    gone = {w.ids["expired"], w.ids["expires_today"]}

    result = purge(runner)

    assert result.exit_code == 0, result.output
    assert "Deleted 2 case discussion(s) of 2 pilot(s)." in result.output
    db.session.expire_all()
    remaining = set(db.session.scalars(sa.select(CaseDiscussion.id)))
    assert remaining == {w.ids["expires_tomorrow"], w.ids["active"]}
    for table in (case_discipline, case_question, case_direction, lesson_source_case):
        assert not set(db.session.scalars(sa.select(table.c.case_id))) & gone, table.name
    assert set(db.session.scalars(sa.select(CaseFollowUp.case_id))) == {
        w.ids["expires_tomorrow"]}
    confirmations = db.session.execute(
        sa.select(PrivacyConfirmation.record_type, PrivacyConfirmation.record_id)).all()
    assert sorted(confirmations) == sorted([("case_discussion", w.ids["expires_tomorrow"]),
                                            ("lesson", w.ids["expired"])])
    # Lessons stay, only without the removed source.
    assert db.session.get(Lesson, old_lesson).source_cases == []
    assert [c.id for c in db.session.get(Lesson, kept_lesson).source_cases] == [
        w.ids["expires_tomorrow"]]


def test_purge_leaves_a_deletion_by_the_system_in_each_cases_trail(runner, make):
    w = world(make)

    purge(runner)

    db.session.expire_all()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.record_id)).all()
    assert [(e.action, e.user_id, e.role, e.record_type, e.record_id, e.pilot_id)
            for e in events] == sorted([
        (AuditAction.deleted, None, "system", "case_discussion", w.ids[name], w.pilot_ids[name])
        for name in ("expired", "expires_today")
    ], key=lambda row: row[4])


def test_purge_with_nothing_expired_says_so(runner, make):
    make.case(ended(make, 10), title="Recent")

    result = purge(runner)

    assert result.exit_code == 0
    assert "Deleted 0 case discussion(s) of 0 pilot(s)." in result.output
    assert count(CaseDiscussion) == 1


def test_purge_twice_deletes_nothing_more(runner, make):
    world(make)
    purge(runner)

    result = purge(runner)

    assert "Deleted 0 case discussion(s)" in result.output
    db.session.expire_all()
    assert count(CaseDiscussion) == 2
    assert count(AuditEvent) == 2


def test_purge_handles_more_cases_than_one_statement_takes(make, monkeypatch):
    monkeypatch.setattr(retention, "_CHUNK", 3)
    pilot = ended(make, DAYS + 5)
    for _ in range(8):
        make.case(pilot)

    [row] = retention.purge_expired()
    db.session.commit()

    assert row.case_count == 8
    assert count(CaseDiscussion) == 0
    assert count(AuditEvent) == 8


# The admin's overview ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "participant", "facilitator", "admin"])
def test_the_retention_overview_is_for_admins(client, make, login, role):
    pilot = ended(make, DAYS + 1)
    users = {"participant": make.member(pilot), "admin": make.admin(),
             "facilitator": make.facilitator(pilot.programme)}
    if role != "anonymous":
        login(users[role])

    response = client.get("/beheer/bewaartermijn")

    expected = {"anonymous": 302, "admin": 200}.get(role, 403)
    assert response.status_code == expected


def test_the_overview_lists_expired_and_upcoming_pilots_with_counts_and_dates(client, make,
                                                                             login):
    w = world(make)
    make.case(w.expired, w.writer, title="Tweede casus")
    login(make.admin())

    html = client.get("/beheer/bewaartermijn").get_data(as_text=True)

    expired_part, upcoming_part = html.split("Binnenkort aan de beurt")
    assert "730 dagen" in expired_part
    assert "3 casusbesprekingen staan klaar voor verwijdering." in expired_part
    assert "Proeftuin Lang Geleden" in expired_part and "Proeftuin Vandaag" in expired_part
    assert "Proeftuin Morgen" in upcoming_part
    tomorrow = (retention.today() + timedelta(days=1)).isoformat()
    assert f'<time datetime="{tomorrow}">' in upcoming_part
    assert "Proeftuin Bezig" not in html
    assert "Casus expired" not in html  # counts and dates, never content
    assert "flask purge-expired" in html


def test_the_overview_is_calm_when_nothing_expires(client, make, login):
    make.case(make.pilot())
    login(make.admin())

    html = client.get("/beheer/bewaartermijn").get_data(as_text=True)

    assert "Er staan geen casusbesprekingen klaar voor verwijdering." in html
    assert "Geen andere beëindigde proeftuin heeft nog casusbesprekingen." in html


def test_the_admin_index_links_to_the_overview(client, make, login):
    login(make.admin())
    html = client.get("/beheer/").get_data(as_text=True)
    assert 'href="/beheer/bewaartermijn"' in html


def test_the_overview_costs_the_same_queries_for_one_or_many_pilots(client, make, login,
                                                                   count_queries):
    login(make.admin())
    make.case(ended(make, DAYS + 1))

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as n:
            assert client.get("/beheer/bewaartermijn").status_code == 200
        return n()

    queries()
    one = queries()
    for days_ago in (5, DAYS + 30, 2 * DAYS):
        make.case(ended(make, days_ago))
    assert queries() == one
