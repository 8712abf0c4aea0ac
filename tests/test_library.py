"""The library page: search, facets with counts under the selection, plain URLs, no leaks."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from proeftuin.extensions import db
from proeftuin.models import LessonKind, LessonLevel, LessonStatus, PilotStatus


def html_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    """Return the result titles of a library page, in order, without their marks."""
    found = re.findall(r'<li class="lesson-result">\s*<h3[^>]*><a[^>]*>(.*?)</a>', html, re.S)
    return [re.sub(r"</?mark>", "", title) for title in found]


def facet_counts(html: str, label: str) -> dict[str, int]:
    """Return the counts a facet shows, by value label."""
    section = html.split(f'<h3 class="utrecht-heading-3">{label}</h3>', 1)[1].split("<h3", 1)[0]
    return {name.strip(): int(count) for name, count in re.findall(
        r'class="utrecht-link facet-link"[^>]*>(?:<span[^>]*>✓ </span>)?([^<]+?) '
        r'<span class="facet-link__count">\((\d+)', section)}


@pytest.fixture
def shelf(make):
    """Four public lessons in two regions and two programmes, and three that are not public."""
    north = make.pilot(programme=make.programme(name="Programma Noord"), region="Groningen",
                       name="Proeftuin Wadstad", municipality="Wadstad")
    south = make.pilot(programme=make.programme(name="Programma Zuid"), region="Limburg",
                       name="Proeftuin Heuvelrijk", municipality="Heuvelrijk")
    hidden = make.pilot(status=PilotStatus.applied, region="Limburg")
    day = lambda y, m: datetime(y, m, 1, 12, tzinfo=UTC)  # noqa: E731
    lessons = [
        make.lesson(north, status=LessonStatus.published, title="Mantelzorgers krijgen een vast gesprek",
                    summary="Eens per kwartaal een gesprek.",
                    directions=(1, 3), questions=(1,), kind=LessonKind.success_factor,
                    target_groups=("informal_carers",), published_at=day(2025, 3)),
        make.lesson(north, status=LessonStatus.published, title="Respijtzorg vraagt planning",
                    summary="Plan ruim vooruit.", body="De mantelzorger kiest zelf het moment.",
                    directions=(3,),
                    questions=(2,), kind=LessonKind.barrier, published_at=day(2026, 2)),
        make.lesson(south, status=LessonStatus.published, title="Huisartsen en wijkteams overleggen",
                    summary="Een vast overleg per maand.",
                    directions=(1,), questions=(1, 3), kind=LessonKind.success_factor,
                    level=LessonLevel.national, published_at=day(2026, 5)),
        make.lesson(south, status=LessonStatus.published, title="Dagbesteding dichtbij huis",
                    summary="Korte reistijd maakt het verschil.", body="Dichtbij werkt beter.",
                    directions=(5,), questions=(3,), kind=LessonKind.precondition,
                    published_at=day(2026, 8)),
    ]
    make.lesson(north, status=LessonStatus.draft, title="Concept over mantelzorgers")
    make.lesson(north, status=LessonStatus.submitted, title="Ingediend over mantelzorgers")
    make.lesson(hidden, status=LessonStatus.published, title="Mantelzorgers in een aanmelding")
    return lessons


def test_without_a_query_the_newest_lessons_come_first(client, shelf):
    html = html_of(client.get("/bibliotheek/"))
    assert titles(html) == [
        "Dagbesteding dichtbij huis", "Huisartsen en wijkteams overleggen",
        "Respijtzorg vraagt planning", "Mantelzorgers krijgen een vast gesprek",
    ]
    assert "4 lessen gevonden" in html
    assert "Concept over" not in html and "Ingediend over" not in html
    assert "in een aanmelding" not in html


def test_a_query_finds_inflected_forms_ranked_and_marked(client, shelf):
    html = html_of(client.get("/bibliotheek/?q=mantelzorger"))
    assert titles(html) == ["Mantelzorgers krijgen een vast gesprek", "Respijtzorg vraagt planning"]
    assert "<mark>Mantelzorgers</mark> krijgen" in html
    assert "De <mark>mantelzorger</mark> kiest" in html
    assert "best passend eerst" in html


def test_facets_count_under_the_current_selection(client, shelf):
    html = html_of(client.get("/bibliotheek/"))
    assert facet_counts(html, "Regio") == {"Groningen": 2, "Limburg": 2}
    assert facet_counts(html, "Jaar van publicatie") == {"2026": 3, "2025": 1}

    html = html_of(client.get("/bibliotheek/?richting=1"))
    assert titles(html) == ["Huisartsen en wijkteams overleggen",
                            "Mantelzorgers krijgen een vast gesprek"]
    assert facet_counts(html, "Regio") == {"Groningen": 1, "Limburg": 1}
    assert facet_counts(html, "Soort les") == {"Succesfactor": 2}
    # A facet's own counts ignore its own filter: they show what choosing another value gives.
    directions = facet_counts(html, "Oplossingsrichting")
    assert directions["1. " + _direction_name(html, 1)] == 2
    assert sum(directions.values()) == 5


def _direction_name(html: str, number: int) -> str:
    return re.search(rf"{number}\. ([^<(]+?) <span class=\"facet-link__count\"", html).group(1)


def test_direction_and_region_combine_and_every_choice_is_a_plain_link(client, shelf):
    region = shelf[2].pilot.region_id
    html = html_of(client.get(f"/bibliotheek/?richting=1&regio={region}"))
    assert titles(html) == ["Huisartsen en wijkteams overleggen"]
    links = re.findall(r'class="utrecht-link facet-link" href="([^"]+)"', html)
    assert links
    for link in links:
        parts = urlsplit(link.replace("&amp;", "&"))
        assert parts.path == "/bibliotheek/"
        assert set(parse_qs(parts.query)) <= {"q", "richting", "vraag", "soort", "niveau", "regio",
                                              "programma", "doelgroep", "jaar", "hergebruikt",
                                              "volgorde"}
    # The chosen region links to the selection without it.
    assert 'href="/bibliotheek/?richting=1" aria-current="true"' in html


def test_no_result_says_so_and_offers_to_drop_a_filter(client, shelf):
    html = html_of(client.get("/bibliotheek/?q=tablet&richting=1"))
    assert titles(html) == []
    assert "0 lessen gevonden" in html and "Geen lessen gevonden met deze selectie." in html
    assert 'href="/bibliotheek/?richting=1">wissen' in html  # drops the query, keeps the rest
    assert 'href="/bibliotheek/?q=tablet">wissen' in html


@pytest.mark.parametrize("query", [
    "richting=99", "richting=x", "regio=-1", "jaar=1800", "jaar=abc", "soort=onzin",
    "programma=bestaat-niet", "pagina=999999999999", "pagina=-3", "volgorde=willekeurig",
    "q=" + "a" * 3000, "q=%22%28%29*", "hergebruikt=nee", "richting=1&richting=2",
])
def test_hand_made_parameters_never_break_the_page(client, shelf, query):
    response = client.get(f"/bibliotheek/?{query}")
    assert response.status_code == 200


def test_an_invalid_value_is_set_aside_and_named(client, shelf):
    html = html_of(client.get("/bibliotheek/?richting=99&q=respijtzorg"))
    assert titles(html) == ["Respijtzorg vraagt planning"]
    assert "Niet gebruikt, omdat de waarde niet bestaat: richting." in html


def test_pages_keep_the_selection(app, client, shelf):
    app.config["LESSONS_PER_PAGE"] = 1
    html = html_of(client.get("/bibliotheek/?soort=success_factor"))
    assert titles(html) == ["Huisartsen en wijkteams overleggen"]
    assert 'href="/bibliotheek/?pagina=2&amp;soort=success_factor"' in html
    html = html_of(client.get("/bibliotheek/?soort=success_factor&pagina=2"))
    assert titles(html) == ["Mantelzorgers krijgen een vast gesprek"]


def test_the_page_offers_the_feed_and_csv_of_the_selection(client, shelf):
    html = html_of(client.get("/bibliotheek/?richting=3"))
    assert ('rel="alternate" type="application/atom+xml"' in html
            and "/bibliotheek/feed.atom?richting=3" in html)
    assert 'href="/bibliotheek/export.csv?richting=3"' in html


def test_the_library_in_english(client, shelf):
    client.post("/taal", data={"lang": "en"})
    html = html_of(client.get("/bibliotheek/?q=mantelzorgers"))
    assert 'lang="en"' in html
    assert "2 lessons found" in html


def test_the_lesson_page_lists_related_lessons(client, shelf):
    lesson = shelf[0]
    html = html_of(client.get(f"/bibliotheek/{lesson.id}", follow_redirects=True))
    related = html.split("Verwante lessen", 1)[1]
    assert "Huisartsen en wijkteams overleggen" in related  # shares direction 1
    assert "Respijtzorg vraagt planning" in related  # shares direction 3
    assert "Dagbesteding dichtbij huis" not in related
    assert "in een aanmelding" not in related
    # The lesson's own title words match its own title: it is still not related to itself.
    assert "Mantelzorgers krijgen een vast gesprek" not in related


def test_the_library_makes_the_same_number_of_queries_for_more_lessons(client, make, shelf,
                                                                        count_queries):
    def queries_for(url):
        with count_queries() as counted:
            html_of(client.get(url))
        return counted()

    urls = ["/bibliotheek/", "/bibliotheek/?q=mantelzorger&richting=3"]
    before = [queries_for(url) for url in urls]
    pilot = shelf[0].pilot
    for n in range(12):
        make.lesson(pilot, status=LessonStatus.published, title=f"Mantelzorger les {n}",
                    directions=(3, 4), target_groups=("informal_carers",))
    assert [queries_for(url) for url in urls] == before


def test_reuse_counts_pilots_not_reports_and_sorts_and_filters_the_library(client, make, shelf):
    from proeftuin.reuse import services as reuse_services

    elsewhere = make.pilot(name="Proeftuin Elders")
    member = make.member(elsewhere)
    reused = shelf[0]
    for _ in range(3):  # one pilot reporting three times is still one pilot
        reuse_services.report_reuse(reused, elsewhere, how="We namen het over.",
                                    outcome="Het werkte.", by=member)
    db.session.commit()
    html = html_of(client.get("/bibliotheek/?hergebruikt=1"))
    assert titles(html) == [reused.public_revision.title]
    assert "1 keer elders hergebruikt" in html
    html = html_of(client.get("/bibliotheek/?volgorde=hergebruik"))
    assert titles(html)[0] == reused.public_revision.title
    assert len(titles(html_of(client.get("/bibliotheek/?hergebruikt=0")))) == 4
