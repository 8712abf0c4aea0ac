"""The OpenAPI 3.1 document of the API, built from the same enums and limits the code uses.

Every object schema forbids properties it does not list, so the tests that validate real
answers against this document also catch a field that should not be there.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from proeftuin import reference
from proeftuin.api.forms import (
    DEFAULT_PER_PAGE,
    KEY_PATTERN,
    MAX_PAGE,
    MAX_PER_PAGE,
    REUSED_VALUES,
    SLUG_PATTERN,
)
from proeftuin.forms import EARLIEST_YEAR, LATEST_YEAR
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.models import (
    PUBLIC_STATUSES,
    EvidenceBasis,
    LessonKind,
    LessonLevel,
    OrganisationKind,
    PilotScale,
)
from proeftuin.models.base import MAX_ID
from proeftuin.pilots.forms import PilotFilterForm
from proeftuin.search.text import MAX_QUERY_LENGTH

VERSION = "1.0.0"

DESCRIPTION = """\
Read-only access to the public part of Proeftuin: the lessons that facilitators published in
the library, the public profiles of pilots, and the framework (carer questions, solution
directions and the other reference values the filters take). Nothing else is ever served:
no drafts, no case discussions, no contact details; a signed-in session changes nothing.

**Filters** are those of the library page (`/bibliotheek/`) and the pilot list
(`/proeftuinen/`), with the same Dutch parameter names. Filters combine with AND. A value that
cannot be used is answered with `400` and the names of the offending parameters in
`error.parameters`; parameters the API does not know are ignored.

**Language**: names of reference values (directions, questions, kinds, regions…) and error
messages are Dutch by default. `lang=en` asks for English; without `lang`, the
`Accept-Language` header decides. Texts written by pilots are served as written. The answer
says its language in `Content-Language`.

**Licence**: published lessons may be reused under CC BY 4.0, naming the pilot and linking to
the lesson's `url`.

**Other**: GET only (other methods answer `405`); CORS is open to every origin, without
credentials; answers may be cached for a minute; clients are rate limited per address
(`429` when exceeded, see the `X-RateLimit-*` headers).
"""


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, required: list[str] | None = None, description: str = "") -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def _keys(enum_values) -> list[str]:
    return [member.value for member in enum_values]


STRING = {"type": "string"}
MARKDOWN = {"type": "string", "description": "Markdown source text, as written."}
URI = {"type": "string", "format": "uri"}
DATETIME = {"type": "string", "format": "date-time", "description": "UTC, RFC 3339."}
DATE = {"type": "string", "format": "date"}
SLUG = {"type": "string", "pattern": SLUG_PATTERN}
KEY = {"type": "string", "pattern": KEY_PATTERN}
COUNT = {"type": "integer", "minimum": 0}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _choices(field) -> list[str]:
    # The values the filter forms accept, so the document cannot promise another one.
    return [str(choice.value) for choice in field.choices if choice.value != ""]


def _parameters() -> dict:
    directions = len(reference.framework()["solution_directions"])
    questions = len(reference.framework()["carer_questions"])
    library = LibraryFilterForm(MultiDict())
    pilots = PilotFilterForm(MultiDict())
    return {
        "lang": _query("lang", {"type": "string", "enum": ["nl", "en"]},
                       "Language of names and messages; without it, Accept-Language decides."),
        "pagina": _query("pagina", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                    "default": 1}, "Page number."),
        "per_pagina": _query("per_pagina", {"type": "integer", "minimum": 1,
                                            "maximum": MAX_PER_PAGE,
                                            "default": DEFAULT_PER_PAGE}, "Items per page."),
        "richting": _query("richting", {"type": "integer", "minimum": 1, "maximum": directions},
                           "Number of a solution direction (see /framework)."),
        "vraag": _query("vraag", {"type": "integer", "minimum": 1, "maximum": questions},
                        "Number of a carer question (see /framework)."),
        # A well-formed value that names nothing selects nothing: an empty list, not a 400.
        "regio": _query("regio", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                        "Id of a region (see /framework)."),
        "programma": _query("programma", SLUG, "Slug of a programme (see /framework)."),
        "doelgroep": _query("doelgroep", KEY, "Key of a target group (see /framework)."),
        "lesson_q": _query("q", {"type": "string"},
                           "Full-text search with Dutch stemming; without other order, the "
                           f"best matches come first. Only the first {MAX_QUERY_LENGTH} "
                           "characters count; any text is accepted."),
        "soort": _query("soort", {"type": "string", "enum": _choices(library.kind)},
                        "Kind of lesson."),
        "niveau": _query("niveau", {"type": "string", "enum": _choices(library.level)},
                         "Level the lesson is for."),
        "jaar": _query("jaar", {"type": "integer", "minimum": EARLIEST_YEAR,
                                "maximum": LATEST_YEAR},
                       "Year the lesson was first published."),
        "hergebruikt": _query("hergebruikt", {"type": "string", "enum": list(REUSED_VALUES)},
                              "`1` or `true`: only lessons another pilot reported to have "
                              "reused."),
        "bewezen": _query("bewezen", {"type": "string", "enum": list(REUSED_VALUES)},
                          "`1` or `true`: only lessons proven elsewhere: another pilot that "
                          "reused the lesson said, months later, that it adopted or adapted "
                          "it."),
        "volgorde": _query("volgorde", {"type": "string", "enum": _choices(library.order)},
                           "Order. Without it: the best matches first when `q` has words to "
                           "search for, otherwise the newest first. `nieuwste`: newest first; "
                           "`hergebruik`: most reused first; `bewezen`: most pilots that "
                           "adopted or adapted it first."),
        "pilot_q": _query("q", {"type": "string", "maxLength": 100},
                          "Part of the pilot's name or municipality."),
        "status": _query("status", {"type": "string", "enum": _choices(pilots.status)},
                         "Status of the pilot."),
    }


def _schemas() -> dict:
    numbered = _object({"number": {"type": "integer", "minimum": 1}, "name": STRING})
    keyed = _object({"key": STRING, "name": STRING})
    links = _object({
        "self": URI, "first": URI, "last": URI,
        "prev": _nullable(URI), "next": _nullable(URI),
    }, description="Absolute links to pages of this selection; `prev` and `next` are null "
                   "where there is no such page.")
    pilot_reference = {
        "slug": SLUG,
        "name": STRING,
        "municipality": STRING,
        "region": _object({"id": {"type": "integer"}, "name": STRING}),
        "programme": _ref("Programme"),
        "url": {**URI, "description": "The pilot's public profile page."},
        "api_url": URI,
    }
    listed = {
        **pilot_reference,
        "status": {"type": "string", "enum": _keys(PUBLIC_STATUSES)},
        "scale": {"type": "string", "enum": _keys(PilotScale)},
        "planned_start": _nullable(DATE),
        "planned_end": _nullable(DATE),
        "directions": {"type": "array", "items": _ref("Numbered")},
    }
    return {
        "Error": _object({
            "error": _object({
                "status": {"type": "integer"},
                "title": STRING,
                "message": STRING,
                "parameters": {"type": "array", "items": STRING,
                               "description": "With 400: the parameters that cannot be used."},
            }, required=["status", "title", "message"]),
        }),
        "Numbered": numbered,
        "Keyed": keyed,
        "Region": _object({"id": {"type": "integer"}, "name": STRING,
                           "country": {"type": "string", "enum": ["NL", "BE"]}}),
        "Programme": _object({"slug": SLUG, "name": STRING}),
        "Meta": _object({
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": COUNT,
            "pages": COUNT,
        }),
        "Links": links,
        "PilotReference": _object(pilot_reference),
        "Lesson": _object({
            "id": {"type": "integer", "minimum": 1},
            "title": STRING,
            "summary": STRING,
            "context": MARKDOWN,
            "body": MARKDOWN,
            "advice": MARKDOWN,
            "kind": {"type": "string", "enum": _keys(LessonKind)},
            "level": {"type": "string", "enum": _keys(LessonLevel)},
            "evidence": {"type": "string", "enum": _keys(EvidenceBasis)},
            "directions": {"type": "array", "items": _ref("Numbered")},
            "questions": {"type": "array", "items": _ref("Numbered")},
            "target_groups": {"type": "array", "items": _ref("Keyed")},
            "pilot": _ref("PilotReference"),
            "version": {"type": "integer", "minimum": 1,
                        "description": "Number of the published revision."},
            "first_published_at": DATETIME,
            "updated_at": {**DATETIME, "description": "When this revision was published."},
            "source_case_count": {**COUNT, "description": "How many case discussions the "
                                  "lesson drew on (their content is never public)."},
            "reuse_count": {**COUNT, "description": "Reports of reuse by other pilots."},
            "reuse_outcome": _object({
                "pilots": {**COUNT, "description": "Pilots that reported reusing it."},
                "adopted": {**COUNT, "description": "Of those, how many adopted it as it "
                            "was, months later."},
                "adapted": {**COUNT, "description": "How many adapted it to their own "
                            "situation."},
                "dropped": {**COUNT, "description": "How many dropped it."},
                "proven_elsewhere": {"type": "boolean", "description": "Adopted or adapted "
                                     "by at least one other pilot."},
            }, description="What became of the lesson where it was reused."),
            "url": {**URI, "description": "The lesson's public page; cite this."},
            "api_url": URI,
            "licence": _object({"id": {"type": "string", "const": "CC-BY-4.0"}, "url": URI}),
        }, description="A published lesson: its latest published revision."),
        "LessonList": _object({
            "data": {"type": "array", "items": _ref("Lesson")},
            "meta": _ref("Meta"),
            "links": _ref("Links"),
        }),
        "LessonItem": _object({"data": _ref("Lesson")}),
        "PilotListed": _object(listed),
        "PilotProfile": _object({
            **listed,
            "theme": MARKDOWN,
            "ambition": MARKDOWN,
            "actions": MARKDOWN,
            "results": MARKDOWN,
            "questions": {"type": "array", "items": _ref("Numbered")},
            "directions": {"type": "array", "items": _object({
                "number": {"type": "integer", "minimum": 1},
                "name": STRING,
                "task": MARKDOWN,
                "desired_outcome": MARKDOWN,
            })},
            "organisations": {"type": "array", "items": _object({
                "name": STRING,
                "kind": {"type": "string", "enum": _keys(OrganisationKind)},
            })},
            "disciplines": {"type": "array", "items": _ref("Keyed")},
            "target_groups": {"type": "array", "items": _ref("Keyed")},
            "lessons": {"type": "array", "items": _object({
                "id": {"type": "integer", "minimum": 1},
                "title": STRING,
                "url": URI,
                "api_url": URI,
            }), "description": "Its published lessons, latest first."},
        }, description="A pilot's public profile; contact details are never public."),
        "PilotList": _object({
            "data": {"type": "array", "items": _ref("PilotListed")},
            "meta": _ref("Meta"),
            "links": _ref("Links"),
        }),
        "PilotItem": _object({"data": _ref("PilotProfile")}),
        "Framework": _object({
            "questions": {"type": "array", "items": _ref("Numbered"),
                          "description": "The carer questions."},
            "directions": {"type": "array", "items": _ref("Numbered"),
                           "description": "The solution directions."},
            "lesson_kinds": {"type": "array", "items": _ref("Keyed")},
            "lesson_levels": {"type": "array", "items": _ref("Keyed")},
            "evidence_bases": {"type": "array", "items": _ref("Keyed")},
            "regions": {"type": "array", "items": _ref("Region")},
            "target_groups": {"type": "array", "items": _ref("Keyed")},
            "disciplines": {"type": "array", "items": _object({
                "key": STRING, "name": STRING, "essential": {"type": "boolean"}})},
            "programmes": {"type": "array", "items": _ref("Programme")},
            "pilot_scales": {"type": "array", "items": _ref("Keyed")},
            "pilot_statuses": {"type": "array", "items": _ref("Keyed")},
            "organisation_kinds": {"type": "array", "items": _ref("Keyed")},
        }),
        "FrameworkItem": _object({"data": _ref("Framework")}),
        "Index": _object({"links": _object({
            "lessons": URI, "pilots": URI, "framework": URI, "openapi": URI})}),
    }


_HEADERS = {
    "Access-Control-Allow-Origin": {"schema": {"type": "string", "const": "*"}, "required": True,
                                    "description": "Open to scripts on every site."},
    "Content-Language": {"schema": {"type": "string", "enum": ["nl", "en"]}, "required": True,
                         "description": "The language of names and messages."},
}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "headers": _HEADERS,
            "content": {"application/json": {"schema": _ref(schema_name)}}}


def _responses() -> dict:
    return {
        "BadRequest": _json("Error", "A parameter cannot be used; `error.parameters` names it."),
        "NotFound": _json("Error", "No such public item."),
        "TooManyRequests": _json("Error", "Too many requests from this address; wait a little."),
    }


def _errors(*codes: str) -> dict:
    names = {"400": "BadRequest", "404": "NotFound", "429": "TooManyRequests"}
    return {code: {"$ref": f"#/components/responses/{names[code]}"} for code in codes}


def _get(operation_id: str, summary: str, schema: str, parameters: list[str],
         errors: tuple[str, ...] = ("400", "429"), path_parameter: dict | None = None) -> dict:
    refs = [{"$ref": f"#/components/parameters/{name}"} for name in [*parameters, "lang"]]
    if path_parameter:
        refs.insert(0, path_parameter)
    return {"get": {
        "operationId": operation_id,
        "summary": summary,
        "parameters": refs,
        "responses": {"200": _json(schema, "OK"), **_errors(*errors)},
    }}


LESSON_FILTERS = ["lesson_q", "richting", "vraag", "soort", "niveau", "regio", "programma",
                  "doelgroep", "jaar", "hergebruikt", "bewezen", "volgorde", "pagina", "per_pagina"]
PILOT_FILTERS = ["pilot_q", "regio", "programma", "richting", "vraag", "doelgroep", "status",
                 "pagina", "per_pagina"]


def document(server_url: str) -> dict:
    """Return the OpenAPI document, with the API's absolute address as its server.

    Needs a request: the filters' values come from the filter forms.
    """
    return {
        "openapi": "3.1.0",
        "info": {"title": "Proeftuin API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": server_url}],
        "paths": {
            "/": _get("index", "Links to the collections and this document.", "Index", []),
            "/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document.",
                "parameters": [{"$ref": "#/components/parameters/lang"}],
                "responses": {"200": {"description": "OpenAPI 3.1 document", "headers": _HEADERS,
                                      "content": {"application/json": {
                                          "schema": {"type": "object"}}}},
                              **_errors("400", "429")},
            }},
            "/lessons": _get("listLessons", "Published lessons, filtered as in the library.",
                             "LessonList", LESSON_FILTERS),
            "/lessons/{id}": _get(
                "getLesson", "One published lesson.", "LessonItem", [],
                errors=("400", "404", "429"),
                path_parameter={"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
            ),
            "/pilots": _get("listPilots", "Public pilots, filtered as in the pilot list.",
                            "PilotList", PILOT_FILTERS),
            "/pilots/{slug}": _get(
                "getPilot", "One pilot's public profile.", "PilotItem", [],
                errors=("400", "404", "429"),
                path_parameter={"name": "slug", "in": "path", "required": True,
                                "schema": SLUG},
            ),
            "/framework": _get("getFramework",
                               "The framework and the values every filter takes.",
                               "FrameworkItem", []),
        },
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": _responses(),
        },
    }
