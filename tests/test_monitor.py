"""The monitor report: pilots applied, selected and started, active pilots per region and
published lessons, for a chosen period, as a page, as CSV and as a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.dashboard import monitor, monitor_exports, monitor_routes
from proeftuin.extensions import db
from proeftuin.models import (
    Lesson,
    LessonKind,
    LessonStatus,
    Pilot,
    PilotStatus,
    PilotStatusChange,
    Programme,
)
from tests.test_activity import html_of, tables_of

URL = "/begeleiding/monitor"
A, S, D, X, C, P = (PilotStatus.applied, PilotStatus.selected, PilotStatus.declined,
                    PilotStatus.active, PilotStatus.completed, PilotStatus.stopped)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def history(pilot: Pilot, *steps: tuple[PilotStatus, datetime]) -> Pilot:
    """Give the pilot this history of (status reached, moment); it ends in the last status."""
    pilot = db.session.get(Pilot, pilot.id)
    changes, before = [], None
    for status, moment in steps:
        changes.append(PilotStatusChange(from_status=before, to_status=status,
                                         created_at=moment))
        before = status
    pilot.status_changes = changes
    pilot.status = before
    db.session.commit()
    return pilot


def world(make) -> SimpleNamespace:
    """A programme whose pilots went through the lifecycle around 2026, and another one."""
    programme = make.programme(name="Programma Thuis")
    other = make.programme(name="Programma Elders")
    started = history(make.pilot(programme=programme, name="Gestart", region="Utrecht"),
                      (A, utc(2025, 11, 10)), (S, utc(2026, 1, 15)), (X, utc(2026, 2, 1)))
    selected = history(make.pilot(programme=programme, name="Geselecteerd", region="Gelderland"),
                       (A, utc(2026, 3, 1)), (S, utc(2026, 4, 1)))
    completed = history(make.pilot(programme=programme, name="Afgerond", region="Utrecht"),
                        (A, utc(2024, 5, 1)), (S, utc(2024, 6, 1)), (X, utc(2024, 7, 1)),
                        (C, utc(2026, 3, 31)))
    history(make.pilot(programme=programme, name="Gestopt", region="Utrecht"),
            (A, utc(2023, 5, 1)), (S, utc(2023, 6, 1)), (X, utc(2023, 7, 1)),
            (P, utc(2025, 6, 1)))
    # 00:30 on New Year's Day in Dutch time: an application of 2027.
    history(make.pilot(programme=programme, name="Nieuwjaar", region="Utrecht"),
            (A, utc(2026, 12, 31, 23, 30)))
    elsewhere = history(make.pilot(programme=other, name="Elders", region="Utrecht"),
                        (A, utc(2026, 1, 2)), (S, utc(2026, 1, 3)), (X, utc(2026, 1, 4)))

    make.lesson(started, status=LessonStatus.published, kind=LessonKind.barrier,
                directions=(1, 3), published_at=utc(2026, 3, 3))
    withdrawn = make.lesson(started, status=LessonStatus.published,
                            kind=LessonKind.success_factor, directions=(1,),
                            published_at=utc(2026, 5, 5))
    withdrawn = db.session.get(Lesson, withdrawn.id)
    withdrawn.public_revision = None
    withdrawn.status = LessonStatus.withdrawn
    db.session.commit()
    make.lesson(selected, status=LessonStatus.published, published_at=utc(2025, 12, 1))
    make.lesson(completed, status=LessonStatus.draft)
    make.lesson(elsewhere, status=LessonStatus.published, published_at=utc(2026, 6, 1))
    return SimpleNamespace(
        programme=programme, other=other,
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other, name="Begeleider Elders"),
        participant=make.member(started, name="Deelnemer Dina"),
        admin=make.admin(name="Beheerder Bea"),
    )


def table(page: str, title: str) -> list[list[str]]:
    return next(rows for caption, rows in tables_of(page).items() if caption.startswith(title))


def row(rows: list[list[str]], label: str) -> list[str]:
    return next(r for r in rows if r[0] == label)


# The page -------------------------------------------------------------------------------


def test_pilots_applied_selected_and_started_per_programme_in_a_year(client, make, login):
    w = world(make)
    login(w.facilitator)

    page = html_of(client.get(URL + "?jaar=2026"))

    assert table(page, "Proeftuinen per programma en jaar") == [
        ["Programma", "Jaar", "Aangemeld", "Geselecteerd", "Gestart"],
        ["Programma Thuis", "2026", "1", "2", "1"],
        ["Totaal", "1", "2", "1"],
    ]
    assert "Programma Elders" not in page


def test_a_period_across_two_years_has_a_row_per_year(client, make, login):
    w = world(make)
    login(w.facilitator)

    page = html_of(client.get(URL + "?van=2025-11-01&tot=2026-02-28"))

    assert table(page, "Proeftuinen per programma en jaar")[1:3] == [
        ["Programma Thuis", "2025", "1", "0", "0"],
        ["Programma Thuis", "2026", "0", "1", "1"],
    ]
    assert "1 november 2025 tot en met 28 februari 2026" in page


def test_active_pilots_per_region_during_and_at_the_end_of_the_period(client, make, login):
    w = world(make)
    login(w.facilitator)

    rows = table(html_of(client.get(URL + "?jaar=2026")), "Actieve proeftuinen per regio")

    assert rows[0] == ["Regio", "Actief in de periode", "Actief aan het einde"]
    assert row(rows, "Utrecht") == ["Utrecht", "2", "1"]
    assert row(rows, "Gelderland") == ["Gelderland", "0", "0"]
    assert row(rows, "Totaal") == ["Totaal", "2", "1"]


def test_active_at_the_end_counts_a_pilot_completed_after_the_period(client, make, login):
    w = world(make)
    login(w.facilitator)

    rows = table(html_of(client.get(URL + "?jaar=2025")), "Actieve proeftuinen per regio")

    # Completed in 2026 and stopped in June 2025: both active in 2025, one at its end.
    assert row(rows, "Utrecht") == ["Utrecht", "2", "1"]


def test_active_spans_read_only_the_status_changes_of_the_chosen_programmes(app, make):
    w = world(make)
    elsewhere = db.session.scalar(sa.select(Pilot.id).where(Pilot.name == "Elders"))
    own = set(db.session.scalars(sa.select(Pilot.id)
                                 .where(Pilot.programme_id == w.programme.id)))

    spans = monitor.active_spans([w.programme.id])
    aggregated = set(db.session.scalars(sa.select(spans.c.pilot_id)))

    assert elsewhere not in aggregated
    assert aggregated == own  # every pilot of the programme has a status change


def test_lessons_first_published_per_direction_kind_and_region(client, make, login):
    w = world(make)
    login(w.facilitator)

    page = html_of(client.get(URL + "?jaar=2026"))

    directions = table(page, "Gepubliceerde lessen per oplossingsrichting")
    assert directions[0] == ["Oplossingsrichting", "Gepubliceerd", "Nu openbaar"]
    assert len(directions) == 11  # every direction, also those without lessons
    assert directions[1][1:] == ["2", "1"] and directions[1][0].startswith("1. ")
    assert directions[2][1:] == ["0", "0"]
    assert directions[3][1:] == ["1", "1"]
    kinds = table(page, "Gepubliceerde lessen per soort")
    assert [r[1:] for r in kinds[1:]] == [["1", "0"], ["0", "0"], ["0", "0"], ["1", "1"],
                                          ["0", "0"], ["2", "1"]]
    regions = table(page, "Gepubliceerde lessen per regio")
    assert row(regions, "Utrecht") == ["Utrecht", "2", "1"]
    assert row(regions, "Totaal") == ["Totaal", "2", "1"]


def test_page_states_the_period_and_what_is_counted(client, make, login):
    w = world(make)
    login(w.facilitator)

    page = html_of(client.get(URL + "?jaar=2026"))

    assert "Rapportage over 2026" in page
    assert "monitorindicator over het aantal opgestarte lokale proeftuinen" in page
    assert "ook als ze later zijn ingetrokken" in page
    assert 'href="/begeleiding/monitor.xlsx?jaar=2026"' in page
    assert 'href="/begeleiding/monitor.csv?jaar=2026"' in page


def test_default_period_is_the_current_year(client, make, login, monkeypatch):
    w = world(make)
    monkeypatch.setattr(monitor_routes, "local_today", lambda: date(2026, 8, 1))
    login(w.facilitator)

    page = html_of(client.get(URL))

    assert "Rapportage over 2026" in page and 'value="2026"' in page
    assert table(page, "Proeftuinen per programma en jaar")[1] == [
        "Programma Thuis", "2026", "1", "2", "1"]


@pytest.mark.parametrize("query, message, kept", [
    ("?jaar=twintig", "Vul een jaar in, bijvoorbeeld 2026.", 'value="twintig"'),
    ("?jaar=1999", "Kies een jaar tussen 2000 en 2100.", 'value="1999"'),
    ("?jaar=99999999999999999999999", "Kies een jaar tussen 2000 en 2100.", None),
    ("?van=2026-01-01", "Vul ook de laatste dag in.", 'value="2026-01-01"'),
    ("?tot=2026-01-31", "Vul ook de eerste dag in.", 'value="2026-01-31"'),
    ("?van=2026-05-01&tot=2026-01-01", "De laatste dag ligt vóór de eerste.",
     'value="2026-05-01"'),
    ("?van=2010-01-01&tot=2026-01-01", "Kies een periode van hooguit 10 jaar.", None),
    ("?van=2026-02-30&tot=2026-03-01", "Vul een geldige datum in, bijvoorbeeld 2026-03-10.",
     'value="2026-02-30"'),
    ("?van=%00&tot=2026-03-01", "Vul een geldige datum in", None),
])
def test_bad_period_gets_a_message_keeps_the_input_and_shows_this_year(
        client, make, login, monkeypatch, query, message, kept):
    w = world(make)
    monkeypatch.setattr(monitor_routes, "local_today", lambda: date(2026, 8, 1))
    login(w.facilitator)

    response = client.get(URL + query)

    page = html_of(response)
    assert response.status_code == 200
    assert message in page and "U ziet het huidige jaar." in page
    if kept:
        assert kept in page
    assert "Rapportage over 2026" in page
    csv_response = client.get(URL + ".csv" + query)
    assert csv_response.status_code == 200
    assert "proeftuin-monitor-2026.csv" in csv_response.headers["Content-Disposition"]


def test_admin_sees_every_programme(client, make, login):
    w = world(make)
    login(w.admin)

    rows = table(html_of(client.get(URL + "?jaar=2026")), "Proeftuinen per programma en jaar")

    assert ["Programma Elders", "2026", "1", "1", "1"] in rows
    assert ["Totaal", "2", "3", "2"] in rows


def test_participants_and_visitors_get_no_report(client, make, login):
    w = world(make)
    for path in (URL, URL + ".csv", URL + ".xlsx"):
        assert client.get(path).status_code == 302
    login(w.participant)
    for path in (URL, URL + ".csv", URL + ".xlsx"):
        assert client.get(path).status_code == 403


# The exports ----------------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_holds_every_table_in_long_format(client, make, login):
    w = world(make)
    login(w.facilitator)

    response = client.get(URL + ".csv?jaar=2026")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename=proeftuin-monitor-2026.csv')
    rows = csv_rows(response)
    assert list(rows[0]) == ["section", "label", "year", "measure", "value"]
    values = {(r["section"], r["label"], r["year"], r["measure"]): r["value"] for r in rows}
    assert values[("period", "2026", "", "start")] == "2026-01-01"
    assert values[("period", "2026", "", "end")] == "2026-12-31"
    assert values[("pilots", "Programma Thuis", "2026", "applied")] == "1"
    assert values[("pilots", "Programma Thuis", "2026", "selected")] == "2"
    assert values[("pilots", "Programma Thuis", "2026", "started")] == "1"
    assert values[("active_pilots", "Utrecht", "", "active_during")] == "2"
    assert values[("active_pilots", "Utrecht", "", "active_at_end")] == "1"
    assert values[("lessons_by_kind", "Knelpunt", "", "published")] == "1"
    assert values[("lessons_by_region", "Utrecht", "", "public")] == "1"
    assert not any("Programma Elders" in r["label"] for r in rows)


def test_csv_of_a_chosen_period_is_named_after_it(client, make, login):
    w = world(make)
    login(w.facilitator)

    response = client.get(URL + ".csv?van=2026-01-01&tot=2026-02-28")

    assert "proeftuin-monitor-2026-01-01-tot-2026-02-28.csv" in (
        response.headers["Content-Disposition"])
    values = {(r["section"], r["label"], r["measure"]): r["value"] for r in csv_rows(response)}
    assert values[("pilots", "Programma Thuis", "started")] == "1"
    assert values[("pilots", "Programma Thuis", "applied")] == "0"


def test_exports_never_start_a_cell_with_a_formula(client, make, login):
    w = world(make)
    programme = db.session.get(Programme, w.programme.id)
    programme.name = "=HYPERLINK(\"https://example.invalid\")"
    db.session.commit()
    login(w.facilitator)

    labels = [r["label"] for r in csv_rows(client.get(URL + ".csv?jaar=2026"))]
    assert "'=HYPERLINK(\"https://example.invalid\")" in labels
    sheet = workbook(client.get(URL + ".xlsx?jaar=2026"))["Proeftuinen per programma"]
    assert sheet["A2"].value == "'=HYPERLINK(\"https://example.invalid\")"
    assert sheet["A2"].data_type == "s"


def workbook(response):
    # openpyxl is already imported by the exports (see monitor_exports on pygal's import hook)
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(response.get_data()))


def test_spreadsheet_has_an_explanation_and_a_sheet_per_table(client, make, login):
    w = world(make)
    login(w.facilitator)

    response = client.get(URL + ".xlsx?jaar=2026")

    assert response.headers["Content-Type"] == monitor_exports.XLSX_CONTENT_TYPE
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=proeftuin-monitor-2026.xlsx")
    book = workbook(response)
    assert book.sheetnames == ["Toelichting", "Proeftuinen per programma", "Actief per regio",
                               "Lessen per richting", "Lessen per soort", "Lessen per regio"]
    about = [[c for c in r if c is not None] for r in book["Toelichting"].iter_rows(values_only=True)]
    assert ["Periode", "2026"] in about and ["Eerste dag", "2026-01-01"] in about
    assert ["Programma's", "Programma Thuis"] in about
    assert any(r and r[0] == "Gestart" and "monitorindicator" in r[1] for r in about)

    pilots = book["Proeftuinen per programma"]
    assert [c.value for c in pilots[1]] == ["Programma", "Jaar", "Aangemeld", "Geselecteerd",
                                            "Gestart"]
    assert all(c.font.bold for c in pilots[1])
    assert [c.value for c in pilots[2]] == ["Programma Thuis", 2026, 1, 2, 1]
    assert [c.value for c in pilots[3]] == ["Totaal", None, 1, 2, 1]
    assert pilots.column_dimensions["A"].width >= len("Programma Thuis")

    regions = {r[0]: r[1:] for r in book["Actief per regio"].iter_rows(min_row=2,
                                                                       values_only=True)}
    assert regions["Utrecht"] == (2, 1) and regions["Totaal"] == (2, 1)
    kinds = {r[0]: r[1:] for r in book["Lessen per soort"].iter_rows(min_row=2,
                                                                    values_only=True)}
    assert kinds["Knelpunt"] == (1, 1) and kinds["Succesfactor"] == (1, 0)
    directions = list(book["Lessen per richting"].iter_rows(min_row=2, max_row=4,
                                                            values_only=True))
    assert [d[1:] for d in directions] == [(2, 1), (0, 0), (1, 1)]


# Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, URL + ".csv", URL + ".xlsx"])
def test_report_makes_the_same_queries_however_much_data(client, make, login, count_queries,
                                                         path):
    w = world(make)
    login(w.admin)
    client.get(path + "?jaar=2026")

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get(path + "?jaar=2026").status_code == 200
        return n()

    few = measure()
    for i in range(4):
        programme = make.programme(name=f"Programma Extra {i}")
        pilot = history(make.pilot(programme=programme, name=f"Extra {i}",
                                   region="Limburg" if i % 2 else "Utrecht"),
                        (A, utc(2026, 1, 2 + i)), (S, utc(2026, 2, 2)), (X, utc(2026, 3, 2)))
        make.lesson(pilot, status=LessonStatus.published, directions=(2, 4),
                    published_at=utc(2026, 4, 4))
    assert measure() == few
