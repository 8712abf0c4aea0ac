"""The personal-data guard on what a pilot publishes: its profile, directions and organisations."""

from __future__ import annotations

import re

from proeftuin.models import RecordType
from tests.confirmations import confirmations, fingerprint_of
from tests.test_workspace import html_of, pilot_row, profile_form, snapshot, world

NAMED = "We begonnen bij mevrouw Bakker aan de Dorpsstraat."


def test_a_named_person_on_the_profile_stops_the_save_and_keeps_what_was_typed(
        client, make, login):
    w = world(make)
    login(w.coordinator)
    before = snapshot(w.pilot.id)
    response = client.post(f"/werkplaats/{w.slug}/profiel",
                           data=profile_form(results=NAMED, ambition="Bel 06-12345678."))
    html = html_of(response)
    assert response.status_code == 200
    assert 'id="results-finding-1"' in html and 'id="ambition-finding-1"' in html
    assert re.search(r'<textarea[^>]*name="results"[^>]*>\s*We begonnen bij mevrouw Bakker', html)
    assert 'value="Proeftuin Nieuwstad"' in html
    assert snapshot(w.pilot.id) == before


def test_a_confirmed_finding_on_the_profile_is_saved_and_not_asked_again(client, make, login):
    w = world(make)
    login(w.coordinator)
    print_ = fingerprint_of(client, NAMED)
    response = client.post(f"/werkplaats/{w.slug}/profiel",
                           data=profile_form(results=NAMED, not_personal=[print_]))
    assert response.status_code == 302
    assert pilot_row(w.pilot.id).results == NAMED
    assert confirmations() == [(RecordType.pilot, w.pilot.id, print_)]

    # The same text in a direction of the same pilot counts as confirmed too.
    response = client.post(f"/werkplaats/{w.slug}/kader/richting/2",
                           data={"task": NAMED, "desired_outcome": ""})
    assert response.status_code == 302
    response = client.post(f"/werkplaats/{w.slug}/profiel",
                           data=profile_form(results=NAMED, actions="Huisbezoeken."))
    assert response.status_code == 302
    assert len(confirmations()) == 1


def test_a_direction_is_guarded_before_it_is_saved(client, make, login):
    w = world(make)
    login(w.coordinator)
    before = snapshot(w.pilot.id)
    response = client.post(f"/werkplaats/{w.slug}/kader/richting/2",
                           data={"task": "Overleg plannen", "desired_outcome": NAMED})
    assert response.status_code == 200
    assert 'id="desired_outcome-finding-1"' in html_of(response)
    assert snapshot(w.pilot.id) == before


def test_an_organisation_named_after_a_person_is_asked_about_once(client, make, login):
    w = world(make)
    login(w.coordinator)
    name = "Huisartsenpraktijk dokter Jansen"
    response = client.post(f"/werkplaats/{w.slug}/organisaties",
                           data={"name": name, "kind": "general_practice"})
    assert response.status_code == 200
    assert 'id="name-finding-1"' in html_of(response)
    assert name not in [o.name for o in pilot_row(w.pilot.id).organisations]

    print_ = fingerprint_of(client, name)
    response = client.post(f"/werkplaats/{w.slug}/organisaties",
                           data={"name": name, "kind": "general_practice",
                                 "not_personal": [print_]})
    assert response.status_code == 302
    organisation = next(o for o in pilot_row(w.pilot.id).organisations if o.name == name)
    response = client.post(f"/werkplaats/{w.slug}/organisaties/{organisation.id}",
                           data={"name": name, "kind": "care"})
    assert response.status_code == 302
    assert confirmations() == [(RecordType.pilot, w.pilot.id, print_)]
