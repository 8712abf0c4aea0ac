"""The public framework pages: questions, directions, the public pilots on them, their lessons."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest

from proeftuin.extensions import db
from proeftuin.lessons import services as lesson_services
from proeftuin.models import LessonStatus, PilotStatus


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<h1 class="utrecht-heading-1"') == 1
    return html


def _row_count(html: str, href: str) -> int:
    """Return the count in the table row that links to `href`."""
    match = re.search(
        rf'href="{re.escape(href)}">[^<]*</a></th>\s*<td[^>]*>(\d+)</td>', html
    )
    assert match, href
    return int(match.group(1))


def test_index_lists_questions_and_directions_with_public_pilot_counts(client, make):
    programme = make.programme()
    make.pilot(programme, directions=(1, 2), questions=(1,))
    make.pilot(programme, directions=(2,), questions=(1, 3), status=PilotStatus.completed)
    make.pilot(programme, directions=(2, 9), questions=(3,), status=PilotStatus.applied)
    make.pilot(programme, directions=(2,), questions=(2,), status=PilotStatus.declined)

    html = _page(client, "/kader/")

    assert "Hoe zorg ik voor mijn naaste samen met beroepskrachten?" in html
    assert "Betere samenwerking tussen beroepskrachten onderling" in html
    assert len(re.findall(r'href="/kader/vraag/\d+"', html)) == 3
    assert len(re.findall(r'href="/kader/richting/\d+"', html)) == 10
    assert _row_count(html, "/kader/vraag/1") == 2
    assert _row_count(html, "/kader/vraag/2") == 0
    assert _row_count(html, "/kader/vraag/3") == 1
    assert _row_count(html, "/kader/richting/1") == 1
    assert _row_count(html, "/kader/richting/2") == 2
    assert _row_count(html, "/kader/richting/9") == 0


def test_direction_page_shows_each_public_pilots_task_and_outcome(client, make):
    programme = make.programme(name="Programma Thuis")
    open_pilot = make.pilot(programme, name="Proeftuin Open", directions=(4,),
                            region="Drenthe")
    open_pilot.directions[0].task = "Een **gedeeld** digitaal zorgplan."
    open_pilot.directions[0].desired_outcome = "Mantelzorgers <script>x</script> zien mee."
    db.session.commit()
    make.pilot(programme, name="Proeftuin Leeg", directions=(4,))
    make.pilot(programme, name="Proeftuin Elders", directions=(5,))
    make.pilot(programme, name="Proeftuin Aangemeld", directions=(4,),
               status=PilotStatus.applied)

    html = _page(client, "/kader/richting/4")

    assert "Benutten van digitale hulpmiddelen" in html
    assert "Proeftuin Open" in html and "Proeftuin Leeg" in html
    assert "Proeftuin Elders" not in html
    assert "Proeftuin Aangemeld" not in html
    assert f'href="/proeftuinen/{open_pilot.slug}"' in html
    assert "Een <strong>gedeeld</strong> digitaal zorgplan." in html
    assert "<script>" not in html
    assert "Denkstad, Drenthe" in html and "Programma Thuis" in html
    assert "Nog niet beschreven." in html
    assert open_pilot.contact_email not in html


def test_question_page_shows_the_public_pilots_working_on_it(client, make):
    programme = make.programme()
    make.pilot(programme, name="Proeftuin Vraag Twee", questions=(2,), directions=(6,))
    make.pilot(programme, name="Proeftuin Vraag Een", questions=(1,))
    make.pilot(programme, name="Proeftuin Afgewezen", questions=(2,),
               status=PilotStatus.declined)

    html = _page(client, "/kader/vraag/2")

    assert "Hoe houd ik het zorgen voor mijn naaste vol?" in html
    assert "Proeftuin Vraag Twee" in html
    assert 'href="/kader/richting/6"' in html
    assert "Proeftuin Vraag Een" not in html
    assert "Proeftuin Afgewezen" not in html


def test_pages_without_public_pilots_say_so(client, make):
    make.pilot(directions=(3,), questions=(3,), status=PilotStatus.applied)

    assert "Nog geen openbare proeftuin werkt aan deze richting." in _page(client, "/kader/richting/3")
    assert "Nog geen openbare proeftuin werkt aan dit vraagstuk." in _page(client, "/kader/vraag/3")


@pytest.mark.parametrize(
    "path",
    ["/kader/richting/0", "/kader/richting/11", "/kader/richting/99999999999999999999",
     "/kader/vraag/0", "/kader/vraag/4", "/kader/vraag/99999999999", "/kader/richting/abc",
     "/kader/vraag/-1"],
)
def test_unknown_numbers_give_not_found(client, path):
    assert client.get(path).status_code == 404


def test_english_labels_when_the_language_is_english(client, make):
    make.pilot(name="Proeftuin Engels", directions=(2,), questions=(2,))

    client.post("/taal", data={"lang": "en", "next": "/kader/"})
    index = _page(client, "/kader/")
    direction = _page(client, "/kader/richting/2")
    question = _page(client, "/kader/vraag/2")

    assert "How do I care for my loved one together with professionals?" in index
    assert "Better collaboration among professionals" in index
    assert "Hoe zorg ik voor mijn naaste" not in index
    assert "Betere samenwerking tussen beroepskrachten onderling" not in index
    assert "Better collaboration among professionals" in direction
    assert "How do I keep up caring for my loved one?" in question
    assert '<html lang="en">' in index


def test_framework_pages_do_not_grow_queries_with_pilots(client, make, count_queries):
    programme = make.programme()
    make.pilot(programme, directions=(1,), questions=(1,))
    with count_queries() as few_direction:
        client.get("/kader/richting/1")
    with count_queries() as few_question:
        client.get("/kader/vraag/1")
    for _ in range(8):
        make.pilot(make.programme(), directions=(1, 2), questions=(1,), region="Zeeland")
    with count_queries() as many_direction:
        client.get("/kader/richting/1")
    with count_queries() as many_question:
        client.get("/kader/vraag/1")

    assert many_direction() == few_direction()
    assert many_question() == few_question()


# Published lessons on the framework pages ------------------------------------------------


def _lesson(make, pilot, title, published_on=None, **kwargs):
    """A lesson in the library (its pilot permitting), first published on `published_on`."""
    lesson = make.lesson(pilot, make.member(pilot), status=LessonStatus.published, title=title,
                         **kwargs)
    if published_on is not None:
        at = datetime.combine(published_on, time(12), tzinfo=UTC)
        lesson.first_published_at = lesson.public_revision.published_at = at
        db.session.commit()
    return lesson


def _hidden_lessons(make, programme, directions=(), questions=()):
    """Lessons on these directions and questions that the library must not show."""
    pilot = make.pilot(programme, name="Proeftuin Verborgen")
    make.lesson(pilot, title="Les Concept", directions=directions, questions=questions)
    make.lesson(pilot, title="Les Ingediend", status=LessonStatus.submitted,
                directions=directions, questions=questions)
    withdrawn = _lesson(make, pilot, "Les Ingetrokken", directions=directions,
                        questions=questions)
    lesson_services.withdraw_lesson(withdrawn, make.facilitator(programme), "Niet juist.")
    db.session.commit()
    for status in (PilotStatus.applied, PilotStatus.declined):
        other = make.pilot(programme, status=status, name=f"Proeftuin {status.value}")
        _lesson(make, other, f"Les van {status.value}", directions=directions,
                questions=questions)


def test_direction_page_lists_its_published_lessons_newest_first(client, make):
    programme = make.programme()
    pilot = make.pilot(programme, name="Proeftuin Aardstad", municipality="Aardstad")
    older = _lesson(make, pilot, "Een vast aanspreekpunt werkt", date(2025, 3, 4),
                    directions=(4, 2), summary="Eén contactpersoon voor de mantelzorger.")
    newer = _lesson(make, pilot, "Beeldbellen met familie op afstand", date(2026, 2, 1),
                    directions=(4,))
    _lesson(make, pilot, "Les over een andere richting", directions=(5,))
    _hidden_lessons(make, programme, directions=(4,))
    # An edit waiting for review: the working copy moved to direction 4, the public copy not.
    edited = _lesson(make, pilot, "Gepubliceerde titel", directions=(5,))
    edited.title, edited.status = "Titel van de werkversie", LessonStatus.draft
    edited.directions = [make.direction(4)]
    db.session.commit()

    html = _page(client, "/kader/richting/4")

    assert "Geleerde lessen in deze richting" in html
    assert html.index(newer.title) < html.index(older.title)
    assert f'href="/bibliotheek/{older.id}-een-vast-aanspreekpunt-werkt"' in html
    assert f'href="/bibliotheek/{newer.id}-beeldbellen-met-familie-op-afstand"' in html
    assert "Proeftuin Aardstad · Aardstad" in html
    assert '<time datetime="2025-03-04">4 maart 2025</time>' in html
    assert "Eén contactpersoon voor de mantelzorger." in html
    for title in ("Les over een andere richting", "Les Concept", "Les Ingediend",
                  "Les Ingetrokken", "Les van applied", "Les van declined",
                  "Gepubliceerde titel", "Titel van de werkversie"):
        assert title not in html, title
    assert len(re.findall(r'<li class="lesson-list__item">', html)) == 2
    assert '<a class="utrecht-link" href="/bibliotheek/?richting=4">Alle 2 lessen over deze richting</a>' in html
    assert pilot.contact_email not in html


def test_question_page_lists_its_published_lessons(client, make):
    programme = make.programme()
    pilot = make.pilot(programme, name="Proeftuin Beekdorp", municipality="Beekdorp")
    lesson = _lesson(make, pilot, "Vraag hoe het met de mantelzorger gaat", date(2026, 1, 9),
                     questions=(2,), summary="Een vaste vraag bij elk huisbezoek.")
    _lesson(make, pilot, "Les over vraag drie", questions=(3,))
    _hidden_lessons(make, programme, questions=(2,))

    html = _page(client, "/kader/vraag/2")

    assert "Geleerde lessen over dit vraagstuk" in html
    assert f'href="/bibliotheek/{lesson.id}-vraag-hoe-het-met-de-mantelzorger-gaat"' in html
    assert "Proeftuin Beekdorp · Beekdorp" in html and "9 januari 2026" in html
    assert "Een vaste vraag bij elk huisbezoek." in html
    for title in ("Les over vraag drie", "Les Concept", "Les Ingediend", "Les Ingetrokken",
                  "Les van applied", "Les van declined"):
        assert title not in html, title
    assert len(re.findall(r'<li class="lesson-list__item">', html)) == 1
    assert 'href="/bibliotheek/?vraag=2">1 les over dit vraagstuk in de bibliotheek</a>' in html


def test_framework_pages_show_the_newest_twenty_and_link_to_all(client, make):
    pilot = make.pilot()
    for day in range(1, 23):
        _lesson(make, pilot, f"Les nummer {day:02d}", date(2026, 1, day), directions=(6,),
                questions=(1,))

    for path, link in (("/kader/richting/6", "Alle 22 lessen over deze richting"),
                       ("/kader/vraag/1", "Alle 22 lessen over dit vraagstuk")):
        html = _page(client, path)
        assert len(re.findall(r'<li class="lesson-list__item">', html)) == 20
        assert "Les nummer 22" in html and "Les nummer 03" in html
        assert "Les nummer 02" not in html and "Les nummer 01" not in html
        assert "De 20 nieuwste van 22 lessen" in html
        assert link in html


def test_framework_pages_without_lessons_say_so(client, make):
    programme = make.programme()
    _hidden_lessons(make, programme, directions=(3,), questions=(3,))

    direction = _page(client, "/kader/richting/3")
    question = _page(client, "/kader/vraag/3")

    assert "Er zijn nog geen gepubliceerde lessen over deze richting." in direction
    assert "Er zijn nog geen gepubliceerde lessen over dit vraagstuk." in question
    assert "/bibliotheek/?" not in direction + question
    assert "lesson-list__item" not in direction + question


def _lesson_count(html: str, param: str, number: int) -> int:
    """Return the lesson count in the row of this question or direction (0: no link)."""
    href = f"/kader/{'richting' if param == 'richting' else 'vraag'}/{number}"
    row = re.search(rf'href="{href}">.*?</tr>', html, re.S)
    assert row, href
    match = re.search(
        rf'href="/bibliotheek/\?{param}={number}"><span aria-hidden="true">(\d+)</span>',
        row.group(0))
    if match is None:
        assert re.search(r"<td[^>]*>\s*0\s*</td>\s*</tr>", row.group(0)), row.group(0)
        return 0
    return int(match.group(1))


def test_index_counts_published_lessons_per_direction_and_question(client, make):
    programme = make.programme()
    pilot = make.pilot(programme, directions=(1,))
    _lesson(make, pilot, "Les een", directions=(1, 2), questions=(1,))
    _lesson(make, pilot, "Les twee", directions=(2,), questions=(1, 3))
    stopped = make.pilot(programme, status=PilotStatus.stopped)
    _lesson(make, stopped, "Les van een gestopte proeftuin", directions=(2,), questions=(3,))
    _hidden_lessons(make, programme, directions=(1, 2, 9), questions=(1, 2))

    html = _page(client, "/kader/")

    assert _lesson_count(html, "richting", 1) == 1
    assert _lesson_count(html, "richting", 2) == 3
    assert _lesson_count(html, "richting", 9) == 0
    assert _lesson_count(html, "vraag", 1) == 2
    assert _lesson_count(html, "vraag", 2) == 0
    assert _lesson_count(html, "vraag", 3) == 2
    assert "3 lessen over Betere samenwerking tussen beroepskrachten onderling" in html
    # The pilot counts stay beside them: three public pilots work on direction 1.
    assert _row_count(html, "/kader/richting/1") == 3


def test_framework_lesson_lists_do_not_grow_queries_with_lessons(client, make, count_queries):
    programme = make.programme()
    _lesson(make, make.pilot(programme), "Eerste les", directions=(1,), questions=(1,))
    paths = ("/kader/", "/kader/richting/1", "/kader/vraag/1")
    few = {}
    for path in paths:
        with count_queries() as n:
            _page(client, path)
        few[path] = n()
    for i in range(8):
        pilot = make.pilot(make.programme(), region="Zeeland", directions=(1, 2))
        _lesson(make, pilot, f"Les {i}", directions=(1, 2), questions=(1, 2))
        _lesson(make, pilot, f"Andere les {i}", directions=(1,), questions=(1,))
    for path in paths:
        with count_queries() as n:
            html = _page(client, path)
        assert "Les 7" in html or path == "/kader/", path
        assert n() == few[path], path
