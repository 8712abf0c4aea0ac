"""A pilot's workspace: the list of one's pilots, overview, framework, profile, organisations,
agreements; who may see and change what."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import (
    Agreement,
    MemberRole,
    Membership,
    OrganisationKind,
    Pilot,
    PilotDirection,
    PilotOrganisation,
    PilotStatus,
    PilotStatusChange,
    Region,
)

ROLES = ("anonymous", "outsider", "member", "coordinator", "other_facilitator", "facilitator",
         "admin")
VIEWERS = {"member", "coordinator", "facilitator", "admin"}
EDITORS = {"coordinator", "admin"}
AGREEMENT_EDITORS = {"member", "coordinator", "admin"}
MANAGERS = {"coordinator", "facilitator", "admin"}


# Helpers ----------------------------------------------------------------------------------




def world(make, status: PilotStatus = PilotStatus.active) -> SimpleNamespace:
    """Build a pilot with one person in every role around it, and a second pilot beside it."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    facilitator = make.facilitator(programme, name="Begeleider Bram")
    other_facilitator = make.facilitator(other_programme, name="Begeleider Elders")
    pilot = make.pilot(programme=programme, status=status, name="Proeftuin Denkstad")
    other_pilot = make.pilot(programme=other_programme, name="Proeftuin Elders")
    w = SimpleNamespace(
        programme=programme,
        other_programme=other_programme,
        pilot=pilot,
        slug=pilot.slug,
        other_pilot=other_pilot,
        facilitator=facilitator,
        other_facilitator=other_facilitator,
        admin=make.admin(name="Beheerder Bea"),
        outsider=make.member(other_pilot, name="Buitenstaander Olga"),
        anonymous=None,
    )
    if status in (PilotStatus.applied, PilotStatus.declined):
        w.member = w.coordinator = None
    else:
        w.coordinator = make.coordinator(pilot, name="Coördinator Cor")
        w.member = make.member(pilot, name="Deelnemer Dina")
    agreement = Agreement(pilot=pilot, party="Wijkverpleegkundige",
                          commitment="Belt de mantelzorger na elk overleg.", position=0)
    db.session.add(agreement)
    db.session.commit()
    w.agreement_id = agreement.id
    w.organisation_id = pilot.organisations[0].id
    w.other_organisation_id = other_pilot.organisations[0].id
    other_agreement = Agreement(pilot=other_pilot, party="Huisarts", commitment="Elders.")
    db.session.add(other_agreement)
    db.session.commit()
    w.other_agreement_id = other_agreement.id
    return w


def sign_in(login, w, role: str):
    """Sign in as the person with `role` in the world, or stay anonymous."""
    user = getattr(w, role)
    if user is not None:
        login(user)
    return user


def snapshot(pilot_id: int) -> tuple:
    """Everything a workspace POST could change about a pilot, re-read from the database."""
    db.session.expire_all()
    p = db.session.get(Pilot, pilot_id)
    return (
        p.slug, p.name, p.municipality, p.region_id, p.scale, p.theme, p.ambition, p.actions,
        p.results, p.planned_start, p.planned_end,
        tuple(q.number for q in p.questions),
        tuple((d.direction_number, d.task, d.desired_outcome) for d in p.directions),
        tuple(d.key for d in p.disciplines),
        tuple(t.key for t in p.target_groups),
        tuple((o.id, o.name, o.kind) for o in p.organisations),
        tuple((a.id, a.party, a.commitment) for a in p.agreements),
        tuple(sorted((m.user_id, m.role.value) for m in p.memberships)),
        tuple(sorted((i.id, i.email, i.revoked_at is not None) for i in p.invitations)),
    )


def html_of(response) -> str:
    return response.get_data(as_text=True)


def pilot_row(pilot_id: int) -> Pilot:
    db.session.expire_all()
    return db.session.get(Pilot, pilot_id)


def profile_form(**overrides) -> dict:
    region = db.session.scalar(sa.select(Region).where(Region.name == "Gelderland"))
    data = {
        "name": "Proeftuin Nieuwstad",
        "municipality": "Nieuwstad",
        "region_id": str(region.id),
        "scale": "regional",
        "theme": "Samen **sterker**",
        "ambition": "Minder overbelasting.",
        "actions": "Maandelijks casusoverleg.",
        "results": "",
        "planned_start": "2025-01-01",
        "planned_end": "2026-12-31",
        "disciplines": [],
        "target_groups": [],
    }
    data.update(overrides)
    return data


# The list of one's pilots -----------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login_for_workspace_list(client):
    response = client.get("/werkplaats/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_participant_sees_own_pilots_with_role(client, make, login):
    w = world(make)
    second = make.pilot(programme=w.programme, name="Proeftuin Tweede", status=PilotStatus.selected)
    db.session.add(Membership(pilot=second, user=w.member, role=MemberRole.coordinator))
    db.session.commit()
    login(w.member)

    html = html_of(client.get("/werkplaats/"))

    assert "Proeftuin Denkstad" in html
    assert "Proeftuin Tweede" in html
    assert "Proeftuin Elders" not in html
    assert f'href="/werkplaats/{w.slug}/"' in html
    assert "Coördinator" in html and "Deelnemer" in html
    assert "Geselecteerd" in html and "Actief" in html
    assert html.count("<h1") == 1


def test_participant_without_pilots_gets_explained_empty_state(client, make, login):
    login(make.user())
    html = html_of(client.get("/werkplaats/"))
    assert "U bent nog geen lid van een proeftuin" in html
    assert "kan u uitnodigen" in html


def test_facilitator_sees_all_pilots_of_own_programmes_with_status(client, make, login):
    w = world(make)
    make.pilot(programme=w.programme, name="Proeftuin Aanvraag", status=PilotStatus.applied)
    make.pilot(programme=w.programme, name="Proeftuin Afgewezen", status=PilotStatus.declined)
    login(w.facilitator)

    html = html_of(client.get("/werkplaats/"))

    assert "Proeftuin Denkstad" in html
    assert "Proeftuin Aanvraag" in html and "Aangemeld" in html
    assert "Proeftuin Afgewezen" in html and "Afgewezen" in html
    assert "Proeftuin Elders" not in html
    assert "U bent nog geen lid" not in html


def test_facilitator_without_programmes_is_told_why_list_is_empty(client, make, login):
    login(make.facilitator())
    html = html_of(client.get("/werkplaats/"))
    assert "U begeleidt nog geen programma" in html


def test_admin_gets_link_to_administration(client, make, login):
    login(make.admin())
    html = html_of(client.get("/werkplaats/"))
    assert 'href="/beheer/"' in html


# Who may see what -------------------------------------------------------------------------

VIEW_PAGES = ["", "kader", "profiel", "organisaties", "afspraken", "leden"]


@pytest.mark.parametrize("page", VIEW_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_workspace_pages_are_for_members_facilitators_and_admins(client, make, login, role, page):
    w = world(make)
    sign_in(login, w, role)

    response = client.get(f"/werkplaats/{w.slug}/{page}")

    if role == "anonymous":
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    elif role in VIEWERS:
        assert response.status_code == 200
        html = html_of(response)
        assert "Proeftuin Denkstad" in html
        assert html.count("<h1") == 1
        assert 'class="subnav"' in html
        assert html.count('aria-current="page"') >= 1
    else:
        assert response.status_code == 403


def test_unknown_pilot_is_404(client, make, login):
    login(make.admin())
    assert client.get("/werkplaats/bestaat-niet/").status_code == 404
    assert client.get("/werkplaats/bestaat-niet/kader").status_code == 404


EDIT_PAGES = [
    ("kader/richting/1", EDITORS),
    ("organisaties/{organisation_id}", EDITORS),
    ("afspraken/{agreement_id}", AGREEMENT_EDITORS),
]


@pytest.mark.parametrize(("page", "allowed"), EDIT_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_edit_pages_only_for_those_who_may_edit(client, make, login, role, page, allowed):
    w = world(make)
    sign_in(login, w, role)

    url = f"/werkplaats/{w.slug}/" + page.format(
        organisation_id=w.organisation_id, agreement_id=w.agreement_id
    )
    response = client.get(url)

    if role == "anonymous":
        assert response.status_code == 302
    elif role in allowed:
        assert response.status_code == 200
        assert "<form" in html_of(response)
    else:
        assert response.status_code == 403


def _posts(w):
    """Every workspace POST outside the members page, with valid data that changes something."""
    base = f"/werkplaats/{w.slug}"
    return {
        "framework": (f"{base}/kader",
                      {"questions": ["2"], "directions": ["3"], "confirm_loss": "y"}, EDITORS),
        "direction": (f"{base}/kader/richting/1",
                      {"task": "Nieuwe opgave", "desired_outcome": "Nieuw doel"}, EDITORS),
        "profile": (f"{base}/profiel", profile_form(), EDITORS),
        "add_organisation": (f"{base}/organisaties",
                             {"name": "Welzijn Voorbeeld", "kind": "welfare"}, EDITORS),
        "edit_organisation": (f"{base}/organisaties/{w.organisation_id}",
                              {"name": "Zorggroep Hernoemd", "kind": "care"}, EDITORS),
        "remove_organisation": (f"{base}/organisaties/{w.organisation_id}/verwijderen", {},
                                EDITORS),
        "add_agreement": (f"{base}/afspraken",
                          {"party": "Huisarts", "commitment": "Bespreekt de casus."},
                          AGREEMENT_EDITORS),
        "edit_agreement": (f"{base}/afspraken/{w.agreement_id}",
                           {"party": "Wijkverpleging", "commitment": "Belt wekelijks."},
                           AGREEMENT_EDITORS),
        "remove_agreement": (f"{base}/afspraken/{w.agreement_id}/verwijderen", {},
                             AGREEMENT_EDITORS),
    }


POST_NAMES = ["framework", "direction", "profile", "add_organisation", "edit_organisation",
              "remove_organisation", "add_agreement", "edit_agreement", "remove_agreement"]


@pytest.mark.parametrize("action", POST_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_workspace_posts_change_only_what_the_role_may(client, make, login, role, action):
    w = world(make)
    url, data, allowed = _posts(w)[action]
    before = snapshot(w.pilot.id)
    sign_in(login, w, role)

    response = client.post(url, data=data)

    after = snapshot(w.pilot.id)
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
        assert after == before
    elif role in allowed:
        assert response.status_code == 302, html_of(response)[:2000]
        assert after != before
        assert after[0] == before[0]  # the slug never changes
    else:
        assert response.status_code == 403
        assert after == before


# Overview ---------------------------------------------------------------------------------


def test_overview_shows_status_programme_period_mapping_counts_and_history(client, make, login):
    w = world(make)
    pilot = db.session.get(Pilot, w.pilot.id)
    pilot.planned_start = date(2025, 3, 1)
    pilot.planned_end = date(2026, 6, 30)
    pilot.directions[0].task = "Samen plannen"
    pilot.status_changes.append(PilotStatusChange(
        from_status=PilotStatus.selected, to_status=PilotStatus.active, changed_by=w.facilitator,
        reason="Startbijeenkomst gehouden",
    ))
    db.session.commit()
    login(w.member)

    html = html_of(client.get(f"/werkplaats/{w.slug}/"))

    assert "Actief" in html
    assert "Programma Thuis" in html
    assert "1 maart 2025" in html and "30 juni 2026" in html
    assert "Hoe zorg ik voor mijn naaste samen met beroepskrachten?" in html
    assert "Betere samenwerking tussen mantelzorgers en beroepskrachten" in html
    assert "Voor 1 van de 2 richtingen is een opgave geschreven." in html
    assert "1 organisatie" in html
    assert "1 samenwerkingsafspraak" in html
    assert "2 leden" in html
    assert "Geselecteerd → Actief" in html
    assert "Startbijeenkomst gehouden" in html
    assert "Begeleider Bram" in html
    for page in ("kader", "profiel", "organisaties", "afspraken", "leden"):
        assert f'href="/werkplaats/{w.slug}/{page}"' in html
    assert f'href="/werkplaats/{w.slug}/" aria-current="page"' in html


def test_overview_of_application_is_open_to_its_facilitator(client, make, login):
    w = world(make, status=PilotStatus.applied)
    login(w.facilitator)
    response = client.get(f"/werkplaats/{w.slug}/")
    assert response.status_code == 200
    assert "Aangemeld" in html_of(response)
    assert "Openbaar profiel" not in html_of(response)


def _grow(pilot: Pilot, make, n: int) -> None:
    """Give the pilot n more organisations, agreements, members, directions and history."""
    deciders = [make.user() for _i in range(n)]
    for i in range(n):
        pilot.organisations.append(
            PilotOrganisation(name=f"Organisatie {i}", kind=OrganisationKind.welfare, position=i + 1)
        )
        pilot.agreements.append(Agreement(party=f"Partij {i}", commitment="Doet iets.",
                                          position=i + 1))
        pilot.status_changes.append(PilotStatusChange(
            from_status=PilotStatus.selected, to_status=PilotStatus.active,
            changed_by=deciders[i], reason=f"Stap {i}",
        ))
    for number in range(3, 3 + min(n, 8)):
        pilot.directions.append(PilotDirection(direction=make.direction(number),
                                               direction_number=number, task="Iets"))
    db.session.commit()
    for _i in range(n):
        make.member(pilot)


def test_overview_query_count_does_not_grow_with_rows(client, make, login, count_queries):
    w = world(make)
    big = make.pilot(programme=w.programme, name="Proeftuin Groot")
    _grow(big, make, 8)
    big_slug = big.slug
    login(w.admin)

    db.session.expire_all()
    with count_queries() as few:
        assert client.get(f"/werkplaats/{w.slug}/").status_code == 200
    db.session.expire_all()
    with count_queries() as many:
        response = client.get(f"/werkplaats/{big_slug}/")
    assert response.status_code == 200
    assert "Stap 7" in html_of(response)
    assert many() == few()


# Framework mapping ------------------------------------------------------------------------


def test_coordinator_chooses_questions_and_directions(client, make, login):
    w = world(make)
    login(w.coordinator)

    page = html_of(client.get(f"/werkplaats/{w.slug}/kader"))
    assert '<legend class="utrecht-form-fieldset__legend' in page
    assert re.search(r'value="1"[^>]*checked|checked[^>]*value="1"', page)

    response = client.post(f"/werkplaats/{w.slug}/kader",
                           data={"questions": ["1", "3"], "directions": ["1", "2", "5"]})

    assert response.status_code == 302
    pilot = pilot_row(w.pilot.id)
    assert [q.number for q in pilot.questions] == [1, 3]
    assert [d.direction_number for d in pilot.directions] == [1, 2, 5]


def test_kept_direction_keeps_its_text(client, make, login):
    w = world(make)
    pilot = db.session.get(Pilot, w.pilot.id)
    pilot.directions[0].task = "Opgave één"
    db.session.commit()
    login(w.coordinator)

    client.post(f"/werkplaats/{w.slug}/kader", data={"questions": ["1"], "directions": ["1", "4"]})

    pilot = pilot_row(w.pilot.id)
    assert [(d.direction_number, d.task) for d in pilot.directions] == [(1, "Opgave één"), (4, "")]


def test_deselecting_direction_with_text_needs_confirmation(client, make, login):
    w = world(make)
    pilot = db.session.get(Pilot, w.pilot.id)
    pilot.directions[1].desired_outcome = "Minder crisisopnames"
    db.session.commit()
    before = snapshot(w.pilot.id)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/kader",
                           data={"questions": ["2"], "directions": ["1"]})

    assert response.status_code == 200
    html = html_of(response)
    assert "Betere samenwerking tussen beroepskrachten onderling" in html
    assert "verwijderd mag worden" in html
    assert 'id="confirm_loss-error"' in html
    assert snapshot(w.pilot.id) == before

    response = client.post(f"/werkplaats/{w.slug}/kader",
                           data={"questions": ["2"], "directions": ["1"], "confirm_loss": "y"})

    assert response.status_code == 302
    pilot = pilot_row(w.pilot.id)
    assert [d.direction_number for d in pilot.directions] == [1]
    assert [q.number for q in pilot.questions] == [2]


def test_deselecting_direction_without_text_needs_no_confirmation(client, make, login):
    w = world(make)
    login(w.coordinator)
    response = client.post(f"/werkplaats/{w.slug}/kader",
                           data={"questions": ["1"], "directions": ["2"]})
    assert response.status_code == 302
    assert [d.direction_number for d in pilot_row(w.pilot.id).directions] == [2]


def test_framework_rejects_unknown_choices_without_saving(client, make, login):
    w = world(make)
    before = snapshot(w.pilot.id)
    login(w.coordinator)

    for directions in (["99"], ["abc"]):
        response = client.post(f"/werkplaats/{w.slug}/kader",
                               data={"questions": ["1"], "directions": directions})
        assert response.status_code == 200
        assert 'id="directions-error"' in html_of(response)
    assert snapshot(w.pilot.id) == before


def test_framework_page_shows_task_and_outcome_as_sanitised_markdown(client, make, login):
    w = world(make)
    pilot = db.session.get(Pilot, w.pilot.id)
    pilot.directions[0].task = "Wij gaan **samen** plannen <script>alert(1)</script>"
    pilot.directions[0].desired_outcome = "- minder zorgen"
    db.session.commit()
    login(w.member)

    html = html_of(client.get(f"/werkplaats/{w.slug}/kader"))

    assert "<strong>samen</strong>" in html
    assert "<li>minder zorgen</li>" in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_members_and_facilitators_see_framework_read_only(client, make, login, role):
    w = world(make)
    login(getattr(w, role))
    html = html_of(client.get(f"/werkplaats/{w.slug}/kader"))
    assert 'name="directions"' not in html
    assert f"/werkplaats/{w.slug}/kader/richting/1" not in html
    assert "Hoe zorg ik voor mijn naaste samen met beroepskrachten?" in html


def test_coordinator_sees_edit_link_per_chosen_direction(client, make, login):
    w = world(make)
    login(w.coordinator)
    html = html_of(client.get(f"/werkplaats/{w.slug}/kader"))
    assert f'href="/werkplaats/{w.slug}/kader/richting/1"' in html
    assert f'href="/werkplaats/{w.slug}/kader/richting/2"' in html
    assert f'href="/werkplaats/{w.slug}/kader/richting/3"' not in html


def test_coordinator_writes_task_and_desired_outcome(client, make, login):
    w = world(make)
    login(w.coordinator)

    page = client.get(f"/werkplaats/{w.slug}/kader/richting/2")
    assert page.status_code == 200
    assert 'for="task"' in html_of(page) and 'for="desired_outcome"' in html_of(page)
    assert 'aria-current="true"' in html_of(page)

    response = client.post(f"/werkplaats/{w.slug}/kader/richting/2",
                           data={"task": "  Overleg plannen  ", "desired_outcome": "Eén plan"})

    assert response.status_code == 302
    pilot = pilot_row(w.pilot.id)
    direction = next(d for d in pilot.directions if d.direction_number == 2)
    assert (direction.task, direction.desired_outcome) == ("Overleg plannen", "Eén plan")
    assert "Overleg plannen" in html_of(client.get(f"/werkplaats/{w.slug}/kader"))


@pytest.mark.parametrize("number", [3, 10, 11, 0])
def test_direction_page_is_404_for_unchosen_direction(client, make, login, number):
    w = world(make)
    login(w.coordinator)
    assert client.get(f"/werkplaats/{w.slug}/kader/richting/{number}").status_code == 404
    before = snapshot(w.pilot.id)
    response = client.post(f"/werkplaats/{w.slug}/kader/richting/{number}",
                           data={"task": "x", "desired_outcome": "y"})
    assert response.status_code == 404
    assert snapshot(w.pilot.id) == before


def test_direction_text_too_long_is_refused_and_kept(client, make, login):
    w = world(make)
    before = snapshot(w.pilot.id)
    login(w.coordinator)
    response = client.post(f"/werkplaats/{w.slug}/kader/richting/1",
                           data={"task": "a" * 20_001, "desired_outcome": "Bewaard"})
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="task-error"' in html
    assert "Bewaard" in html
    assert snapshot(w.pilot.id) == before


def test_admin_edits_framework_of_application(client, make, login):
    w = world(make, status=PilotStatus.applied)
    login(w.admin)
    response = client.post(f"/werkplaats/{w.slug}/kader",
                           data={"questions": ["1"], "directions": ["7"]})
    assert response.status_code == 302
    assert [d.direction_number for d in pilot_row(w.pilot.id).directions] == [7]


def test_facilitator_cannot_edit_framework_of_application(client, make, login):
    w = world(make, status=PilotStatus.applied)
    before = snapshot(w.pilot.id)
    login(w.facilitator)
    response = client.post(f"/werkplaats/{w.slug}/kader",
                           data={"questions": ["1"], "directions": ["7"]})
    assert response.status_code == 403
    assert snapshot(w.pilot.id) == before


# Profile ----------------------------------------------------------------------------------


def test_coordinator_edits_profile_and_slug_stays(client, make, login):
    w = world(make)
    login(w.coordinator)
    page = html_of(client.get(f"/werkplaats/{w.slug}/profiel"))
    assert 'value="Proeftuin Denkstad"' in page
    assert "<legend" in page  # disciplines, target groups and scale as fieldsets

    response = client.post(
        f"/werkplaats/{w.slug}/profiel",
        data=profile_form(disciplines=[str(make.discipline("social_worker").id)],
                          target_groups=[str(make.target_group("palliative").id)]),
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/werkplaats/{w.slug}/profiel")
    pilot = pilot_row(w.pilot.id)
    assert pilot.slug == w.slug
    assert pilot.name == "Proeftuin Nieuwstad"
    assert pilot.municipality == "Nieuwstad"
    assert pilot.region.name == "Gelderland"
    assert pilot.scale.value == "regional"
    assert pilot.theme == "Samen **sterker**"
    assert pilot.planned_start == date(2025, 1, 1)
    assert pilot.planned_end == date(2026, 12, 31)
    assert [d.key for d in pilot.disciplines] == ["social_worker"]
    assert [t.key for t in pilot.target_groups] == ["palliative"]


def test_profile_end_must_lie_after_start(client, make, login):
    w = world(make)
    before = snapshot(w.pilot.id)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/profiel",
                           data=profile_form(planned_start="2026-01-01", planned_end="2025-01-01"))

    assert response.status_code == 200
    html = html_of(response)
    assert 'id="planned_end-error"' in html
    assert "na de geplande start" in html
    assert 'value="Proeftuin Nieuwstad"' in html  # what was typed is kept
    assert snapshot(w.pilot.id) == before


@pytest.mark.parametrize("field,value", [
    ("name", ""),
    ("name", "x" * 161),
    ("municipality", "   "),
    ("region_id", "abc"),
    ("region_id", "999999"),
    ("scale", "galaxy"),
    ("planned_start", "gisteren"),
    ("disciplines", ["abc"]),
    ("disciplines", ["999999"]),
    ("target_groups", ["-1"]),
])
def test_profile_odd_input_is_refused_beside_the_field(client, make, login, field, value):
    w = world(make)
    before = snapshot(w.pilot.id)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/profiel", data=profile_form(**{field: value}))

    assert response.status_code == 200
    assert f'id="{field}-error"' in html_of(response)
    assert snapshot(w.pilot.id) == before


def test_profile_read_only_for_member(client, make, login):
    w = world(make)
    pilot = db.session.get(Pilot, w.pilot.id)
    pilot.actions = "We **bellen** elke week."
    db.session.commit()
    login(w.member)
    html = html_of(client.get(f"/werkplaats/{w.slug}/profiel"))
    assert "<form method=\"post\" action=\"/werkplaats" not in html
    assert "<strong>bellen</strong>" in html
    assert "Huisarts" in html  # a discipline of the factory pilot


# Organisations ----------------------------------------------------------------------------


def test_coordinator_adds_edits_and_removes_organisation(client, make, login):
    w = world(make)
    login(w.coordinator)

    html = html_of(client.get(f"/werkplaats/{w.slug}/organisaties"))
    assert "Zorggroep Voorbeeld" in html and "Zorgorganisatie" in html

    response = client.post(f"/werkplaats/{w.slug}/organisaties",
                           data={"name": "Welzijn Voorbeeld", "kind": "welfare"})
    assert response.status_code == 302
    pilot = pilot_row(w.pilot.id)
    assert [(o.name, o.kind.value) for o in pilot.organisations] == [
        ("Zorggroep Voorbeeld", "care"), ("Welzijn Voorbeeld", "welfare")]
    added = pilot.organisations[1].id
    assert "Welzijnsorganisatie" in html_of(client.get(f"/werkplaats/{w.slug}/organisaties"))

    page = html_of(client.get(f"/werkplaats/{w.slug}/organisaties/{added}"))
    assert 'value="Welzijn Voorbeeld"' in page
    response = client.post(f"/werkplaats/{w.slug}/organisaties/{added}",
                           data={"name": "Gemeente Denkstad", "kind": "municipality"})
    assert response.status_code == 302
    pilot = pilot_row(w.pilot.id)
    assert (pilot.organisations[1].name, pilot.organisations[1].kind.value) == (
        "Gemeente Denkstad", "municipality")

    response = client.post(f"/werkplaats/{w.slug}/organisaties/{added}/verwijderen",
                           follow_redirects=True)
    assert "De organisatie Gemeente Denkstad is verwijderd." in html_of(response)
    assert [o.name for o in pilot_row(w.pilot.id).organisations] == ["Zorggroep Voorbeeld"]


@pytest.mark.parametrize("data", [{"name": "", "kind": "care"}, {"name": "X", "kind": "bank"},
                                  {"name": "X"}])
def test_organisation_odd_input_is_refused_and_kept(client, make, login, data):
    w = world(make)
    before = snapshot(w.pilot.id)
    login(w.coordinator)
    response = client.post(f"/werkplaats/{w.slug}/organisaties", data=data)
    assert response.status_code == 200
    assert "field-error" in html_of(response)
    assert snapshot(w.pilot.id) == before


def test_organisation_of_another_pilot_is_404(client, make, login):
    w = world(make)
    before = snapshot(w.other_pilot.id)
    login(w.coordinator)
    base = f"/werkplaats/{w.slug}/organisaties/{w.other_organisation_id}"
    assert client.get(base).status_code == 404
    assert client.post(base, data={"name": "Gekaapt", "kind": "care"}).status_code == 404
    assert client.post(f"{base}/verwijderen").status_code == 404
    assert client.get(f"/werkplaats/{w.slug}/organisaties/999999").status_code == 404
    assert client.get(f"/werkplaats/{w.slug}/organisaties/{10**30}").status_code == 404
    assert snapshot(w.other_pilot.id) == before


def test_member_sees_organisations_without_edit_controls(client, make, login):
    w = world(make)
    login(w.member)
    html = html_of(client.get(f"/werkplaats/{w.slug}/organisaties"))
    assert "Zorggroep Voorbeeld" in html
    assert "verwijderen" not in html
    assert 'name="kind"' not in html


# Agreements -------------------------------------------------------------------------------


def test_member_adds_edits_and_removes_agreement(client, make, login):
    w = world(make)
    login(w.member)

    response = client.post(f"/werkplaats/{w.slug}/afspraken",
                           data={"party": "Sociaal werker", "commitment": "Plant *huisbezoek*."})
    assert response.status_code == 302
    pilot = pilot_row(w.pilot.id)
    assert [a.party for a in pilot.agreements] == ["Wijkverpleegkundige", "Sociaal werker"]
    added = pilot.agreements[1].id
    html = html_of(client.get(f"/werkplaats/{w.slug}/afspraken"))
    assert "<em>huisbezoek</em>" in html

    response = client.post(f"/werkplaats/{w.slug}/afspraken/{added}",
                           data={"party": "Sociaal team", "commitment": "Plant twee bezoeken."})
    assert response.status_code == 302
    agreement = db.session.get(Agreement, added)
    assert (agreement.party, agreement.commitment) == ("Sociaal team", "Plant twee bezoeken.")

    response = client.post(f"/werkplaats/{w.slug}/afspraken/{added}/verwijderen",
                           follow_redirects=True)
    assert "De afspraak met Sociaal team is verwijderd." in html_of(response)
    db.session.expire_all()
    assert db.session.get(Agreement, added) is None


def test_agreement_needs_party_and_commitment(client, make, login):
    w = world(make)
    before = snapshot(w.pilot.id)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/afspraken",
                           data={"party": "Huisarts", "commitment": "   "})
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="commitment-error"' in html
    assert 'value="Huisarts"' in html
    assert snapshot(w.pilot.id) == before


def test_agreement_of_another_pilot_is_404(client, make, login):
    w = world(make)
    before = snapshot(w.other_pilot.id)
    login(w.member)
    base = f"/werkplaats/{w.slug}/afspraken/{w.other_agreement_id}"
    assert client.get(base).status_code == 404
    assert client.post(base, data={"party": "x", "commitment": "y"}).status_code == 404
    assert client.post(f"{base}/verwijderen").status_code == 404
    assert client.post(f"/werkplaats/{w.slug}/afspraken/{2**31}/verwijderen").status_code == 404
    assert snapshot(w.other_pilot.id) == before


def test_facilitator_reads_agreements_without_edit_controls(client, make, login):
    w = world(make)
    login(w.facilitator)
    html = html_of(client.get(f"/werkplaats/{w.slug}/afspraken"))
    assert "Belt de mantelzorger na elk overleg." in html
    assert 'name="party"' not in html

