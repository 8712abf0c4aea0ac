"""Public pages kept rendered for visitors, and never stale nor shared with the wrong reader."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from proeftuin.caching.versioned_cache import LRU
from proeftuin.extensions import db
from proeftuin.lessons import services as lessons
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.models import Lesson, LessonStatus, Pilot, PilotStatus
from proeftuin.workspace import services as workspace
from tests.csrf import csrf_token
from tests.factories import PASSWORD


def html_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def without_csrf_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', html)


@pytest.fixture
def lesson(make):
    pilot = make.pilot(programme=make.programme(name="Programma Langer Thuis"),
                       name="Proeftuin Denkstad", municipality="Denkstad")
    return make.lesson(pilot, status=LessonStatus.published, title="Een vast aanspreekpunt werkt")


def lesson_url(lesson) -> str:
    return f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt"


def pages_of(lesson) -> list[str]:
    return [lesson_url(lesson), f"/proeftuinen/{lesson.pilot.slug}"]


def test_a_visitor_rereading_a_page_gets_it_with_one_query(client, lesson, count_queries):
    for url in [*pages_of(lesson), "/bibliotheek/?q=aanspreekpunt&regio=1", "/",
                "/proeftuinen/?q=Denkstad&pagina=1"]:
        with count_queries() as first:
            page = html_of(client.get(url))
        with count_queries() as again:
            assert without_csrf_tokens(html_of(client.get(url))) == without_csrf_tokens(page)
        assert again() == 1 < first()


def test_without_a_cache_every_visit_renders(client, lesson, count_queries):
    client.application.config["PAGE_CACHE_SIZE"] = 0
    client.get(lesson_url(lesson))
    with count_queries() as again:
        html_of(client.get(lesson_url(lesson)))
    assert again() > 1
    assert "page_cache" not in client.application.extensions


def test_each_visitor_is_served_their_own_working_csrf_token(csrf_app, lesson):
    first, second = csrf_app.test_client(), csrf_app.test_client()
    first_token = csrf_token(html_of(first.get(lesson_url(lesson))))
    page = html_of(second.get(lesson_url(lesson)))
    second_token = csrf_token(page)
    assert second_token != first_token
    assert "csrf-" not in page

    # The token of the kept page works for its visitor, and only for them.
    refused = second.post("/taal", data={"lang": "en", "next": lesson_url(lesson),
                                         "csrf_token": first_token})
    assert refused.status_code == 400
    switched = second.post("/taal", data={"lang": "en", "next": lesson_url(lesson),
                                          "csrf_token": second_token})
    assert switched.status_code in (302, 303)
    assert '<html lang="en">' in html_of(second.get(lesson_url(lesson)))
    assert '<html lang="nl">' in html_of(first.get(lesson_url(lesson)))


def _rename(pilot: Pilot) -> None:
    workspace.update_profile(
        pilot, name="Proeftuin Nieuwstad", municipality=pilot.municipality,
        region_id=pilot.region_id, scale=pilot.scale.value, theme=pilot.theme,
        ambition=pilot.ambition, actions=pilot.actions, results=pilot.results,
        planned_start=pilot.planned_start, planned_end=pilot.planned_end,
        discipline_ids=[d.id for d in pilot.disciplines],
        target_group_ids=[t.id for t in pilot.target_groups])


CHANGES = {
    "name": (_rename, "Proeftuin Nieuwstad", pages_of),
    "programme": (lambda pilot: setattr(pilot.programme, "name", "Programma Thuis Nieuw"),
                  "Programma Thuis Nieuw", pages_of),
    "organisation": (lambda pilot: workspace.add_organisation(pilot, "Welzijn Nieuwstad",
                                                              "welfare"),
                     "Welzijn Nieuwstad", lambda lesson: pages_of(lesson)[1:]),
    "direction": (lambda pilot: workspace.update_direction(pilot.directions[0],
                                                           "Een vast wijkoverleg", ""),
                  "Een vast wijkoverleg", lambda lesson: pages_of(lesson)[1:]),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_a_page_shows_is_visible_at_once(client, lesson, change):
    apply, shown, urls = CHANGES[change]
    for url in urls(lesson):
        assert shown not in html_of(client.get(url))

    apply(db.session.get(Pilot, lesson.pilot_id))
    db.session.commit()

    for url in urls(lesson):
        assert shown in html_of(client.get(url))


def test_a_withdrawn_lesson_and_a_stopped_pilots_profile_are_gone_at_once(client, make, lesson):
    for url in pages_of(lesson):
        html_of(client.get(url))
    lessons.withdraw_lesson(db.session.get(Lesson, lesson.id),
                            make.facilitator(lesson.pilot.programme), reason="Verouderd.")
    db.session.commit()
    assert client.get(lesson_url(lesson)).status_code == 404
    assert "Een vast aanspreekpunt werkt" not in html_of(client.get(pages_of(lesson)[1]))

    db.session.execute(sa.update(Pilot).where(Pilot.id == lesson.pilot_id)
                       .values(status=PilotStatus.declined))
    db.session.commit()
    assert client.get(pages_of(lesson)[1]).status_code == 404


def test_signed_in_people_are_neither_served_a_kept_page_nor_leave_theirs(app, client, make,
                                                                          lesson, login):
    visitor = app.test_client()
    workspace_link = f"/werkplaats/{lesson.pilot.slug}"
    for url in pages_of(lesson):
        assert workspace_link not in html_of(visitor.get(url))

    login(make.member(lesson.pilot))
    for url in pages_of(lesson):
        response = client.get(url)
        assert workspace_link in html_of(response)
        assert response.headers["Cache-Control"] == "no-store"
        assert workspace_link not in html_of(app.test_client().get(url))


def test_a_flashed_message_is_shown_to_its_visitor_only(app, client, lesson):
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "U bent uitgelogd.")]
    assert "U bent uitgelogd." in html_of(client.get(lesson_url(lesson)))
    assert "U bent uitgelogd." not in html_of(app.test_client().get(lesson_url(lesson)))
    assert "U bent uitgelogd." not in html_of(client.get(lesson_url(lesson)))


def test_a_forged_host_keeps_its_links_to_itself(client, lesson):
    forged = html_of(client.get(lesson_url(lesson), headers={"Host": "evil.example"}))
    assert f"http://evil.example{lesson_url(lesson)}" in forged
    page = html_of(client.get(lesson_url(lesson)))
    assert "evil.example" not in page
    assert f"http://localhost{lesson_url(lesson)}" in page


def test_each_language_is_kept_apart(app, lesson):
    dutch, english = app.test_client(), app.test_client()
    with english.session_transaction() as session:
        session["lang"] = "en"
    assert "Geleerde les" in html_of(dutch.get(lesson_url(lesson)))
    page = html_of(english.get(lesson_url(lesson)))
    assert '<html lang="en">' in page and "Geleerde les" not in page
    assert '<html lang="nl">' in html_of(dutch.get(lesson_url(lesson)))


def test_a_member_who_signs_out_reads_as_a_visitor_again(client, make, lesson):
    member = make.member(lesson.pilot)
    token = csrf_token(html_of(client.get("/login")))
    client.post("/login", data={"email": member.email, "password": PASSWORD,
                                "csrf_token": token})
    assert f"/werkplaats/{lesson.pilot.slug}" in html_of(client.get(pages_of(lesson)[1]))
    client.post("/logout")
    assert f"/werkplaats/{lesson.pilot.slug}" not in html_of(client.get(pages_of(lesson)[1]))


def test_a_token_typed_into_a_search_keeps_the_page_out_of_the_cache(app, client, lesson,
                                                                     monkeypatch):
    # Otherwise every later visitor's token would be put into the search box and its links.
    # A token is signed with the second it was made in: within one second it is the same.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_800_000_000)
    token = csrf_token(html_of(client.get("/bibliotheek/")))
    url = f"/bibliotheek/?q={token}"
    assert token in html_of(client.get(url))
    other = app.test_client()
    page = html_of(other.get(url))
    own = csrf_token(page)
    assert own != token and page.count(own) == 1


def test_the_kept_pages_stay_within_their_byte_budget():
    pages = LRU(size=100, max_bytes=1000)
    for number in range(10):
        pages.put(("page", number), b"x" * 300)
    # Three pages of 300 bytes fit in 1,000; the oldest went first.
    assert pages.bytes == 900
    assert [pages.get(("page", n)) is not None for n in range(10)] == [False] * 7 + [True] * 3
    pages.put(("page", 9), b"y" * 100)
    assert pages.bytes == 700


@pytest.mark.parametrize("url", ["/bibliotheek/?q=aanspreekpunt&utm_source=nieuwsbrief",
                                 "/bibliotheek/?q=aanspreekpunt&q=werkt",
                                 "/proeftuinen/?verzonnen=1", "/?q=1"])
def test_an_address_with_made_up_parameters_is_drawn_but_never_kept(client, lesson, url,
                                                                     count_queries):
    html_of(client.get(url))
    with count_queries() as again:
        html_of(client.get(url))
    assert again() > 1
    assert not client.application.extensions.get("page_cache") or not any(
        url in str(key) for key in client.application.extensions["page_cache"]._entries)


def test_a_new_public_pilot_shows_on_the_kept_home_page_and_pilot_list(client, make, lesson):
    before = [html_of(client.get(url)) for url in ("/", "/proeftuinen/")]
    assert all("Proeftuin Nieuwstad" not in page for page in before)
    make.pilot(programme=lesson.pilot.programme, name="Proeftuin Nieuwstad",
               municipality="Nieuwstad", status=PilotStatus.active)
    db.session.commit()
    assert all("Proeftuin Nieuwstad" in html_of(client.get(url))
               for url in ("/", "/proeftuinen/"))


def test_a_filter_form_names_the_parameters_it_reads():
    assert LibraryFilterForm.parameters() == {
        "q", "richting", "vraag", "soort", "niveau", "regio", "programma", "doelgroep", "jaar",
        "hergebruikt", "bewezen", "volgorde", "pagina"}


def test_the_api_keeps_its_answers_as_json_and_never_stale(client, make, lesson, count_queries):
    url = "/api/v1/lessons?lang=en&per_pagina=5"
    first = client.get(url)
    with count_queries() as again:
        kept = client.get(url)

    assert again() == 1
    assert kept.get_json() == first.get_json()
    assert kept.mimetype == "application/json"
    assert (kept.headers["Access-Control-Allow-Origin"], kept.headers["Content-Language"]) == (
        "*", "en")
    make.lesson(lesson.pilot, status=LessonStatus.published, title="Een tweede les")
    titles = {item["title"] for item in client.get(url).get_json()["data"]}
    assert titles == {"Een vast aanspreekpunt werkt", "Een tweede les"}
    # A refusal is never kept: the same address answers again once it is right.
    assert client.get("/api/v1/lessons?lang=xx").status_code == 400
