"""The read-only JSON API: answers match its OpenAPI document, and only public data, ever."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate as validate_spec
from werkzeug.datastructures import MultiDict

from proeftuin import search
from proeftuin.extensions import db
from proeftuin.lessons import services
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.library.results import search as library_search
from proeftuin.models import (
    EvidenceBasis,
    LessonKind,
    LessonLevel,
    LessonReuse,
    LessonStatus,
    PilotStatus,
    ReuseVerdict,
)
from proeftuin.pilots import queries as pilot_queries
from proeftuin.pilots.forms import PilotFilterForm

API = "/api/v1"


# Helpers ------------------------------------------------------------------------------------


@pytest.fixture
def document(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


_specs: dict[str, OpenAPI] = {}


@pytest.fixture
def spec(document):
    """The served document as a validator; built once per distinct document (it is slow)."""
    text = json.dumps(document, sort_keys=True)
    if text not in _specs:
        _specs[text] = OpenAPI.from_dict(document)
    return _specs[text]


def checked(spec, response, status: int = 200, request_valid: bool = True) -> dict:
    """Validate an answer (and, unless it is meant to be refused, its request) against the
    OpenAPI document, and return its JSON."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    request = WerkzeugOpenAPIRequest(response.request)
    if request_valid:
        spec.validate_request(request)
    spec.validate_response(request, WerkzeugOpenAPIResponse(response))
    return response.get_json()


def get(client, spec, url: str, status: int = 200, **kwargs) -> dict:
    return checked(spec, client.get(url, **kwargs), status, request_valid=status != 400)


def ids(body: dict) -> list[int]:
    return [item["id"] for item in body["data"]]


def publish(make, pilot, title: str, *, year: int = 2026, month: int = 1, target_groups=(),
            **kwargs):
    """A published lesson whose revision carries the date, groups and index a real one has."""
    lesson = make.lesson(pilot, make.member(pilot), status=LessonStatus.published, title=title,
                         **kwargs)
    revision = lesson.public_revision
    revision.published_at = lesson.first_published_at = datetime(year, month, 1, 12, tzinfo=UTC)
    revision.target_groups = [make.target_group(key) for key in target_groups]
    search.index_lesson(lesson)
    db.session.commit()
    return lesson


@pytest.fixture
def shelf(make):
    """Five public lessons in two regions and programmes, and every kind that is not public."""
    north = make.pilot(programme=make.programme(name="Programma Noord"), region="Groningen",
                       name="Proeftuin Wadstad", municipality="Wadstad", directions=(1, 3))
    south = make.pilot(programme=make.programme(name="Programma Zuid"), region="Limburg",
                       name="Proeftuin Heuvelrijk", municipality="Heuvelrijk", directions=(5,),
                       questions=(2, 3))
    hidden = make.pilot(status=PilotStatus.applied, region="Limburg", name="Aangemelde groep")
    public = [
        publish(make, north, "Mantelzorgers krijgen een vast gesprek", year=2025, month=3,
                directions=(1, 3), questions=(1,), kind=LessonKind.success_factor,
                target_groups=("informal_carers",)),
        publish(make, north, "Respijtzorg vraagt planning", month=2, directions=(3,),
                questions=(2,), kind=LessonKind.barrier,
                body="De mantelzorger kiest zelf het moment."),
        publish(make, south, "Huisartsen en wijkteams overleggen", month=5, directions=(1,),
                questions=(1, 3), level=LessonLevel.national,
                target_groups=("dementia", "informal_carers")),
        publish(make, south, "Dagbesteding dichtbij huis", month=8, directions=(5,),
                questions=(3,), kind=LessonKind.precondition),
        publish(make, south, "Een vast aanspreekpunt werkt", month=9, directions=(2, 5),
                questions=(1,), evidence=EvidenceBasis.measured),
    ]
    db.session.add(LessonReuse(lesson=public[1], pilot=south, reported_by=make.member(south),
                               how="Wij plannen respijt vooraf.", outcome="Minder uitval."))
    db.session.commit()
    secret = {
        "draft": make.lesson(north, status=LessonStatus.draft, title="Geheim concept"),
        "submitted": make.lesson(north, status=LessonStatus.submitted, title="Geheim ingediend"),
        "returned": make.lesson(north, status=LessonStatus.returned, title="Geheim teruggestuurd"),
        "hidden pilot": publish(make, hidden, "Geheim van een aanmelding"),
        "withdrawn": publish(make, north, "Geheim ingetrokken"),
    }
    services.withdraw_lesson(secret["withdrawn"], make.admin(), "Verouderd.")
    db.session.commit()
    return {"public": public, "secret": secret, "north": north, "south": south,
            "hidden": hidden}


# The document -------------------------------------------------------------------------------


def test_the_document_is_valid_openapi_and_describes_every_route(app, document):
    validate_spec(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]
    documented = {re.sub(r"\{[^}]+\}", "{}", path) for path in document["paths"]}
    routed = {re.sub(r"<[^>]+>", "{}", rule.rule.removeprefix(API))
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routed == documented
    parameters = document["components"]["parameters"]
    assert parameters["soort"]["schema"]["enum"] == [k.value for k in LessonKind]
    assert parameters["niveau"]["schema"]["enum"] == [k.value for k in LessonLevel]
    assert parameters["volgorde"]["schema"]["enum"] == ["nieuwste", "hergebruik", "bewezen"]
    lesson_parameters = {p["$ref"].rsplit("/", 1)[1]
                         for p in document["paths"]["/lessons"]["get"]["parameters"]}
    assert {parameters[name]["name"] for name in lesson_parameters} == {
        "q", "richting", "vraag", "soort", "niveau", "regio", "programma", "doelgroep", "jaar",
        "hergebruikt", "bewezen", "volgorde", "pagina", "per_pagina", "lang"}


def test_the_index_points_to_every_collection(client, spec):
    body = get(client, spec, f"{API}/")
    assert body["links"]["openapi"] == "http://localhost/api/v1/openapi.json"
    assert set(body["links"]) == {"lessons", "pilots", "framework", "openapi"}


# Lessons ------------------------------------------------------------------------------------


def test_a_lesson_is_its_public_revision_in_full(client, spec, make, shelf):
    lesson = shelf["public"][2]
    services.update_lesson(lesson, services.LessonContent(
        title="Huisartsen en wijkteams overleggen", kind="barrier", level="national",
        evidence="evaluated", summary="Halfaf concept.", body="Nog niet beoordeeld."),
        by=lesson.created_by)
    db.session.commit()
    body = get(client, spec, f"{API}/lessons/{lesson.id}")
    item = body["data"]
    assert item["title"] == "Huisartsen en wijkteams overleggen"
    assert item["summary"] == "Vraag de mantelzorger wat die zelf nodig heeft."
    assert item["body"] == "Een vast aanspreekpunt voorkomt dubbel werk."
    assert "Halfaf" not in json.dumps(body) and "Nog niet beoordeeld" not in json.dumps(body)
    assert (item["kind"], item["level"], item["evidence"]) == (
        "success_factor", "national", "several_cases")
    assert [d["number"] for d in item["directions"]] == [1]
    assert item["questions"] == [
        {"number": 1, "name": "Hoe zorg ik voor mijn naaste samen met beroepskrachten?"},
        {"number": 3, "name": "Hoe geef ik op een goede manier zorg en ondersteuning aan mijn naaste?"},
    ]
    assert [t["key"] for t in item["target_groups"]] == ["dementia", "informal_carers"]
    pilot = shelf["south"]
    assert item["pilot"] == {
        "slug": pilot.slug, "name": "Proeftuin Heuvelrijk", "municipality": "Heuvelrijk",
        "region": {"id": pilot.region.id, "name": "Limburg"},
        "programme": {"slug": pilot.programme.slug, "name": "Programma Zuid"},
        "url": f"http://localhost/proeftuinen/{pilot.slug}",
        "api_url": f"http://localhost/api/v1/pilots/{pilot.slug}",
    }
    assert item["version"] == 1
    assert item["first_published_at"] == item["updated_at"] == "2026-05-01T12:00:00Z"
    assert item["url"] == f"http://localhost/bibliotheek/{lesson.id}-huisartsen-en-wijkteams-overleggen"
    assert item["licence"] == {"id": "CC-BY-4.0",
                               "url": "https://creativecommons.org/licenses/by/4.0/deed.nl"}
    assert item["source_case_count"] == 0 and item["reuse_count"] == 0
    # The detail and the list tell the same.
    listed = get(client, spec, f"{API}/lessons?per_pagina=100")
    assert next(i for i in listed["data"] if i["id"] == lesson.id) == item


def test_a_lesson_counts_its_sources_and_reuse_but_never_shows_a_case(client, spec, make):
    pilot = make.pilot()
    case = make.case(pilot, title="Casus mevrouw J. met dochter",
                     situation="Vertrouwelijke situatie van de casus.")
    member = make.member(pilot)
    lesson = make.lesson(pilot, member, title="Les uit een casus", source_cases=[case])
    services.submit_lesson(lesson, member)
    services.publish_lesson(lesson, make.facilitator(pilot.programme))
    other = make.pilot()
    db.session.add(LessonReuse(lesson=lesson, pilot=other, reported_by=make.member(other),
                               how="Overgenomen.", outcome="Werkt.",
                               verdict=ReuseVerdict.adapted))
    db.session.commit()
    body = get(client, spec, f"{API}/lessons/{lesson.id}")
    assert body["data"]["source_case_count"] == 1
    assert body["data"]["reuse_count"] == 1
    assert body["data"]["reuse_outcome"] == {"pilots": 1, "adopted": 0, "adapted": 1,
                                             "dropped": 0, "proven_elsewhere": True}
    assert ids(get(client, spec, f"{API}/lessons?bewezen=1")) == [lesson.id]
    assert ids(get(client, spec, f"{API}/lessons?bewezen=0")) == [lesson.id]
    text = json.dumps(body)
    assert "Casus mevrouw J." not in text and "Vertrouwelijke situatie" not in text


def test_only_published_lessons_of_public_pilots_are_ever_served(client, spec, shelf):
    listed = get(client, spec, f"{API}/lessons?per_pagina=100")
    assert sorted(ids(listed)) == sorted(lesson.id for lesson in shelf["public"])
    assert listed["meta"]["total"] == 5
    everything = json.dumps(listed)
    for name, lesson in shelf["secret"].items():
        assert lesson.id not in ids(listed), name
        body = get(client, spec, f"{API}/lessons/{lesson.id}", status=404)
        assert body["error"]["status"] == 404
        assert "Geheim" not in json.dumps(body)
    assert "Geheim" not in everything
    for slug in (shelf["north"].slug, shelf["south"].slug):
        assert "Geheim" not in json.dumps(get(client, spec, f"{API}/pilots/{slug}"))
    assert "Geheim" not in json.dumps(get(client, spec, f"{API}/pilots?per_pagina=100"))


def test_unknown_and_huge_ids_are_not_found(client, spec):
    get(client, spec, f"{API}/lessons/12345", status=404)
    response = client.get(f"{API}/lessons/{2**40}")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
    assert client.get(f"{API}/lessons/abc").status_code == 404


LIBRARY_SELECTIONS = [
    "",
    "q=mantelzorger",
    "q=mantelzorgers&volgorde=nieuwste",
    "richting=1",
    "richting=3&regio={groningen}",
    "vraag=3",
    "soort=success_factor",
    "niveau=national",
    "regio={limburg}",
    "programma={zuid}",
    "doelgroep=informal_carers",
    "jaar=2025",
    "jaar=2026&richting=5",
    "hergebruikt=1",
    "hergebruikt=true&q=planning",
    "hergebruikt=0",
    "volgorde=hergebruik",
    "q=vast&richting=1&vraag=1",
]


@pytest.mark.parametrize("query", LIBRARY_SELECTIONS)
def test_filters_select_the_lessons_the_library_selects(app, client, spec, shelf, query):
    query = query.format(groningen=shelf["north"].region_id, limburg=shelf["south"].region_id,
                         zuid=shelf["south"].programme.slug)
    body = get(client, spec, f"{API}/lessons?{query}&per_pagina=100")
    args = MultiDict([tuple(part.split("=", 1)) for part in query.split("&") if part])
    if args.get("hergebruikt") == "0":
        del args["hergebruikt"]  # the API reads "0" as "no filter"; the checkbox sends nothing
    with app.test_request_context():
        selection = LibraryFilterForm(args).selection()
        expected = [lesson.id for lesson in
                    library_search(selection, 1, 100).lessons]
    assert ids(body) == expected
    assert body["meta"]["total"] == len(expected)


def test_filters_actually_narrow_the_selection(client, spec, shelf):
    # So the comparison above cannot pass on an API that ignores its filters.
    everything = ids(get(client, spec, f"{API}/lessons"))
    south = ids(get(client, spec, f"{API}/lessons?programma={shelf['south'].programme.slug}"))
    found = ids(get(client, spec, f"{API}/lessons?q=huisartsen"))
    assert len(everything) == 5 and len(south) == 3 and set(south) < set(everything)
    assert found == [shelf["public"][2].id]
    assert ids(get(client, spec, f"{API}/lessons?hergebruikt=1")) == [shelf["public"][1].id]
    assert ids(get(client, spec, f"{API}/lessons?hergebruikt=0")) == everything


def test_pages_link_to_each_other_and_keep_the_selection(client, spec, shelf):
    url = f"{API}/lessons?richting=1&per_pagina=1&lang=nl"
    first = get(client, spec, url)
    assert first["meta"] == {"page": 1, "per_page": 1, "total": 2, "pages": 2}
    links = first["links"]
    assert links["prev"] is None
    assert links["self"] == links["first"]
    for link in (links["self"], links["next"], links["last"]):
        assert link.startswith("http://localhost/api/v1/lessons?")
        assert "richting=1" in link and "per_pagina=1" in link and "lang=nl" in link
    second = get(client, spec, links["next"].removeprefix("http://localhost"))
    assert second["links"]["next"] is None
    assert second["links"]["self"] == links["last"]
    assert second["links"]["prev"] == links["first"]
    assert ids(first) + ids(second) == ids(get(client, spec, f"{API}/lessons?richting=1"))
    beyond = get(client, spec, f"{API}/lessons?richting=1&per_pagina=1&pagina=7&lang=nl")
    assert beyond["data"] == [] and beyond["links"]["next"] is None
    assert beyond["links"]["prev"] == links["last"]


def test_the_page_size_defaults_to_20_and_stays_within_1_to_100(client, spec, shelf):
    assert get(client, spec, f"{API}/lessons")["meta"]["per_page"] == 20
    assert len(get(client, spec, f"{API}/lessons?per_pagina=1")["data"]) == 1
    assert get(client, spec, f"{API}/lessons?per_pagina=100")["meta"]["per_page"] == 100
    for value in ("0", "101", "-1", "abc", "1.5", "²", "1e2", "99999999999999999999"):
        body = get(client, spec, f"{API}/lessons?per_pagina={value}", status=400)
        assert body["error"]["parameters"] == ["per_pagina"], value
    for value in ("0", "-3", "10001", "x"):
        body = get(client, spec, f"{API}/pilots?pagina={value}", status=400)
        assert body["error"]["parameters"] == ["pagina"], value


@pytest.mark.parametrize(("query", "names"), [
    ("richting=99", ["richting"]),
    ("vraag=0", ["vraag"]),
    ("soort=onzin&niveau=heel-hoog", ["niveau", "soort"]),
    ("regio=abc", ["regio"]),
    ("regio=0", ["regio"]),
    ("programma=Bestaat%20Niet", ["programma"]),
    ("doelgroep=katten!", ["doelgroep"]),
    # An empty value is no value of the list: the document's patterns refuse it too.
    ("programma=&doelgroep=&richting=", ["doelgroep", "programma", "richting"]),
    ("jaar=1800", ["jaar"]),
    ("jaar=twintig", ["jaar"]),
    ("volgorde=willekeurig", ["volgorde"]),
    ("hergebruikt=misschien", ["hergebruikt"]),
    ("lang=de", ["lang"]),
    ("richting=1&soort=onzin&pagina=0&lang=fr", ["lang", "pagina", "soort"]),
])
def test_bad_lesson_parameters_are_refused_by_name(client, spec, query, names):
    body = get(client, spec, f"{API}/lessons?{query}", status=400)
    assert body["error"]["status"] == 400
    assert body["error"]["parameters"] == names
    for name in names:
        assert name in body["error"]["message"]


@pytest.mark.parametrize("query", ["regio=99999", "programma=bestaat-niet", "doelgroep=katten",
                                   "programma=0&doelgroep=0"])
def test_a_well_formed_name_of_nothing_selects_nothing(client, spec, shelf, query):
    # The document promises any slug, key or id of the right form; one that names no
    # programme, target group or region (yet) is a filter nothing passes, not a mistake.
    for collection in ("lessons", "pilots"):
        body = get(client, spec, f"{API}/{collection}?{query}", status=200)
        assert body["data"] == [] and body["meta"]["total"] == 0, (collection, query)


@pytest.mark.parametrize("q", [
    '"', '"mantelzorg', "AND OR NOT", "mantel*", "***", "-", "NEAR(a b)", "a:b", "^&|!",
    "'; DROP TABLE lesson; --", "\x00", "%00", "ü" * 3, "mantelzorger " * 400, "(" * 300, "¿?",
])
def test_a_malformed_query_never_fails(client, spec, shelf, q):
    response = client.get(f"{API}/lessons", query_string={"q": q})
    checked(spec, response)


def test_english_names_on_request_never_from_the_session(client, spec, make, shelf, login):
    lesson = shelf["public"][3]
    url = f"{API}/lessons/{lesson.id}"
    dutch = get(client, spec, url)["data"]["questions"][0]["name"]
    english = client.get(url + "?lang=en")
    assert english.headers["Content-Language"] == "en"
    assert get(client, spec, url + "?lang=en")["data"]["questions"][0]["name"] == (
        "How do I give good care and support to my loved one?")
    by_header = client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert by_header.get_json()["data"]["questions"][0]["name"].startswith("How do I")
    assert "Accept-Language" in by_header.headers["Vary"]
    # A visitor who chose English on the site still gets the API's default without asking.
    client.post("/taal", data={"lang": "en"})
    response = client.get(url)
    assert response.headers["Content-Language"] == "nl"
    assert response.get_json()["data"]["questions"][0]["name"] == dutch


# Pilots -------------------------------------------------------------------------------------


def test_the_pilot_list_serves_public_pilots_only(client, spec, make):
    programme = make.programme(name="In voor mantelzorg")
    for status in PilotStatus:
        make.pilot(programme, status=status, name=f"Proeftuin {status.value}", region="Zeeland",
                   directions=(3, 7))
    body = get(client, spec, f"{API}/pilots")
    assert sorted(p["name"] for p in body["data"]) == [
        "Proeftuin active", "Proeftuin completed", "Proeftuin selected", "Proeftuin stopped"]
    item = body["data"][0]
    assert item["region"]["name"] == "Zeeland"
    assert item["programme"]["name"] == "In voor mantelzorg"
    assert [d["number"] for d in item["directions"]] == [3, 7]
    assert item["url"] == f"http://localhost/proeftuinen/{item['slug']}"


@pytest.mark.parametrize("query", [
    "", "q=wad", "q=Heuvelrijk", "regio={limburg}", "programma={zuid}", "richting=5",
    "vraag=2", "doelgroep=frail_elderly", "status=active", "status=completed",
    "richting=1&regio={groningen}",
])
def test_pilot_filters_select_what_the_pilot_list_selects(app, client, spec, shelf, make,
                                                           query):
    make.pilot(status=PilotStatus.completed, name="Afgeronde proeftuin", region="Limburg")
    query = query.format(groningen=shelf["north"].region_id, limburg=shelf["south"].region_id,
                         zuid=shelf["south"].programme.slug)
    body = get(client, spec, f"{API}/pilots?{query}&per_pagina=100")
    args = MultiDict([tuple(part.split("=", 1)) for part in query.split("&") if part])
    with app.test_request_context():
        selection = PilotFilterForm(args).selection()
        expected = [p.slug for p in pilot_queries.public_pilots(selection, 1, 100).items]
    assert [p["slug"] for p in body["data"]] == expected
    assert "Aangemelde groep" not in json.dumps(body)


@pytest.mark.parametrize(("query", "names"), [
    ("status=applied", ["status"]),
    ("status=declined&regio=x", ["regio", "status"]),
    ("q=" + "x" * 101, ["q"]),
    ("richting=11", ["richting"]),
    ("per_pagina=500", ["per_pagina"]),
])
def test_bad_pilot_parameters_are_refused_by_name(client, spec, query, names):
    body = get(client, spec, f"{API}/pilots?{query}", status=400)
    assert body["error"]["parameters"] == names


def test_a_pilot_profile_lists_its_published_lessons(client, spec, shelf):
    pilot = shelf["north"]
    body = get(client, spec, f"{API}/pilots/{pilot.slug}")
    item = body["data"]
    assert item["name"] == "Proeftuin Wadstad" and item["status"] == "active"
    assert item["theme"] == "Samenwerking rond de mantelzorger."
    assert item["organisations"] == [{"name": "Zorggroep Voorbeeld", "kind": "care"}]
    assert [d["key"] for d in item["disciplines"]] == ["gp", "district_nurse"]
    assert [d["number"] for d in item["directions"]] == [1, 3]
    assert {"task", "desired_outcome"} <= set(item["directions"][0])
    first, second = shelf["public"][:2]
    assert item["lessons"] == [
        {"id": second.id, "title": "Respijtzorg vraagt planning",
         "url": f"http://localhost/bibliotheek/{second.id}-respijtzorg-vraagt-planning",
         "api_url": f"http://localhost/api/v1/lessons/{second.id}"},
        {"id": first.id, "title": "Mantelzorgers krijgen een vast gesprek",
         "url": f"http://localhost/bibliotheek/{first.id}-mantelzorgers-krijgen-een-vast-gesprek",
         "api_url": f"http://localhost/api/v1/lessons/{first.id}"},
    ]


def test_a_pilot_without_public_profile_is_not_found(client, spec, make):
    for status in (PilotStatus.applied, PilotStatus.declined):
        pilot = make.pilot(status=status)
        get(client, spec, f"{API}/pilots/{pilot.slug}", status=404)
    get(client, spec, f"{API}/pilots/bestaat-niet", status=404)
    assert client.get(f"{API}/pilots/Hoofd_Letters").status_code == 404


def test_no_contact_field_of_a_pilot_is_in_any_answer(client, spec, make, shelf):
    for pilot in (shelf["north"], shelf["south"], shelf["hidden"]):
        pilot.contact_name = f"Geheime Contactpersoon {pilot.id}"
        pilot.contact_email = f"geheim{pilot.id}@voorbeeld.example"
        pilot.contact_phone = "06-12345678"
    db.session.commit()
    urls = [f"{API}/", f"{API}/lessons?per_pagina=100", f"{API}/pilots?per_pagina=100",
            f"{API}/pilots/{shelf['north'].slug}", f"{API}/pilots/{shelf['south'].slug}",
            f"{API}/framework", f"{API}/openapi.json"]
    urls += [f"{API}/lessons/{lesson.id}" for lesson in shelf["public"]]
    for url in urls:
        text = client.get(url).get_data(as_text=True)
        assert "Geheime Contactpersoon" not in text and "@voorbeeld.example" not in text, url
        assert "06-12345678" not in text, url
        assert not any("contact" in key for key in keys_of(json.loads(text))), url


def keys_of(value) -> set[str]:
    """Return every key of every object in a JSON value, however deep."""
    if isinstance(value, dict):
        return set(value).union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value))
    return set()


def test_a_signed_in_facilitator_gets_what_a_visitor_gets(app, client, spec, make, shelf,
                                                          login):
    draft = shelf["secret"]["draft"]
    urls = [f"{API}/lessons?per_pagina=100", f"{API}/lessons/{shelf['public'][0].id}",
            f"{API}/pilots", f"{API}/pilots/{shelf['north'].slug}", f"{API}/framework",
            f"{API}/lessons?q=geheim"]
    visitor = {url: client.get(url) for url in urls}
    for response in visitor.values():
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert "Set-Cookie" not in response.headers
    facilitator = make.facilitator(shelf["north"].programme, shelf["hidden"].programme)
    login(facilitator)
    for url in urls:
        response = client.get(url)
        assert response.get_json() == visitor[url].get_json(), url
        # What a signed-in person gets stays out of shared caches, as on every page.
        assert response.headers["Cache-Control"] == "no-store"
    get(client, spec, f"{API}/lessons/{draft.id}", status=404)
    get(client, spec, f"{API}/pilots/{shelf['hidden'].slug}", status=404)


# The framework ------------------------------------------------------------------------------


def test_the_framework_in_both_languages(client, spec, make):
    programme = make.programme(name="Programma Oost")
    body = get(client, spec, f"{API}/framework")["data"]
    assert [q["number"] for q in body["questions"]] == [1, 2, 3]
    assert [d["number"] for d in body["directions"]] == list(range(1, 11))
    assert body["directions"][0]["name"] == "Betere samenwerking tussen mantelzorgers en beroepskrachten"
    assert [k["key"] for k in body["lesson_kinds"]] == [k.value for k in LessonKind]
    assert [k["key"] for k in body["lesson_levels"]] == [k.value for k in LessonLevel]
    assert [k["key"] for k in body["evidence_bases"]] == [k.value for k in EvidenceBasis]
    assert {"Groningen", "Brussel"} <= {r["name"] for r in body["regions"]}
    assert body["programmes"] == [{"slug": programme.slug, "name": "Programma Oost"}]
    assert [s["key"] for s in body["pilot_statuses"]] == ["selected", "active", "completed",
                                                          "stopped"]
    english = get(client, spec, f"{API}/framework?lang=en")["data"]
    assert english["directions"][0]["name"] == "Better collaboration between informal carers and professionals"
    assert english["lesson_kinds"][0]["name"] == "Success factor"


# HTTP: methods, errors, CORS, caching, limits -----------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_than_get_are_not_allowed(client, method):
    for kwargs in ({}, {"json": {"title": "x"}}, {"data": {"title": "x"}}):
        response = client.open(f"{API}/lessons", method=method, **kwargs)
        assert response.status_code == 405
        assert response.get_json()["error"]["status"] == 405
        assert "GET" in response.headers["Allow"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_an_unknown_address_is_a_json_404(client, document):
    from jsonschema import Draft202012Validator

    response = client.get(f"{API}/onbekend", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "application/json"
    schema = {**document["components"]["schemas"]["Error"],
              "$defs": document["components"]["schemas"]}
    Draft202012Validator(schema).validate(response.get_json())


def test_cors_is_open_for_get_and_preflight(client, spec, shelf):
    origin = {"Origin": "https://gemeente.example"}
    for url, status in ((f"{API}/lessons", 200), (f"{API}/lessons/99999", 404),
                        (f"{API}/lessons?soort=x", 400), (f"{API}/onbekend", 404)):
        response = client.get(url, headers=origin)
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options(f"{API}/lessons", headers={
        **origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "accept-language"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Accept-Language" in preflight.headers["Access-Control-Allow-Headers"]
    # Other pages stay closed to scripts on other sites.
    assert "Access-Control-Allow-Origin" not in client.get("/bibliotheek/").headers


def test_clients_are_rate_limited_with_a_json_answer(app, client):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get(f"{API}/framework").status_code == 200
    response = client.get(f"{API}/framework")
    assert response.status_code == 429
    assert response.get_json()["error"]["status"] == 429
    assert response.headers["Access-Control-Allow-Origin"] == "*"


# Queries ------------------------------------------------------------------------------------


def test_the_lesson_list_makes_the_same_number_of_queries_for_more_lessons(
        client, make, count_queries):
    pilot = make.pilot()
    publish(make, pilot, "Eerste les", target_groups=("dementia",))
    db.session.expire_all()
    with count_queries() as few:
        assert len(client.get(f"{API}/lessons").get_json()["data"]) == 1
    for n in range(8):
        other = make.pilot(programme=make.programme(), region="Zeeland")
        publish(make, other, f"Extra les {n}", directions=(1, 2, 3), questions=(1, 2),
                target_groups=("dementia", "palliative"))
    db.session.expire_all()
    with count_queries() as many:
        assert len(client.get(f"{API}/lessons").get_json()["data"]) == 9
    assert many() == few()


def test_the_pilot_list_and_profile_make_the_same_number_of_queries_for_more(
        client, make, count_queries):
    pilot = make.pilot(directions=(1,))
    db.session.expire_all()
    with count_queries() as few_list:
        assert len(client.get(f"{API}/pilots").get_json()["data"]) == 1
    with count_queries() as few_profile:
        assert client.get(f"{API}/pilots/{pilot.slug}").status_code == 200
    for n in range(6):
        make.pilot(programme=make.programme(), directions=(1, 2, 3), name=f"Extra {n}")
        publish(make, pilot, f"Les {n}")
    db.session.expire_all()
    with count_queries() as many_list:
        assert len(client.get(f"{API}/pilots").get_json()["data"]) == 7
    with count_queries() as many_profile:
        assert len(client.get(f"{API}/pilots/{pilot.slug}").get_json()["data"]["lessons"]) == 6
    assert many_list() == few_list()
    assert many_profile() == few_profile()
