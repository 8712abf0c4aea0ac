"""The home page: what Proeftuin is, entry points, counts per direction, newest pilots."""

from __future__ import annotations

import re

from proeftuin.models import PilotStatus


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
