"""The home page: what Proeftuin is, entry points, newest lessons, counts per direction."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from proeftuin.extensions import db
from proeftuin.lessons import services as lesson_services
from proeftuin.models import LessonStatus, PilotStatus


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_home_explains_and_offers_entry_points(client):
    html = _home(client)

    assert html.count('<h1 class="utrecht-heading-1"') == 1
    assert "Samen leren in de zorg thuis" in html
    assert "Hoe het werkt" in html
    for href in ('href="/proeftuinen/"', 'href="/kader/"', 'href="/aanmelden"'):
        assert href in html
    assert "Er zijn nog geen openbare proeftuinen." in html


def test_home_counts_public_pilots_per_direction(client, make):
    programme = make.programme()
    make.pilot(programme, directions=(3, 4), municipality="Aardstad")
    make.pilot(programme, directions=(3,), municipality="Beekdorp",
               status=PilotStatus.stopped)
    make.pilot(programme, directions=(3,), status=PilotStatus.applied)
    make.pilot(programme, directions=(3,), status=PilotStatus.declined)

    html = _home(client)

    assert "Nu 2 proeftuinen in 2 gemeenten." in html

    def count(number: int) -> int:
        match = re.search(
            rf'href="/kader/richting/{number}">[^<]*</a></th>\s*<td[^>]*>(\d+)</td>', html
        )
        return int(match.group(1))

    assert count(3) == 2
    assert count(4) == 1
    assert count(5) == 0


def test_home_shows_newest_public_pilots_only(client, make):
    programme = make.programme(name="Programma Thuis")
    make.pilot(programme, name="Proeftuin Oud")
    make.pilot(programme, name="Proeftuin Nieuw", region="Limburg", directions=(7,))
    hidden = make.pilot(programme, name="Proeftuin Aangemeld", status=PilotStatus.applied)
    make.pilot(programme, name="Proeftuin Afgewezen", status=PilotStatus.declined)

    html = _home(client)

    assert html.index("Proeftuin Nieuw") < html.index("Proeftuin Oud")
    assert "Denkstad, Limburg" in html and "Programma Thuis" in html
    assert 'href="/kader/richting/7"' in html
    assert "Proeftuin Aangemeld" not in html
    assert "Proeftuin Afgewezen" not in html
    assert hidden.contact_email not in html


def test_home_shows_english_direction_names(client):
    client.post("/taal", data={"lang": "en", "next": "/"})

    html = _home(client)

    assert "Better collaboration among professionals" in html
    assert "Betere samenwerking tussen beroepskrachten onderling" not in html


def test_home_queries_do_not_grow_with_pilots(client, make, count_queries):
    make.pilot()
    with count_queries() as few:
        _home(client)
    for _ in range(8):
        make.pilot(make.programme(), directions=(1, 2, 3))
    with count_queries() as many:
        _home(client)

    assert many() == few()


# The library on the home page -------------------------------------------------------------


def _lesson(make, pilot, title, published_on=None, **kwargs):
    """A lesson in the library (its pilot permitting), first published on `published_on`."""
    lesson = make.lesson(pilot, make.member(pilot), status=LessonStatus.published, title=title,
                         **kwargs)
    if published_on is not None:
        at = datetime.combine(published_on, time(12), tzinfo=UTC)
        lesson.first_published_at = lesson.public_revision.published_at = at
        db.session.commit()
    return lesson


def test_home_shows_the_five_newest_published_lessons(client, make):
    programme = make.programme()
    pilot = make.pilot(programme, name="Proeftuin Aardstad", municipality="Aardstad")
    lessons = [
        _lesson(make, pilot, f"Gepubliceerde les {n}", date(2026, 3, n),
                summary=f"Samenvatting van les {n}.")
        for n in range(1, 8)
    ]
    # Newer than all of them, but none is in the library.
    make.lesson(pilot, title="Les Concept")
    withdrawn = _lesson(make, pilot, "Les Ingetrokken")
    lesson_services.withdraw_lesson(withdrawn, make.facilitator(programme), "Niet juist.")
    db.session.commit()
    for status in (PilotStatus.applied, PilotStatus.declined):
        _lesson(make, make.pilot(programme, status=status), f"Les van {status.value}")
    # The public sees the published revision, not the edit waiting for review.
    lessons[6].title = "Titel van de werkversie"
    db.session.commit()

    html = _home(client)

    shown = [lesson.public_revision.title for lesson in reversed(lessons[2:])]
    positions = [html.index(title) for title in shown]
    assert positions == sorted(positions)
    assert "Gepubliceerde les 2" not in html and "Gepubliceerde les 1" not in html
    assert f'href="/bibliotheek/{lessons[6].id}-gepubliceerde-les-7"' in html
    assert "Proeftuin Aardstad · Aardstad" in html
    assert '<time datetime="2026-03-07">7 maart 2026</time>' in html
    assert "Samenvatting van les 7." in html
    for title in ("Les Concept", "Les Ingetrokken", "Les van applied", "Les van declined",
                  "Titel van de werkversie"):
        assert title not in html, title
    assert 'href="/bibliotheek/">Alle lessen in de bibliotheek</a>' in html
    assert pilot.contact_email not in html


def test_home_without_lessons_says_so(client, make):
    make.lesson(make.pilot(), title="Les Concept")

    html = _home(client)

    assert "Er zijn nog geen gepubliceerde lessen." in html
    assert "Les Concept" not in html


def test_home_counts_published_lessons_per_direction_with_links_to_the_library(client, make):
    programme = make.programme()
    pilot = make.pilot(programme)
    _lesson(make, pilot, "Les een", directions=(3, 4))
    _lesson(make, make.pilot(programme, status=PilotStatus.completed), "Les twee",
            directions=(3,))
    _lesson(make, make.pilot(programme, status=PilotStatus.applied), "Les drie",
            directions=(3, 5))
    make.lesson(pilot, title="Les vier", directions=(5,))

    html = _home(client)

    def lessons(number: int) -> str:
        row = re.search(rf'href="/kader/richting/{number}">.*?</tr>', html, re.S).group(0)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        return cells[1].strip()

    assert lessons(3).startswith('<a class="utrecht-link" href="/bibliotheek/?richting=3">'
                                 '<span aria-hidden="true">2</span>')
    assert 'href="/bibliotheek/?richting=4"><span aria-hidden="true">1</span>' in lessons(4)
    assert lessons(5) == "0"
    assert "Geleerde lessen" in html


def test_home_offers_a_labelled_search_of_the_library(client):
    html = _home(client)

    form = re.search(r'<form class="home-search"[^>]*>.*?</form>', html, re.S).group(0)
    assert 'method="get"' in form and 'action="/bibliotheek/"' in form
    assert 'role="search"' in form
    field = re.search(r'<input[^>]*name="q"[^>]*>', form).group(0)
    field_id = re.search(r'id="([^"]+)"', field).group(1)
    assert f'<label class="utrecht-form-label" for="{field_id}">' in form
    assert 'type="search"' in field


def test_home_queries_do_not_grow_with_lessons(client, make, count_queries):
    _lesson(make, make.pilot(), "Eerste les", directions=(1,))
    with count_queries() as few:
        _home(client)
    for i in range(8):
        pilot = make.pilot(make.programme(), directions=(1, 2))
        _lesson(make, pilot, f"Les {i}", directions=(1, 2, 3))

    with count_queries() as many:
        html = _home(client)

    assert "Les 7" in html
    assert many() == few()
