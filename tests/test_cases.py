"""Case discussions: logging, reading, printing, filtering, the personal-data guard, the
Markdown preview, the audit trail, and who may do what."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import (
    AuditAction,
    AuditEvent,
    CaseDiscussion,
    CaseStatus,
    Pilot,
    PilotStatus,
    PrivacyConfirmation,
    User,
)

ROLES = ("anonymous", "outsider", "member", "coordinator", "other_facilitator", "facilitator",
         "admin")
READERS = {"member", "coordinator", "facilitator"}
WRITERS = {"member", "coordinator"}

PERSONAL = "Bel mevrouw Jansen op 06-12345678 over de dagbesteding."


# Helpers ----------------------------------------------------------------------------------


def world(make, status: PilotStatus = PilotStatus.active) -> SimpleNamespace:
    """A pilot with one person in every role around it, a second pilot, and one case each."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    pilot = make.pilot(programme=programme, status=status, name="Proeftuin Denkstad")
    other_pilot = make.pilot(programme=other_programme, name="Proeftuin Elders")
    w = SimpleNamespace(
        pilot=pilot,
        slug=pilot.slug,
        base=f"/werkplaats/{pilot.slug}/casussen",
        other_pilot=other_pilot,
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other_programme, name="Begeleider Elders"),
        admin=make.admin(name="Beheerder Bea"),
        outsider=make.member(other_pilot, name="Buitenstaander Olga"),
        coordinator=make.coordinator(pilot, name="Coördinator Cor"),
        member=make.member(pilot, name="Deelnemer Dina"),
        anonymous=None,
    )
    w.case = make.case(pilot, w.member, title="Partner raakt overbelast",
                       held_on=days_ago(20))
    w.case_id = w.case.id
    w.other_case_id = make.case(other_pilot, w.outsider, title="Casus elders").id
    return w


def sign_in(login, w, role: str):
    """Sign in as the person with `role` in the world, or stay anonymous."""
    user = getattr(w, role)
    if user is not None:
        login(user)
    return user


def switch_to(client, login, user) -> None:
    """Sign out whoever is signed in, and sign in as `user`."""
    client.post("/logout")
    login(user)


def days_ago(days: int) -> date:
    return date.today() - timedelta(days=days)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def discipline_id(make, key: str) -> str:
    return str(make.discipline(key).id)


def case_form(make, **overrides) -> dict:
    """A complete, valid case form as a browser posts it."""
    data = {
        "held_on": days_ago(3).isoformat(),
        "title": "Dochter op afstand",
        "status": "final",
        "disciplines": [discipline_id(make, "gp"), discipline_id(make, "social_worker")],
        "presenter_question": "Hoe betrekken we een dochter die **ver weg** woont?",
        "situation": "Mevrouw (84) woont alleen.\n\n- valt vaak\n- eet slecht",
        "carer_perspective": "De dochter voelt zich schuldig.",
        "went_well": "De huisarts belde snel terug.",
        "group_advice": "Plan een vast belmoment.",
        "could_do_better": "Eerder de mantelzorgconsulent inschakelen.",
        "follow_ups-0-action": "Belmoment met de dochter plannen",
        "follow_ups-0-owner": "de wijkverpleegkundige",
        "follow_ups-0-due_on": (date.today() + timedelta(days=14)).isoformat(),
        "follow_ups-1-action": "Respijtzorg uitzoeken",
        "follow_ups-1-owner": "de mantelzorgconsulent",
        "follow_ups-1-due_on": "",
        "follow_ups-1-done": "y",
        "follow_ups-2-action": "",
        "follow_ups-2-owner": "",
        "follow_ups-2-due_on": "",
        "questions": ["1", "3"],
        "directions": ["2", "7"],
    }
    data.update(overrides)
    return data


def case_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CaseDiscussion))


def stored_case(case_id: int) -> CaseDiscussion:
    db.session.expire_all()
    return db.session.get(CaseDiscussion, case_id)


def events(action: AuditAction | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.scalars(stmt))


def new_case_id(response) -> int:
    assert response.status_code == 302, html_of(response)[:3000]
    match = re.search(r"/casussen/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def fingerprints(html: str) -> list[str]:
    return re.findall(r'name="not_personal" value="([0-9a-f]{64})"', html)


# Logging and reading ----------------------------------------------------------------------


def test_member_logs_a_case_with_everything_and_reads_it(client, make, login):
    w = world(make)
    login(w.member)

    response = client.post(f"{w.base}/nieuw", data=case_form(make))

    case = stored_case(new_case_id(response))
    assert case.pilot_id == w.pilot.id
    assert case.title == "Dochter op afstand"
    assert case.status is CaseStatus.final
    assert case.held_on == days_ago(3)
    assert case.situation == "Mevrouw (84) woont alleen.\n\n- valt vaak\n- eet slecht"
    assert case.could_do_better == "Eerder de mantelzorgconsulent inschakelen."
    assert {d.key for d in case.disciplines} == {"gp", "social_worker"}
    assert [q.number for q in case.questions] == [1, 3]
    assert [d.number for d in case.directions] == [2, 7]
    assert [(f.action, f.owner, f.done) for f in case.follow_ups] == [
        ("Belmoment met de dochter plannen", "de wijkverpleegkundige", False),
        ("Respijtzorg uitzoeken", "de mantelzorgconsulent", True),
    ]
    assert case.follow_ups[0].due_on == date.today() + timedelta(days=14)
    assert case.follow_ups[1].due_on is None
    assert case.created_by_id == case.updated_by_id == w.member.id

    page = client.get(response.headers["Location"], follow_redirects=True)
    html = html_of(page)
    assert page.status_code == 200
    assert "De casusbespreking is vastgelegd." in html
    assert "<strong>ver weg</strong>" in html
    assert "<li>valt vaak</li>" in html
    assert "Belmoment met de dochter plannen" in html and "de mantelzorgconsulent" in html
    assert "Deelnemer Dina" in html
    assert "Definitief" in html
    assert html.count("<h1") == 1


def test_the_list_shows_the_pilots_cases_newest_first(client, make, login):
    w = world(make)
    make.case(w.pilot, w.member, title="Oudste casus", held_on=days_ago(90))
    make.case(w.pilot, w.member, title="Nieuwste casus", held_on=days_ago(1),
              status=CaseStatus.draft)
    login(w.member)

    html = html_of(client.get(f"{w.base}/"))

    assert html.index("Nieuwste casus") < html.index("Partner raakt overbelast") < html.index(
        "Oudste casus")
    assert "Casus elders" not in html
    assert "3 casusbesprekingen gevonden" in html
    assert "Concept" in html and "Definitief" in html
    assert f'href="{w.base}/nieuw"' in html
    assert f'href="{w.base}/{w.case_id}"' in html


def test_the_list_pages_by_25(client, make, login):
    w = world(make)
    for i in range(26):
        make.case(w.pilot, w.member, title=f"Reeks {i:02d}", held_on=days_ago(100 + i))
    login(w.member)

    first = html_of(client.get(f"{w.base}/"))
    second = html_of(client.get(f"{w.base}/?pagina=2"))

    assert "27 casusbesprekingen gevonden" in first
    # The first page holds the newest case and the 24 next ones; the second the rest.
    assert "Reeks 23" in first and "Reeks 24" not in first
    assert "Reeks 24" in second and "Reeks 25" in second
    assert "Partner raakt overbelast" not in second
    assert f'href="{w.base}/?pagina=2"' in first
    assert client.get(f"{w.base}/?pagina=-4").status_code == 200
    assert "Deze pagina bestaat niet." in html_of(client.get(f"{w.base}/?pagina=99"))


def test_show_marks_overdue_follow_ups(client, make, login):
    w = world(make)
    login(w.member)
    data = case_form(make, **{"follow_ups-0-due_on": days_ago(2).isoformat()})
    case_id = new_case_id(client.post(f"{w.base}/nieuw", data=data))

    html = html_of(client.get(f"{w.base}/{case_id}"))

    assert "follow-up--overdue" in html
    assert html.count("Te laat") == 1
    assert "Afgerond" in html


def test_editing_changes_the_case_and_keeps_what_is_not_changed(client, make, login):
    w = world(make)
    login(w.member)
    case_id = new_case_id(client.post(f"{w.base}/nieuw", data=case_form(make)))
    switch_to(client, login, w.coordinator)

    form = html_of(client.get(f"{w.base}/{case_id}/bewerken"))
    assert "Belmoment met de dochter plannen" in form
    assert 'value="Dochter op afstand"' in form
    # Two filled rows and always two empty ones to add more without JavaScript.
    assert 'name="follow_ups-3-action"' in form and 'name="follow_ups-4-action"' not in form

    data = case_form(make, title="Dochter op afstand (vervolg)", status="draft",
                     directions=["4"], **{"follow_ups-0-done": "y",
                                          "follow_ups-1-action": "",
                                          "follow_ups-1-owner": "",
                                          "follow_ups-1-done": ""})
    response = client.post(f"{w.base}/{case_id}/bewerken", data=data)

    assert new_case_id(response) == case_id
    case = stored_case(case_id)
    assert case.title == "Dochter op afstand (vervolg)"
    assert case.status is CaseStatus.draft
    assert [d.number for d in case.directions] == [4]
    assert [(f.action, f.done) for f in case.follow_ups] == [
        ("Belmoment met de dochter plannen", True)]
    assert case.created_by_id == w.member.id
    assert case.updated_by_id == w.coordinator.id
    assert case_count() == 3


# Refusing bad input ------------------------------------------------------------------------


def test_missing_title_and_date_keep_what_was_typed_and_save_nothing(client, make, login):
    w = world(make)
    login(w.member)

    response = client.post(f"{w.base}/nieuw", data=case_form(make, title="", held_on=""))

    html = html_of(response)
    assert response.status_code == 200
    assert 'id="fouten"' in html
    assert "Geef de casus een korte titel." in html
    assert "Vul de datum van de bespreking in." in html
    assert "Hoe betrekken we een dochter die **ver weg** woont?" in html
    assert "Belmoment met de dochter plannen" in html
    assert case_count() == 2


@pytest.mark.parametrize(("held_on", "message"), [
    ((date.today() + timedelta(days=5)).isoformat(), "nog moet plaatsvinden"),
    ("1899-05-01", "Kies een datum tussen 2000 en 2100."),
    ("10-03-2026", "Vul een geldige datum in"),
])
def test_impossible_discussion_dates_are_refused(client, make, login, held_on, message):
    w = world(make)
    login(w.member)

    response = client.post(f"{w.base}/nieuw", data=case_form(make, held_on=held_on))

    assert response.status_code == 200
    assert message in html_of(response)
    assert case_count() == 2


def test_tomorrow_is_accepted_for_time_zones_but_the_day_after_is_not(client, make, login):
    w = world(make)
    login(w.member)
    tomorrow = date.today() + timedelta(days=1)

    case_id = new_case_id(client.post(f"{w.base}/nieuw",
                                      data=case_form(make, held_on=tomorrow.isoformat())))
    assert stored_case(case_id).held_on == tomorrow

    day_after = (tomorrow + timedelta(days=1)).isoformat()
    before = case_count()
    response = client.post(f"{w.base}/nieuw", data=case_form(make, held_on=day_after))
    assert response.status_code == 200
    assert "nog moet plaatsvinden" in html_of(response)
    assert case_count() == before


def test_a_follow_up_row_without_action_is_refused(client, make, login):
    w = world(make)
    login(w.member)

    data = case_form(make, **{"follow_ups-2-owner": "de huisarts",
                              "follow_ups-2-due_on": "2026-12-01"})
    response = client.post(f"{w.base}/nieuw", data=data)

    html = html_of(response)
    assert response.status_code == 200
    assert "Afspraken en vervolg, rij 3: Beschrijf ook wat er is afgesproken" in html
    assert 'href="#follow_ups-2-action"' in html
    assert case_count() == 2


@pytest.mark.parametrize("overrides", [
    {"disciplines": ["abc"]},
    {"disciplines": ["999999"]},
    {"questions": ["9"]},
    {"directions": ["x"]},
    {"status": "archived"},
    {"follow_ups-0-due_on": "morgen"},
    {"title": "x" * 161},
    {"situation": "x" * 20_001},
    {"not_personal": ["a"] * 201},
])
def test_invalid_values_give_a_message_not_an_error(client, make, login, overrides):
    w = world(make)
    login(w.member)

    response = client.post(f"{w.base}/nieuw", data=case_form(make, **overrides))

    assert response.status_code == 200
    assert 'id="fouten"' in html_of(response)
    assert case_count() == 2


def test_more_rows_than_a_form_offers_are_refused_without_error(client, make, login):
    w = world(make)
    login(w.member)
    data = case_form(make)
    for i in range(3, 80):
        data[f"follow_ups-{i}-action"] = f"Afspraak {i}"

    response = client.post(f"{w.base}/nieuw", data=data)

    assert response.status_code == 200
    html = html_of(response)
    # Beside the list of follow-ups, which is marked invalid, and linked from the summary.
    beside = re.search(r'<p class="[^"]*field-error" id="follow_ups-error">([^<]*)</p>', html)
    assert beside and "Noem hoogstens 30 afspraken." in beside.group(1)
    assert 'utrecht-form-fieldset utrecht-form-fieldset--invalid' in html
    assert re.search(r'<a href="#follow_ups">[^<]*Noem hoogstens 30 afspraken', html)
    assert case_count() == 2


# The personal-data guard ------------------------------------------------------------------


def test_personal_data_blocks_saving_and_is_marked_in_place(client, make, login):
    w = world(make)
    login(w.member)
    data = case_form(make, situation=PERSONAL, **{"follow_ups-0-owner": "dhr. De Vries"})

    response = client.post(f"{w.base}/nieuw", data=data)

    html = html_of(response)
    assert response.status_code == 200
    assert case_count() == 2
    assert 'id="fouten"' in html
    assert "Situatie: Mogelijk persoonsgegevens" in html
    assert "Afspraken en vervolg, rij 1: Mogelijk persoonsgegevens" in html
    assert 'id="situation-findings"' in html and 'id="follow_ups-0-owner-findings"' in html
    assert html.count('class="privacy-mark"') == 3
    marks = re.findall(r'<mark id="[^"]+" class="privacy-mark">(.*?)</mark>', html)
    assert [re.sub(r"<span.*?</span>", "", m) for m in marks] == [
        "mevrouw Jansen", "06-12345678", "dhr. De Vries"]
    # Everything typed is still there, in the text area and the other fields.
    assert f"{PERSONAL}</textarea>" in html
    assert "Belmoment met de dochter plannen" in html
    assert len(fingerprints(html)) == 3
    assert not events()


def test_changing_the_text_saves(client, make, login):
    w = world(make)
    login(w.member)
    assert client.post(f"{w.base}/nieuw",
                       data=case_form(make, situation=PERSONAL)).status_code == 200

    response = client.post(
        f"{w.base}/nieuw",
        data=case_form(make, situation="Bel de dochter over de dagbesteding."),
    )

    case = stored_case(new_case_id(response))
    assert case.situation == "Bel de dochter over de dagbesteding."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PrivacyConfirmation)) == 0


def test_a_confirmation_must_cover_every_finding(client, make, login):
    w = world(make)
    login(w.member)
    html = html_of(client.post(f"{w.base}/nieuw", data=case_form(make, situation=PERSONAL)))
    first, _second = fingerprints(html)

    response = client.post(f"{w.base}/nieuw",
                           data=case_form(make, situation=PERSONAL, not_personal=[first]))

    html = html_of(response)
    assert response.status_code == 200
    assert case_count() == 2
    # The ticked box stays ticked while the other finding still waits.
    assert re.search(rf'value="{first}" id="[^"]+" checked', html)
    assert "privacy-mark privacy-mark--confirmed" in html


def test_confirming_findings_saves_records_and_is_not_asked_again(client, make, login):
    w = world(make)
    login(w.member)
    html = html_of(client.post(f"{w.base}/nieuw", data=case_form(make, situation=PERSONAL)))
    prints = fingerprints(html)

    response = client.post(f"{w.base}/nieuw",
                           data=case_form(make, situation=PERSONAL, not_personal=prints))

    case_id = new_case_id(response)
    assert stored_case(case_id).situation == PERSONAL
    confirmations = list(db.session.scalars(sa.select(PrivacyConfirmation)))
    assert {c.fingerprint for c in confirmations} == set(prints)
    assert {(c.record_type, c.record_id, c.confirmed_by_id) for c in confirmations} == {
        ("case_discussion", case_id, w.member.id)}
    assert {c.kind for c in confirmations} == {"named_person", "phone"}

    # Re-editing the same text does not ask again, for anyone in the pilot.
    switch_to(client, login, w.coordinator)
    again = client.post(f"{w.base}/{case_id}/bewerken",
                        data=case_form(make, situation=PERSONAL, title="Nog eens"))
    assert new_case_id(again) == case_id
    assert stored_case(case_id).title == "Nog eens"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PrivacyConfirmation)) == 2


def test_a_fingerprint_from_elsewhere_confirms_nothing(client, make, login):
    w = world(make)
    login(w.member)

    response = client.post(f"{w.base}/nieuw", data=case_form(
        make, situation=PERSONAL, not_personal=["0" * 64, "niet-een-vingerafdruk"]))

    assert response.status_code == 200
    assert case_count() == 2


def test_the_title_is_checked_for_names_too(client, make, login):
    w = world(make)
    login(w.member)

    response = client.post(f"{w.base}/nieuw", data=case_form(make, title="Casus mevrouw Jansen"))

    assert response.status_code == 200
    assert 'id="title-findings"' in html_of(response)
    assert case_count() == 2


# The Markdown preview ---------------------------------------------------------------------


def test_preview_renders_markdown_and_saves_nothing(client, make, login):
    w = world(make)
    login(w.member)

    response = client.post(f"{w.base}/nieuw", data=case_form(make, preview="1"))

    html = html_of(response)
    assert response.status_code == 200
    assert case_count() == 2
    assert not events()
    assert "er is nog niets opgeslagen" in html
    assert html.count('class="markdown-preview"') == 6
    assert "Voorbeeld: Vraag van de inbrenger" in html
    assert "<strong>ver weg</strong>" in html
    assert "<li>valt vaak</li>" in html
    # The form is still filled in, ready to save.
    assert "Hoe betrekken we een dochter die **ver weg** woont?" in html
    assert "Belmoment met de dochter plannen" in html
    # Filled rows kept, and two fresh blank rows below them.
    assert 'name="follow_ups-3-action"' in html and 'name="follow_ups-4-action"' not in html


def test_preview_sanitises_what_it_renders(client, make, login):
    w = world(make)
    login(w.member)

    html = html_of(client.post(f"{w.base}/nieuw", data=case_form(
        make, preview="1", situation='<script>alert(1)</script> [x](javascript:alert(1))')))

    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html


def test_preview_also_shows_personal_data_findings(client, make, login):
    w = world(make)
    login(w.member)

    html = html_of(client.post(f"{w.base}/nieuw",
                               data=case_form(make, preview="1", situation=PERSONAL)))

    assert 'id="situation-findings"' in html
    assert 'class="markdown-preview"' in html
    assert case_count() == 2


def test_preview_while_editing_changes_nothing(client, make, login):
    w = world(make)
    login(w.member)

    response = client.post(f"{w.base}/{w.case_id}/bewerken",
                           data=case_form(make, title="Gewijzigd", preview="1"))

    assert response.status_code == 200
    assert stored_case(w.case_id).title == "Partner raakt overbelast"
    assert not events()


# The audit trail --------------------------------------------------------------------------


def test_created_changed_viewed_and_exported_are_recorded_with_role_and_no_content(
        client, make, login):
    w = world(make)
    login(w.member)
    case_id = new_case_id(client.post(f"{w.base}/nieuw", data=case_form(make)))
    switch_to(client, login, w.coordinator)
    client.post(f"{w.base}/{case_id}/bewerken", data=case_form(make, title="Anders"))
    switch_to(client, login, w.facilitator)
    assert client.get(f"{w.base}/{case_id}").status_code == 200
    assert client.get(f"{w.base}/{case_id}/afdrukken").status_code == 200

    trail = [(e.action, e.user_id, e.role, e.record_type, e.record_id, e.pilot_id)
             for e in events()]
    assert trail == [
        (AuditAction.created, w.member.id, "member", "case_discussion", case_id, w.pilot.id),
        (AuditAction.changed, w.coordinator.id, "coordinator", "case_discussion", case_id,
         w.pilot.id),
        (AuditAction.viewed, w.facilitator.id, "facilitator", "case_discussion", case_id,
         w.pilot.id),
        (AuditAction.exported, w.facilitator.id, "facilitator", "case_discussion", case_id,
         w.pilot.id),
    ]
    # The redirect after saving was not followed, so nobody "viewed" on the writer's behalf;
    # and no column of the trail holds any of the text.
    stored = db.session.execute(sa.select(AuditEvent.__table__)).all()
    assert not any("Dochter" in str(value) for row in stored for value in row)


def test_refused_access_and_refused_saves_record_nothing(client, make, login):
    w = world(make)
    login(w.admin)
    client.get(f"{w.base}/{w.case_id}")
    switch_to(client, login, w.member)
    client.post(f"{w.base}/nieuw", data=case_form(make, title=""))
    assert not events()


# The print view ---------------------------------------------------------------------------


def test_print_view_is_confidential_and_without_workspace_chrome(client, make, login):
    w = world(make)
    login(w.facilitator)

    response = client.get(f"{w.base}/{w.case_id}/afdrukken")

    html = html_of(response)
    assert response.status_code == 200
    assert "Vertrouwelijk – niet delen" in html
    assert "Partner raakt overbelast" in html
    assert 'class="subnav"' not in html
    assert html.count("<h1") == 1
    assert response.headers["Cache-Control"] == "no-store"


def test_case_pages_are_not_cached(client, make, login):
    w = world(make)
    login(w.member)
    for url in ("/", f"/{w.case_id}", f"/{w.case_id}/bewerken", "/nieuw"):
        assert client.get(w.base + url).headers["Cache-Control"] == "no-store"


# Who may do what --------------------------------------------------------------------------

READ_PAGES = ["/", "/{case_id}", "/{case_id}/afdrukken"]
WRITE_PAGES = ["/nieuw", "/{case_id}/bewerken", "/{case_id}/verwijderen"]


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_cases_are_read_by_members_and_the_programmes_facilitators_only(
        client, make, login, role, page):
    w = world(make)
    sign_in(login, w, role)

    response = client.get(w.base + page.format(case_id=w.case_id))

    if role == "anonymous":
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    elif role in READERS:
        assert response.status_code == 200
        assert "Partner raakt overbelast" in html_of(response)
    else:
        assert response.status_code == 403
        assert "Partner raakt overbelast" not in html_of(response)


@pytest.mark.parametrize("page", WRITE_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_only_members_open_the_write_pages(client, make, login, role, page):
    w = world(make)
    sign_in(login, w, role)

    response = client.get(w.base + page.format(case_id=w.case_id))

    if role == "anonymous":
        assert response.status_code == 302
    elif role in WRITERS:
        assert response.status_code == 200
        assert "<form" in html_of(response)
    else:
        assert response.status_code == 403


def _posts(make, w) -> dict[str, tuple[str, dict]]:
    return {
        "new": (f"{w.base}/nieuw", case_form(make)),
        "edit": (f"{w.base}/{w.case_id}/bewerken", case_form(make, title="Overgeschreven")),
        "delete": (f"{w.base}/{w.case_id}/verwijderen", {}),
    }


def _case_state() -> tuple:
    db.session.expire_all()
    return tuple(db.session.execute(
        sa.select(CaseDiscussion.id, CaseDiscussion.title).order_by(CaseDiscussion.id)
    ).all())


@pytest.mark.parametrize("action", ["new", "edit", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_only_members_write(client, make, login, role, action):
    w = world(make)
    url, data = _posts(make, w)[action]
    before = _case_state()
    sign_in(login, w, role)

    response = client.post(url, data=data)

    if role in WRITERS:
        assert response.status_code == 302
        assert _case_state() != before
        return
    assert _case_state() == before
    assert not events()
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403


def test_a_case_of_another_pilot_is_not_found_through_this_pilot(client, make, login):
    w = world(make)
    login(w.member)
    for page in ("", "/afdrukken", "/bewerken", "/verwijderen"):
        assert client.get(f"{w.base}/{w.other_case_id}{page}").status_code == 404
    assert client.post(f"{w.base}/{w.other_case_id}/bewerken",
                       data=case_form(make)).status_code == 404
    assert client.post(f"{w.base}/{w.other_case_id}/verwijderen").status_code == 404
    assert _case_state()[1][1] == "Casus elders"


def test_a_member_of_another_pilot_cannot_reach_cases_through_their_own_pilot(
        client, make, login):
    w = world(make)
    login(w.outsider)
    other = f"/werkplaats/{w.other_pilot.slug}/casussen"
    assert client.get(f"{other}/{w.case_id}").status_code == 404
    assert client.get(f"{w.base}/{w.case_id}").status_code == 403


@pytest.mark.parametrize("case_id", ["0", str(2**31), "99999999999999999999"])
def test_impossible_case_ids_are_not_found(client, make, login, case_id):
    w = world(make)
    login(w.member)
    assert client.get(f"{w.base}/{case_id}").status_code == 404
    assert client.get(f"{w.base}/{case_id}/bewerken").status_code == 404


def test_unknown_pilot_is_not_found(client, make, login):
    w = world(make)
    login(w.member)
    assert client.get("/werkplaats/bestaat-niet/casussen/").status_code == 404


def test_an_application_is_not_revealed_to_outsiders(client, make, login):
    w = world(make)
    applied = make.pilot(programme=w.other_pilot.programme, status=PilotStatus.applied)
    login(w.outsider)
    assert client.get(f"/werkplaats/{applied.slug}/casussen/").status_code == 404


@pytest.mark.parametrize("status", [PilotStatus.completed, PilotStatus.stopped])
def test_members_of_a_finished_pilot_read_but_no_longer_write(client, make, login, status):
    w = world(make, status=status)
    login(w.member)

    listing = client.get(f"{w.base}/")
    assert listing.status_code == 200
    assert "Nieuwe casusbespreking" not in html_of(listing)
    page = client.get(f"{w.base}/{w.case_id}")
    assert page.status_code == 200
    assert f"{w.case_id}/bewerken" not in html_of(page)
    assert client.get(f"{w.base}/nieuw").status_code == 403
    assert client.get(f"{w.base}/{w.case_id}/bewerken").status_code == 403
    assert client.post(f"{w.base}/nieuw", data=case_form(make)).status_code == 403
    assert client.post(f"{w.base}/{w.case_id}/verwijderen").status_code == 403
    assert case_count() == 2


def test_readers_who_cannot_write_see_no_write_links(client, make, login):
    w = world(make)
    login(w.facilitator)
    assert "Nieuwe casusbespreking" not in html_of(client.get(f"{w.base}/"))
    html = html_of(client.get(f"{w.base}/{w.case_id}"))
    assert "/bewerken" not in html and "/verwijderen" not in html
    assert f"{w.case_id}/afdrukken" in html


# Deleting ---------------------------------------------------------------------------------


def test_deleting_asks_first_then_removes_the_case_and_its_confirmations(client, make, login):
    w = world(make)
    login(w.member)
    html = html_of(client.post(f"{w.base}/nieuw", data=case_form(make, situation=PERSONAL)))
    case_id = new_case_id(client.post(
        f"{w.base}/nieuw", data=case_form(make, situation=PERSONAL,
                                          not_personal=fingerprints(html))))

    question = html_of(client.get(f"{w.base}/{case_id}/verwijderen"))
    assert "Weet u zeker" in question and "Dochter op afstand" in question
    assert stored_case(case_id) is not None

    response = client.post(f"{w.base}/{case_id}/verwijderen")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{w.base}/")
    assert stored_case(case_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PrivacyConfirmation)) == 0
    deleted = events(AuditAction.deleted)
    assert [(e.user_id, e.role, e.record_type, e.record_id) for e in deleted] == [
        (w.member.id, "member", "case_discussion", case_id)]


def test_a_case_that_a_lesson_draws_on_cannot_be_deleted(client, make, login):
    w = world(make)
    make.lesson(w.pilot, w.member, source_cases=[w.case])
    login(w.member)

    assert "kan daarom niet worden verwijderd" in html_of(
        client.get(f"{w.base}/{w.case_id}/verwijderen"))
    response = client.post(f"{w.base}/{w.case_id}/verwijderen", follow_redirects=True)

    assert response.status_code == 200
    assert "kan daarom niet worden verwijderd" in html_of(response)
    assert stored_case(w.case_id) is not None


@pytest.mark.parametrize("page", ["/nieuw", "/{case_id}/bewerken", "/{case_id}/verwijderen"])
def test_every_post_needs_the_csrf_token(app, client, make, login, page):
    w = world(make)
    login(w.member)
    before = _case_state()
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(w.base + page.format(case_id=w.case_id), data=case_form(make))

    assert response.status_code == 400
    assert _case_state() == before


# Filters ----------------------------------------------------------------------------------


@pytest.fixture
def filtered_world(make):
    w = world(make)
    make.case(w.pilot, w.member, title="Richting drie", directions=(3,), questions=(2,),
              disciplines=("wmo_consultant",), held_on=days_ago(200))
    make.case(w.pilot, w.member, title="Concept vraag drie", directions=(1, 4), questions=(3,),
              disciplines=("social_worker", "gp"), held_on=days_ago(5), status=CaseStatus.draft)
    return w


def _titles(html: str) -> set[str]:
    return set(re.findall(r'<a class="utrecht-link" href="/werkplaats/[^"]+/casussen/\d+">([^<]+)</a>',
                          html))


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"Partner raakt overbelast", "Richting drie", "Concept vraag drie"}),
    ("richting=3", {"Richting drie"}),
    ("richting=1", {"Partner raakt overbelast", "Concept vraag drie"}),
    ("vraag=3", {"Concept vraag drie"}),
    ("discipline=wmo_consultant", {"Richting drie"}),
    ("discipline=gp", {"Partner raakt overbelast", "Concept vraag drie"}),
    ("status=draft", {"Concept vraag drie"}),
    ("van={d30}", {"Partner raakt overbelast", "Concept vraag drie"}),
    ("tot={d30}", {"Richting drie"}),
    ("van={d30}&tot={d10}", {"Partner raakt overbelast"}),
    ("richting=1&vraag=1&discipline=gp", {"Partner raakt overbelast"}),
    ("richting=9", set()),
])
def test_filters_select_by_direction_question_discipline_period_and_status(
        client, make, login, filtered_world, query, expected):
    w = filtered_world
    login(w.facilitator)
    query = query.format(d30=days_ago(30).isoformat(), d10=days_ago(10).isoformat())

    response = client.get(f"{w.base}/?{query}")

    assert response.status_code == 200
    assert _titles(html_of(response)) == expected


@pytest.mark.parametrize(("query", "message"), [
    ("richting=abc", "Kies een oplossingsrichting uit de lijst."),
    ("richting=11", "Kies een oplossingsrichting uit de lijst."),
    ("richting=99999999999999999999", "Kies een oplossingsrichting uit de lijst."),
    ("vraag=0", "Kies een vraagstuk uit de lijst."),
    ("discipline=astronaut", "Kies een discipline uit de lijst."),
    ("status=archived", "Kies concept of definitief."),
    ("van=gisteren", "Vul een geldige datum in"),
    ("tot=1850-01-01", "Kies een datum tussen 2000 en 2100."),
    ("van=2026-05-01&tot=2026-04-01", "De einddatum ligt vóór de begindatum."),
])
def test_invalid_filters_are_explained_and_left_out(client, make, login, filtered_world, query,
                                                   message):
    w = filtered_world
    login(w.member)

    response = client.get(f"{w.base}/?{query}")

    html = html_of(response)
    assert response.status_code == 200
    assert "Niet elk filter kon worden gebruikt" in html
    assert message in html
    assert "Partner raakt overbelast" in html


def test_filter_selection_is_kept_in_page_links(client, make, login):
    w = world(make)
    for i in range(30):
        make.case(w.pilot, w.member, title=f"Reeks {i}", directions=(3,))
    login(w.member)

    html = html_of(client.get(f"{w.base}/?richting=3"))

    assert "30 casusbesprekingen gevonden" in html
    assert f'href="{w.base}/?pagina=2&amp;richting=3"' in html
    assert "Oplossingsrichting: 3." in html


def test_the_list_costs_the_same_number_of_queries_for_any_number_of_cases(
        client, make, login, count_queries):
    w = world(make)
    pilot_id, member_id = w.pilot.id, w.member.id
    login(w.facilitator)
    client.get(f"{w.base}/")

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get(f"{w.base}/").status_code == 200
        return n()

    few = measure()
    pilot, member = db.session.get(Pilot, pilot_id), db.session.get(User, member_id)
    for i in range(15):
        make.case(pilot, member, title=f"Meer {i}", directions=(1, 2, 3),
                  disciplines=("gp", "district_nurse", "social_worker"))
    assert measure() == few


def test_the_case_page_costs_the_same_for_any_number_of_follow_ups(
        client, make, login, count_queries):
    w = world(make)
    login(w.member)
    few_id = new_case_id(client.post(f"{w.base}/nieuw", data=case_form(make)))
    data = case_form(make)
    for i in range(2, 12):
        data[f"follow_ups-{i}-action"] = f"Afspraak {i}"
    many_id = new_case_id(client.post(f"{w.base}/nieuw", data=data))

    def measure(case_id) -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get(f"{w.base}/{case_id}").status_code == 200
        return n()

    assert measure(few_id) == measure(many_id)
