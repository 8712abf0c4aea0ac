"""The facilitator pages: overview per programme, application queue, a pilot's page and its
lifecycle steps; who may see and do what."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import (
    Pilot,
    PilotDirection,
    PilotStatus,
    PilotStatusChange,
)
from tests.conftest import PASSWORD

ROLES = ("anonymous", "participant", "other_facilitator", "facilitator", "admin")
ALLOWED = {"facilitator", "admin"}


# Helpers ----------------------------------------------------------------------------------




def world(make, status: PilotStatus = PilotStatus.applied) -> SimpleNamespace:
    """A pilot in one programme with its facilitator, and another programme beside it."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    facilitator = make.facilitator(programme, name="Begeleider Bram")
    other_facilitator = make.facilitator(other_programme, name="Begeleider Elders")
    pilot = make.pilot(programme=programme, status=status, name="Proeftuin Denkstad",
                       municipality="Denkstad", region="Gelderland")
    other_pilot = make.pilot(programme=other_programme, status=status,
                             name="Proeftuin Elders", municipality="Verweg")
    participant = make.member(pilot, name="Deelnemer Dina")
    return SimpleNamespace(
        programme=programme,
        other_programme=other_programme,
        pilot=pilot,
        pilot_id=pilot.id,
        slug=pilot.slug,
        other_pilot=other_pilot,
        facilitator=facilitator,
        other_facilitator=other_facilitator,
        participant=participant,
        admin=make.admin(name="Beheerder Bea"),
        anonymous=None,
    )


def sign_in(login, w, role: str):
    """Sign in as the person with `role` in the world, or stay anonymous."""
    user = getattr(w, role)
    if user is not None:
        login(user)
    return user


def html_of(response) -> str:
    return response.get_data(as_text=True)


def pilot_state(pilot_id: int) -> tuple:
    """The pilot's status and its history, re-read from the database."""
    db.session.expire_all()
    pilot = db.session.get(Pilot, pilot_id)
    changes = db.session.scalars(
        sa.select(PilotStatusChange)
        .where(PilotStatusChange.pilot_id == pilot_id)
        .order_by(PilotStatusChange.id)
    ).all()
    return pilot.status, [(c.from_status, c.to_status, c.changed_by_id, c.reason) for c in changes]


def field_error(html: str, field_id: str) -> str:
    """Return the text of the error message shown beside the field with this id."""
    match = re.search(rf'<p class="[^"]*field-error[^"]*" id="{field_id}-error">(.*?)</p>',
                      html, re.S)
    return match.group(1).strip() if match else ""


def assert_sent_to_login(response, path: str):
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    assert path.rstrip("/").split("/")[-1] in response.headers["Location"]


# Who may see the pages --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/begeleiding/", "/begeleiding/aanmeldingen"])
def test_overview_pages_are_for_facilitators_and_admins(client, make, login, role, path):
    w = world(make)
    sign_in(login, w, role)

    response = client.get(path)

    if role == "anonymous":
        assert_sent_to_login(response, path)
    elif role == "participant":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        html = html_of(response)
        assert html.count("<h1") == 1
        # A facilitator sees only their own programmes' pilots; an admin sees all.
        assert ("Proeftuin Denkstad" in html) is (role in ALLOWED)
        assert ("Proeftuin Elders" in html) is (role in ("other_facilitator", "admin"))


@pytest.mark.parametrize("role", ROLES)
def test_pilot_page_is_for_the_programmes_facilitators_and_admins(client, make, login, role):
    w = world(make)
    sign_in(login, w, role)

    response = client.get(f"/begeleiding/proeftuinen/{w.slug}")

    if role == "anonymous":
        assert_sent_to_login(response, w.slug)
    elif role in ALLOWED:
        assert response.status_code == 200
        html = html_of(response)
        assert "Proeftuin Denkstad" in html
        assert w.pilot.contact_email in html
    else:
        # An application of another programme does not exist for its facilitators (P2).
        assert response.status_code == (404 if role == "other_facilitator" else 403)
        assert w.pilot.contact_email not in html_of(response)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_programmes_facilitators_and_admins_change_status(client, make, login, role):
    w = world(make)
    user = sign_in(login, w, role)
    before = pilot_state(w.pilot_id)

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                           data={"to": "selected", "reason": ""})

    status, changes = pilot_state(w.pilot_id)
    if role in ALLOWED:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/begeleiding/proeftuinen/{w.slug}")
        assert status is PilotStatus.selected
        assert changes[-1] == (PilotStatus.applied, PilotStatus.selected, user.id, "")
    else:
        if role == "anonymous":
            assert_sent_to_login(response, "status")
        else:
            assert response.status_code == (404 if role == "other_facilitator" else 403)
        assert (status, changes) == before


def test_unknown_pilot_is_not_found(client, make, login):
    w = world(make)
    login(w.facilitator)
    assert client.get("/begeleiding/proeftuinen/bestaat-niet").status_code == 404
    assert client.post("/begeleiding/proeftuinen/bestaat-niet/status",
                       data={"to": "selected"}).status_code == 404
    assert client.get("/begeleiding/proeftuinen/" + "x" * 5000).status_code == 404


def test_participant_gets_403_even_for_a_pilot_that_does_not_exist(client, make, login):
    w = world(make)
    login(w.participant)
    assert client.get("/begeleiding/proeftuinen/bestaat-niet").status_code == 403


def test_status_cannot_be_changed_with_get(client, make, login):
    w = world(make)
    login(w.facilitator)
    assert client.get(f"/begeleiding/proeftuinen/{w.slug}/status").status_code == 405
    assert pilot_state(w.pilot_id)[0] is PilotStatus.applied


def test_navigation_shows_facilitation_only_to_those_who_have_it(client, make, login):
    w = world(make)
    login(w.participant)
    assert 'href="/begeleiding/"' not in html_of(client.get("/werkplaats/"))
    client.post("/logout")
    login(w.facilitator)
    assert 'href="/begeleiding/"' in html_of(client.get("/begeleiding/"))


# Overview ---------------------------------------------------------------------------------


def test_overview_shows_counts_per_status_and_the_pilot_table(client, make, login):
    w = world(make)
    make.pilot(programme=w.programme, status=PilotStatus.applied, name="Proeftuin Tweede")
    make.pilot(programme=w.programme, status=PilotStatus.active, name="Proeftuin Actief",
               municipality="Werkdorp", region="Zeeland")
    make.pilot(programme=w.programme, status=PilotStatus.declined, name="Proeftuin Nee")
    # The last status change is the date the table shows.
    db.session.add(PilotStatusChange(
        pilot_id=w.pilot_id, from_status=None, to_status=PilotStatus.applied,
        created_at=datetime(2031, 3, 5, 12, 0, tzinfo=UTC),
    ))
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get("/begeleiding/"))

    assert "<h2 class=\"utrecht-heading-2\" id=\"programma-" in html
    assert "Programma Thuis" in html and "Programma Elders" not in html
    assert "2 aanmeldingen wachten op een besluit" in html
    counts = dict(re.findall(
        r'<dt class="utrecht-data-list__item-key">([^<]+)</dt>\s*'
        r'<dd class="utrecht-data-list__item-value[^"]*">(\d+)</dd>', html))
    assert counts == {"Aangemeld": "2", "Geselecteerd": "0", "Afgewezen": "1", "Actief": "1",
                      "Afgerond": "0", "Gestopt": "0"}
    row = re.search(r'<tr class="utrecht-table__row">\s*<th[^>]*><a[^>]*href="/begeleiding/proeftuinen/'
                    r'proeftuin-\d+">Proeftuin Actief</a></th>(.*?)</tr>', html, re.S)
    assert row, "the active pilot has a row that links to its facilitator page"
    assert "Werkdorp" in row.group(1) and "Zeeland" in row.group(1) and "Actief" in row.group(1)
    denkstad = re.search(r">Proeftuin Denkstad</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "Denkstad" in denkstad and "Gelderland" in denkstad and "Aangemeld" in denkstad
    assert "5 mrt 2031" in denkstad


def test_admin_sees_every_programme_on_the_overview(client, make, login):
    w = world(make)
    make.programme(name="Programma Leeg")
    login(w.admin)

    html = html_of(client.get("/begeleiding/"))

    for name in ("Programma Thuis", "Programma Elders", "Programma Leeg"):
        assert name in html
    assert "Dit programma heeft nog geen proeftuinen." in html


def test_facilitator_without_programmes_is_told_so(client, make, login):
    login(make.facilitator(name="Begeleider Zonder"))
    response = client.get("/begeleiding/")
    assert response.status_code == 200
    assert "U bent nog niet aan een programma gekoppeld" in html_of(response)


def test_facilitator_of_two_programmes_sees_both(client, make, login):
    w = world(make)
    w.other_programme.facilitators.append(w.facilitator)
    db.session.commit()
    login(w.facilitator)
    html = html_of(client.get("/begeleiding/"))
    assert "Programma Thuis" in html and "Programma Elders" in html
    assert "Proeftuin Denkstad" in html and "Proeftuin Elders" in html


# Application queue ------------------------------------------------------------------------


def test_queue_lists_only_applications_oldest_first_with_key_fields(client, make, login):
    w = world(make)
    newer = make.pilot(programme=w.programme, status=PilotStatus.applied,
                       name="Proeftuin Nieuw")
    older = make.pilot(programme=w.programme, status=PilotStatus.applied,
                       name="Proeftuin Oud", municipality="Oudewater")
    make.pilot(programme=w.programme, status=PilotStatus.active, name="Proeftuin Bezig")
    make.pilot(programme=w.programme, status=PilotStatus.declined, name="Proeftuin Nee")
    now = datetime.now(UTC)
    newer.created_at = now - timedelta(days=1)
    older.created_at = now - timedelta(days=30)
    w.pilot.created_at = now - timedelta(days=10)
    older.theme = "Mantelzorgers **eerder** in beeld."
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get("/begeleiding/aanmeldingen"))

    names = re.findall(r'href="/begeleiding/proeftuinen/[^"]+">([^<]+)</a>', html)
    assert names == ["Proeftuin Oud", "Proeftuin Denkstad", "Proeftuin Nieuw"]
    assert "Proeftuin Bezig" not in html and "Proeftuin Nee" not in html
    assert "Proeftuin Elders" not in html
    assert "3 aanmeldingen wachten op een besluit" in html
    row = re.search(r">Proeftuin Oud</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "Oudewater, Utrecht" in row
    assert "Programma Thuis" in row
    assert "Gemeente (lokaal)" in row
    assert "Mantelzorgers eerder in beeld." in row and "**" not in row
    assert "Contactpersoon Verzonnen" in row and older.contact_email in row
    assert "1, 2" in row  # the solution directions chosen


def test_queue_without_applications_says_so(client, make, login):
    w = world(make, status=PilotStatus.active)
    login(w.facilitator)
    html = html_of(client.get("/begeleiding/aanmeldingen"))
    assert "Er wachten geen aanmeldingen op een besluit." in html


def test_admin_sees_applications_of_every_programme(client, make, login):
    w = world(make)
    login(w.admin)
    html = html_of(client.get("/begeleiding/aanmeldingen"))
    assert "Proeftuin Denkstad" in html and "Proeftuin Elders" in html


# No N+1 -----------------------------------------------------------------------------------


REGIONS = ("Utrecht", "Gelderland", "Zeeland", "Limburg", "Drenthe")


def _add_pilots(make, programme, number: int) -> None:
    for i in range(number):
        status = PilotStatus.applied if i % 2 else PilotStatus.active
        make.pilot(programme=programme, status=status, region=REGIONS[i % len(REGIONS)],
                   name=f"Proeftuin Extra {i}")


@pytest.mark.parametrize("path", ["/begeleiding/", "/begeleiding/aanmeldingen"])
def test_overview_pages_query_count_does_not_grow_with_pilots(client, make, login,
                                                               count_queries, path):
    w = world(make)
    login(w.facilitator)
    _add_pilots(make, w.programme, 2)  # with the world's own pilot: 3 in the programme
    client.get(path)  # warm up: the first request of a session loads a little more

    def measure() -> int:
        db.session.expunge_all()  # nothing cached from building the data
        with count_queries() as n:
            response = client.get(path)
        assert response.status_code == 200
        return n()

    few = measure()
    _add_pilots(make, w.programme, 12)  # 15 now
    many = measure()
    assert many == few
    assert "Proeftuin Extra 11" in html_of(client.get(path))


def test_pilot_page_query_count_does_not_grow_with_its_history(client, make, login,
                                                                count_queries):
    w = world(make)
    login(w.facilitator)
    path = f"/begeleiding/proeftuinen/{w.slug}"
    client.get(path)

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get(path).status_code == 200
        return n()

    few = measure()
    for i in range(8):
        db.session.add(PilotStatusChange(pilot_id=w.pilot_id, from_status=PilotStatus.applied,
                                         to_status=PilotStatus.applied, reason=f"stap {i}",
                                         changed_by_id=make.facilitator(name=f"B {i}").id))
    db.session.commit()
    assert measure() == few


# The pilot page ---------------------------------------------------------------------------


def test_pilot_page_shows_everything_the_application_holds(client, make, login):
    w = world(make)
    pilot = w.pilot
    pilot.contact_phone = "030-0000000"
    pilot.planned_start = date(2031, 1, 1)
    pilot.planned_end = date(2032, 6, 30)
    pilot.theme = "Samen **sterker** thuis"
    pilot.ambition = "Minder overbelaste mantelzorgers."
    direction = db.session.scalar(sa.select(PilotDirection).where(
        PilotDirection.pilot_id == pilot.id, PilotDirection.direction_number == 2))
    direction.task = "Wij nemen de *eerste* stap."
    direction.desired_outcome = "Iedere mantelzorger kent een vast aanspreekpunt."
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get(f"/begeleiding/proeftuinen/{w.slug}"))

    assert html.count("<h1") == 1
    for text in ("Contactpersoon Verzonnen", pilot.contact_email, "030-0000000",
                 "Denkstad", "Gelderland", "Programma Thuis", "Gemeente (lokaal)",
                 "Zorggroep Voorbeeld", "Zorgorganisatie",  # organisation and its kind
                 "Huisarts", "Wijkverpleegkundige",  # disciplines
                 "Kwetsbare ouderen thuis",  # target group
                 "Wij nemen de <em>eerste</em> stap.",
                 "Iedere mantelzorger kent een vast aanspreekpunt.",
                 "Samen <strong>sterker</strong> thuis", "Minder overbelaste mantelzorgers.",
                 "1 januari 2031", "30 juni 2032"):
        assert text in html, text
    question = make.question(1)
    assert question.name_nl in html
    assert make.direction(1).name_nl in html and make.direction(2).name_nl in html


def test_pilot_page_shows_the_history_with_who_when_and_why(client, make, login):
    w = world(make)
    first = db.session.scalar(sa.select(PilotStatusChange).where(
        PilotStatusChange.pilot_id == w.pilot_id))
    first.created_at = datetime(2024, 2, 3, 9, 30, tzinfo=UTC)
    db.session.commit()
    login(w.facilitator)
    client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                data={"to": "selected", "reason": "Sterke samenwerking met de gemeente."})
    client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                data={"to": "active", "reason": ""})

    html = html_of(client.get(f"/begeleiding/proeftuinen/{w.slug}"))

    history = html[html.index('id="geschiedenis"'):]
    history = history[history.index("<tbody"):]
    rows = re.findall(r'<tr class="utrecht-table__row">(.*?)</tr>', history, re.S)
    assert len(rows) == 3
    assert "Aangemeld" in rows[0] and "aanvrager" in rows[0] and "3 feb 2024" in rows[0]
    assert "Aangemeld → Geselecteerd" in rows[1] and "Begeleider Bram" in rows[1]
    assert "Sterke samenwerking met de gemeente." in rows[1]
    assert "Geselecteerd → Actief" in rows[2] and "Begeleider Bram" in rows[2]


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (PilotStatus.applied, {"selected", "declined"}),
        (PilotStatus.selected, {"active", "stopped"}),
        (PilotStatus.active, {"completed", "stopped"}),
        (PilotStatus.declined, set()),
        (PilotStatus.completed, set()),
        (PilotStatus.stopped, set()),
    ],
)
def test_pilot_page_offers_exactly_the_steps_the_lifecycle_allows(client, make, login, status,
                                                                  offered):
    w = world(make, status=status)
    login(w.facilitator)

    html = html_of(client.get(f"/begeleiding/proeftuinen/{w.slug}"))

    forms = re.findall(r'<form method="post" action="/begeleiding/proeftuinen/[^"]+/status[^"]*"'
                       r'.*?<input type="hidden" name="to" value="([a-z]+)">(.*?)</form>',
                       html, re.S)
    assert {to for to, _ in forms} == offered
    for to, body in forms:
        assert 'name="reason"' in body
        assert f'<label class="utrecht-form-label" for="reden-{to}">' in body
        required = to in ("declined", "stopped")
        assert ("(verplicht)" in body) is required
    if not offered:
        assert "geen stappen meer mogelijk" in html


# Changing the status ----------------------------------------------------------------------


def test_selecting_flashes_and_offers_to_invite_the_coordinator(client, make, login):
    w = world(make)
    login(w.facilitator)

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                           data={"to": "selected", "reason": "Mooie aanmelding."},
                           follow_redirects=True)

    html = html_of(response)
    assert response.status_code == 200
    assert "De aanmelding is geselecteerd." in html
    assert f'href="/werkplaats/{w.slug}/leden"' in html
    assert "Coördinator uitnodigen" in html
    status, changes = pilot_state(w.pilot_id)
    assert status is PilotStatus.selected
    assert changes[-1] == (PilotStatus.applied, PilotStatus.selected, w.facilitator.id,
                           "Mooie aanmelding.")


def test_declining_needs_a_reason(client, make, login):
    w = world(make)
    login(w.facilitator)
    before = pilot_state(w.pilot_id)

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                           data={"to": "declined", "reason": "   "})

    html = html_of(response)
    assert response.status_code == 200
    assert "Geef een reden op" in field_error(html, "reden-declined")
    assert 'aria-invalid="true"' in html
    assert pilot_state(w.pilot_id) == before


def test_declining_with_a_reason_records_it(client, make, login):
    w = world(make)
    login(w.admin)

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                           data={"to": "declined", "reason": "  Past niet in dit programma.  "},
                           follow_redirects=True)

    assert "De aanmelding is afgewezen." in html_of(response)
    status, changes = pilot_state(w.pilot_id)
    assert status is PilotStatus.declined
    assert changes[-1] == (PilotStatus.applied, PilotStatus.declined, w.admin.id,
                           "Past niet in dit programma.")


def test_stopping_needs_a_reason_and_keeps_nothing_half_done(client, make, login):
    w = world(make, status=PilotStatus.active)
    login(w.facilitator)
    before = pilot_state(w.pilot_id)

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status", data={"to": "stopped"})

    assert response.status_code == 200
    assert "Geef een reden op" in field_error(html_of(response), "reden-stopped")
    assert pilot_state(w.pilot_id) == before

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                           data={"to": "stopped", "reason": "De trekker is vertrokken."})
    assert response.status_code == 302
    status, changes = pilot_state(w.pilot_id)
    assert status is PilotStatus.stopped
    assert changes[-1][3] == "De trekker is vertrokken."


def test_the_whole_lifecycle_from_application_to_completion(client, make, login):
    w = world(make)
    login(w.facilitator)
    url = f"/begeleiding/proeftuinen/{w.slug}/status"
    for to, message in (("selected", "De aanmelding is geselecteerd."),
                        ("active", "De proeftuin is gestart."),
                        ("completed", "De proeftuin is afgerond.")):
        response = client.post(url, data={"to": to, "reason": ""}, follow_redirects=True)
        assert message in html_of(response)
    status, changes = pilot_state(w.pilot_id)
    assert status is PilotStatus.completed
    assert [(c[0], c[1]) for c in changes] == [
        (None, PilotStatus.applied),
        (PilotStatus.applied, PilotStatus.selected),
        (PilotStatus.selected, PilotStatus.active),
        (PilotStatus.active, PilotStatus.completed),
    ]


def test_step_the_lifecycle_does_not_allow_is_refused_keeping_the_reason(client, make, login):
    w = world(make)
    login(w.facilitator)
    before = pilot_state(w.pilot_id)

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                           data={"to": "completed", "reason": "Klaar <script>alert(1)</script>"})

    html = html_of(response)
    assert response.status_code == 400
    assert "kan niet naar Afgerond" in html
    assert "Klaar &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    # The steps that are possible are still offered.
    assert 'name="to" value="selected"' in html and 'name="to" value="declined"' in html
    assert pilot_state(w.pilot_id) == before


def test_a_stale_page_cannot_select_twice(client, make, login):
    w = world(make)
    login(w.facilitator)
    url = f"/begeleiding/proeftuinen/{w.slug}/status"
    assert client.post(url, data={"to": "selected"}).status_code == 302
    after_first = pilot_state(w.pilot_id)

    response = client.post(url, data={"to": "selected", "reason": "Nog een keer"})

    assert response.status_code == 400
    assert "Geselecteerd kan niet naar Geselecteerd" in html_of(response)
    assert pilot_state(w.pilot_id) == after_first


@pytest.mark.parametrize("data", [
    {"to": "bogus", "reason": "Waarom niet"},
    {"to": "APPLIED"},
    {"to": "applied"},
    {"to": ""},
    {"reason": "zonder doel"},
    {"to": "x" * 10_000},
    {"to": ["selected", "declined"], "reason": "twee keer"},
])
def test_odd_status_input_is_refused_without_a_500(client, make, login, data):
    w = world(make)
    login(w.facilitator)
    before = pilot_state(w.pilot_id)

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status", data=data)

    if isinstance(data.get("to"), list):  # the first value counts, as with any form
        assert response.status_code == 302
        assert pilot_state(w.pilot_id)[0] is PilotStatus.selected
        return
    assert response.status_code == 400
    html = html_of(response)
    assert "statuswijziging bestaat niet" in html or "kan niet naar" in html
    if data.get("reason"):
        assert data["reason"] in html
    assert pilot_state(w.pilot_id) == before


def test_a_very_long_reason_is_refused_and_kept(client, make, login):
    w = world(make, status=PilotStatus.active)
    login(w.facilitator)
    before = pilot_state(w.pilot_id)
    reason = "Te lang verhaal. " * 200

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                           data={"to": "stopped", "reason": reason})

    html = html_of(response)
    assert response.status_code == 200
    assert "Maak de toelichting korter" in field_error(html, "reden-stopped")
    assert reason.strip() in html
    assert pilot_state(w.pilot_id) == before


def test_other_facilitator_cannot_change_status_of_another_programme(client, make, login):
    w = world(make)
    login(w.other_facilitator)
    before = pilot_state(w.pilot_id)
    for to in ("selected", "declined"):
        response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                               data={"to": to, "reason": "Niet mijn programma"})
        assert response.status_code == 404  # an application of another programme (P2)
    assert pilot_state(w.pilot_id) == before


def test_deactivated_facilitator_loses_access(client, make, login):
    w = world(make)
    login(w.facilitator)
    assert client.get("/begeleiding/").status_code == 200
    w.facilitator.active = False
    db.session.commit()
    response = client.get("/begeleiding/")
    assert response.status_code == 302


def test_control_characters_never_reach_the_database(client, make, login):
    w = world(make)
    login(w.facilitator)
    assert client.get("/begeleiding/proeftuinen/a%00b").status_code == 404

    response = client.post(f"/begeleiding/proeftuinen/{w.slug}/status",
                           data={"to": "declined", "reason": "Past\x00 niet.\nEcht niet."})

    assert response.status_code == 302
    assert pilot_state(w.pilot_id)[1][-1][3] == "Past niet.\nEcht niet."


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_status_forms_carry_a_working_csrf_token(csrf_app, client, make):
    w = world(make)
    token = _csrf_token(html_of(client.get("/login")))
    assert client.post("/login", data={"email": w.facilitator.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    url = f"/begeleiding/proeftuinen/{w.slug}/status"

    assert client.post(url, data={"to": "selected"}).status_code == 400
    assert pilot_state(w.pilot_id)[0] is PilotStatus.applied

    page = html_of(client.get(f"/begeleiding/proeftuinen/{w.slug}"))
    form = page[page.index('id="actie-selected"'):]
    response = client.post(url, data={"to": "selected", "csrf_token": _csrf_token(form)})
    assert response.status_code == 302
    assert pilot_state(w.pilot_id)[0] is PilotStatus.selected
