"""The coverage matrix: pilots × solution directions for a facilitator's programmes, what each
cell says, the totals, the gaps per region, the filters and the number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import url_for

from proeftuin.dashboard import coverage as logic
from proeftuin.extensions import db
from proeftuin.models import (
    CaseStatus,
    LessonReview,
    LessonStatus,
    PilotStatus,
    Programme,
    ReviewDecision,
)

URL = "/begeleiding/dekking"


# Reading tables back from the page -----------------------------------------------------------


@dataclass
class Cell:
    tag: str
    attrs: dict
    text: str = ""


@dataclass
class Table:
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)

    def row(self, header: str) -> list[Cell]:
        """Return the row whose first cell starts with `header`."""
        matches = [r for r in self.rows if r and r[0].text.startswith(header)]
        assert len(matches) == 1, (header, [r[0].text for r in self.rows])
        return matches[0]


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[Table] = []
        self._cell: Cell | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(Table())
        elif tag == "caption" and self.tables:
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = Cell(tag, dict(attrs))
            self.tables[-1].rows[-1].append(self._cell)

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self.tables[-1].caption += data
        elif self._cell is not None:
            self._cell.text += data

    def close(self):
        super().close()
        for table in self.tables:
            table.caption = " ".join(table.caption.split())
            for row in table.rows:
                for cell in row:
                    cell.text = " ".join(cell.text.split())


def tables(html: str) -> list[Table]:
    """Return every table of the page, its cells' text with whitespace collapsed."""
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    return parser.tables


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def matrix_of(html: str, programme_name: str) -> Table:
    found = [t for t in tables(html) if programme_name in t.caption]
    assert len(found) == 1, [t.caption for t in tables(html)]
    return found[0]


def review(lesson, decision: ReviewDecision, reviewer=None) -> None:
    db.session.add(LessonReview(lesson=lesson, decision=decision, reviewer=reviewer,
                                feedback="Graag nog een voorbeeld."))
    db.session.commit()


# The world ------------------------------------------------------------------------------------


@pytest.fixture
def w(make):
    """Two programmes; the first has public pilots in two regions, an application and work."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    facilitator = make.facilitator(programme, name="Begeleider Bram")
    other_facilitator = make.facilitator(other_programme, name="Begeleider Elders")
    akker = make.pilot(programme=programme, name="Proeftuin Akker", region="Utrecht",
                       directions=(1, 2), questions=(1,))
    beek = make.pilot(programme=programme, name="Proeftuin Beek", region="Gelderland",
                      status=PilotStatus.completed, directions=(3,), questions=(2,))
    make.pilot(programme=programme, name="Proeftuin Aanvraag", region="Zeeland",
               status=PilotStatus.applied, directions=(4,), questions=(3,))
    make.pilot(programme=programme, name="Proeftuin Afgewezen", region="Zeeland",
               status=PilotStatus.declined, directions=(4,), questions=(3,))
    elders = make.pilot(programme=other_programme, name="Proeftuin Elders", region="Limburg",
                        directions=(9,))
    member = make.member(akker, name="Deelnemer Dina")

    # Akker: a final and a draft case on direction 1 and 3, one published lesson on 1,
    # a draft lesson on 4 and a withdrawn one on 6 (neither counts as published).
    make.case(akker, member, directions=(1, 3), questions=(1,))
    make.case(akker, member, status=CaseStatus.draft, directions=(3,), questions=(3,),
              held_on=date(2026, 4, 2))
    make.lesson(akker, member, status=LessonStatus.published, directions=(1,), questions=(1,))
    make.lesson(akker, member, directions=(4,), questions=(2,))
    withdrawn = make.lesson(akker, member, status=LessonStatus.published, directions=(6,))
    withdrawn.public_revision = None
    withdrawn.status = LessonStatus.withdrawn
    db.session.commit()
    review(withdrawn, ReviewDecision.withdrawn, facilitator)
    # Beek: a published lesson on direction 5 that it did not choose.
    make.lesson(beek, status=LessonStatus.published, directions=(5,), questions=(2,))
    return SimpleNamespace(
        programme=programme, other_programme=other_programme, facilitator=facilitator,
        other_facilitator=other_facilitator, akker=akker, beek=beek, elders=elders,
        member=member, admin=make.admin(name="Beheerder Bea"),
    )


# Who may see it ---------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, w):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_participant_may_not_see_the_coverage(client, w, login):
    login(w.member)
    assert client.get(URL).status_code == 403


def test_facilitator_sees_only_public_pilots_of_own_programmes(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(URL))
    matrix = matrix_of(html, "Programma Thuis")
    assert [row[0].text for row in matrix.rows[1:-1]] == [
        "Proeftuin Akker Utrecht Actief", "Proeftuin Beek Gelderland Afgerond"]
    assert "Proeftuin Aanvraag" not in html and "Proeftuin Afgewezen" not in html
    assert "Programma Elders" not in html and "Proeftuin Elders" not in html


def test_admin_sees_every_programme(client, w, login):
    login(w.admin)
    html = html_of(client.get(URL))
    assert matrix_of(html, "Programma Elders").row("Proeftuin Elders")
    assert matrix_of(html, "Programma Thuis").row("Proeftuin Akker")


def test_facilitator_without_programmes_is_told_why_the_page_is_empty(client, make, login):
    login(make.facilitator(name="Begeleider Zonder"))
    html = html_of(client.get(URL))
    assert "U bent nog niet aan een programma gekoppeld" in html
    assert "<table" not in html


# What the cells say ------------------------------------------------------------------------------


def test_each_cell_says_in_words_chosen_cases_and_published_lessons(client, w, login):
    login(w.facilitator)
    akker = matrix_of(html_of(client.get(URL)), "Programma Thuis").row("Proeftuin Akker")
    cells = akker[1:]  # after the pilot
    assert len(cells) == 10
    # Chosen, one case discussion on it and one published lesson.
    assert cells[0].text == "gekozen 1 casus 1 les"
    assert cells[1].text == "gekozen 0 casussen 0 lessen"
    # Not chosen, but both the final and the draft case discussion are linked to it.
    assert cells[2].text == "niet gekozen 2 casussen 0 lessen"
    # A draft lesson and a withdrawn one are not published work.
    assert cells[3].text == cells[5].text == "–niet gekozen, geen casussen en geen lessen"
    assert "coverage-cell--chosen" in cells[0].attrs["class"]
    assert "coverage-cell--worked" in cells[2].attrs["class"]


def test_totals_row_adds_up_each_direction(client, w, login):
    login(w.facilitator)
    matrix = matrix_of(html_of(client.get(URL)), "Programma Thuis")
    totals = matrix.rows[-1]
    assert totals[0].text == "Totaal van 2 proeftuinen"
    cells = totals[1:]
    assert cells[0].text == "1× gekozen 1 casus 1 les 1 werkt eraan"
    assert cells[2].text == "1× gekozen 2 casussen 0 lessen 2 werken eraan"
    assert cells[4].text == "0× gekozen 0 casussen 1 les 1 werkt eraan"
    assert cells[9].text == "0× gekozen 0 casussen 0 lessen 0 werken eraan"


def test_matrix_is_an_accessible_table_that_scrolls_on_a_phone(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(URL))
    matrix = matrix_of(html, "Programma Thuis")
    head = matrix.rows[0]
    assert [c.attrs.get("scope") for c in head] == ["col"] * 11
    assert head[1].text == "Richting 1" and head[10].text == "Richting 10"
    assert all(row[0].tag == "th" and row[0].attrs.get("scope") == "row"
               for row in matrix.rows[1:])
    assert '<abbr title="Betere samenwerking tussen mantelzorgers en beroepskrachten">' in html
    # The legend names every direction, and the scrolling wrapper can be reached by keyboard.
    assert html.count('class="utrecht-link" href="/kader/richting/') == 10
    assert re.search(r'<div class="table-wrapper coverage-wrapper" role="region" tabindex="0" '
                     r'aria-labelledby="matrix-\d+">', html)
    assert 'href="/static/css/coverage.css?v=' in html and "style=" not in html
    assert url_for("dashboard.progress", slug=w.akker.slug) in html


# The gaps per region ----------------------------------------------------------------------------


def test_gaps_name_directions_and_questions_no_pilot_in_the_region_works_on(w):
    programme = db.session.get(Programme, w.programme.id)
    result = logic.coverage([programme])
    gaps = {g.region.name: g for g in result.gaps}
    # reference order; Gelderland has only a completed pilot, Zeeland no public one
    assert list(gaps) == ["Utrecht"]
    utrecht = gaps["Utrecht"]
    # Akker chose 1 and 2, has cases on 3 and a published lesson on 1; question 1 chosen,
    # question 3 in a draft case discussion; question 2 only on a draft lesson.
    assert [d.number for d in utrecht.directions] == [4, 5, 6, 7, 8, 9, 10]
    assert [q.number for q in utrecht.questions] == [2]
    empty = [r.name for r in result.empty_regions]
    assert "Zeeland" in empty and "Gelderland" in empty
    assert "Utrecht" not in empty


@pytest.mark.parametrize("status", [PilotStatus.stopped, PilotStatus.completed])
def test_a_finished_pilot_stays_in_the_matrix_but_hides_no_gap(client, w, login, make, status):
    make.pilot(programme=w.programme, name="Proeftuin Klaar", region="Utrecht", status=status,
               directions=(4, 7), questions=(2,))
    login(w.facilitator)

    html = html_of(client.get(URL))

    assert matrix_of(html, "Programma Thuis").row("Proeftuin Klaar")
    section = html[html.index('id="gaten-kop"'):]
    assert "gestopte en afgeronde proeftuinen staan wel in de tabel" in section
    utrecht_part = section[section.index(">Utrecht"):section.index("Regio's zonder lopende")]
    assert "(1 proeftuin)" in utrecht_part
    assert "4. Benutten van digitale hulpmiddelen" in utrecht_part
    assert "2. Hoe houd ik het zorgen voor mijn naaste vol?" in utrecht_part


def test_gaps_section_defines_working_on_and_lists_per_region(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(URL))
    section = html[html.index('id="gaten-kop"'):]
    assert "gekozen, of ten minste één casusbespreking of gepubliceerde les" in section
    utrecht_part = section[section.index(">Utrecht"):section.index("Regio's zonder lopende")]
    assert "4. Benutten van digitale hulpmiddelen" in utrecht_part
    assert "1. Betere samenwerking tussen mantelzorgers" not in utrecht_part
    assert "2. Hoe houd ik het zorgen voor mijn naaste vol?" in utrecht_part
    rest = section[section.index("Regio's zonder lopende"):]
    assert "Zeeland" in rest and "Gelderland" in rest  # Gelderland's one pilot is completed


# Filters ------------------------------------------------------------------------------------------


def test_region_filter_narrows_matrix_and_gaps_and_stays_in_the_form(client, w, login, make):
    login(w.facilitator)
    gelderland = make.region("Gelderland")
    html = html_of(client.get(URL, query_string={"regio": gelderland.id}))
    matrix = matrix_of(html, "Programma Thuis")
    assert [r[0].text for r in matrix.rows[1:-1]] == ["Proeftuin Beek Gelderland Afgerond"]
    assert f'<option selected value="{gelderland.id}">Gelderland</option>' in html
    gaps = html[html.index('id="gaten-kop"'):]
    assert ">Utrecht" not in gaps and "In deze selectie zijn geen proeftuinen" not in gaps
    # its only pilot is completed: no one there works on the framework any more
    assert "geen geselecteerde of actieve proeftuin" in gaps and "Gelderland" in gaps


def test_programme_filter_shows_one_programme(client, w, login, make):
    second = make.programme(name="Programma Tweede")
    second.facilitators.append(db.session.get(type(w.facilitator), w.facilitator.id))
    db.session.commit()
    make.pilot(programme=second, name="Proeftuin Tweede")
    login(w.facilitator)
    html = html_of(client.get(URL))
    assert "Proeftuin Tweede" in html and "Proeftuin Akker" in html
    html = html_of(client.get(URL, query_string={"programma": second.slug}))
    assert "Proeftuin Tweede" in html and "Proeftuin Akker" not in html
    assert f'<option selected value="{second.slug}">Programma Tweede</option>' in html


@pytest.mark.parametrize("args, message", [
    ({"regio": "Utrecht"}, "Regio: Kies een regio uit de lijst."),
    ({"regio": "99999999999999999999999"}, "Regio: Kies een regio uit de lijst."),
    ({"programma": "bestaat-niet"}, "Programma: Kies een programma uit de lijst."),
    ({"programma": "a\x00b"}, "Programma: Kies een programma uit de lijst."),
])
def test_bad_filter_values_get_a_clear_message_and_the_full_matrix(client, w, login, args,
                                                                    message):
    login(w.facilitator)
    html = html_of(client.get(URL, query_string=args))
    assert "Niet elk filter kon worden gebruikt" in html and message in html
    assert matrix_of(html, "Programma Thuis").row("Proeftuin Akker")


def test_another_programmes_slug_is_refused_without_showing_it(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(URL, query_string={"programma": w.other_programme.slug}))
    assert "Kies een programma uit de lijst." in html
    assert "Proeftuin Elders" not in html and "Programma Elders" not in html


def test_region_without_pilots_says_so(client, w, login, make):
    login(w.facilitator)
    html = html_of(client.get(URL, query_string={"regio": make.region("Drenthe").id}))
    assert "Dit programma heeft in deze selectie geen" in html
    assert "In deze selectie zijn geen proeftuinen" in html


# Staying fast -------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_pilots_cases_and_lessons(client, w, login, make,
                                                                  count_queries):
    login(w.facilitator)
    client.get(URL)

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get(URL).status_code == 200
        return n()

    few = measure()
    programme = db.session.get(Programme, w.programme.id)
    for i, region in enumerate(("Utrecht", "Fryslân", "Noord-Brabant", "Antwerpen") * 3):
        pilot = make.pilot(programme=programme, name=f"Proeftuin Extra {i}", region=region,
                           directions=(i % 10 + 1, (i + 3) % 10 + 1), questions=(i % 3 + 1,))
        member = make.member(pilot)
        for j in range(3):
            make.case(pilot, member, directions=((i + j) % 10 + 1,), questions=(j % 3 + 1,))
        make.lesson(pilot, member, status=LessonStatus.published, directions=(i % 10 + 1,))
        make.lesson(pilot, member, directions=(2,))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 2
    many = measure()
    assert many == few
