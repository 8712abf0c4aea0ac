"""The public page of a lesson: only the latest published revision, never a case discussion."""

from __future__ import annotations

import pytest

from proeftuin.extensions import db
from proeftuin.lessons import services
from proeftuin.models import EvidenceBasis, LessonKind, LessonLevel, LessonStatus, PilotStatus


def html_of(response) -> str:
    return response.get_data(as_text=True)


def published(make, **kwargs):
    programme = make.programme(name="Programma Langer Thuis")
    pilot = make.pilot(programme=programme, name="Proeftuin Denkstad", municipality="Denkstad",
                       region="Gelderland", **kwargs.pop("pilot_kwargs", {}))
    lesson = make.lesson(
        pilot, make.member(pilot), status=LessonStatus.published,
        title=kwargs.pop("title", "Een vast aanspreekpunt werkt"),
        summary="Eén contactpersoon voor de mantelzorger.",
        context="In de wijk werkten *vijf* organisaties.",
        body="Spreek **één** aanspreekpunt af. <script>alert(1)</script>",
        advice="Leg het vast in het zorgplan.",
        kind=LessonKind.precondition, level=LessonLevel.local_regional,
        evidence=EvidenceBasis.measured, directions=(2, 5), questions=(1, 3), **kwargs,
    )
    return lesson


def test_public_page_shows_the_published_revision_in_full(client, make):
    lesson = published(make)
    response = client.get(f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt")
    assert response.status_code == 200
    html = html_of(response)
    assert "Een vast aanspreekpunt werkt" in html
    assert "Eén contactpersoon voor de mantelzorger." in html
    assert "<em>vijf</em>" in html and "<strong>één</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Leg het vast in het zorgplan." in html
    assert "Randvoorwaarde" in html
    assert "Voor lokale en regionale samenwerking" in html
    assert "Gemeten in de proeftuin" in html
    assert 'href="/kader/richting/2"' in html and 'href="/kader/richting/5"' in html
    assert 'href="/kader/vraag/1"' in html and 'href="/kader/vraag/3"' in html
    assert f'href="/proeftuinen/{lesson.pilot.slug}"' in html
    assert "Denkstad, Gelderland" in html and "Programma Langer Thuis" in html
    assert "Gepubliceerd" in html and "Bijgewerkt" not in html
    assert "CC BY 4.0" in html and 'href="https://creativecommons.org/licenses/by/4.0/deed.nl"' in html
    assert f"http://localhost/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt" in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("suffix", ["", "-verkeerde-titel", "-Een-Vast", "-een-vast-aanspreekpunt-werkt-x"])
def test_other_spellings_redirect_permanently_to_the_canonical_url(client, make, suffix):
    lesson = published(make)
    response = client.get(f"/bibliotheek/{lesson.id}{suffix}")
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith(
        f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt")


def test_a_new_title_moves_the_canonical_url_and_the_old_one_redirects(client, make):
    lesson = published(make)
    member = lesson.created_by
    services.update_lesson(lesson, services.LessonContent(
        title="Eén aanspreekpunt, ook in crisis", kind="barrier", level="national",
        evidence="evaluated", summary="Nieuw.", body="Nieuwe les."), by=member)
    services.submit_lesson(lesson, member)
    facilitator = make.facilitator(lesson.pilot.programme)
    services.publish_lesson(lesson, facilitator)
    db.session.commit()
    response = client.get(f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/bibliotheek/{lesson.id}-een-aanspreekpunt-ook-in-crisis")
    html = html_of(client.get(response.headers["Location"]))
    assert "Bijgewerkt" in html and "versie 2" in html and "Knelpunt" in html


@pytest.mark.parametrize("status", [LessonStatus.draft, LessonStatus.submitted,
                                    LessonStatus.returned, LessonStatus.withdrawn])
def test_a_lesson_that_was_never_published_or_was_withdrawn_is_not_found(client, make, status):
    pilot = make.pilot()
    lesson = make.lesson(pilot, status=status, title="Geheim concept")
    for url in (f"/bibliotheek/{lesson.id}", f"/bibliotheek/{lesson.id}-geheim-concept"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Geheim concept" not in html_of(response)


def test_a_withdrawn_lesson_is_gone_from_its_page_and_the_profile(client, make):
    lesson = published(make)
    slug = lesson.pilot.slug
    services.withdraw_lesson(lesson, make.admin(), "Verouderd.")
    db.session.commit()
    assert client.get(f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt").status_code == 404
    assert "Een vast aanspreekpunt werkt" not in html_of(client.get(f"/proeftuinen/{slug}"))


def test_unknown_and_huge_ids_are_not_found(client, make):
    assert client.get("/bibliotheek/12345-iets").status_code == 404
    assert client.get(f"/bibliotheek/{2**40}-iets").status_code == 404
    assert client.get(f"/bibliotheek/{2**40}").status_code == 404


def test_the_public_page_never_shows_case_discussions(client, make):
    programme = make.programme()
    pilot = make.pilot(programme=programme)
    case = make.case(pilot, title="Casus mevrouw J. met dochter",
                     situation="Vertrouwelijke situatie van de casus.",
                     could_do_better="Eerder bellen had gekund.")
    lesson = make.lesson(pilot, status=LessonStatus.published, source_cases=[case],
                         title="Les uit een casus")
    html = html_of(client.get(f"/bibliotheek/{lesson.id}-les-uit-een-casus"))
    assert "Les uit een casus" in html
    for secret in ("Casus mevrouw J.", "Vertrouwelijke situatie", "Eerder bellen",
                   f"/casussen/{case.id}"):
        assert secret not in html


def test_public_page_shows_the_revision_not_the_working_copy(client, make):
    lesson = published(make)
    services.update_lesson(lesson, services.LessonContent(
        title="Een vast aanspreekpunt werkt", kind="barrier", level="national",
        evidence="evaluated", summary="Halfaf concept.", body="Nog niet beoordeeld."),
        by=lesson.created_by)
    db.session.commit()
    html = html_of(client.get(f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt"))
    assert "Eén contactpersoon voor de mantelzorger." in html
    assert "Halfaf concept." not in html and "Nog niet beoordeeld." not in html


def test_a_lesson_of_a_pilot_without_public_profile_is_not_found(client, make):
    lesson = published(make)
    lesson.pilot.status = PilotStatus.declined
    db.session.commit()
    assert client.get(f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt").status_code == 404


def test_members_get_a_link_to_the_working_copy_and_visitors_do_not(client, make, login):
    lesson = published(make)
    url = f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt"
    workspace_link = f'href="/werkplaats/{lesson.pilot.slug}/lessen/{lesson.id}"'
    assert workspace_link not in html_of(client.get(url))
    login(lesson.created_by)
    html = html_of(client.get(url))
    assert workspace_link in html
    assert f"/begeleiding/lessen/{lesson.id}/intrekken" not in html


def test_admins_get_a_link_to_withdraw(client, make, login):
    lesson = published(make)
    login(make.admin())
    html = html_of(client.get(f"/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt"))
    assert f'href="/begeleiding/lessen/{lesson.id}/intrekken"' in html


def test_the_public_profile_lists_published_lessons_only(client, make):
    lesson = published(make)
    pilot = lesson.pilot
    make.lesson(pilot, title="Nog een concept")
    make.lesson(pilot, status=LessonStatus.submitted, title="Wacht op beoordeling")
    html = html_of(client.get(f"/proeftuinen/{pilot.slug}"))
    assert "Geleerde lessen" in html
    assert f'href="/bibliotheek/{lesson.id}-een-vast-aanspreekpunt-werkt"' in html
    assert "Nog een concept" not in html and "Wacht op beoordeling" not in html


def test_the_public_profile_says_when_there_are_no_lessons(client, make):
    pilot = make.pilot()
    assert "Nog geen gepubliceerde lessen." in html_of(client.get(f"/proeftuinen/{pilot.slug}"))


def test_lesson_page_queries_do_not_grow_with_links(client, make, count_queries):
    few_lesson = published(make, title="Les een")
    many_pilot = make.pilot(programme=few_lesson.pilot.programme)
    many_lesson = make.lesson(many_pilot, status=LessonStatus.published, title="Les twee",
                              directions=(1, 2, 3, 4, 5, 6), questions=(1, 2, 3))
    # The first request after a change builds the library index (in tests, in the request).
    client.get("/bibliotheek/")
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(f"/bibliotheek/{few_lesson.id}-les-een").status_code == 200
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(f"/bibliotheek/{many_lesson.id}-les-twee").status_code == 200
    assert many() == few()


def test_public_profile_queries_do_not_grow_with_lessons(client, make, count_queries):
    lesson = published(make)
    pilot = lesson.pilot
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(f"/proeftuinen/{pilot.slug}").status_code == 200
    for n in range(6):
        make.lesson(pilot, status=LessonStatus.published, title=f"Extra les {n}")
    db.session.expire_all()
    with count_queries() as many:
        response = client.get(f"/proeftuinen/{pilot.slug}")
    assert "Extra les 5" in html_of(response)
    assert many() == few()
