"""The read-only JSON API: published lessons, public pilots and the framework.

Everyone gets the same public data: the API answers a signed-in person as it answers a
visitor, and takes its language from `lang` or Accept-Language, never from the session.
"""

from __future__ import annotations

from contextlib import ExitStack

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import MethodNotAllowed

from proeftuin import reference_queries
from proeftuin.api import forms, openapi, schemas
from proeftuin.caching import page_cache
from proeftuin.extensions import limiter, login_manager
from proeftuin.library import queries as library_queries
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.library.results import search as library_search
from proeftuin.permissions import can_view_public_profile
from proeftuin.pilots import queries as pilot_queries
from proeftuin.pilots.forms import PilotFilterForm

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)

#: how long browsers and shared caches may keep a public answer, in seconds
MAX_AGE = 60
#: the headers a cross-origin script may read besides the safelisted ones
EXPOSED_HEADERS = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After"


def _api_limit() -> str:
    # Read per request, so the limit follows the configuration (tests may lower it).
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_api_limit)(bp)


def _is_api() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def _visitor():
    return login_manager.anonymous_user()


@bp.before_app_request
def _answer_as_api():
    """Speak the language the client asked for, and refuse other methods than GET at once."""
    if not _is_api():
        return
    stack = ExitStack()
    stack.enter_context(force_locale(forms.language()[0]))
    g.api_locale = stack
    if isinstance(request.routing_exception, MethodNotAllowed):
        # Before the body checks, which would call a JSON POST a bad request instead.
        raise request.routing_exception


@bp.teardown_app_request
def _restore_locale(error=None):
    stack = g.pop("api_locale", None)
    if stack is not None:
        stack.close()


@bp.after_app_request
def _api_headers(response):
    """Open the API to scripts on any site, and let public answers be cached briefly."""
    if not _is_api():
        return response
    headers = response.headers
    # No Allow-Credentials: a browser never sends cookies along, nor reads a cookie's answer.
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
        headers["Access-Control-Max-Age"] = "86400"
    headers["Content-Language"] = forms.language()[0]
    response.vary.add("Accept-Language")
    # A signed-in person's answer already says no-store (security.py): it may carry a cookie.
    if (response.status_code == 200 and request.method in ("GET", "HEAD")
            and "Cache-Control" not in headers and "Set-Cookie" not in headers):
        headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


@bp.errorhandler(forms.InvalidParameters)
def _invalid_parameters(error: forms.InvalidParameters):
    names = ", ".join(error.names)
    return jsonify(error={
        "status": 400,
        "title": _("Ongeldige parameters"),
        "message": _("Deze parameters hebben een waarde die niet gebruikt kan worden: %(names)s.",
                     names=names),
        "parameters": error.names,
    }), 400


@bp.get("/")
def index():
    """Point to the API's collections and its OpenAPI document."""
    forms.check([])
    return jsonify(links={
        "lessons": url_for("api.lessons", _external=True),
        "pilots": url_for("api.pilots", _external=True),
        "framework": url_for("api.framework", _external=True),
        "openapi": url_for("api.openapi_document", _external=True),
    })


@bp.get("/openapi.json")
def openapi_document():
    """Describe the API in OpenAPI 3.1."""
    forms.check([])
    return jsonify(openapi.document(url_for("api.index", _external=True).rstrip("/")))


#: the parameters each kept answer reads (see `page_cache.for_visitors`)
LANGUAGE_ONLY = frozenset({forms.LANG})
LESSON_LIST_PARAMETERS = LibraryFilterForm.parameters() | {forms.PAGE, forms.PER_PAGE, forms.LANG}
PILOT_LIST_PARAMETERS = PilotFilterForm.parameters() | {forms.PAGE, forms.PER_PAGE, forms.LANG}


def _listing(read_filters):
    """Read a list's filters and page, and refuse the request if any parameter was unusable."""
    invalid: list[str] = []
    filters = read_filters(invalid)
    page = forms.page(invalid)
    forms.check(invalid)
    return filters, page


@bp.get("/lessons")
@page_cache.for_visitors(parameters=LESSON_LIST_PARAMETERS)
def lessons():
    """List the library's published lessons, filtered as the library page filters them."""
    filters, page = _listing(forms.library_filters)
    found = library_search(filters.selection(), page.number, page.size, all_links=True)
    pagination = found.pagination
    items = list(pagination.items)
    outcomes = library_queries.reuse_outcomes([item.id for item in items])
    none = library_queries.ReuseOutcome()
    return jsonify(
        data=[schemas.lesson(item, outcomes.get(item.id, none)) for item in items],
        **schemas.paged("api.lessons", pagination, page, filters.params()),
    )


@bp.get("/lessons/<int:lesson_id>")
@page_cache.for_visitors(parameters=LANGUAGE_ONLY)
def lesson(lesson_id: int):
    """Show one published lesson."""
    forms.check([])
    item = library_queries.public_lesson(lesson_id)
    if item is None:
        abort(404)
    outcome = library_queries.reuse_outcomes([item.id]).get(item.id)
    return jsonify(data=schemas.lesson(item, outcome or library_queries.ReuseOutcome()))


@bp.get("/pilots")
@page_cache.for_visitors(page_cache.PROFILE_PAGE, parameters=PILOT_LIST_PARAMETERS)
def pilots():
    """List the public pilots, filtered as the public pilot list filters them."""
    filters, page = _listing(forms.pilot_filters)
    pagination = pilot_queries.public_pilots(filters.selection(), page.number, page.size)
    return jsonify(
        data=[schemas.pilot_listed(pilot) for pilot in pagination.items],
        **schemas.paged("api.pilots", pagination, page, filters.params()),
    )


@bp.get("/pilots/<slug:slug>")
@page_cache.for_visitors(page_cache.PROFILE_PAGE, parameters=LANGUAGE_ONLY)
def pilot(slug: str):
    """Show a pilot's public profile and its published lessons."""
    forms.check([])
    item = pilot_queries.public_pilot(slug)
    if item is None or not can_view_public_profile(_visitor(), item):
        abort(404)
    return jsonify(data=schemas.pilot_profile(item, pilot_queries.published_lessons(item)))


@bp.get("/framework")
def framework():
    """Show the framework and every value the filters take, named in the answer's language."""
    forms.check([])
    return jsonify(data=schemas.framework(
        questions=reference_queries.carer_questions(),
        directions=reference_queries.solution_directions(),
        regions=reference_queries.regions(),
        target_groups=reference_queries.target_groups(),
        disciplines=reference_queries.disciplines(),
        programmes=pilot_queries.programmes(),
    ))
