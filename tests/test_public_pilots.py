"""The public pilot list and profiles: what they show, filter, and never show."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import (
    PUBLIC_STATUSES,
    OrganisationKind,
    PilotOrganisation,
    PilotStatus,
    PilotStatusChange,
)

HIDDEN_STATUSES = [PilotStatus.applied, PilotStatus.declined]



def _names(html: str) -> list[str]:
    """Return the pilot names of the result cards, in order."""
    return re.findall(r'<h3 class="utrecht-heading-3"><a class="utrecht-link" href="/proeftuinen/[^"]+">([^<]+)</a>', html)


def _list(client, query: str = "") -> str:
    response = client.get(f"/proeftuinen/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# The list ----------------------------------------------------------------------------------


def test_list_shows_only_public_pilots_with_their_details(client, make):
    programme = make.programme(name="In voor mantelzorg")
    for status in PilotStatus:
        make.pilot(programme, status=status, name=f"Proeftuin {status.value}",
                   region="Zeeland", directions=(3, 7))

    html = _list(client)

    assert sorted(_names(html)) == sorted(f"Proeftuin {s.value}" for s in PUBLIC_STATUSES)
    assert "Proeftuin applied" not in html
    assert "Proeftuin declined" not in html
    assert "4 proeftuinen gevonden" in html
    assert "Denkstad, Zeeland" in html
    assert "In voor mantelzorg" in html
    assert "Actief" in html and "Afgerond" in html and "Gestopt" in html
    assert 'href="/kader/richting/3"' in html and 'href="/kader/richting/7"' in html
    assert html.count('<h1 class="utrecht-heading-1"') == 1


def test_list_never_shows_contact_details(client, make):
    pilot = make.pilot(name="Proeftuin Open")

    html = _list(client)

    assert pilot.contact_email not in html
    assert pilot.contact_name not in html


def test_search_matches_name_or_municipality_ignoring_case(client, make):
    programme = make.programme()
    make.pilot(programme, name="Zorgzaam Oost", municipality="Aardstad")
    make.pilot(programme, name="Samen Thuis", municipality="Zorgdorp")
    make.pilot(programme, name="Ander Plan", municipality="Elders")
    make.pilot(programme, name="Zorgzaam Verborgen", status=PilotStatus.applied)

    assert sorted(_names(_list(client, "?q=zorg"))) == ["Samen Thuis", "Zorgzaam Oost"]
    assert _names(_list(client, "?q=AARDSTAD")) == ["Zorgzaam Oost"]
    # Wildcards are taken literally.
    assert _names(_list(client, "?q=%25")) == []
    assert _names(_list(client, "?q=_")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("regio={utrecht}", ["Een", "Twee"]),
        ("programma={programme_b}", ["Drie"]),
        ("richting=5", ["Twee", "Drie"]),
        ("vraag=2", ["Drie"]),
        ("doelgroep=dementia", ["Twee"]),
        ("status=completed", ["Drie"]),
        ("regio={utrecht}&richting=5", ["Twee"]),
        ("richting=5&status=active&doelgroep=dementia", ["Twee"]),
        ("regio={utrecht}&programma={programme_b}", []),
        ("q=twee&richting=1", ["Twee"]),
    ],
)
def test_filters_work_and_combine(client, make, query, expected):
    programme_a, programme_b = make.programme(), make.programme()
    make.pilot(programme_a, name="Een", region="Utrecht", directions=(1,), questions=(1,))
    twee = make.pilot(programme_a, name="Twee", region="Utrecht", directions=(1, 5))
    twee.target_groups.append(make.target_group("dementia"))
    db.session.commit()
    make.pilot(programme_b, name="Drie", region="Limburg", directions=(5,), questions=(2,),
               status=PilotStatus.completed)
    make.pilot(programme_b, name="Vier", region="Utrecht", directions=(5,), questions=(2,),
               status=PilotStatus.applied)
    values = {"utrecht": make.region("Utrecht").id, "programme_b": programme_b.slug}

    html = _list(client, "?" + query.format(**values))

    assert _names(html) == sorted(expected)


def test_filter_on_a_hidden_status_is_ignored(client, make):
    make.pilot(name="Zichtbaar")
    make.pilot(name="Aanmelding", status=PilotStatus.applied)
    make.pilot(name="Afgewezen", status=PilotStatus.declined)

    for status in ("applied", "declined"):
        html = _list(client, f"?status={status}")
        assert _names(html) == ["Zichtbaar"]
        assert "Uw selectie" not in html


@pytest.mark.parametrize(
    "query",
    [
        "regio=abc", "regio=99999999999999999999999", "regio=-1", "programma=bestaat-niet",
        "richting=11", "richting=x", "vraag=0", "vraag=99999999999", "doelgroep=%00",
        "status=onbekend", "q=%00", "q=" + "x" * 500, "pagina=abc", "pagina=-3",
        "pagina=99999999999999999999", "regio=1&regio=2", "q=%27%3B--", "q=<script>",
    ],
)
def test_invalid_filter_values_are_ignored(client, make, query):
    make.pilot(name="Altijd zichtbaar")

    response = client.get("/proeftuinen/?" + query)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html.split("<main", 1)[1]
    if query.startswith("q=") or query == "regio=1&regio=2":
        # A search text, or the first of two regions, is a valid filter that may match nothing.
        assert _names(html) in (["Altijd zichtbaar"], [])
    elif "pagina=999" not in query:
        assert _names(html) == ["Altijd zichtbaar"]


def test_unusable_filter_value_is_dropped_and_the_rest_kept(client, make):
    make.pilot(name="Een", directions=(1,))
    make.pilot(name="Twee", directions=(2,))

    html = _list(client, "?richting=2&regio=onzin")

    assert _names(html) == ["Twee"]


def test_current_selection_is_shown_with_links_to_clear_it(client, make):
    make.pilot(name="Een", region="Utrecht", directions=(4,))
    utrecht = make.region("Utrecht").id

    html = _list(client, f"?regio={utrecht}&richting=4&q=een")

    assert "Uw selectie" in html
    assert "Regio: Utrecht" in html
    assert "Oplossingsrichting: 4. Benutten van digitale hulpmiddelen" in html
    assert "Naam of gemeente: ‘een’" in html
    # Each "clear" link keeps the other filters.
    assert f'href="/proeftuinen/?regio={utrecht}&amp;richting=4"' in html
    assert 'href="/proeftuinen/?q=een&amp;richting=4"' in html
    assert "Alle filters wissen" in html
    # The form shows what is chosen.
    assert f'<option selected value="{utrecht}">Utrecht</option>' in html
    assert 'value="een"' in html


def test_no_results_suggests_removing_a_filter(client, make):
    make.pilot(name="Een", directions=(1,))

    html = _list(client, "?richting=9")

    assert "0 proeftuinen gevonden" in html
    assert "Verwijder een filter" in html


def test_list_is_paginated_and_pages_keep_the_filters(app, client, make):
    app.config["PILOTS_PER_PAGE"] = 2
    programme = make.programme()
    for name in ("A", "B", "C", "D", "E"):
        make.pilot(programme, name=f"Proeftuin {name}", directions=(6,))
    make.pilot(programme, name="Proeftuin Z", directions=(1,))

    first = _list(client, "?richting=6")
    third = _list(client, "?richting=6&pagina=3")
    beyond = _list(client, "?richting=6&pagina=9")

    assert _names(first) == ["Proeftuin A", "Proeftuin B"]
    assert "5 proeftuinen gevonden" in first
    assert 'href="/proeftuinen/?pagina=2&amp;richting=6"' in first
    assert _names(third) == ["Proeftuin E"]
    assert _names(beyond) == []
    assert "Deze pagina bestaat niet" in beyond


def test_list_queries_do_not_grow_with_the_number_of_pilots(client, make, count_queries):
    programme = make.programme()
    for _ in range(3):
        make.pilot(programme, directions=(1, 2, 3))
    with count_queries() as few:
        client.get("/proeftuinen/")
    for _ in range(12):
        make.pilot(make.programme(), region="Drenthe", directions=(4, 5))
    with count_queries() as many:
        html = _list(client)

    assert len(_names(html)) == 15
    assert few() > 0
    assert many() == few()


# The profile ---------------------------------------------------------------------------------


def test_profile_shows_the_public_profile(client, make):
    pilot = make.pilot(name="Samen Thuis Noord", region="Fryslân", directions=(2, 8),
                       questions=(1, 3))
    pilot.actions = "We houden **maandelijks** een casusbespreking."
    pilot.results = "Eerste [verslag](https://voorbeeld.example/verslag)."
    pilot.theme = "Thema <script>alert(1)</script>"
    pilot.directions[0].task = "Opgave *twee*"
    pilot.directions[0].desired_outcome = "Uitkomst twee"
    pilot.organisations.append(
        PilotOrganisation(name="Welzijn Noord", kind=OrganisationKind.welfare, position=1)
    )
    db.session.commit()

    response = client.get(f"/proeftuinen/{pilot.slug}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<h1 class="utrecht-heading-1"') == 1
    assert "Samen Thuis Noord" in html
    assert "Denkstad" in html and "Fryslân" in html
    assert "Gemeente (lokaal)" in html  # scale
    assert pilot.programme.name in html
    assert "Actief" in html
    assert "<strong>maandelijks</strong>" in html
    assert 'href="https://voorbeeld.example/verslag"' in html
    assert "<script>alert(1)</script>" not in html
    assert "Eerder signaleren van overbelasting." in html  # ambition
    assert "Opgave <em>twee</em>" in html and "Uitkomst twee" in html
    assert 'href="/kader/richting/2"' in html and 'href="/kader/richting/8"' in html
    assert 'href="/kader/vraag/3"' in html
    assert "Zorggroep Voorbeeld" in html and "Zorgorganisatie" in html
    assert "Welzijn Noord" in html and "Welzijnsorganisatie" in html
    assert "Huisarts" in html and "Wijkverpleegkundige" in html
    assert "Kwetsbare ouderen thuis" in html


def test_profile_never_shows_internal_details(client, make):
    pilot = make.pilot(status=PilotStatus.stopped)
    pilot.contact_phone = "06 1234 5678"
    pilot.status_changes.append(
        PilotStatusChange(from_status=PilotStatus.active, to_status=PilotStatus.stopped,
                          reason="Geheime reden van de stop")
    )
    db.session.commit()
    member = make.member(pilot, name="Lid Verborgen")

    html = client.get(f"/proeftuinen/{pilot.slug}").get_data(as_text=True)

    for secret in (pilot.contact_name, pilot.contact_email, "06 1234 5678",
                   "Geheime reden", member.name, member.email):
        assert secret not in html, secret


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_applied_and_declined_pilots_have_no_profile(client, make, status):
    pilot = make.pilot(status=status)

    assert client.get(f"/proeftuinen/{pilot.slug}").status_code == 404


@pytest.mark.parametrize("slug", ["bestaat-niet", "a%00b", "x" * 500, "%C3%A9%20%27"])
def test_unknown_slug_gives_not_found(client, slug):
    assert client.get(f"/proeftuinen/{slug}").status_code == 404



def test_profile_links_to_the_workspace_only_for_those_who_may_see_it(client, make, login):
    pilot = make.pilot()
    outsider = make.user()
    member = make.member(pilot)
    workspace = f'href="/werkplaats/{pilot.slug}/"'

    assert workspace not in client.get(f"/proeftuinen/{pilot.slug}").get_data(as_text=True)
    login(outsider)
    assert workspace not in client.get(f"/proeftuinen/{pilot.slug}").get_data(as_text=True)
    client.post("/logout")
    login(member)
    assert workspace in client.get(f"/proeftuinen/{pilot.slug}").get_data(as_text=True)


def test_profile_shows_english_labels(client, make):
    pilot = make.pilot(directions=(2,))

    client.post("/taal", data={"lang": "en", "next": "/"})
    html = client.get(f"/proeftuinen/{pilot.slug}").get_data(as_text=True)

    assert "Better collaboration among professionals" in html
    assert "General practitioner" in html
    assert "Municipality (local)" in html


def test_profile_queries_stay_few(client, make, count_queries):
    pilot = make.pilot(directions=(1, 2, 3, 4, 5), questions=(1, 2, 3))

    with count_queries() as n:
        assert client.get(f"/proeftuinen/{pilot.slug}").status_code == 200

    # One of them reads the library's version, under which the rendered page is then kept.
    assert n() <= 9


def test_database_state_is_untouched_by_browsing(client, make):
    pilot = make.pilot()
    before = pilot.updated_at

    client.get("/proeftuinen/")
    client.get(f"/proeftuinen/{pilot.slug}")

    db.session.expire_all()
    assert db.session.scalar(sa.select(type(pilot).updated_at)) == before


# Across every public page -------------------------------------------------------------------


#: every public page on which a pilot with directions 1 and 2 and question 1 appears
PAGES_WITH_PILOTS = ["/", "/proeftuinen/", "/proeftuinen/?richting=1&vraag=1",
                     "/kader/richting/1", "/kader/richting/2", "/kader/vraag/1"]


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_applied_or_declined_pilot_is_on_no_public_page(client, make, status):
    hidden = make.pilot(name="Verborgen Groep", directions=(1, 2), questions=(1,),
                        status=status)

    for path in [*PAGES_WITH_PILOTS, "/kader/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "Verborgen Groep" not in html, path
        assert hidden.slug not in html, path
    assert client.get(f"/proeftuinen/{hidden.slug}").status_code == 404
    assert _names(_list(client, "?q=verborgen")) == []


@pytest.mark.parametrize("status", PUBLIC_STATUSES)
def test_contact_details_appear_on_no_public_page(client, make, status):
    pilot = make.pilot(name="Zichtbare Groep", directions=(1, 2), questions=(1,),
                       status=status)
    pilot.contact_phone = "030 765 43 21"
    db.session.commit()

    for path in [*PAGES_WITH_PILOTS, f"/proeftuinen/{pilot.slug}"]:
        html = client.get(path).get_data(as_text=True)
        assert "Zichtbare Groep" in html, path
        for secret in (pilot.contact_name, pilot.contact_email, "030 765 43 21"):
            assert secret not in html, (path, secret)
