"""The calendar of a call's cohort: facilitators keep its dates and a learning session's report,
members see the dates in their workspace, and calendar apps subscribe to them through a feed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.models import CohortDate, CohortDateKind, PilotStatus
from proeftuin.programmes import ical

TODAY = local_today()
NEXT_MONTH = TODAY + timedelta(days=30)


def cohort_world(make) -> SimpleNamespace:
    """A programme's decided call with a cohort (active, selected and stopped pilots), an
    application still waiting, and a facilitator of another programme."""
    programme = make.programme(name="Programma Thuis")
    other = make.programme(name="Programma Elders")
    call = make.call(programme, title="Ronde 2026", opens_in=-120, closes_in=-60)
    pilots = {}
    for key, status, name in (("active", PilotStatus.active, "Proeftuin Aa"),
                              ("selected", PilotStatus.selected, "Proeftuin Bee"),
                              ("stopped", PilotStatus.stopped, "Proeftuin Cee"),
                              ("applied", PilotStatus.applied, "Proeftuin Dee")):
        pilots[key] = make.pilot(programme=programme, status=status, name=name)
        pilots[key].call = call
    db.session.commit()
    return SimpleNamespace(
        programme=programme, other=other, call=call, pilots=pilots,
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other, name="Begeleider Elders"),
        member=make.member(pilots["active"], name="Deelnemer Dina"),
        coordinator=make.coordinator(pilots["active"], name="Coördinator Cor"),
        selected_member=make.member(pilots["selected"], name="Deelnemer Sanne"),
        stopped_member=make.member(pilots["stopped"], name="Deelnemer Stijn"),
        applicant=make.member(pilots["applied"], name="Aanmelder Ada"))


def date_form(**overrides) -> dict:
    data = {"kind": "session", "title": "Samen beslissen met de mantelzorger",
            "held_on": NEXT_MONTH.isoformat(), "start_time": "13:30", "end_time": "16:00",
            "place": "Buurthuis De Verzonnen Linde, Denkstad",
            "description": "Neem een **casus** mee.", "due_on": ""}
    data.update(overrides)
    return data


def _dates() -> list[CohortDate]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(CohortDate).order_by(CohortDate.id)))


def _base(call) -> str:
    return f"/begeleiding/rondes/{call.id}/kalender"


# Keeping the calendar -------------------------------------------------------------------


def test_a_facilitator_adds_changes_and_deletes_a_date(client, make, login):
    w = cohort_world(make)
    login(w.facilitator)

    form = client.get(f"{_base(w.call)}/nieuw?soort=harvest").get_data(as_text=True)
    added = client.post(f"{_base(w.call)}/nieuw", data=date_form())
    assert '<option selected value="harvest">' in form
    assert added.status_code == 303 and added.headers["Location"].endswith(_base(w.call))
    [session] = _dates()
    assert (session.call_id, session.kind, session.held_on, session.start_time,
            session.end_time, session.due_on) == (
        w.call.id, CohortDateKind.session, NEXT_MONTH, time(13, 30), time(16), None)

    page = client.get(_base(w.call)).get_data(as_text=True)
    assert "Samen beslissen met de mantelzorger" in page and "13:30–16:00" in page
    assert "<strong>casus</strong>" in page and "Buurthuis De Verzonnen Linde" in page
    assert "Proeftuin Aa" in page and "Proeftuin Cee" in page and "Proeftuin Dee" not in page
    assert "webcal://" in page
    assert f'href="{_base(w.call)}"' in client.get(
        f"/begeleiding/rondes/{w.call.id}").get_data(as_text=True)

    edit = f"{_base(w.call)}/{session.id}/bewerken"
    assert 'value="Samen beslissen met de mantelzorger"' in client.get(edit).get_data(as_text=True)
    changed = client.post(edit, data=date_form(kind="harvest", title="Oogst voorjaar",
                                               start_time="", end_time=""))
    assert changed.status_code == 303
    [harvest] = _dates()
    assert harvest.kind is CohortDateKind.harvest and harvest.start_time is None
    # Without a due day, six weeks from the harvest's day.
    assert harvest.due_on == NEXT_MONTH + timedelta(weeks=6)

    delete = f"{_base(w.call)}/{harvest.id}/verwijderen"
    assert "Weet u zeker" in client.get(delete).get_data(as_text=True)
    assert _dates() != []
    assert client.post(delete).status_code == 303
    assert _dates() == []


@pytest.mark.parametrize(("overrides", "message"), [
    ({"title": "  "}, "Geef de datum een titel of onderwerp."),
    ({"kind": ""}, "Kies wat voor datum het is."),
    ({"kind": "feest"}, "Kies een soort uit de lijst."),
    ({"held_on": ""}, "Vul de dag in, bijvoorbeeld 2027-03-15."),
    ({"held_on": "31-02-2027"}, "Vul een geldige datum in, bijvoorbeeld 2027-03-15."),
    ({"held_on": "1999-05-01"}, "Kies een datum tussen 2000 en 2100."),
    ({"start_time": "half twee"}, "Vul een tijd in als 14:30."),
    ({"end_time": "25:00"}, "Vul een tijd in als 14:30."),
    ({"start_time": ""}, "Vul ook een begintijd in."),
    ({"end_time": "13:00"}, "De eindtijd moet na de begintijd liggen."),
    ({"end_time": "13:30"}, "De eindtijd moet na de begintijd liggen."),
    ({"kind": "harvest"}, "Een oogstmoment duurt de hele dag: laat de tijden leeg."),
    ({"kind": "harvest", "start_time": "", "end_time": "",
      "due_on": (NEXT_MONTH - timedelta(days=1)).isoformat()},
     "De uiterste dag mag niet voor de dag van het oogstmoment liggen."),
    ({"kind": "harvest", "start_time": "", "end_time": "", "due_on": "morgen"},
     "Vul een geldige datum in, bijvoorbeeld 2027-04-26."),
    ({"place": "x" * 161}, "Gebruik hoogstens 160 tekens."),
])
def test_a_wrong_date_is_explained_keeps_what_was_typed_and_saves_nothing(
        client, make, login, overrides, message):
    w = cohort_world(make)
    login(w.facilitator)
    data = date_form(**overrides)

    response = client.post(f"{_base(w.call)}/nieuw", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "Neem een **casus** mee." in html
    for name in ("title", "held_on", "start_time", "end_time", "place", "due_on"):
        if data[name].strip() and len(data[name]) < 100:
            assert f'value="{data[name]}"' in html, name
    assert _dates() == []


def test_a_wrong_change_leaves_the_date_as_it_was(client, make, login):
    w = cohort_world(make)
    session = make.cohort_date(w.call, title="Zoals het was")
    login(w.facilitator)

    response = client.post(f"{_base(w.call)}/{session.id}/bewerken",
                           data=date_form(title="Nieuw", end_time="09:00"))

    assert response.status_code == 200
    assert "De eindtijd moet na de begintijd liggen." in response.get_data(as_text=True)
    assert [d.title for d in _dates()] == ["Zoals het was"]


def test_a_session_keeps_its_report_and_the_cohort_pilots_that_attended(client, make, login):
    w = cohort_world(make)
    session = make.cohort_date(w.call, in_days=-3, title="Leersessie één")
    harvest = make.cohort_date(w.call, CohortDateKind.harvest, in_days=-3)
    url = f"{_base(w.call)}/{session.id}/verslag"
    login(w.facilitator)

    form = client.get(url).get_data(as_text=True)
    refused = client.post(url, data={"report": "Wat we leerden.",
                                     "pilots": [str(w.pilots["applied"].id)]})
    saved = client.post(url, data={"report": "We bespraken **twee** casussen.",
                                   "pilots": [str(w.pilots["active"].id),
                                              str(w.pilots["stopped"].id)]})

    # One checkbox per pilot of the cohort, laid out as the site's other choice lists.
    assert form.count('type="checkbox"') == 3 and 'class="choice-list' in form
    assert "Proeftuin Dee" not in form
    assert refused.status_code == 200
    assert "Kies proeftuinen uit de lijst." in refused.get_data(as_text=True)
    assert saved.status_code == 303
    [kept, _harvest] = _dates()
    assert kept.report == "We bespraken **twee** casussen."
    assert [p.name for p in kept.pilots] == ["Proeftuin Aa", "Proeftuin Cee"]
    page = client.get(_base(w.call)).get_data(as_text=True)
    assert "<strong>twee</strong>" in page and "Aanwezig: Proeftuin Aa, Proeftuin Cee" in page
    # Only a learning session has a report.
    assert client.get(f"{_base(w.call)}/{harvest.id}/verslag").status_code == 404


def test_others_reach_no_calendar(client, make, login):
    w = cohort_world(make)
    session = make.cohort_date(w.call)
    paths = [("get", _base(w.call)), ("get", f"{_base(w.call)}/nieuw"),
             ("post", f"{_base(w.call)}/nieuw"),
             ("get", f"{_base(w.call)}/{session.id}/bewerken"),
             ("post", f"{_base(w.call)}/{session.id}/bewerken"),
             ("get", f"{_base(w.call)}/{session.id}/verwijderen"),
             ("post", f"{_base(w.call)}/{session.id}/verwijderen"),
             ("get", f"{_base(w.call)}/{session.id}/verslag"),
             ("post", f"{_base(w.call)}/{session.id}/verslag")]
    for user in (w.other_facilitator, w.member):
        login(user)
        for method, path in paths:
            response = getattr(client, method)(path, data=date_form())
            assert response.status_code == 403, (user.name, path)
        client.post("/logout")
    assert [d.title for d in _dates()] == [session.title]


def test_an_unknown_date_or_a_date_of_another_call_is_not_found(client, make, login):
    w = cohort_world(make)
    elsewhere = make.cohort_date(make.call(w.programme))
    login(w.facilitator)

    for date_id in (elsewhere.id, 12345, 99999999999999999999):
        assert client.get(f"{_base(w.call)}/{date_id}/bewerken").status_code == 404
        assert client.post(f"{_base(w.call)}/{date_id}/verwijderen").status_code == 404
    assert client.get("/begeleiding/rondes/12345/kalender").status_code == 404
    assert len(_dates()) == 1


def test_the_calendar_page_asks_a_constant_number_of_queries(client, make, login,
                                                             count_queries):
    w = cohort_world(make)
    login(w.facilitator)

    def queries_with(extra: int) -> int:
        for n in range(extra):
            pilot = make.pilot(programme=w.programme, status=PilotStatus.active)
            pilot.call = w.call
            make.cohort_date(w.call, CohortDateKind.harvest, in_days=-20 - n)
            session = make.cohort_date(w.call, in_days=n - 5)
            session.pilots = [pilot, w.pilots["active"]]
            db.session.commit()
        with count_queries() as page:
            assert client.get(_base(w.call)).status_code == 200
        return page()

    assert queries_with(1) == queries_with(5)


# The feed ---------------------------------------------------------------------------------


def test_the_feed_holds_every_date_of_the_cohort_and_nothing_private(client, make):
    w = cohort_world(make)
    session = make.cohort_date(w.call, in_days=10, title="Leersessie over respijt",
                               start_time=time(13, 30), end_time=time(16),
                               place="Zaal De Linde", description="Neem een casus mee.",
                               report="Geheim verslag over Proeftuin Aa.")
    session.pilots = [w.pilots["active"]]
    harvest = make.cohort_date(w.call, CohortDateKind.harvest, in_days=20, title="Oogst")
    make.cohort_date(make.call(w.programme), title="Van een andere ronde")
    with client.application.test_request_context():
        url = ical.feed_url(w.call)
        webcal = ical.webcal_url(w.call)
    path = url.split("://", 1)[1].split("/", 1)[1]

    response = client.get("/" + path)

    assert webcal.startswith("webcal://") and webcal.endswith(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"].startswith("private, max-age=")
    body = response.get_data(as_text=True)
    assert "Geheim verslag" not in body and "Proeftuin Aa" not in body
    calendar = Calendar.from_ical(response.get_data())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"cohort-date-{session.id}@127.0.0.1",
                           f"cohort-date-{harvest.id}@127.0.0.1"}
    timed = next(e for e in events.values() if "respijt" in str(e["summary"]))
    assert str(timed["summary"]) == "Leersessie: Leersessie over respijt"
    assert str(timed["location"]) == "Zaal De Linde"
    start = timed.decoded("dtstart")
    assert (start.date(), start.time(), str(start.tzinfo)) == (
        TODAY + timedelta(days=10), time(13, 30), "Europe/Amsterdam")
    assert timed.decoded("dtend").time() == time(16)
    assert "Neem een casus mee." in str(timed["description"])
    assert str(timed["url"]).endswith("/werkplaats/")
    whole_day = next(e for e in events.values() if str(e["summary"]) == "Oogstmoment: Oogst")
    assert whole_day.decoded("dtstart") == TODAY + timedelta(days=20)
    assert whole_day.decoded("dtend") == TODAY + timedelta(days=21)
    assert "ten minste één les" in str(whole_day["description"])
    assert [c["tzid"] for c in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    # The same date keeps its UID: a calendar app updates it rather than adding a copy.
    again = Calendar.from_ical(client.get("/" + path).get_data())
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)


def test_a_bad_or_foreign_feed_token_is_not_found(client, make, app):
    w = cohort_world(make)
    with app.test_request_context():
        token = ical.feed_token(w.call)
        from itsdangerous import URLSafeSerializer

        other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="subscription")
        foreign = other_salt.dumps(w.call.id)
        wrong_type = ical._serializer().dumps("1")
        unknown = ical._serializer().dumps(987654)
        too_big = ical._serializer().dumps(10**20)

    assert client.get(f"/agenda/{token}.ics").status_code == 200
    for bad in (token[:-2] + "xx", foreign, wrong_type, unknown, too_big, "nonsense", "…"):
        assert client.get(f"/agenda/{bad}.ics").status_code == 404, bad


# The workspace ---------------------------------------------------------------------------


def test_the_workspace_overview_shows_the_cohort_s_dates_and_the_pilot_s_harvests(
        client, make, login):
    w = cohort_world(make)
    make.cohort_date(w.call, CohortDateKind.kickoff, in_days=-60, title="Aftrap in Denkstad")
    for n in range(4):
        make.cohort_date(w.call, in_days=-50 + n, title=f"Oude sessie {n}")
    make.cohort_date(w.call, CohortDateKind.harvest, in_days=-45, due_in_days=-3,
                     title="Oogst van het voorjaar")
    make.cohort_date(w.call, in_days=12, title="Volgende leersessie",
                     start_time=time(9, 30), end_time=time(12))
    make.cohort_date(w.call, CohortDateKind.harvest, in_days=20, title="Oogst van de zomer")
    login(w.member)

    page = client.get(f"/werkplaats/{w.pilots['active'].slug}/").get_data(as_text=True)

    assert "Volgende leersessie" in page and "09:30–12:00" in page
    assert "Oogst van de zomer" in page and "nog open" in page
    assert "Oogst van het voorjaar" in page and "te laat" in page
    # The last few past dates only.
    assert "Aftrap in Denkstad" not in page and "Oude sessie 0" not in page
    assert "Oude sessie 3" in page
    assert "webcal://" in page

    client.post("/logout")
    login(w.applicant)
    applied = client.get(f"/werkplaats/{w.pilots['applied'].slug}/").get_data(as_text=True)
    assert "Volgende leersessie" not in applied and "webcal://" not in applied


def test_the_overview_asks_a_constant_number_of_queries(client, make, login, count_queries):
    w = cohort_world(make)
    login(w.member)

    def queries_with(dates: int) -> int:
        for n in range(dates):
            make.cohort_date(w.call, CohortDateKind.harvest, in_days=-30 + n)
            make.cohort_date(w.call, in_days=n)
        with count_queries() as page:
            assert client.get(f"/werkplaats/{w.pilots['active'].slug}/").status_code == 200
        return page()

    assert queries_with(1) == queries_with(6)


def test_the_call_page_links_to_its_calendar(client, make, login):
    w = cohort_world(make)
    login(w.facilitator)
    page = client.get(f"/begeleiding/rondes/{w.call.id}").get_data(as_text=True)
    assert f'href="{_base(w.call)}"' in page and "Kalender van de ronde" in page


def test_a_harvest_in_a_month_defaults_to_six_weeks(client, make, login):
    w = cohort_world(make)
    login(w.facilitator)
    client.post(f"{_base(w.call)}/nieuw", data=date_form(
        kind="harvest", start_time="", end_time="", held_on="2027-03-01", due_on=""))
    client.post(f"{_base(w.call)}/nieuw", data=date_form(
        kind="harvest", start_time="", end_time="", held_on="2027-03-01",
        due_on="2027-03-01"))
    assert [(d.held_on, d.due_on) for d in _dates()] == [
        (date(2027, 3, 1), date(2027, 4, 12)), (date(2027, 3, 1), date(2027, 3, 1))]


def test_moving_a_reminded_harvest_to_a_later_day_reminds_again(client, make, login):
    w = cohort_world(make)
    harvest = make.cohort_date(w.call, CohortDateKind.harvest, in_days=0, title="Oogst",
                               reminded_at=datetime.now().astimezone())
    login(w.facilitator)
    same_day = date_form(kind="harvest", title="Oogst (nieuwe titel)", start_time="",
                         end_time="", held_on=TODAY.isoformat())
    client.post(f"{_base(w.call)}/{harvest.id}/bewerken", data=same_day)
    assert _dates()[0].reminded_at is not None
    later = dict(same_day, held_on=(TODAY + timedelta(days=7)).isoformat())
    client.post(f"{_base(w.call)}/{harvest.id}/bewerken", data=later)
    assert _dates()[0].reminded_at is None
