"""Administration: who may use it, accounts (list, filter, create, edit, deactivate) and
programmes (list, create, edit)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.admin import services
from proeftuin.auth.passwords import verify_password
from proeftuin.extensions import db
from proeftuin.models import (
    MemberRole,
    PilotStatus,
    Programme,
    Role,
    User,
    UserSession,
)
from tests.conftest import PASSWORD

NEW_PASSWORD = "een lang genoeg wachtwoord"


# Helpers ----------------------------------------------------------------------------------




def world(make) -> SimpleNamespace:
    """An admin, a facilitator of one programme, a participant of one pilot."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    facilitator = make.facilitator(programme, name="Begeleider Bram",
                                   email="bram@begeleiding.example")
    pilot = make.pilot(programme=programme, name="Proeftuin Denkstad")
    make.pilot(programme=programme, name="Proeftuin Aanvraag", status=PilotStatus.applied)
    participant = make.member(pilot, role=MemberRole.coordinator, name="Deelnemer Dina",
                              email="dina@denkstad.example")
    admin = make.admin(name="Beheerder Bea", email="bea@beheer.example")
    return SimpleNamespace(programme=programme, other_programme=other_programme,
                           facilitator=facilitator, participant=participant, admin=admin,
                           pilot=pilot, anonymous=None)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def field_error(html: str, field_id: str) -> str:
    """Return the text of the error message shown beside the field with this id."""
    match = re.search(rf'<p class="[^"]*field-error[^"]*" id="{field_id}-error">(.*?)</p>',
                      html, re.S)
    return match.group(1).strip() if match else ""


def reread(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def new_user_form(**overrides) -> dict:
    data = {"name": "Nieuwe Begeleider", "email": "Nieuw@Begeleiding.example",
            "role": "facilitator", "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}
    data.update(overrides)
    return data


def edit_user_form(user: User, **overrides) -> dict:
    data = {"name": user.name, "email": user.email, "role": user.role.value,
            "active": "y" if user.active else "", "programmes": [p.id for p in user.programmes]}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def programme_form(**overrides) -> dict:
    data = {"name": "Samen Thuis", "description": "Een verzonnen programma.",
            "accepts_applications": "y", "facilitators": []}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


# Who may use administration ---------------------------------------------------------------

GET_PAGES = [
    "/beheer/",
    "/beheer/gebruikers",
    "/beheer/gebruikers/nieuw",
    "/beheer/gebruikers/{user_id}",
    "/beheer/programmas",
    "/beheer/programmas/nieuw",
    "/beheer/programmas/{programme_id}",
]


@pytest.mark.parametrize("role", ["anonymous", "participant", "facilitator", "admin"])
@pytest.mark.parametrize("page", GET_PAGES)
def test_administration_pages_are_for_admins_only(client, make, login, role, page):
    w = world(make)
    if role != "anonymous":
        login(getattr(w, role))
    path = page.format(user_id=w.participant.id, programme_id=w.programme.id)

    response = client.get(path)

    if role == "anonymous":
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    elif role == "admin":
        assert response.status_code == 200
        assert html_of(response).count("<h1") == 1
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["anonymous", "participant", "facilitator"])
def test_non_admins_cannot_change_anything(client, make, login, role):
    w = world(make)
    if role != "anonymous":
        login(getattr(w, role))
    users_before = user_count()

    responses = [
        client.post("/beheer/gebruikers/nieuw", data=new_user_form(role="admin")),
        client.post(f"/beheer/gebruikers/{w.participant.id}",
                    data=edit_user_form(w.participant, role="admin")),
        client.post("/beheer/programmas/nieuw", data=programme_form()),
        client.post(f"/beheer/programmas/{w.programme.id}",
                    data=programme_form(name="Overgenomen")),
    ]

    for response in responses:
        assert response.status_code == (302 if role == "anonymous" else 403)
    assert user_count() == users_before
    assert reread(User, w.participant.id).role is Role.participant
    assert reread(Programme, w.programme.id).name == "Programma Thuis"
    assert db.session.scalar(sa.select(Programme).where(Programme.name == "Samen Thuis")) is None


def test_admin_overview_links_to_users_and_programmes(client, make, login):
    w = world(make)
    login(w.admin)
    html = html_of(client.get("/beheer/"))
    for href in ("/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/programmas",
                 "/beheer/programmas/nieuw", "/beheer/gebruikers?rol=facilitator"):
        assert f'href="{href}"' in html
    assert "Er zijn 2 programma&#39;s." in html or "Er zijn 2 programma's." in html


# The list of users ------------------------------------------------------------------------


def test_user_list_shows_name_email_role_activity_and_scope(client, make, login):
    w = world(make)
    make.user(name="Oud Account", email="oud@voorbeeld.example", active=False)
    login(w.admin)

    html = html_of(client.get("/beheer/gebruikers"))

    rows = {m.group(1): m.group(2) for m in re.finditer(
        r'<a class="utrecht-link" href="/beheer/gebruikers/\d+">([^<]+)</a>(.*?)</tr>', html, re.S)}
    assert set(rows) >= {"Begeleider Bram", "Deelnemer Dina", "Beheerder Bea", "Oud Account"}
    assert "bram@begeleiding.example" in rows["Begeleider Bram"]
    assert "Begeleider" in rows["Begeleider Bram"] and "Programma Thuis" in rows["Begeleider Bram"]
    assert "Proeftuin Denkstad (coördinator)" in rows["Deelnemer Dina"]
    assert "Beheerder" in rows["Beheerder Bea"]
    assert "Nee, uitgeschakeld" in rows["Oud Account"]
    assert "Ja" in rows["Deelnemer Dina"]


def test_user_list_filters_by_role_and_searches_name_and_email(client, make, login):
    w = world(make)
    make.user(name="Anna de Vries", email="anna@zorg.example")
    make.user(name="Piet 100% Zeker", email="piet@zorg.example")
    login(w.admin)

    html = html_of(client.get("/beheer/gebruikers?rol=facilitator"))
    assert "Begeleider Bram" in html and "Deelnemer Dina" not in html
    assert '<option selected value="facilitator">' in html or 'value="facilitator" selected' in html

    html = html_of(client.get("/beheer/gebruikers?q=VRIES"))
    assert "Anna de Vries" in html and "Begeleider Bram" not in html

    html = html_of(client.get("/beheer/gebruikers?q=begeleiding.example"))
    assert "Begeleider Bram" in html and "Anna de Vries" not in html

    # LIKE wildcards in the search are just characters.
    html = html_of(client.get("/beheer/gebruikers?q=100%25"))
    assert "Piet 100% Zeker" in html and "Anna de Vries" not in html
    html = html_of(client.get("/beheer/gebruikers?q=_"))
    assert "Geen gebruikers gevonden" in html

    html = html_of(client.get("/beheer/gebruikers?rol=participant&q=dina"))
    assert "Deelnemer Dina" in html and "Anna de Vries" not in html


@pytest.mark.parametrize("query", [
    "rol=superuser", "rol=" + "x" * 5000, "q=" + "y" * 5000, "pagina=-3", "pagina=abc",
    "pagina=99999999999999999999999", "rol=admin&rol=participant", "q=%00%01",
])
def test_user_list_survives_odd_filters(client, make, login, query):
    w = world(make)
    login(w.admin)
    response = client.get(f"/beheer/gebruikers?{query}")
    assert response.status_code == 200
    html = html_of(response)
    if query.startswith("rol=s") or query.startswith("rol=x"):
        assert "Kies een van de rollen." in field_error(html, "rol")
        assert "Begeleider Bram" in html  # the bad filter is left out
    if query.startswith("q=y"):
        assert "Maak de zoekterm korter" in field_error(html, "q")


def test_user_list_pages_through_many_users(client, make, login):
    w = world(make)
    for i in range(55):
        make.user(name=f"Zz Gebruiker {i:02d}")
    login(w.admin)
    first = html_of(client.get("/beheer/gebruikers"))
    assert "Pagina 1 van 2" in first and "pagina=2" in first
    second = html_of(client.get("/beheer/gebruikers?pagina=2"))
    assert "Zz Gebruiker 54" in second and "Begeleider Bram" not in second


def test_user_list_does_not_query_per_user(client, make, login, count_queries):
    w = world(make)
    login(w.admin)
    client.get("/beheer/gebruikers")

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get("/beheer/gebruikers").status_code == 200
        return n()

    few = measure()
    programme = db.session.get(Programme, w.programme.id)
    for i in range(12):
        pilot = make.pilot(programme=programme, name=f"Proeftuin {i}")
        make.member(pilot)
        make.facilitator(programme)
    assert measure() == few


# Creating accounts ------------------------------------------------------------------------


def test_admin_creates_an_account_that_can_sign_in(client, make, login, app):
    w = world(make)
    login(w.admin)

    response = client.post("/beheer/gebruikers/nieuw", data=new_user_form())

    # A new facilitator goes on to the page where programmes are attached.
    user = db.session.scalar(sa.select(User).where(User.email == "nieuw@begeleiding.example"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/beheer/gebruikers/{user.id}")
    assert user.name == "Nieuwe Begeleider" and user.role is Role.facilitator and user.active
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, NEW_PASSWORD)

    other = app.test_client()
    response = other.post("/login", data={"email": "NIEUW@begeleiding.example",
                                          "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert other.get("/begeleiding/").status_code == 200


def test_new_participant_goes_back_to_the_list(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post("/beheer/gebruikers/nieuw",
                           data=new_user_form(role="participant", email="p@voorbeeld.example"),
                           follow_redirects=True)
    assert "Het account van Nieuwe Begeleider is aangemaakt." in html_of(response)
    assert response.request.path == "/beheer/gebruikers"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"email": "BRAM@Begeleiding.example"}, "email", "Er is al een account met het e-mailadres"),
    ({"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
    ({"email": ""}, "email", "Vul een e-mailadres in."),
    ({"email": "a" * 300 + "@voorbeeld.example"}, "email", "Dit e-mailadres is te lang."),
    ({"name": ""}, "name", "Vul een naam in."),
    ({"name": "N" * 500}, "name", "De naam is te lang"),
    ({"role": "superuser"}, "role", "Kies een van de rollen."),
    ({"role": ""}, "role", "Kies een van de rollen."),
    ({"password": "kort", "password_repeat": "kort"}, "password", "te kort"),
    ({"password": "x" * 129, "password_repeat": "x" * 129}, "password", "te lang"),
    ({"password": "p" * 100_000, "password_repeat": "p" * 100_000}, "password", "te lang"),
    ({"password_repeat": "iets heel anders dan het eerste"}, "password_repeat", "niet gelijk"),
])
def test_new_account_with_bad_input_is_refused_beside_the_field(client, make, login, overrides,
                                                                 field, message):
    w = world(make)
    login(w.admin)
    before = user_count()

    response = client.post("/beheer/gebruikers/nieuw", data=new_user_form(**overrides))

    html = html_of(response)
    assert response.status_code == 200
    assert message in field_error(html, field)
    assert user_count() == before
    # What was typed stays (but passwords are never sent back).
    if field != "name":
        assert 'value="Nieuwe Begeleider"' in html
    assert NEW_PASSWORD not in html


def test_password_of_exactly_12_and_128_characters_is_accepted(client, make, login):
    w = world(make)
    login(w.admin)
    for n, length in enumerate((12, 128)):
        password = "w" * length
        response = client.post("/beheer/gebruikers/nieuw", data=new_user_form(
            email=f"rand{n}@voorbeeld.example", password=password, password_repeat=password))
        assert response.status_code == 302
        # Stored whole: the password verifies, and one character less does not.
        db.session.expire_all()
        stored = db.session.scalar(sa.select(User.password_hash).where(
            User.email == f"rand{n}@voorbeeld.example"))
        assert verify_password(stored, password)
        assert not verify_password(stored, password[:-1])


# Editing accounts -------------------------------------------------------------------------


def test_admin_changes_name_email_role_and_programmes(client, make, login):
    w = world(make)
    login(w.admin)
    user = make.facilitator(name="Begeleider Oud", email="oud@begeleiding.example")

    response = client.post(f"/beheer/gebruikers/{user.id}", data=edit_user_form(
        user, name="Begeleider Nieuw", email="Nieuw.Adres@Begeleiding.example",
        programmes=[w.programme.id, w.other_programme.id]))

    assert response.status_code == 302
    user = reread(User, user.id)
    assert user.name == "Begeleider Nieuw"
    assert user.email == "nieuw.adres@begeleiding.example"
    assert sorted(p.name for p in user.programmes) == ["Programma Elders", "Programma Thuis"]


def test_edit_page_shows_programmes_as_checkboxes_ticked_for_the_facilitator(client, make, login):
    w = world(make)
    login(w.admin)
    html = html_of(client.get(f"/beheer/gebruikers/{w.facilitator.id}"))
    boxes = {re.search(r'value="(\d+)"', tag).group(1): "checked" in tag
             for tag in re.findall(r'<input[^>]*name="programmes"[^>]*>', html)}
    assert boxes == {str(w.programme.id): True, str(w.other_programme.id): False}
    assert "Programma Elders" in html
    assert 'value="bram@begeleiding.example"' in html


def test_programmes_can_be_detached_from_a_facilitator(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{w.facilitator.id}",
                           data=edit_user_form(w.facilitator, programmes=[]))
    assert response.status_code == 302
    assert reread(User, w.facilitator.id).programmes == []


def test_only_facilitators_are_attached_to_programmes(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{w.participant.id}", data=edit_user_form(
        w.participant, name="Andere Naam", programmes=[w.programme.id]))
    assert response.status_code == 200
    assert "Alleen begeleiders horen bij een programma" in field_error(html_of(response),
                                                                        "programmes")
    user = reread(User, w.participant.id)
    assert user.programmes == [] and user.name == "Deelnemer Dina"


def test_deactivating_an_account_ends_its_sessions(client, make, login, app):
    w = world(make)
    theirs = app.test_client()
    assert theirs.post("/login", data={"email": w.facilitator.email,
                                       "password": PASSWORD}).status_code == 302
    assert theirs.get("/begeleiding/").status_code == 200
    login(w.admin)

    response = client.post(f"/beheer/gebruikers/{w.facilitator.id}",
                           data=edit_user_form(w.facilitator, active=""))

    assert response.status_code == 302
    assert reread(User, w.facilitator.id).active is False
    sessions = db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == w.facilitator.id)).all()
    assert sessions and all(s.revoked_at is not None for s in sessions)
    response = theirs.get("/begeleiding/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # The admin's own session is untouched.
    assert client.get("/beheer/").status_code == 200


def test_reactivating_an_account_lets_it_sign_in_again(client, make, login, app):
    w = world(make)
    user = make.user(name="Slaper", active=False)
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{user.id}",
                           data=edit_user_form(user, active="y"))
    assert response.status_code == 302
    assert reread(User, user.id).active is True
    assert app.test_client().post("/login", data={"email": user.email,
                                                  "password": PASSWORD}).status_code == 302


def test_admin_cannot_deactivate_themselves(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{w.admin.id}",
                           data=edit_user_form(w.admin, active="", name="Nieuwe naam"))
    assert response.status_code == 200
    assert "U kunt uw eigen account niet uitschakelen" in field_error(html_of(response), "active")
    admin = reread(User, w.admin.id)
    assert admin.active is True and admin.name == "Beheerder Bea"
    assert client.get("/beheer/").status_code == 200


@pytest.mark.parametrize("role", ["facilitator", "participant"])
def test_admin_cannot_demote_themselves(client, make, login, role):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{w.admin.id}",
                           data=edit_user_form(w.admin, role=role))
    assert response.status_code == 200
    assert "rol van beheerder niet afnemen" in field_error(html_of(response), "role")
    assert reread(User, w.admin.id).role is Role.admin


def test_admin_can_demote_another_admin(client, make, login):
    w = world(make)
    other = make.admin(name="Andere Beheerder")
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{other.id}",
                           data=edit_user_form(other, role="participant"))
    assert response.status_code == 302
    assert reread(User, other.id).role is Role.participant


def test_admin_can_still_edit_their_own_name(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{w.admin.id}",
                           data=edit_user_form(w.admin, name="Bea Beheer"))
    assert response.status_code == 302
    assert reread(User, w.admin.id).name == "Bea Beheer"


def test_email_of_another_account_cannot_be_taken_on_edit(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{w.participant.id}", data=edit_user_form(
        w.participant, email="BRAM@begeleiding.example"))
    html = html_of(response)
    assert response.status_code == 200
    assert "Er is al een account" in field_error(html, "email")
    assert 'value="BRAM@begeleiding.example"' in html  # what was typed stays
    assert reread(User, w.participant.id).email == "dina@denkstad.example"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"programmes": ["abc"]}, "programmes"),
    ({"programmes": ["999999"]}, "programmes"),
    ({"programmes": ["99999999999999999999999"]}, "programmes"),
    ({"role": "root"}, "role"),
    ({"role": ""}, "role"),
    ({"email": "x" * 10_000}, "email"),
    ({"name": "n" * 10_000}, "name"),
])
def test_odd_edit_input_is_refused_without_a_500(client, make, login, overrides, field):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/gebruikers/{w.facilitator.id}",
                           data=edit_user_form(w.facilitator, **overrides))
    assert response.status_code == 200
    assert field_error(html_of(response), field)
    user = reread(User, w.facilitator.id)
    assert (user.name, user.email, user.role) == ("Begeleider Bram", "bram@begeleiding.example",
                                                  Role.facilitator)


@pytest.mark.parametrize("user_id", ["999999", "0", "99999999999999999999"])
def test_unknown_user_is_not_found(client, make, login, user_id):
    w = world(make)
    login(w.admin)
    assert client.get(f"/beheer/gebruikers/{user_id}").status_code == 404
    assert client.post(f"/beheer/gebruikers/{user_id}",
                       data=edit_user_form(w.participant)).status_code == 404


# Programmes -------------------------------------------------------------------------------


def test_programme_list_shows_facilitators_pilots_and_applications(client, make, login):
    w = world(make)
    closed = make.programme(name="Programma Gesloten")
    closed.accepts_applications = False
    db.session.commit()
    login(w.admin)

    html = html_of(client.get("/beheer/programmas"))

    rows = {m.group(1): m.group(2) for m in re.finditer(
        r'href="/beheer/programmas/\d+">([^<]+)</a></th>(.*?)</tr>', html, re.S)}
    assert "Begeleider Bram" in rows["Programma Thuis"]
    assert re.search(r">2 <span class=\"muted\">\(1 aanmelding\)", rows["Programma Thuis"])
    assert ">0<" in rows["Programma Elders"].replace(" ", "")
    assert "Ja" in rows["Programma Thuis"] and "Nee" in rows["Programma Gesloten"]


def test_programme_list_does_not_query_per_programme(client, make, login, count_queries):
    w = world(make)
    login(w.admin)
    client.get("/beheer/programmas")

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get("/beheer/programmas").status_code == 200
        return n()

    few = measure()
    for i in range(10):
        programme = make.programme(name=f"Programma {i}")
        make.facilitator(programme)
        make.pilot(programme=programme)
    assert measure() == few


def test_admin_creates_a_programme_with_a_slug_and_facilitators(client, make, login):
    w = world(make)
    login(w.admin)

    response = client.post("/beheer/programmas/nieuw", data=programme_form(
        name="Samen Thuis", facilitators=[w.facilitator.id], accepts_applications=""))

    assert response.status_code == 302
    programme = db.session.scalar(sa.select(Programme).where(Programme.name == "Samen Thuis"))
    assert programme.slug == "samen-thuis"
    assert programme.description == "Een verzonnen programma."
    assert programme.accepts_applications is False
    assert [u.id for u in programme.facilitators] == [w.facilitator.id]

    # A name that makes the same slug gets a numbered one.
    client.post("/beheer/programmas/nieuw", data=programme_form(name="Samen thuis!"))
    second = db.session.scalar(sa.select(Programme).where(Programme.name == "Samen thuis!"))
    assert second.slug == "samen-thuis-2"


def test_new_programme_form_offers_only_facilitator_accounts(client, make, login):
    w = world(make)
    login(w.admin)
    html = html_of(client.get("/beheer/programmas/nieuw"))
    assert "Begeleider Bram" in html
    assert "Deelnemer Dina" not in html and "Beheerder Bea" not in html
    [checkbox] = re.findall(r'<input[^>]*id="accepts_applications"[^>]*>', html)
    assert "checked" in checkbox  # a new programme takes applications unless told otherwise


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"name": "programma thuis"}, "name", "Er is al een programma met deze naam."),
    ({"name": ""}, "name", "Vul de naam van het programma in."),
    ({"name": "P" * 161}, "name", "De naam is te lang"),
    ({"description": "d" * 20_001}, "description", "Maak de beschrijving korter"),
    ({"facilitators": ["abc"]}, "facilitators", "Kies alleen begeleiders uit de lijst."),
    ({"facilitators": ["99999999999999999999"]}, "facilitators", "Kies alleen begeleiders"),
])
def test_new_programme_with_bad_input_is_refused_beside_the_field(client, make, login, overrides,
                                                                   field, message):
    w = world(make)
    login(w.admin)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Programme))

    response = client.post("/beheer/programmas/nieuw", data=programme_form(**overrides))

    html = html_of(response)
    assert response.status_code == 200
    assert message in field_error(html, field)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == before
    if field != "description":
        assert "Een verzonnen programma." in html  # what was typed stays


def test_a_participant_cannot_be_made_facilitator_of_a_programme(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/programmas/{w.programme.id}", data=programme_form(
        name="Programma Thuis", facilitators=[w.facilitator.id, w.participant.id]))
    assert response.status_code == 200
    assert "Kies alleen begeleiders" in field_error(html_of(response), "facilitators")
    programme = reread(Programme, w.programme.id)
    assert [u.id for u in programme.facilitators] == [w.facilitator.id]


def test_admin_edits_a_programme_and_its_slug_stays(client, make, login):
    w = world(make)
    extra = make.facilitator(name="Begeleider Extra")
    login(w.admin)
    slug = w.programme.slug

    html = html_of(client.get(f"/beheer/programmas/{w.programme.id}"))
    assert 'value="Programma Thuis"' in html

    response = client.post(f"/beheer/programmas/{w.programme.id}", data=programme_form(
        name="Programma Thuis Vernieuwd", description="Nieuw doel.",
        facilitators=[extra.id], accepts_applications=""))

    assert response.status_code == 302
    programme = reread(Programme, w.programme.id)
    assert programme.name == "Programma Thuis Vernieuwd"
    assert programme.slug == slug
    assert programme.description == "Nieuw doel."
    assert programme.accepts_applications is False
    assert [u.name for u in programme.facilitators] == ["Begeleider Extra"]
    # The detached facilitator no longer sees the programme's pilots.
    client.post("/logout")
    login(w.facilitator)
    assert client.get(f"/begeleiding/proeftuinen/{w.pilot.slug}").status_code == 403


def test_programme_keeps_its_own_name_on_edit(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/programmas/{w.programme.id}",
                           data=programme_form(name="Programma Thuis",
                                               description="Een nieuwe beschrijving."))
    assert response.status_code == 302
    programme = reread(Programme, w.programme.id)
    assert (programme.name, programme.description) == ("Programma Thuis",
                                                       "Een nieuwe beschrijving.")


def test_programme_cannot_take_another_programmes_name(client, make, login):
    w = world(make)
    login(w.admin)
    response = client.post(f"/beheer/programmas/{w.programme.id}",
                           data=programme_form(name="PROGRAMMA ELDERS"))
    assert response.status_code == 200
    assert "Er is al een programma" in field_error(html_of(response), "name")
    assert reread(Programme, w.programme.id).name == "Programma Thuis"


@pytest.mark.parametrize("programme_id", ["999999", "99999999999999999999"])
def test_unknown_programme_is_not_found(client, make, login, programme_id):
    w = world(make)
    login(w.admin)
    assert client.get(f"/beheer/programmas/{programme_id}").status_code == 404
    assert client.post(f"/beheer/programmas/{programme_id}",
                       data=programme_form()).status_code == 404


# The service used by the command line -----------------------------------------------------


def test_create_account_refuses_duplicates_whatever_the_case(make):
    make.user(email="iemand@voorbeeld.example")
    with pytest.raises(services.AccountError, match="al een account"):
        services.create_account("IEMAND@Voorbeeld.example", "Iemand", Role.admin, NEW_PASSWORD)


@pytest.mark.parametrize("password", ["x" * 11, "x" * 129, ""])
def test_create_account_refuses_passwords_outside_the_limits(make, password):
    with pytest.raises(services.AccountError, match="wachtwoord"):
        services.create_account("nieuw@voorbeeld.example", "Nieuw", Role.admin, password)


@pytest.mark.parametrize("email", ["geen-adres", "a@b", "", "twee@@voorbeeld.example"])
def test_create_account_refuses_invalid_addresses(make, email):
    with pytest.raises(services.AccountError):
        services.create_account(email, "Nieuw", Role.admin, NEW_PASSWORD)


def test_control_characters_in_admin_input_are_dropped(client, make, login):
    w = world(make)
    login(w.admin)
    assert client.get("/beheer/gebruikers?q=br%00am").status_code == 200

    response = client.post("/beheer/programmas/nieuw", data=programme_form(
        name="Nul\x00 Programma", description="Regel een\x00\nRegel twee"))
    assert response.status_code == 302
    programme = db.session.scalar(sa.select(Programme).where(Programme.name == "Nul Programma"))
    assert programme.description == "Regel een\nRegel twee"

    response = client.post("/beheer/gebruikers/nieuw",
                           data=new_user_form(name="Naam\x00 Met Nul", email="nul@voorbeeld.example"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.name).where(User.email == "nul@voorbeeld.example")) \
        == "Naam Met Nul"


def test_create_account_drops_control_characters_from_the_name(make):
    user = services.create_account("c@voorbeeld.example", "Cee\x00\x07 Dee", Role.admin,
                                   NEW_PASSWORD)
    assert user.name == "Cee Dee"


def test_admin_forms_carry_a_working_csrf_token(csrf_app, client, make):
    w = world(make)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      html_of(client.get("/login"))).group(1)
    assert client.post("/login", data={"email": w.admin.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302

    assert client.post("/beheer/programmas/nieuw", data=programme_form()).status_code == 400
    page = html_of(client.get("/beheer/programmas/nieuw"))
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"',
                      page).group(1)
    response = client.post("/beheer/programmas/nieuw",
                           data={**programme_form(), "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Programme).where(Programme.name == "Samen Thuis"))
