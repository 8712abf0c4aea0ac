"""The public framework pages: questions, directions and the public pilots working on them."""

from __future__ import annotations

import re

import pytest

from proeftuin.extensions import db
from proeftuin.models import PilotStatus


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
