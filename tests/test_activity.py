"""Activity over time: case discussions and lessons per month, per programme and per pilot."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from flask_babel import refresh

from proeftuin.dashboard import activity as activity_data
from proeftuin.dashboard.activity import MonthSpan
from proeftuin.extensions import db
from proeftuin.models import LessonStatus, PilotStatus, Programme

URL = "/begeleiding/activiteit"
#: the first quarter of 2026, in the parameters of the page
Q1 = "?van=2026-01&tot=2026-03"


# Reading tables -------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Collect each table's caption and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    """Return the page's tables by caption, each as rows of cell texts."""
    parser = _Tables()
    parser.feed(html)
    return {t["caption"]: t["rows"] for t in parser.tables}


def html_of(response) -> str:
    return response.get_data(as_text=True)


# The world ------------------------------------------------------------------------------


def world(make) -> SimpleNamespace:
    """Two programmes, each with a facilitator and pilots; a participant and an admin."""
    programme = make.programme(name="Programma Thuis")
    other = make.programme(name="Programma Elders")
    pilot = make.pilot(programme=programme, name="Proeftuin Denkstad")
    quiet = make.pilot(programme=programme, name="Proeftuin Stil")
    elsewhere = make.pilot(programme=other, name="Proeftuin Verweg")
    return SimpleNamespace(
        programme=programme, other=other, pilot=pilot, quiet=quiet, elsewhere=elsewhere,
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other, name="Begeleider Elders"),
        participant=make.member(pilot, name="Deelnemer Dina"),
        admin=make.admin(name="Beheerder Bea"),
    )


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fill(make, w) -> None:
    """Activity in the first quarter of 2026, and some outside it."""
    make.case(w.pilot, held_on=date(2026, 1, 5))
    make.case(w.pilot, held_on=date(2026, 1, 28))
    make.case(w.pilot, held_on=date(2026, 3, 31))
    make.case(w.pilot, held_on=date(2025, 12, 31))  # before the period
    make.case(w.elsewhere, held_on=date(2026, 2, 2))  # another programme
    make.lesson(w.pilot, created_at=utc(2026, 1, 10, 9))
    make.lesson(w.pilot, status=LessonStatus.published, created_at=utc(2026, 1, 12, 9),
                published_at=utc(2026, 3, 3, 9))
    make.lesson(w.pilot, status=LessonStatus.published, created_at=utc(2025, 11, 1, 9),
                published_at=utc(2026, 2, 20, 9))


# Counting -------------------------------------------------------------------------------


def test_counts_cases_and_lessons_per_month_for_the_programme(client, make, login):
    w = world(make)
    fill(make, w)
    login(w.facilitator)

    page = html_of(client.get(URL + Q1))

    table = tables_of(page)["Activiteit per maand in Programma Thuis"]
    assert table == [
        ["Maand", "Casusbesprekingen", "Lessen geschreven", "Lessen gepubliceerd"],
        ["januari 2026", "2", "2", "0"],
        ["februari 2026", "0", "0", "1"],
        ["maart 2026", "1", "0", "1"],
        ["Totaal", "3", "2", "2"],
    ]


def test_each_pilot_has_its_counts_per_month_with_zeros_for_quiet_months(client, make, login):
    w = world(make)
    fill(make, w)
    login(w.facilitator)

    tables = tables_of(html_of(client.get(URL + Q1)))

    busy = next(rows for caption, rows in tables.items()
                if caption.startswith("Proeftuin Denkstad"))
    assert busy[1:] == [
        ["Casusbesprekingen", "2", "0", "1", "3"],
        ["Lessen geschreven", "2", "0", "0", "2"],
        ["Lessen gepubliceerd", "0", "1", "1", "2"],
    ]
    quiet = next(rows for caption, rows in tables.items()
                 if caption.startswith("Proeftuin Stil"))
    assert [row[1:] for row in quiet[1:]] == [["0", "0", "0", "0"]] * 3


def test_each_pilot_links_to_its_own_activity_chart(client, make, login):
    w = world(make)
    login(w.facilitator)

    page = html_of(client.get(URL + Q1))

    link = (f'<a class="utrecht-link" href="/begeleiding/proeftuinen/{w.pilot.slug}/voortgang'
            f'#activiteit">Activiteit en voortgang<span class="visually-hidden"> '
            f'Proeftuin Denkstad</span></a>')
    assert link in page
    target = html_of(client.get(f"/begeleiding/proeftuinen/{w.pilot.slug}/voortgang"))
    assert 'id="activiteit"' in target


def test_page_draws_a_chart_per_programme_with_a_text_alternative(client, make, login):
    w = world(make)
    fill(make, w)
    login(w.facilitator)

    page = html_of(client.get(URL + Q1))

    images = re.findall(r'<img class="chart" src="data:image/svg\+xml;base64,[^"]+"[^>]*alt="([^"]+)"',
                        page)
    assert len(images) == 1
    assert "Programma Thuis" in images[0] and "januari 2026" in images[0]


def test_facilitator_sees_only_their_programmes(client, make, login):
    w = world(make)
    fill(make, w)
    login(w.facilitator)

    page = html_of(client.get(URL + Q1))

    assert "Programma Thuis" in page
    assert "Programma Elders" not in page and "Proeftuin Verweg" not in page


def test_another_programme_cannot_be_chosen_by_its_slug(client, make, login):
    w = world(make)
    fill(make, w)
    login(w.facilitator)

    page = html_of(client.get(f"{URL}{Q1}&programma={w.other.slug}"))

    assert "Kies een programma uit de lijst." in page
    assert "Proeftuin Verweg" not in page
    assert "Activiteit per maand in Programma Thuis" in page


def test_admin_sees_every_programme_and_can_choose_one(client, make, login):
    w = world(make)
    fill(make, w)
    login(w.admin)

    everything = tables_of(html_of(client.get(URL + Q1)))
    assert "Activiteit per maand in Programma Elders" in everything
    assert everything["Activiteit per maand in Programma Elders"][2] == [
        "februari 2026", "1", "0", "0"]

    one = tables_of(html_of(client.get(f"{URL}{Q1}&programma={w.other.slug}")))
    assert "Activiteit per maand in Programma Elders" in one
    assert "Activiteit per maand in Programma Thuis" not in one


def test_default_period_is_the_last_twelve_months(client, make, login, monkeypatch):
    w = world(make)
    monkeypatch.setattr(activity_data, "local_today", lambda: date(2026, 3, 15))
    make.case(w.pilot, held_on=date(2025, 4, 1))
    make.case(w.pilot, held_on=date(2025, 3, 31))  # thirteen months ago
    login(w.facilitator)

    table = tables_of(html_of(client.get(URL)))["Activiteit per maand in Programma Thuis"]

    assert table[1][0] == "april 2025" and table[12][0] == "maart 2026"
    assert table[1][1] == "1" and table[-1] == ["Totaal", "1", "0", "0"]


@pytest.mark.parametrize("query, message", [
    ("?van=2026-13", "Schrijf de maand als jaar-maand, bijvoorbeeld 2026-01."),
    ("?van=januari", "Schrijf de maand als jaar-maand, bijvoorbeeld 2026-01."),
    ("?van=1899-01", "Kies een maand tussen 2000 en 2100."),
    ("?van=2026-05&tot=2026-01", "De laatste maand ligt vóór de eerste."),
    ("?van=2020-01&tot=2026-01", "Kies een periode van hooguit 60 maanden."),
    ("?van=%C2%B2%C2%B2%C2%B2%C2%B2-01", "Schrijf de maand als jaar-maand"),
    ("?tot=2026-0%00", "Schrijf de maand als jaar-maand"),
])
def test_bad_period_gets_a_message_keeps_the_input_and_shows_twelve_months(
        client, make, login, monkeypatch, query, message):
    w = world(make)
    monkeypatch.setattr(activity_data, "local_today", lambda: date(2026, 3, 15))
    login(w.facilitator)

    response = client.get(URL + query)

    page = html_of(response)
    assert response.status_code == 200
    assert message in page
    assert "U ziet de laatste twaalf maanden." in page
    typed = query.split("=", 1)[1].split("&")[0]
    if "%" not in typed:
        assert f'value="{typed}"' in page
    table = tables_of(page)["Activiteit per maand in Programma Thuis"]
    assert len(table) == 14 and table[1][0] == "april 2025"


def test_a_first_month_alone_runs_to_this_month(client, make, login, monkeypatch):
    w = world(make)
    monkeypatch.setattr(activity_data, "local_today", lambda: date(2026, 3, 15))
    login(w.facilitator)

    table = tables_of(html_of(client.get(URL + "?van=2025-10")))[
        "Activiteit per maand in Programma Thuis"]

    assert [row[0] for row in table[1:-1]] == [
        "oktober 2025", "november 2025", "december 2025", "januari 2026", "februari 2026",
        "maart 2026"]


def test_months_are_named_in_english_for_english_readers(client, make, login):
    w = world(make)
    fill(make, w)
    login(w.facilitator)
    client.post("/taal", data={"lang": "en"})
    refresh()  # the `make` fixture's app context, which requests share, cached Dutch

    page = html_of(client.get(URL + Q1))

    assert "January 2026" in page and "januari 2026" not in page


# Months in Dutch time, on both databases --------------------------------------------------


@pytest.mark.parametrize("moment, month", [
    (utc(2026, 3, 31, 21, 59), "2026-03"),   # 23:59 summer time
    (utc(2026, 3, 31, 22, 30), "2026-04"),   # 00:30 on 1 April, summer time
    (utc(2026, 1, 31, 22, 59), "2026-01"),   # 23:59 winter time
    (utc(2026, 1, 31, 23, 0), "2026-02"),    # midnight, winter time
    (utc(2026, 10, 31, 22, 30), "2026-10"),  # 23:30, winter time again
    (utc(2026, 10, 31, 23, 0), "2026-11"),
    (utc(2026, 12, 31, 23, 0), "2027-01"),
    (utc(2026, 9, 30, 22, 0), "2026-10"),    # midnight, summer time
])
def test_lessons_count_in_the_month_of_dutch_time(make, moment, month):
    w = world(make)
    make.lesson(w.pilot, created_at=moment)
    span = MonthSpan(date(2026, 1, 1), date(2027, 1, 1))

    programme = db.session.get(Programme, w.programme.id)
    (report,) = activity_data.activity([programme], span)

    assert report.series.counts["lessons_created"] == {month: 1}


# Access and queries -----------------------------------------------------------------------


def test_participants_and_visitors_cannot_see_activity(client, make, login):
    w = world(make)
    assert client.get(URL).status_code == 302
    login(w.participant)
    assert client.get(URL).status_code == 403


def test_facilitator_without_programmes_is_told_so(client, make, login):
    login(make.facilitator(name="Begeleider Zonder"))

    page = html_of(client.get(URL))

    assert "U bent nog niet aan een programma gekoppeld" in page


def test_page_makes_the_same_queries_however_much_activity(client, make, login, count_queries):
    w = world(make)
    fill(make, w)
    login(w.admin)
    client.get(URL + Q1)

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get(URL + Q1).status_code == 200
        return n()

    few = measure()
    programme = db.session.get(Programme, w.programme.id)
    for i in range(6):
        pilot = make.pilot(programme=programme, name=f"Proeftuin Extra {i}",
                           status=PilotStatus.active)
        make.case(pilot, held_on=date(2026, 2, 1 + i))
        make.lesson(pilot, status=LessonStatus.published, created_at=utc(2026, 1, 3, 9),
                    published_at=utc(2026, 3, 3, 9))
    make.programme(name="Programma Nieuw")
    assert measure() == few
