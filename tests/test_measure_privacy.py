"""The personal-data guard on a pilot's measures and the notes beside their values."""

from __future__ import annotations

import re

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import Measure, MeasureValue, PrivacyConfirmation, RecordType
from proeftuin.personal_data.detection import scan
from tests.confirmations import confirmations, fingerprint_of
from tests.test_measures import add_measure, html_of, last_months, world

NAMED = "Telling door meneer De Vries van het wijkteam"


def measure_form(**overrides) -> dict:
    data = {"name": "Mantelzorgers met een steunplan", "unit": "%", "goal": "60",
            "direction": "higher", "description": ""}
    data.update(overrides)
    return data


def test_a_named_person_in_a_new_measure_stops_it_and_keeps_what_was_typed(client, make, login):
    w = world(make)
    login(w.member)
    description = "Mevrouw Jansen (06-12345678) telt elke maand de steunplannen."
    response = client.post(f"/werkplaats/{w.slug}/metingen/nieuw",
                           data=measure_form(description=description))
    html = html_of(response)
    assert response.status_code == 200
    assert "Mogelijk persoonsgegevens" in html
    assert 'id="description-finding-1"' in html and 'id="description-finding-2"' in html
    assert re.search(r'<textarea[^>]*name="description"[^>]*>\s*Mevrouw Jansen \(06-12345678\)',
                     html)
    assert 'value="Mantelzorgers met een steunplan"' in html
    assert db.session.scalar(sa.select(sa.func.count(Measure.id))) == 0


def test_a_confirmed_name_is_saved_with_the_measure_and_not_asked_again(client, make, login):
    w = world(make)
    login(w.member)
    print_ = fingerprint_of(client, NAMED)
    response = client.post(f"/werkplaats/{w.slug}/metingen/nieuw",
                           data=measure_form(description=NAMED, not_personal=[print_]))
    assert response.status_code == 302
    measure = db.session.scalars(sa.select(Measure)).one()
    assert measure.description == NAMED
    assert confirmations() == [(RecordType.measure, measure.id, print_)]

    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/bewerken",
                           data=measure_form(description=NAMED, goal="70"))
    assert response.status_code == 302
    db.session.expire_all()
    assert measure.goal == 70
    assert len(confirmations()) == 1


def test_an_edited_measure_is_guarded_too(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/bewerken",
                           data=measure_form(name="Steunplannen van mevrouw Bakker"))
    assert response.status_code == 200
    assert 'id="name-finding-1"' in html_of(response)
    db.session.expire_all()
    assert measure.name == "Mantelzorgers met een steunplan"


def test_the_note_of_a_value_is_guarded_and_its_confirmation_kept_for_that_month(
        client, make, login):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    month = f"{last_months(1)[0]:%Y-%m}"
    url = f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde"

    response = client.post(url, data={"month": month, "value": "12", "note": NAMED})
    html = html_of(response)
    assert response.status_code == 200
    assert 'id="note-finding-1"' in html and f'value="{NAMED}"' in html
    assert db.session.scalar(sa.select(sa.func.count(MeasureValue.id))) == 0

    print_ = fingerprint_of(client, NAMED)
    response = client.post(url, data={"month": month, "value": "12", "note": NAMED,
                                      "not_personal": [print_]})
    assert response.status_code == 302
    row = db.session.scalars(sa.select(MeasureValue)).one()
    assert confirmations() == [(RecordType.measure_value, row.id, print_)]

    # Correcting that month keeps the confirmed note without asking again.
    response = client.post(url, data={"month": month, "value": "14", "note": NAMED})
    assert response.status_code == 302
    db.session.expire_all()
    assert row.value == 14


def test_deleting_a_measure_deletes_what_was_confirmed_for_it_and_its_values(
        client, make, login):
    w = world(make)
    login(w.member)
    print_ = fingerprint_of(client, NAMED)
    client.post(f"/werkplaats/{w.slug}/metingen/nieuw",
                data=measure_form(description=NAMED, not_personal=[print_]))
    measure = db.session.scalars(sa.select(Measure)).one()
    client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde",
                data={"month": f"{last_months(1)[0]:%Y-%m}", "value": "3", "note": NAMED,
                      "not_personal": [print_]})
    kept = add_measure(w.pilot, name="Dagen tot contact")
    db.session.add(PrivacyConfirmation(record_type=RecordType.measure, record_id=kept.id,
                                       fingerprint=print_, kind="named_person",
                                       confirmed_by_id=w.member.id))
    db.session.commit()
    assert len(confirmations()) == 3

    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/verwijderen")
    assert response.status_code == 302
    assert confirmations() == [(RecordType.measure, kept.id, print_)]


def test_a_number_that_looks_like_a_citizen_service_number_is_just_a_number(client, make,
                                                                            login):
    w = world(make)
    login(w.member)
    assert scan("123456782")  # an eleven-test-proof number, as a text it would be asked about
    response = client.post(f"/werkplaats/{w.slug}/metingen/nieuw",
                           data=measure_form(goal="123456782"))
    assert response.status_code == 302
    measure = db.session.scalars(sa.select(Measure)).one()
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde",
                           data={"month": f"{last_months(1)[0]:%Y-%m}", "value": "0612345678"})
    assert response.status_code == 302
    assert confirmations() == []
