"""A programme's calls: facilitators open, change and close them; a call takes applications
from its first to its last day, unless it was closed early."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.models import Call, CallCriterion, CallState, PilotStatus
from proeftuin.models.base import utcnow


def _world(make) -> SimpleNamespace:
    programme = make.programme(name="Programma Thuis")
    other = make.programme(name="Programma Elders")
    return SimpleNamespace(
        programme=programme, other=other,
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other, name="Begeleider Elders"))


#: the days of the call the tests open: it opens in a month
OPENS = local_today() + timedelta(days=30)
CLOSES = OPENS + timedelta(days=45)


def call_form(programme, **overrides) -> dict:
    data = {
        "programme_id": str(programme.id), "title": "Ronde 2027",
        "text": "Wij zoeken groepen die **samen** willen leren.",
        "opens_on": OPENS.isoformat(), "closes_on": CLOSES.isoformat(), "places": "4",
        "criteria-0-title": "Samenwerking met mantelzorgers",
        "criteria-0-description": "Mantelzorgers denken vanaf het begin mee.",
        "criteria-1-title": "", "criteria-1-description": "",
        "criteria-2-title": "Vier disciplines aan tafel", "criteria-2-description": "",
        "criteria-3-title": "Leren en delen", "criteria-3-description": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _calls() -> list[Call]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Call).order_by(Call.id)).all()


def test_a_call_is_open_from_its_first_to_its_last_day():
    call = Call(opens_on=date(2027, 1, 15), closes_on=date(2027, 3, 1), places=2)

    assert call.state(date(2027, 1, 14)) is CallState.upcoming
    assert call.state(date(2027, 1, 15)) is CallState.open
    assert call.state(date(2027, 3, 1)) is CallState.open
    assert call.state(date(2027, 3, 2)) is CallState.closed
    call.closed_early_at = utcnow()
    assert call.state(date(2027, 2, 1)) is CallState.closed


def test_a_facilitator_opens_a_call_with_its_criteria_in_order(client, make, login):
    world = _world(make)
    login(world.facilitator)

    form = client.get("/begeleiding/rondes/nieuw").get_data(as_text=True)
    response = client.post("/begeleiding/rondes/nieuw", data=call_form(world.programme))

    assert "Programma Thuis" in form and "Programma Elders" not in form
    assert response.status_code == 303
    [call] = _calls()
    assert response.headers["Location"].endswith(f"/begeleiding/rondes/{call.id}")
    assert (call.programme_id, call.title, call.opens_on, call.closes_on, call.places) == (
        world.programme.id, "Ronde 2027", OPENS, CLOSES, 4)
    assert [(c.position, c.title, c.description) for c in call.criteria] == [
        (1, "Samenwerking met mantelzorgers", "Mantelzorgers denken vanaf het begin mee."),
        (2, "Vier disciplines aan tafel", ""), (3, "Leren en delen", "")]
    page = client.get(f"/begeleiding/rondes/{call.id}").get_data(as_text=True)
    assert "<strong>samen</strong>" in page and "Leren en delen" in page
    listing = client.get("/begeleiding/rondes/").get_data(as_text=True)
    assert "Ronde 2027" in listing and "Nog niet open" in listing


@pytest.mark.parametrize(("overrides", "message"), [
    ({"title": "  "}, "Geef de ronde een titel."),
    ({"opens_on": ""}, "Vul de eerste dag in"),
    ({"closes_on": "31-02-2027"}, "Vul een geldige datum in"),
    ({"closes_on": (OPENS - timedelta(days=1)).isoformat()},
     "De laatste dag mag niet voor de eerste liggen."),
    ({"places": "0"}, "Kies een aantal tussen 1 en 500."),
    ({"places": ""}, "Vul het aantal plaatsen in."),
    ({"places": "veel"}, "Vul een heel getal in, bijvoorbeeld 4."),
    ({"criteria-0-title": "", "criteria-2-title": "", "criteria-3-title": "",
      "criteria-0-description": ""}, "Noem ten minste één criterium."),
    ({"criteria-1-description": "Zonder naam"}, "Geef dit criterium ook een naam."),
    ({"programme_id": "99999999999999999999"}, "Kies een programma uit de lijst."),
])
def test_a_wrong_call_is_explained_keeps_what_was_typed_and_saves_nothing(
        client, make, login, overrides, message):
    world = _world(make)
    login(world.facilitator)
    data = call_form(world.programme, **overrides)

    response = client.post("/begeleiding/rondes/nieuw", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "Wij zoeken groepen die **samen** willen leren." in html
    for name in ("title", "criteria-0-title", "criteria-0-description", "criteria-3-title"):
        if data[name].strip():
            assert f'value="{data[name]}"' in html, name
    assert _calls() == []


def test_a_facilitator_cannot_open_a_call_for_another_programme(client, make, login):
    world = _world(make)
    login(world.facilitator)

    response = client.post("/begeleiding/rondes/nieuw", data=call_form(world.other))

    assert response.status_code == 403
    assert _calls() == []


def test_changing_a_call_keeps_its_criteria_by_place(client, make, login):
    world = _world(make)
    call = make.call(world.programme, criteria=("Eén", "Twee", "Drie"))
    ids = [criterion.id for criterion in call.criteria]
    login(world.facilitator)

    form = client.get(f"/begeleiding/rondes/{call.id}/bewerken").get_data(as_text=True)
    response = client.post(f"/begeleiding/rondes/{call.id}/bewerken", data=call_form(
        world.programme, programme_id=None, title="Ronde 2027 (verlengd)",
        **{"criteria-0-title": "Eén, scherper", "criteria-2-title": "",
           "criteria-3-title": ""}))

    assert 'value="Twee"' in form and 'name="programme_id"' not in form
    assert response.status_code == 303
    [changed] = _calls()
    assert changed.title == "Ronde 2027 (verlengd)" and changed.places == 4
    assert [(c.id, c.title) for c in changed.criteria] == [(ids[0], "Eén, scherper")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CallCriterion)) == 1


def test_closing_a_call_ends_its_applications_at_once(client, make, login):
    world = _world(make)
    call = make.call(world.programme, title="Ronde van nu")
    login(world.facilitator)
    assert "Ronde van nu" in client.get("/aanmelden").get_data(as_text=True)

    response = client.post(f"/begeleiding/rondes/{call.id}/sluiten")
    again = client.post(f"/begeleiding/rondes/{call.id}/sluiten", follow_redirects=True)

    assert response.status_code == 303
    assert _calls()[0].state(local_today()) is CallState.closed
    assert "Deze ronde was al gesloten." in again.get_data(as_text=True)
    assert "Ronde van nu" not in client.get("/aanmelden").get_data(as_text=True)


def test_a_call_lists_its_applications_and_counts_them(client, make, login):
    world = _world(make)
    call = make.call(world.programme, title="Ronde met aanmeldingen")
    for status, name in ((PilotStatus.applied, "Wacht Nog"),
                         (PilotStatus.selected, "Gekozen Groep"),
                         (PilotStatus.declined, "Niet Gekozen")):
        make.pilot(programme=world.programme, status=status, name=name).call = call
    make.pilot(programme=world.programme, name="Buiten De Ronde")
    db.session.commit()
    login(world.facilitator)

    page = client.get(f"/begeleiding/rondes/{call.id}").get_data(as_text=True)
    listing = client.get("/begeleiding/rondes/").get_data(as_text=True)

    for name in ("Wacht Nog", "Gekozen Groep", "Niet Gekozen"):
        assert name in page
    assert "Buiten De Ronde" not in page
    row = listing[listing.index("Ronde met aanmeldingen"):]
    row = row[:row.index("</tr>")]
    assert [int(n) for n in re.findall(r">(\d+)</td>", row)] == [3, 3, 1, 1]


def test_the_call_pages_ask_a_constant_number_of_queries(client, make, login, count_queries):
    world = _world(make)
    login(world.facilitator)

    def queries_with(calls: int) -> tuple[int, int]:
        for _ in range(calls):
            call = make.call(world.programme)
            for _ in range(3):
                make.pilot(programme=world.programme, status=PilotStatus.applied).call = call
        db.session.commit()
        last = _calls()[-1]
        with count_queries() as listing:
            client.get("/begeleiding/rondes/")
        with count_queries() as one:
            client.get(f"/begeleiding/rondes/{last.id}")
        return listing(), one()

    assert queries_with(1) == queries_with(4)


@pytest.mark.parametrize("who", ["other_facilitator", "participant"])
def test_others_reach_no_call(client, make, login, who):
    world = _world(make)
    call = make.call(world.programme)
    user = world.other_facilitator if who == "other_facilitator" else make.user()
    login(user)

    for method, path in (("get", f"/begeleiding/rondes/{call.id}"),
                         ("get", f"/begeleiding/rondes/{call.id}/bewerken"),
                         ("post", f"/begeleiding/rondes/{call.id}/bewerken"),
                         ("post", f"/begeleiding/rondes/{call.id}/sluiten")):
        assert getattr(client, method)(path).status_code == 403, path
    assert _calls()[0].closed_early_at is None
    listing = client.get("/begeleiding/rondes/")
    assert call.title not in listing.get_data(as_text=True)


def test_an_unknown_call_is_not_found(client, make, login):
    login(make.admin())

    for call_id in (12345, 99999999999999999999):
        assert client.get(f"/begeleiding/rondes/{call_id}").status_code == 404


def test_an_admin_manages_every_programmes_calls(client, make, login):
    world = _world(make)
    call = make.call(world.other, title="Ronde Elders")
    login(make.admin())

    assert "Ronde Elders" in client.get("/begeleiding/rondes/").get_data(as_text=True)
    assert client.post(f"/begeleiding/rondes/{call.id}/sluiten").status_code == 303
    assert _calls()[0].closed_early_at is not None


def test_a_closed_call_is_not_offered_even_before_its_last_day(client, make):
    call = make.call(closes_in=10)
    call.closed_early_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    assert call.title not in client.get("/aanmelden").get_data(as_text=True)
