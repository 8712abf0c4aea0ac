"""Harvest moments: the reminder that reaches the active cohort's members once, and which
pilots met a harvest by submitting a lesson from its day up to and including its due day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from proeftuin import audit
from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.lessons import services as lesson_services
from proeftuin.messaging import schedule, worker
from proeftuin.models import (
    AuditAction,
    CohortDate,
    CohortDateKind,
    Delivery,
    LessonStatus,
    Notification,
    NotificationPreference,
    PilotStatus,
    RecordType,
    User,
)
from proeftuin.programmes import harvests
from proeftuin.programmes.harvests import CohortPilot, Standing
from tests.test_cohort_calendar import cohort_world
from tests.test_dashboard_table import read_csv, row_of
from tests.test_messaging import smtp  # noqa: F401 - the fixture

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = local_today()


def _at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment of a Dutch day, in UTC."""
    return datetime.combine(day, time(hour, minute, second), AMSTERDAM).astimezone(UTC)


def _notifications(kind: str = "harvest_due") -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)))


def _submitted(pilot, at: datetime, by: User) -> None:
    """A submission of a lesson of the pilot at `at`, as the audit trail records it."""
    audit.record(AuditAction.submitted, user=by, role="member",
                 record_type=RecordType.lesson.value, record_id=1, pilot=pilot, occurred_at=at)
    db.session.commit()


# The reminder -----------------------------------------------------------------------------


def test_the_reminder_reaches_each_member_of_the_active_pilots_once(app, make, smtp):  # noqa: F811
    w = cohort_world(make)
    harvest = make.cohort_date(w.call, CohortDateKind.harvest, in_days=0,
                               title="Oogst van het voorjaar")
    make.cohort_date(w.call, CohortDateKind.harvest, in_days=1, title="Nog niet")
    make.cohort_date(w.call, CohortDateKind.harvest, in_days=-50, due_in_days=-8,
                     title="Al voorbij")
    make.cohort_date(w.call, CohortDateKind.session, in_days=0, title="Geen oogst")
    # The coordinator reads it in the site only; the others get it by e-mail at once.
    db.session.add(NotificationPreference(user_id=w.coordinator.id, kind="harvest_due",
                                          delivery=Delivery.site))
    db.session.commit()
    early = _at(TODAY, 7, 30)
    morning = _at(TODAY, 8, 5)

    assert "harvest-reminders" not in schedule.run_due(early)
    assert "harvest-reminders" in schedule.run_due(morning)

    told = {n.user_id: n for n in _notifications()}
    assert set(told) == {w.member.id, w.coordinator.id, w.selected_member.id}
    notification = told[w.member.id]
    assert notification.path == "/werkplaats/"
    text = (f"Oogstmoment ‘Oogst van het voorjaar’ van Programma Thuis: zet uw "
            f"casusbesprekingen om in lessen en dien er uiterlijk "
            f"{notification.params['due']} minstens één in.")
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}", notification.params["due"])
    assert worker.deliver_due().sent == 2
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages) == sorted(
        [w.member.email, w.selected_member.email])
    assert {m["Subject"] for m in smtp.messages} == {text}
    assert "/werkplaats/" in smtp.messages[0].get_body(("plain",)).get_content()
    db.session.expire_all()
    assert db.session.get(CohortDate, harvest.id).reminded_at == morning

    # Once: not again later that day (the day's run is claimed), nor the next day (the
    # harvest is marked), whatever restarts.
    assert "harvest-reminders" not in schedule.run_due(_at(TODAY, 15))
    db.session.execute(sa.text("DELETE FROM scheduled_run"))
    db.session.commit()
    assert harvests.send_harvest_reminders(_at(TODAY, 16)) == 0
    db.session.commit()
    assert len(_notifications()) == 3
    assert worker.deliver_due().sent == 0


def test_the_reminder_of_many_pilots_asks_as_many_queries_as_of_one(app, make,
                                                                   count_queries):
    w = cohort_world(make)
    make.cohort_date(w.call, CohortDateKind.harvest, in_days=0)
    other_call = make.call(w.programme)
    make.cohort_date(other_call, CohortDateKind.harvest, in_days=0)

    def queries_with(pilots: int) -> int:
        for _ in range(pilots):
            pilot = make.pilot(programme=w.programme, status=PilotStatus.active)
            pilot.call = other_call
            make.member(pilot)
            make.member(pilot)
        db.session.execute(sa.update(CohortDate).values(reminded_at=None))
        db.session.commit()
        with app.test_request_context(), count_queries() as queries:
            harvests.send_harvest_reminders(_at(TODAY, 9))
        db.session.commit()
        return queries()

    assert queries_with(1) == queries_with(6)
    assert len([n for n in _notifications() if n.user_id == w.member.id]) == 2


# Met, overdue, pending ----------------------------------------------------------------------


def test_a_harvest_is_met_by_a_submission_from_its_day_through_its_due_day(make):
    w = cohort_world(make)
    # Over the change to summer time (29 March 2026): the window is counted in Dutch days.
    harvest = make.cohort_date(w.call, CohortDateKind.harvest, title="Oogst")
    harvest.held_on, harvest.due_on = date(2026, 3, 2), date(2026, 4, 13)
    db.session.commit()
    cases = {
        "first moment": (_at(date(2026, 3, 2), 0), True),
        "a second before": (_at(date(2026, 3, 2), 0) - timedelta(seconds=1), False),
        "the due day's last second": (_at(date(2026, 4, 13), 23, 59, 59), True),
        "the day after": (_at(date(2026, 4, 14), 0), False),
    }
    pilots = {}
    for name, (moment, _met) in cases.items():
        pilot = make.pilot(programme=w.programme, status=PilotStatus.active, name=name)
        pilot.call = w.call
        _submitted(pilot, moment, w.facilitator)
        pilots[name] = pilot
    cohort = [CohortPilot(p.id, w.call.id, p.status) for p in pilots.values()]

    during = harvests.harvest_record([harvest], cohort, date(2026, 4, 13))
    after = harvests.harvest_record([harvest], cohort, date(2026, 4, 14))

    for name, (_moment, met) in cases.items():
        assert during.of(harvest, pilots[name].id) is (
            Standing.met if met else Standing.pending), name
        assert after.of(harvest, pilots[name].id) is (
            Standing.met if met else Standing.overdue), name


def test_a_resubmitted_lesson_still_meets_the_harvest_of_its_first_submission(app, make):
    w = cohort_world(make)
    pilot = w.pilots["active"]
    harvest = make.cohort_date(w.call, CohortDateKind.harvest, in_days=-60, due_in_days=-20)
    lesson = make.lesson(pilot, w.member)
    with app.test_request_context():
        lesson_services.submit_lesson(lesson, by=w.member)
    db.session.commit()
    # Submitted within the window (as the audit trail has it), then returned and submitted
    # again today, which overwrote `submitted_at`.
    moment = _at(TODAY - timedelta(days=30), 10)
    lesson.submitted_at = _at(TODAY, 10)
    lesson.status = LessonStatus.submitted
    _submitted(pilot, moment, w.member)
    cohort = [CohortPilot(pilot.id, w.call.id, pilot.status)]

    record = harvests.harvest_record([harvest], cohort, TODAY)

    assert record.of(harvest, pilot.id) is Standing.met


def test_a_lesson_s_own_submission_moment_counts_when_the_trail_has_none(make):
    w = cohort_world(make)
    pilot = w.pilots["selected"]
    harvest = make.cohort_date(w.call, CohortDateKind.harvest, in_days=-60, due_in_days=-20)
    make.lesson(pilot, w.selected_member, status=LessonStatus.submitted,
                submitted_at=_at(TODAY - timedelta(days=21), 23, 30))
    cohort = [CohortPilot(p.id, w.call.id, p.status) for p in w.pilots.values()
              if p.status is not PilotStatus.applied]

    record = harvests.harvest_record([harvest], cohort, TODAY)

    assert record.of(harvest, pilot.id) is Standing.met
    assert record.of(harvest, w.pilots["active"].id) is Standing.overdue


def test_a_harvest_after_a_pilot_stopped_does_not_apply_to_it(make):
    w = cohort_world(make)
    stopped = w.pilots["stopped"]
    stopped.status_changes[0].created_at = _at(TODAY - timedelta(days=40), 12)
    db.session.commit()
    before = make.cohort_date(w.call, CohortDateKind.harvest, in_days=-90, due_in_days=-48)
    after = make.cohort_date(w.call, CohortDateKind.harvest, in_days=-30, due_in_days=-1)
    cohort = [CohortPilot(stopped.id, w.call.id, stopped.status)]

    record = harvests.harvest_record([before, after], cohort, TODAY)

    assert record.of(before, stopped.id) is Standing.overdue
    assert record.of(after, stopped.id) is None


# The facilitators' table ------------------------------------------------------------------


def test_the_pilot_table_counts_each_pilot_s_harvests_met_and_overdue(client, make, login):
    w = cohort_world(make)
    active, selected = w.pilots["active"], w.pilots["selected"]
    first = make.cohort_date(w.call, CohortDateKind.harvest, in_days=-100, due_in_days=-58)
    make.cohort_date(w.call, CohortDateKind.harvest, in_days=-50, due_in_days=-8)
    make.cohort_date(w.call, CohortDateKind.harvest, in_days=-5, due_in_days=37)
    _submitted(active, _at(TODAY - timedelta(days=80), 11), w.member)
    _submitted(active, _at(TODAY - timedelta(days=2), 11), w.member)
    _submitted(selected, _at(first.held_on - timedelta(days=1), 11), w.selected_member)
    outside = make.pilot(programme=w.programme, status=PilotStatus.active, name="Zonder Ronde")
    login(w.facilitator)

    page = client.get("/begeleiding/").get_data(as_text=True)
    rows = read_csv(client.get("/begeleiding/proeftuinen.csv"))

    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row_of(page, "Proeftuin Aa"))).count(
        "2 gehaald 1 te laat") == 1
    assert "2 te laat" in row_of(page, "Proeftuin Bee")
    assert "geen ronde" in row_of(page, outside.name)
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert (by_name["Proeftuin Aa"]["Oogstmomenten gehaald"],
            by_name["Proeftuin Aa"]["Oogstmomenten te laat"]) == ("2", "1")
    assert (by_name["Proeftuin Bee"]["Oogstmomenten gehaald"],
            by_name["Proeftuin Bee"]["Oogstmomenten te laat"]) == ("0", "2")
    assert (by_name["Zonder Ronde"]["Oogstmomenten gehaald"],
            by_name["Zonder Ronde"]["Oogstmomenten te laat"]) == ("", "")
    assert "Proeftuin Dee" in by_name and by_name["Proeftuin Dee"]["Oogstmomenten te laat"] == ""


@pytest.mark.parametrize("page", ["/begeleiding/", "/begeleiding/proeftuinen.csv"])
def test_the_harvest_figures_ask_a_constant_number_of_queries(client, make, login,
                                                              count_queries, page):
    w = cohort_world(make)
    login(w.facilitator)

    def queries_with(extra: int) -> int:
        for n in range(extra):
            call = make.call(w.programme)
            for _ in range(2):
                pilot = make.pilot(programme=w.programme, status=PilotStatus.active)
                pilot.call = call
                _submitted(pilot, _at(TODAY - timedelta(days=10 + n), 9), w.member)
            stopped = make.pilot(programme=w.programme, status=PilotStatus.stopped)
            stopped.call = call
            make.cohort_date(call, CohortDateKind.harvest, in_days=-20 - n, due_in_days=-2)
            make.cohort_date(call, CohortDateKind.harvest, in_days=-3)
        db.session.commit()
        with count_queries() as queries:
            assert client.get(page).status_code == 200
        return queries()

    assert queries_with(1) == queries_with(5)
