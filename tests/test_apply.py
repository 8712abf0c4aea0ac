"""The public application form: what it saves, and what it refuses."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.models import (
    OrganisationKind,
    Pilot,
    PilotScale,
    PilotStatus,
    PilotStatusChange,
    PrivacyConfirmation,
    Programme,
    utcnow,
)


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def application(make, programme=None, call=None, **overrides) -> dict:
    """Return a complete, valid application to an open call (of `programme`) as form data."""
    call = call or make.call(programme or make.programme(name="In voor mantelzorg"))
    data = {
        "name": "Samen Thuis Denkstad-Noord",
        "municipality": "Denkstad",
        "region_id": str(make.region("Gelderland").id),
        "scale": "neighbourhood",
        "call_id": str(call.id),
        "theme": "Samen **eerder** signaleren.",
        "ambition": "- minder crisisopnames\n- mantelzorgers in beeld",
        "organisations-0-name": "Zorggroep Verzonnen",
        "organisations-0-kind": "care",
        "organisations-1-name": "",
        "organisations-1-kind": "",
        "organisations-2-name": "Welzijn Denkstad",
        "organisations-2-kind": "welfare",
        "disciplines": [str(make.discipline("gp").id), str(make.discipline("volunteer").id)],
        "target_groups": [str(make.target_group("dementia").id)],
        "questions": ["1", "3"],
        "directions": ["2", "5", "9"],
        "planned_start": "2026-09-01",
        "planned_end": "2028-06-30",
        "contact_name": "Jet Verzonnen",
        "contact_email": "jet@voorbeeld.example",
        "contact_phone": "030 123 45 67",
        "consent": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _day_in(days: int) -> str:
    return format_date(local_today() + timedelta(days=days), "long", locale="nl")


def test_form_shows_every_field_with_choices_from_the_database(client, make):
    make.call(make.programme(name="Programma dat aanmeldt"), title="Ronde 2027",
              criteria=("Samenwerking met mantelzorgers", "Vier disciplines"))
    make.call(make.programme(name="Programma met een gesloten ronde"), closes_in=-1)
    make.call(make.programme(name="Programma met een komende ronde"), title="Ronde later",
              opens_in=1)
    closed = make.programme(name="Gesloten programma")
    make.call(closed)
    closed.accepts_applications = False
    db.session.commit()

    response = client.get("/aanmelden")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<h1 class="utrecht-heading-1"') == 1
    for name in ("name", "municipality", "region_id", "scale", "call_id", "theme",
                 "ambition", "organisations-5-name", "organisations-5-kind", "disciplines",
                 "target_groups", "questions", "directions", "planned_start", "planned_end",
                 "contact_name", "contact_email", "contact_phone", "consent"):
        assert f'name="{name}"' in html, name
    assert "organisations-6-name" not in html
    # Only the open call is offered, with its text and what it is judged on; the coming one
    # is announced; the closed ones are gone.
    choices = re.search(r'<select[^>]*name="call_id".*?</select>', html, re.S).group()
    assert re.findall(r"<option[^>]*>([^<]*)</option>", choices) == [
        "Kies een ronde",
        f"Programma dat aanmeldt: Ronde 2027 (aanmelden tot en met {_day_in(30)})"]
    assert "Een verzonnen oproep voor de tests." in html
    assert "Samenwerking met mantelzorgers" in html and "Vier disciplines" in html
    assert (f"Programma met een komende ronde: Ronde later, open van {_day_in(1)} tot en met "
            f"{_day_in(30)}") in html
    for other in ("gesloten ronde", "Gesloten programma"):
        assert other not in html
    assert '<optgroup label="Nederland">' in html
    assert "België" in html and "Oost-Vlaanderen" in html
    # Essential disciplines come first and are marked.
    assert html.index("Huisarts (essentieel)") < html.index("Casemanager")
    assert "Casemanager (essentieel)" not in html
    assert "Wijk" in html and "Regio" in html


def test_valid_application_saves_every_field(client, make):
    programme = make.programme(name="In voor mantelzorg")
    data = application(make, programme)

    response = client.post("/aanmelden", data=data)

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/aanmelden/bedankt")
    db.session.expire_all()
    pilot = db.session.scalars(sa.select(Pilot)).one()
    assert pilot.status is PilotStatus.applied
    assert pilot.slug == "samen-thuis-denkstad-noord"
    assert pilot.name == "Samen Thuis Denkstad-Noord"
    assert pilot.municipality == "Denkstad"
    assert pilot.region.name == "Gelderland"
    assert pilot.scale is PilotScale.neighbourhood
    assert pilot.programme_id == programme.id
    assert pilot.call.programme_id == programme.id
    assert pilot.theme == "Samen **eerder** signaleren."
    assert pilot.ambition == "- minder crisisopnames\n- mantelzorgers in beeld"
    assert [(o.name, o.kind, o.position) for o in pilot.organisations] == [
        ("Zorggroep Verzonnen", OrganisationKind.care, 0),
        ("Welzijn Denkstad", OrganisationKind.welfare, 1),
    ]
    assert [d.key for d in pilot.disciplines] == ["gp", "volunteer"]
    assert [t.key for t in pilot.target_groups] == ["dementia"]
    assert [q.number for q in pilot.questions] == [1, 3]
    assert [(d.direction_number, d.direction.number) for d in pilot.directions] == [
        (2, 2), (5, 5), (9, 9)
    ]
    assert all(d.task == "" and d.desired_outcome == "" for d in pilot.directions)
    assert pilot.planned_start == date(2026, 9, 1)
    assert pilot.planned_end == date(2028, 6, 30)
    assert pilot.contact_name == "Jet Verzonnen"
    assert pilot.contact_email == "jet@voorbeeld.example"
    assert pilot.contact_phone == "030 123 45 67"
    changes = db.session.scalars(sa.select(PilotStatusChange)).all()
    assert [(c.pilot_id, c.from_status, c.to_status, c.changed_by_id) for c in changes] == [
        (pilot.id, None, PilotStatus.applied, None)
    ]


def test_thank_you_page_explains_what_happens_next(client, make):
    response = client.post("/aanmelden", data=application(make), follow_redirects=True)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Bedankt voor uw aanmelding" in html
    assert "begeleider van het programma" in html


def test_same_name_gets_a_unique_slug(client, make):
    call = make.call()
    client.post("/aanmelden", data=application(make, call=call))
    client.post("/aanmelden", data=application(make, call=call))

    db.session.expire_all()
    slugs = sorted(db.session.scalars(sa.select(Pilot.slug)))
    assert slugs == ["samen-thuis-denkstad-noord", "samen-thuis-denkstad-noord-2"]


def test_optional_phone_may_be_left_empty(client, make):
    response = client.post("/aanmelden", data=application(make, contact_phone=""))

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalars(sa.select(Pilot.contact_phone)).one() == ""


def _assert_nothing_saved():
    assert _count(Pilot) == 0
    assert _count(PilotStatusChange) == 0


def test_invalid_application_keeps_everything_typed_and_saves_nothing(client, make):
    data = application(make, planned_end="2025-01-01", consent=None)

    response = client.post("/aanmelden", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Controleer het formulier" in html
    assert "Het geplande einde moet na de geplande start liggen." in html
    assert "Zonder deze toestemming" in html
    assert 'value="Samen Thuis Denkstad-Noord"' in html
    assert 'value="Zorggroep Verzonnen"' in html
    assert 'value="Welzijn Denkstad"' in html
    assert "Samen **eerder** signaleren." in html
    assert 'value="2026-09-01"' in html and 'value="2025-01-01"' in html
    assert 'value="jet@voorbeeld.example"' in html
    region = make.region("Gelderland")
    assert f'<option selected value="{region.id}">Gelderland</option>' in html
    assert 'checked class="utrecht-radio-button utrecht-radio-button--html-input" id="scale-0"' in html
    for name, value in (("questions", "3"), ("directions", "9"), ("directions", "5"),
                        ("disciplines", str(make.discipline("volunteer").id))):
        assert f'name="{name}" type="checkbox" value="{value}"' in html
        assert _checked(html, name, value), (name, value)
    assert not _checked(html, "questions", "2")
    # The organisation rows keep their kinds.
    assert '<option selected value="welfare">' in html
    _assert_nothing_saved()


def _checked(html: str, name: str, value: str) -> bool:
    marker = f'name="{name}" type="checkbox" value="{value}"'
    start = html.index(marker)
    tag_start = html.rindex("<input", 0, start)
    return " checked" in html[tag_start:start]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "   "}, "Vul de naam van de proeftuin in."),
        ({"municipality": ""}, "Vul de gemeente in."),
        ({"region_id": ""}, "Kies een regio."),
        ({"region_id": "99999"}, "Kies een regio uit de lijst."),
        ({"region_id": "abc"}, "Kies een regio uit de lijst."),
        ({"scale": None}, "Kies de schaal waarop de proeftuin werkt."),
        ({"scale": "planet"}, "Kies een van de genoemde schalen."),
        ({"call_id": ""}, "Kies een ronde."),
        ({"theme": ""}, "Vul dit veld in."),
        ({"questions": None}, "Kies ten minste één vraagstuk."),
        ({"directions": None}, "Kies ten minste één oplossingsrichting."),
        ({"directions": ["11"]}, "Kies oplossingsrichtingen uit de lijst."),
        ({"disciplines": ["x"]}, "Kies disciplines uit de lijst."),
        ({"planned_start": ""}, "Vul een datum in"),
        ({"planned_start": "31-02-2026"}, "Vul een geldige datum in"),
        ({"planned_end": "2302-01-01"}, "Kies een datum tussen 2000 en 2100."),
        ({"contact_email": "geen-adres"}, "Vul een geldig e-mailadres in"),
        ({"contact_phone": "bel me <script>"}, "Gebruik alleen cijfers"),
        ({"name": "x" * 161}, "Gebruik hoogstens 160 tekens."),
        ({"theme": "x" * 20_001}, "Gebruik hoogstens 20000 tekens."),
    ],
)
def test_invalid_field_is_reported_beside_it_and_nothing_is_saved(client, make, overrides,
                                                                  message):
    response = client.post("/aanmelden", data=application(make, **overrides))

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    _assert_nothing_saved()


@pytest.mark.parametrize("close", [
    lambda call: setattr(call, "closed_early_at", utcnow()),
    lambda call: setattr(call, "closes_on", local_today() - timedelta(days=1)),
    lambda call: setattr(call.programme, "accepts_applications", False),
])
def test_a_call_that_closed_meanwhile_takes_no_application(client, make, close):
    make.call(make.programme(name="Nog open programma"))
    call = make.call()
    data = application(make, call=call)
    close(call)
    db.session.commit()

    response = client.post("/aanmelden", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kies een open ronde uit de lijst." in html
    assert 'value="Samen Thuis Denkstad-Noord"' in html
    _assert_nothing_saved()


def test_the_last_day_of_a_call_is_a_day_to_apply(client, make):
    call = make.call(closes_in=0)

    response = client.post("/aanmelden", data=application(make, call=call))

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalars(sa.select(Pilot)).one().call.id == call.id


def test_without_an_open_call_the_form_says_when_the_next_one_opens(client, make):
    make.call(make.programme(name="Programma van later"), title="Ronde 2028", opens_in=20,
              closes_in=60)
    make.call(closes_in=-1)

    html = client.get("/aanmelden").get_data(as_text=True)

    assert "Op dit moment is er geen open ronde" in html
    opens = format_date(local_today() + timedelta(days=20), "long", locale="nl")
    assert f"Programma van later: Ronde 2028, open van {opens}" in html
    assert 'name="contact_email"' not in html


def test_without_any_call_coming_the_form_says_none_is_known(client, make):
    make.call(closes_in=-1)

    html = client.get("/aanmelden").get_data(as_text=True)

    assert "Er is nog geen volgende ronde bekend" in html
    assert 'name="contact_email"' not in html


def test_at_least_one_organisation_is_required(client, make):
    data = application(make)
    for i in range(3):
        data[f"organisations-{i}-name"] = ""
        data[f"organisations-{i}-kind"] = ""

    response = client.post("/aanmelden", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Beside the field, tied to it, and linked from the summary at the top.
    beside = re.search(r'<p class="[^"]*field-error" id="organisations-error">([^<]*)</p>', html)
    assert beside and "Noem ten minste één organisatie die meedoet." in beside.group(1)
    assert re.search(r'<fieldset [^>]*id="organisations" '
                     r'aria-describedby="organisations-hint organisations-error"', html)
    assert re.search(r'<a href="#organisations">[^<]*Noem ten minste één organisatie', html)
    assert html.count('name="organisations-') >= 12  # still six empty rows to fill in
    _assert_nothing_saved()


def test_half_filled_organisation_row_is_an_error_on_that_row(client, make):
    data = application(make)
    data["organisations-1-name"] = "Huisartsenpraktijk De Linde"  # no kind chosen
    data["organisations-2-name"] = ""  # kind but no name

    response = client.post("/aanmelden", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kies ook de soort van deze organisatie." in html
    assert "Vul ook de naam van deze organisatie in." in html
    assert 'href="#organisations-1-kind"' in html
    assert 'href="#organisations-2-name"' in html
    assert 'value="Huisartsenpraktijk De Linde"' in html
    _assert_nothing_saved()


def test_unknown_organisation_kind_is_refused(client, make):
    response = client.post("/aanmelden", data=application(make, **{"organisations-0-kind": "cult"}))

    assert response.status_code == 200
    assert "Kies een soort uit de lijst." in response.get_data(as_text=True)
    _assert_nothing_saved()


def test_extra_organisation_rows_beyond_the_maximum_are_ignored(client, make):
    data = application(make)
    for i in range(3, 40):
        data[f"organisations-{i}-name"] = f"Organisatie {i}"
        data[f"organisations-{i}-kind"] = "other"

    response = client.post("/aanmelden", data=data)

    assert response.status_code == 303
    db.session.expire_all()
    pilot = db.session.scalars(sa.select(Pilot)).one()
    assert len(pilot.organisations) == 19  # 20 rows accepted, one of them blank


@pytest.mark.parametrize(
    "junk",
    [
        {"name": "Naam\x00met nul", "theme": "\x00"},
        {"region_id": "99999999999999999999999"},
        {"call_id": "-1"},
        {"call_id": "99999999999999999999"},
        {"questions": ["1", "99999999999999999999"]},
        {"disciplines": ["1e9"]},
        {"planned_start": "9999-99-99"},
        {"consent": "\x00"},
        {"organisations-99999999999-name": "X", "organisations-99999999999-kind": "care",
         "organisations-0-name": "", "organisations-0-kind": "",
         "organisations-2-name": "", "organisations-2-kind": ""},
        {"name": "<script>alert(1)</script>", "scale": None},
        {"contact_email": "a@" + "b" * 300 + ".example"},
    ],
)
def test_malicious_values_never_give_an_error_page(client, make, junk):
    response = client.post("/aanmelden", data=application(make, **junk))

    assert response.status_code in (200, 303)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    if response.status_code == 303:
        db.session.expire_all()
        pilot = db.session.scalars(sa.select(Pilot)).one()
        assert "\x00" not in pilot.name + pilot.theme


def test_control_characters_are_removed_before_saving(client, make):
    response = client.post("/aanmelden", data=application(make, name="Naam\x00 met\x07 nul\n"))

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalars(sa.select(Pilot.name)).one() == "Naam met nul"


def test_oversized_request_is_refused_without_saving(client, make):
    response = client.post("/aanmelden", data=application(make, theme="x" * (3 * 1024 * 1024)))

    assert response.status_code == 413
    _assert_nothing_saved()


def test_applications_are_rate_limited(app, client, make):
    app.config["APPLY_RATE_LIMIT"] = "2 per minute"
    call = make.call()
    invalid = application(make, call=call, name="")

    assert client.post("/aanmelden", data=invalid).status_code == 200
    assert client.post("/aanmelden", data=invalid).status_code == 200
    response = client.post("/aanmelden", data=application(make, call=call))

    assert response.status_code == 429
    _assert_nothing_saved()
    # Reading the form is never limited.
    assert client.get("/aanmelden").status_code == 200


def test_the_applied_pilot_is_not_public(client, make):
    client.post("/aanmelden", data=application(make))

    assert "Samen Thuis Denkstad-Noord" not in client.get("/proeftuinen/").get_data(as_text=True)
    assert client.get("/proeftuinen/samen-thuis-denkstad-noord").status_code == 404
    assert _count(Programme) == 1


def test_each_message_stands_beside_its_field(client, make):
    data = application(make, name="", questions=None)
    data["organisations-2-name"] = ""

    html = client.post("/aanmelden", data=data).get_data(as_text=True)

    for field_id, message in (
        ("name", "Vul de naam van de proeftuin in."),
        ("questions", "Kies ten minste één vraagstuk."),
        ("organisations-2-name", "Vul ook de naam van deze organisatie in."),
    ):
        start = html.index(f'id="{field_id}-error"')
        assert message in html[start:start + 300], field_id
        assert f'href="#{field_id}"' in html  # and in the summary at the top


def test_form_carries_one_csrf_token_and_refuses_a_post_without_it(csrf_app, client, make):
    call = make.call()

    html = client.get("/aanmelden").get_data(as_text=True)
    response = client.post("/aanmelden", data=application(make, call=call))

    assert 'id="csrf_token" name="csrf_token"' in html
    assert "organisations-0-csrf_token" not in html
    assert response.status_code == 400
    _assert_nothing_saved()


def test_name_without_letters_still_gets_a_slug(client, make):
    response = client.post("/aanmelden", data=application(make, name="!!! ???"))

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalars(sa.select(Pilot.slug)).one() == "proeftuin"


def test_personal_data_in_the_free_texts_is_shown_and_can_be_confirmed_but_not_stored(
    client, make
):
    data = application(
        make, theme="Mantelzorger Truus Bakker bij Tesfay Ghebre Zorg vroeg om hulp.",
        **{"organisations-1-name": "Tesfay Ghebre Zorg", "organisations-1-kind": "care"},
    )
    response = client.post("/aanmelden", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="theme-finding-1"' in html and "Truus Bakker" in html
    # The contact's name is asked for, the pilot's own organisation may be named.
    assert "contact_name-finding" not in html and "<q>Tesfay" not in html
    _assert_nothing_saved()

    fingerprint = re.search(r'name="not_personal" value="([0-9a-f]{64})"', html).group(1)
    response = client.post("/aanmelden", data={**data, "not_personal": fingerprint})
    assert response.status_code == 303
    assert _count(Pilot) == 1
    assert _count(PrivacyConfirmation) == 0
