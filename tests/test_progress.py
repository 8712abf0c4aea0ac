"""A pilot's progress page for facilitators: who may open it, the timeline of status changes,
case discussions, lessons and reviews, the framework mapping against the work, and the number
of queries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import url_for

from proeftuin.dashboard import activity as activity_data
from proeftuin.extensions import db
from proeftuin.models import (
    CaseDiscussion,
    CaseStatus,
    Lesson,
    LessonReview,
    LessonStatus,
    Pilot,
    PilotStatus,
    PilotStatusChange,
    ReviewDecision,
)
from tests.test_coverage import html_of, tables


def url(slug: str) -> str:
    return f"/begeleiding/proeftuinen/{slug}/voortgang"


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def w(make):
    """An active pilot with a history, case discussions, lessons and reviews."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    facilitator = make.facilitator(programme, name="Begeleider Bram")
    other_facilitator = make.facilitator(other_programme, name="Begeleider Elders")
    pilot = make.pilot(programme=programme, name="Proeftuin Akker", directions=(1, 2),
                       questions=(1,))
    pilot.status_changes = [
        PilotStatusChange(from_status=None, to_status=PilotStatus.applied, created_at=at(1, 5)),
        PilotStatusChange(from_status=PilotStatus.applied, to_status=PilotStatus.selected,
                          changed_by=facilitator, reason="Sterke samenwerking met de huisarts.",
                          created_at=at(1, 20)),
        PilotStatusChange(from_status=PilotStatus.selected, to_status=PilotStatus.active,
                          changed_by=facilitator, created_at=at(2, 1)),
    ]
    pilot.directions[0].task = "Samen met de **mantelzorger** een plan maken."
    pilot.directions[0].desired_outcome = "Elke mantelzorger heeft een vast aanspreekpunt."
    db.session.commit()
    other_pilot = make.pilot(programme=other_programme, name="Proeftuin Elders")
    coordinator = make.coordinator(pilot, name="Coördinator Cas")
    member = make.member(pilot, name="Deelnemer Dina")
    other_member = make.member(other_pilot, name="Deelnemer Elders")

    make.case(pilot, member, title="Casus dochter op afstand", held_on=date(2026, 2, 12),
              directions=(1, 3), questions=(1, 2))
    make.case(pilot, member, title="Casus avondzorg", held_on=date(2026, 3, 4),
              status=CaseStatus.draft, directions=(3,), questions=(2,))
    published = make.lesson(pilot, member, title="Les vast aanspreekpunt",
                            status=LessonStatus.published, directions=(1, 5), questions=(2,),
                            created_at=at(2, 15), submitted_at=at(2, 20))
    published.reviews = [
        LessonReview(decision=ReviewDecision.returned, feedback="Graag een voorbeeld.",
                     reviewer=facilitator, created_at=at(2, 18)),
        LessonReview(decision=ReviewDecision.published, reviewer=facilitator,
                     created_at=at(3, 2)),
    ]
    make.lesson(pilot, member, title="Les in concept", directions=(4,), created_at=at(3, 10))
    db.session.commit()
    return SimpleNamespace(
        programme=programme, pilot=pilot, slug=pilot.slug, other_pilot=other_pilot,
        facilitator=facilitator, other_facilitator=other_facilitator, coordinator=coordinator,
        member=member, other_member=other_member, admin=make.admin(name="Beheerder Bea"),
    )


# Who may open it ---------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, w):
    response = client.get(url(w.slug))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["member", "coordinator", "other_member", "other_facilitator"])
def test_participants_and_other_programmes_facilitators_are_refused(client, w, login, who):
    login(getattr(w, who))
    assert client.get(url(w.slug)).status_code == 403


@pytest.mark.parametrize("who", ["facilitator", "admin"])
def test_programmes_facilitator_and_admin_see_the_progress(client, w, login, who):
    login(getattr(w, who))
    html = html_of(client.get(url(w.slug)))
    assert "Voortgang van Proeftuin Akker" in html


def test_a_pilots_pages_carry_the_facilitators_navigation_under_the_overview(client, w, login):
    login(w.facilitator)
    for path in (url(w.slug), f"/begeleiding/proeftuinen/{w.slug}"):
        html = html_of(client.get(path))
        nav = re.search(r'<nav class="subnav" aria-label="Begeleiding">(.*?)</nav>', html, re.S)
        assert nav, path
        assert re.search(r'href="/begeleiding/"\s+aria-current="true">Overzicht per programma',
                         nav.group(1)), path


def test_unknown_pilot_is_not_found(client, w, login):
    login(w.facilitator)
    assert client.get(url("bestaat-niet")).status_code == 404


def test_facilitator_pilot_page_links_to_the_progress(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(f"/begeleiding/proeftuinen/{w.slug}"))
    assert f'href="{url(w.slug)}"' in html


# The timeline -------------------------------------------------------------------------------------


def test_timeline_lists_everything_newest_first_grouped_by_month(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(url(w.slug)))
    timeline = html[html.index('id="tijdlijn-kop"'):]
    order = [
        "maart 2026", "Les aangemaakt", "Casusbespreking gehouden",
        "Les gepubliceerd", "februari 2026", "Les ingediend ter beoordeling",
        "Les teruggegeven met feedback", "Les aangemaakt", "Casusbespreking gehouden",
        "Actief", "januari 2026", "Aangemeld → Geselecteerd", "Aangemeld",
    ]
    position = 0
    for text in order:
        found = timeline.find(text, position)
        assert found >= 0, (text, timeline[position:position + 400])
        position = found + len(text)
    # Months are headings, each with a list of its events.
    assert timeline.count('<h3 class="utrecht-heading-3" id="maand-') == 3


def test_timeline_says_who_did_what_and_why(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(url(w.slug)))
    timeline = html[html.index('id="tijdlijn-kop"'):]
    assert "door Begeleider Bram" in timeline
    assert "door Deelnemer Dina" in timeline
    assert "door de aanvrager" in timeline
    assert "Sterke samenwerking met de huisarts." in timeline


def test_facilitator_follows_case_discussions_and_lessons_from_the_timeline(client, w, login):
    cases = {c.title: c.id for c in db.session.scalars(
        sa.select(CaseDiscussion).where(CaseDiscussion.pilot_id == w.pilot.id))}
    lesson_id = db.session.scalar(sa.select(Lesson.id).where(Lesson.title == "Les vast aanspreekpunt"))
    case_url = url_for("cases.show", slug=w.slug, case_id=cases["Casus dochter op afstand"])
    lesson_url = url_for("lessons.show", slug=w.slug, lesson_id=lesson_id)
    login(w.facilitator)
    html = html_of(client.get(url(w.slug)))
    assert f'<a class="utrecht-link" href="{case_url}">Casus dochter op afstand</a>' in html
    assert "Casus avondzorg</a>" in html and "(Concept)" in html
    assert f'<a class="utrecht-link" href="{lesson_url}">Les vast aanspreekpunt</a>' in html
    # The programme's facilitator may read what the link opens.
    assert client.get(case_url).status_code == 200
    assert client.get(lesson_url).status_code == 200


def test_admin_sees_that_cases_were_held_but_not_what_they_were_about(client, w, login):
    login(w.admin)
    html = html_of(client.get(url(w.slug)))
    assert html.count("Casusbespreking gehouden") == 2
    assert "Casus dochter op afstand" not in html and "/casussen/" not in html
    assert ">Les vast aanspreekpunt</a>" in html


def test_lesson_published_without_a_review_row_still_shows_its_publication(client, w, login,
                                                                            make):
    make.lesson(w.pilot, title="Les van vroeger", status=LessonStatus.published,
                published_at=at(1, 10))
    login(w.facilitator)
    html = html_of(client.get(url(w.slug)))
    timeline = html[html.index('id="tijdlijn-kop"'):]
    assert timeline.count("Les gepubliceerd") == 2


# The framework against the work ---------------------------------------------------------------------


def mapping_tables(html: str) -> dict:
    return {t.caption: t for t in tables(html)}


def test_chosen_directions_show_task_outcome_and_the_work_on_them(client, w, login):
    login(w.facilitator)
    found = mapping_tables(html_of(client.get(url(w.slug))))
    chosen = found["Gekozen oplossingsrichtingen: opgave, gewenste uitkomst en het werk eraan"]
    assert [c.text for c in chosen.rows[0]] == [
        "Oplossingsrichting", "Opgave", "Gewenste uitkomst", "Casusbesprekingen",
        "Gepubliceerde lessen"]
    first = chosen.row("1. Betere samenwerking tussen mantelzorgers")
    assert [c.text for c in first[1:]] == [
        "Samen met de mantelzorger een plan maken.",
        "Elke mantelzorger heeft een vast aanspreekpunt.", "1", "1"]
    second = chosen.row("2. Betere samenwerking tussen beroepskrachten onderling")
    assert "Nog geen casussen of gepubliceerde lessen" in second[0].text
    assert [c.text for c in second[1:]] == [
        "Nog niet beschreven.", "Nog niet beschreven.", "0", "0"]


def test_directions_worked_on_without_being_chosen_are_listed_apart(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(url(w.slug)))
    unchosen = mapping_tables(html)["Niet gekozen, wel aan gewerkt"]
    # Two case discussions (one a draft) on 3, the published lesson on 5; the draft lesson
    # on 4 is not published work.
    assert [[c.text for c in row] for row in unchosen.rows[1:]] == [
        ["3. Betere samenwerking tussen organisaties in zorg en welzijn", "2", "0"],
        ["5. Vergroten van de draagkracht van de mantelzorger", "0", "1"],
    ]
    rest = html[html.index("Niet gekozen en niet aan gewerkt:"):]
    assert "4. Benutten van digitale hulpmiddelen" in rest[:rest.index("Vraagstukken")]


def test_carer_questions_are_set_against_the_work_too(client, w, login):
    login(w.facilitator)
    found = mapping_tables(html_of(client.get(url(w.slug))))
    chosen = found["Gekozen vraagstukken en het werk eraan"]
    assert [[c.text for c in row] for row in chosen.rows[1:]] == [
        ["1. Hoe zorg ik voor mijn naaste samen met beroepskrachten?", "1", "0"]]
    unchosen = found["Vraagstukken: niet gekozen, wel aan gewerkt"]
    assert [[c.text for c in row] for row in unchosen.rows[1:]] == [
        ["2. Hoe houd ik het zorgen voor mijn naaste vol?", "2", "1"]]


def test_summary_counts_cases_and_lessons_by_status(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(url(w.slug)))
    assert "<li>Concept: 1</li>" in html and "<li>Gepubliceerd: 1</li>" in html
    assert "1 les staat in de bibliotheek" in html


def test_pilot_without_work_shows_an_empty_timeline_and_its_choices(client, make, login):
    programme = make.programme()
    facilitator = make.facilitator(programme)
    pilot = make.pilot(programme=programme, status=PilotStatus.applied, directions=(7,))
    pilot.status_changes = []
    db.session.commit()
    login(facilitator)
    html = html_of(client.get(url(pilot.slug)))
    assert "Er is nog niets vastgelegd." in html and "Nog geen lessen" in html
    assert "7. Beroepskrachten hebben in alle fasen oog" in html


def test_page_shows_the_pilots_activity_per_month_as_a_chart_and_a_table(client, w, login,
                                                                         make, monkeypatch):
    monkeypatch.setattr(activity_data, "local_today", lambda: date(2026, 3, 15))
    pilot = db.session.get(Pilot, w.pilot.id)
    make.lesson(pilot, status=LessonStatus.published, created_at=at(1, 7),
                published_at=at(3, 3))
    make.case(pilot, held_on=date(2025, 3, 31))  # thirteen months ago: outside
    make.case(db.session.get(Pilot, w.other_pilot.id), held_on=date(2026, 2, 2))  # elsewhere
    login(w.facilitator)

    html = html_of(client.get(url(w.slug)))

    table = next(t for t in tables(html) if t.caption == "Activiteit per maand in Proeftuin Akker")
    rows = [[cell.text for cell in row] for row in table.rows]
    assert rows[0] == ["Maand", "Casusbesprekingen", "Lessen geschreven",
                       "Lessen gepubliceerd"]
    assert rows[1][0] == "april 2025" and len(rows) == 14  # twelve months and the total
    assert rows[10:] == [["januari 2026", "0", "1", "0"], ["februari 2026", "1", "1", "0"],
                         ["maart 2026", "1", "1", "1"], ["Totaal", "2", "3", "1"]]
    alt = re.search(r'<img class="chart" src="data:image/svg\+xml;base64,[^"]+"[^>]*'
                    r'alt="([^"]+)"', html).group(1)
    assert "Proeftuin Akker" in alt and "april 2025" in alt and "maart 2026" in alt
    assert 'href="/static/css/charts.css?v=' in html


def test_page_is_styled_from_its_own_stylesheet(client, w, login):
    login(w.facilitator)
    html = html_of(client.get(url(w.slug)))
    assert 'href="/static/css/coverage.css?v=' in html and "style=" not in html
    assert all(t.caption for t in tables(html))


# Staying fast -------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_cases_lessons_and_reviews(client, w, login, make,
                                                                  count_queries):
    login(w.facilitator)
    client.get(url(w.slug))

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as n:
            assert client.get(url(w.slug)).status_code == 200
        return n()

    few = measure()
    pilot = db.session.get(Pilot, w.pilot.id)
    for i in range(12):
        make.case(pilot, title=f"Casus extra {i}", held_on=date(2025, i % 12 + 1, 3),
                  directions=(i % 10 + 1,), questions=(i % 3 + 1,))
        lesson = make.lesson(pilot, title=f"Les extra {i}", directions=((i + 4) % 10 + 1,),
                             status=LessonStatus.published if i % 2 else LessonStatus.draft,
                             created_at=at(i % 12 + 1, 4))
        reviewer, admin = make.facilitator(pilot.programme), make.admin()
        db.session.add_all([
            LessonReview(lesson_id=lesson.id, decision=ReviewDecision.returned,
                         reviewer_id=reviewer.id),
            PilotStatusChange(pilot_id=pilot.id, from_status=PilotStatus.active,
                              to_status=PilotStatus.active, changed_by_id=admin.id,
                              created_at=at(i % 12 + 1, 9)),
        ])
        db.session.commit()
    assert measure() == few
