"""Reading the audit trail: the programme's facilitators and admins only, newest first, in
pages, as CSV; names of deleted accounts gone; nothing to change."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from proeftuin import audit
from proeftuin.admin import services as admin_services
from proeftuin.extensions import db
from proeftuin.models import AuditAction, MemberRole, PilotStatus, RecordType

ROLES = ("anonymous", "outsider", "member", "coordinator", "other_facilitator", "facilitator",
         "admin")
READERS = {"facilitator", "admin"}


def world(make, status: PilotStatus = PilotStatus.active) -> SimpleNamespace:
    """A pilot with someone in every role around it, and a pilot of another programme."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    pilot = make.pilot(programme=programme, status=status, name="Proeftuin Denkstad")
    other_pilot = make.pilot(programme=other_programme, name="Proeftuin Elders")
    w = SimpleNamespace(
        pilot=pilot, other_pilot=other_pilot, anonymous=None,
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other_programme, name="Begeleider Elders"),
        admin=make.admin(name="Beheerder Bea"),
        outsider=make.member(other_pilot, name="Buitenstaander Olga"),
    )
    if pilot.is_public:
        w.member = make.member(pilot, name="Lid Lotte")
        w.coordinator = make.coordinator(pilot, name="Coördinator Kees")
    return w


def event(pilot, user, action=AuditAction.created, record_type=RecordType.case, record_id=1,
          role="member", occurred_at=None):
    return audit.record(action, user=user, role=role, record_type=record_type,
                        record_id=record_id, pilot=pilot, occurred_at=occurred_at)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def table_rows(html: str) -> list[str]:
    body = html.split('<tbody class="utrecht-table__body">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)


# Who may read it ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/werkplaats/{slug}/logboek", "/werkplaats/{slug}/logboek.csv"])
def test_only_the_programmes_facilitators_and_admins_read_the_trail(client, make, login, role,
                                                                     path):
    w = world(make)
    event(w.pilot, w.member)
    db.session.commit()
    if role != "anonymous":
        login(getattr(w, role))

    response = client.get(path.format(slug=w.pilot.slug))

    if role == "anonymous":
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    elif role in READERS:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["outsider", "other_facilitator", "facilitator", "admin"])
def test_the_trail_of_an_application_is_hidden_from_outsiders(client, make, login, role):
    w = world(make, status=PilotStatus.applied)
    login(getattr(w, role))

    response = client.get(f"/werkplaats/{w.pilot.slug}/logboek")

    assert response.status_code == (200 if role in READERS else 404)


def test_an_unknown_pilot_is_not_found(client, make, login):
    login(make.admin())
    assert client.get("/werkplaats/bestaat-niet/logboek").status_code == 404
    assert client.get("/werkplaats/bestaat-niet/logboek.csv").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_nobody_can_change_the_trail_through_the_site(client, make, login, method):
    w = world(make)
    event(w.pilot, w.member)
    db.session.commit()
    login(w.admin)

    for path in (f"/werkplaats/{w.pilot.slug}/logboek", f"/werkplaats/{w.pilot.slug}/logboek.csv"):
        assert getattr(client, method)(path).status_code == 405


# What it shows --------------------------------------------------------------------------


def test_the_trail_says_when_who_in_which_role_did_what_to_which_record(client, make, login):
    w = world(make)
    case = make.case(w.pilot, w.member, title="Casus over de buurvrouw")
    lesson = make.lesson(w.pilot, w.member, title="Les over het aanspreekpunt")
    event(w.pilot, w.member, AuditAction.created, RecordType.case, case.id, role="member")
    event(w.pilot, w.facilitator, AuditAction.published, RecordType.lesson, lesson.id,
          role="facilitator")
    event(w.other_pilot, w.outsider, AuditAction.viewed, RecordType.case, 999)
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get(f"/werkplaats/{w.pilot.slug}/logboek"))

    rows = table_rows(html)
    assert len(rows) == 2
    newest, oldest = rows
    assert "Begeleider Bram" in newest and "Begeleider" in newest
    assert "Gepubliceerd" in newest and f"Les #{lesson.id}" in newest
    assert "Lid Lotte" in oldest and "Deelnemer" in oldest
    assert "Aangemaakt" in oldest and f"Casusbespreking #{case.id}" in oldest
    assert "<time datetime=" in oldest
    # Never the content, and nothing of another pilot.
    assert "Casus over de buurvrouw" not in html and "Les over het aanspreekpunt" not in html
    assert "Buitenstaander Olga" not in html and "#999" not in html
    assert "2 gebeurtenissen vastgelegd." in html


def test_every_action_and_role_has_a_translated_label(client, make, login):
    w = world(make)
    roles = ["member", "coordinator", "facilitator", "admin", "participant"]
    for number, action in enumerate(AuditAction, start=1):
        event(w.pilot, w.member, action, record_id=number, role=roles[number % len(roles)])
    db.session.commit()
    login(w.admin)

    html = html_of(client.get(f"/werkplaats/{w.pilot.slug}/logboek"))

    for label in ("Aangemaakt", "Gewijzigd", "Bekeken", "Geëxporteerd", "Ingediend",
                  "Gepubliceerd", "Teruggestuurd", "Teruggetrokken", "Verwijderd", "Deelnemer",
                  "Coördinator", "Begeleider", "Beheerder"):
        assert label in html
    for raw in (">created<", ">member<", ">case_discussion"):
        assert raw not in html


def test_the_system_shows_as_such_when_it_acted(client, make, login):
    w = world(make)
    audit.record(AuditAction.deleted, user=None, role=audit.SYSTEM, record_type=RecordType.case,
                 record_id=7, pilot=w.pilot)
    db.session.commit()
    login(w.facilitator)

    [row] = table_rows(html_of(client.get(f"/werkplaats/{w.pilot.slug}/logboek")))

    assert "Proeftuin (automatisch)" in row and "Systeem" in row and "Verwijderd" in row
    assert "Casusbespreking #7" in row
    csv_text = html_of(client.get(f"/werkplaats/{w.pilot.slug}/logboek.csv"))
    assert "Proeftuin (automatisch);Systeem;Verwijderd;Casusbespreking;7" in csv_text


def test_the_trail_comes_in_pages_of_fifty_newest_first(client, make, login):
    w = world(make)
    first = event(w.pilot, w.member, record_id=1)
    for number in range(2, 52):
        event(w.pilot, w.member, record_id=number,
              occurred_at=first.occurred_at + timedelta(minutes=number))
    db.session.commit()
    login(w.facilitator)
    path = f"/werkplaats/{w.pilot.slug}/logboek"

    page_one = html_of(client.get(path))
    rows = table_rows(page_one)
    assert len(rows) == 50
    assert "#51<" in rows[0] and "#2<" in rows[-1]
    assert "Pagina 1 van 2" in page_one and f'href="{path}?pagina=2"' in page_one

    page_two = html_of(client.get(path + "?pagina=2"))
    assert [("#1<" in row) for row in table_rows(page_two)] == [True]
    assert f'href="{path}?pagina=1"' in page_two


@pytest.mark.parametrize("page", ["abc", "-3", "0", "", "99999999999999999999", "5000000"])
def test_an_odd_page_number_is_never_an_error(client, make, login, page):
    w = world(make)
    event(w.pilot, w.member)
    db.session.commit()
    login(w.facilitator)

    response = client.get(f"/werkplaats/{w.pilot.slug}/logboek?pagina={page}")

    assert response.status_code == 200
    html = html_of(response)
    assert "#1<" in html or "Naar de nieuwste gebeurtenissen" in html


def test_an_empty_trail_says_so(client, make, login):
    w = world(make)
    login(w.facilitator)

    html = html_of(client.get(f"/werkplaats/{w.pilot.slug}/logboek"))

    assert "Er is nog niets vastgelegd" in html
    assert "utrecht-table" not in html


def test_the_page_costs_the_same_queries_for_few_or_many_users(client, make, login,
                                                               count_queries):
    w = world(make)
    small = make.pilot(programme=w.pilot.programme)
    event(small, make.member(small))
    for number in range(20):
        event(w.pilot, make.member(w.pilot), record_id=number)
    db.session.commit()
    login(w.facilitator)

    def queries_for(pilot) -> int:
        db.session.expire_all()
        with count_queries() as queries:
            assert client.get(f"/werkplaats/{pilot.slug}/logboek").status_code == 200
        return queries()

    queries_for(small)  # warm up whatever the first request of a session loads
    assert queries_for(w.pilot) == queries_for(small)


# CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [1000, 25])
def test_the_csv_holds_the_whole_trail_newest_first(client, make, login, monkeypatch, batch):
    monkeypatch.setattr("proeftuin.workspace.routes.AUDIT_CSV_BATCH", batch)
    w = world(make)
    first = event(w.pilot, w.member, record_id=1)
    for number in range(2, 61):
        event(w.pilot, w.facilitator, AuditAction.viewed, record_id=number, role="facilitator",
              occurred_at=first.occurred_at + timedelta(minutes=number))
    event(w.other_pilot, w.outsider, record_id=999)
    db.session.commit()
    login(w.admin)

    response = client.get(f"/werkplaats/{w.pilot.slug}/logboek.csv")

    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="logboek-{w.pilot.slug}.csv"')
    rows = spreadsheet_rows(response)
    assert rows[0] == ["Tijdstip (UTC)", "Gebruiker", "Rol", "Handeling", "Soort record",
                       "Recordnummer"]
    assert len(rows) == 61
    assert rows[1][1:] == ["Begeleider Bram", "Begeleider", "Bekeken", "Casusbespreking", "60"]
    assert rows[-1][1:] == ["Lid Lotte", "Deelnemer", "Aangemaakt", "Casusbespreking", "1"]
    assert rows[1][0].endswith("+00:00")
    assert "999" not in {row[-1] for row in rows}


def spreadsheet_rows(response) -> list[list[str]]:
    """The rows of a CSV for Dutch spreadsheets: UTF-8 with a byte order mark, semicolons."""
    text = html_of(response)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_a_name_like_a_formula_stays_text_in_the_csv(client, make, login):
    w = world(make)
    schemer = make.member(w.pilot, name='=HYPERLINK("https://kwaad.example","klik")')
    event(w.pilot, schemer)
    db.session.commit()
    login(w.facilitator)

    rows = spreadsheet_rows(client.get(f"/werkplaats/{w.pilot.slug}/logboek.csv"))

    assert rows[1][1] == "'" + schemer.name


# Deleted accounts -------------------------------------------------------------------------


def test_a_deleted_accounts_name_is_gone_from_the_trail(client, make, login):
    w = world(make)
    leaver = make.member(w.pilot, MemberRole.coordinator, name="Vertrokken Vera",
                         email="vera@vertrokken.example")
    event(w.pilot, leaver, role="coordinator")
    admin_services.delete_account(leaver, by=w.admin)
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get(f"/werkplaats/{w.pilot.slug}/logboek"))
    [row] = table_rows(html)
    assert "Verwijderd account" in row and "Coördinator" in row
    assert "Vertrokken" not in html and "vera@" not in html

    csv_text = html_of(client.get(f"/werkplaats/{w.pilot.slug}/logboek.csv"))
    assert "Verwijderd account" in csv_text and "Vertrokken" not in csv_text
