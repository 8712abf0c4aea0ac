"""Every page of the site, as every kind of user, in Dutch and in English, passes the checks.

A crawler signs in as each role, follows every link it finds and runs the page checks of
`tests/browser/visitor.py` on each page it reaches, once or twice per route. At the end,
every GET route of the app's URL map must have been checked, so a new page cannot go
unchecked: reach it by a link, add a start page below, or exclude it with a reason.
"""

from __future__ import annotations

import os
from collections import deque
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from proeftuin.demo import DEMO_PASSWORD
from proeftuin.extensions import db
from tests.browser.test_two_factor_journey import TWO_FACTOR_PAGES
from tests.browser.visitor import links_on

#: who crawls, and as whom they sign in (None: a visitor who is not signed in)
ACCOUNTS = {
    "visitor": None,
    "participant": "wijkverpleging.groningen@proeftuin.example",
    "coordinator": "coordinator.groningen@proeftuin.example",
    "facilitator": "begeleider.mantelzorg@proeftuin.example",
    "admin": "beheer@proeftuin.example",
}

#: Every role in Dutch, the default; in English the visitor and the three roles that between
#: them see every page and every control (each check costs about a second of axe): only a
#: facilitator reviews lessons.
CRAWLS = [(role, "nl") for role in ACCOUNTS] + [
    ("visitor", "en"), ("coordinator", "en"), ("facilitator", "en"), ("admin", "en"),
]

#: public areas: signed in, only their first page is checked (the rest differs only in the
#: header, which that first check covers); their links are still followed
PUBLIC_AREAS = ("main.", "pilots.", "framework.", "library.")

#: GET routes that are not pages, with the reason they are not checked here
NOT_PAGES = {
    "static": "files, not pages",
    "main.healthz": "a JSON answer for the load balancer",
    "auth.my_data_download": "a JSON download; tests/test_personal_data.py checks it",
    "workspace.audit_trail_csv": "a CSV download; tests/test_audit_page.py checks it",
    "library.show_without_slug": "a redirect to library.show, which is checked",
    "library.feed": "an Atom feed; tests/test_library_exports.py parses it",
    "library.export_csv": "a CSV download; tests/test_library_exports.py checks it",
    "library.open_data": "a ZIP download; tests/test_library_exports.py checks it",
    "dashboard.export_csv": "a CSV download; tests/test_dashboard_table.py checks it",
    "dashboard.monitor_csv": "a CSV download; tests/test_monitor.py parses it",
    "dashboard.monitor_xlsx": "a spreadsheet download; tests/test_monitor.py opens it",
    **{endpoint: "only mid-sign-in or with two-factor on: test_two_factor_journey.py checks it"
       for endpoint in TWO_FACTOR_PAGES},
}

#: whole areas that answer JSON: tests/test_api.py validates them against the OpenAPI document
NOT_PAGE_AREAS = ("api.",)

#: each route is checked this many times per crawl (different objects, same template)
VISITS_PER_ROUTE = 2

#: endpoint -> crawls that checked it, filled by the crawl tests, read by the coverage test
REACHED: dict[str, set[tuple[str, str]]] = {}


def _open_invitation_path(app) -> str:
    """An invitation link for a new address, so the invitation page can be reached."""
    from proeftuin.auth import invitations
    from proeftuin.models import MemberRole, Pilot, User

    with app.app_context():
        pilot = db.session.scalar(sa.select(Pilot).where(Pilot.slug.like("%groningen%")))
        inviter = db.session.scalar(
            sa.select(User).where(User.email == "coordinator.groningen@proeftuin.example")
        )
        invitation = invitations.create_invitation(
            pilot, "nieuw.lid@proeftuin.example", MemberRole.member, inviter
        )
        token = invitations.invitation_token(invitation)
        db.session.commit()
        db.session.remove()
    return f"/uitnodiging/{token}"


def _reuse_paths(app) -> list[str]:
    """The pages for reporting and hiding reuse, which hang off one lesson page each."""
    from proeftuin.models import Lesson, LessonReuse, Pilot

    with app.app_context():
        lesson_id = db.session.scalar(
            sa.select(Lesson.id).join(Pilot)
            .where(Lesson.public_revision_id.is_not(None), ~Pilot.slug.like("%groningen%"))
            .order_by(Lesson.id).limit(1))
        reuse_id = db.session.scalar(sa.select(LessonReuse.id).order_by(LessonReuse.id).limit(1))
        db.session.remove()
    return [f"/bibliotheek/{lesson_id}/hergebruik", f"/begeleiding/hergebruik/{reuse_id}/verbergen"]


def _endpoint(adapter, path: str) -> str | None:
    """Return the route a same-site path names; None when it names none."""
    try:
        endpoint, _ = adapter.match(path.split("?", 1)[0], method="GET")
    except RequestRedirect as redirect:  # e.g. the slash a route ends with
        return _endpoint(adapter, urlsplit(redirect.new_url).path)
    except HTTPException:
        return None
    return endpoint


def crawl(visitor, adapter, seeds: list[str], *, signed_in: bool) -> tuple[set[str], list[str]]:
    """Visit every page reachable from the seeds, checking each route a few times.

    Returns the routes checked and the problems found on all pages, so that one run
    shows everything there is to mend.
    """
    checked: dict[str, int] = {}
    problems: list[str] = []
    queue, seen = deque(seeds), set(seeds)
    while queue:
        path = queue.popleft()
        endpoint = _endpoint(adapter, path)
        if endpoint is None:
            # A link into this site that no route answers is a broken link, not a page to skip.
            problems.append(f"{path}: a link on the site matches no route")
            continue
        if endpoint in NOT_PAGES or endpoint.startswith(NOT_PAGE_AREAS):
            continue
        limit = 1 if signed_in and endpoint.startswith(PUBLIC_AREAS) else VISITS_PER_ROUTE
        if checked.get(endpoint, 0) >= limit:
            continue
        response = visitor.page.goto(path)
        if response.status >= 400:
            if path not in seeds:  # a start page may be closed to this role; a link may not
                problems.append(f"{path}: a link on the site answers {response.status}")
            continue
        problems += visitor.problems()
        checked[endpoint] = checked.get(endpoint, 0) + 1
        for link in links_on(visitor.page, visitor.base_url):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return set(checked), problems


@pytest.fixture(scope="module")
def invitation_path(site) -> str:
    return _open_invitation_path(site.app)


@pytest.fixture(scope="module")
def reuse_paths(site) -> list[str]:
    return _reuse_paths(site.app)


@pytest.mark.parametrize(("role", "language"), CRAWLS)
def test_every_page_passes_the_checks(site, open_browser, invitation_path, reuse_paths, role,
                                      language):
    visitor = open_browser()
    visitor.go("/")
    if language == "en":
        assert visitor.switch_language() == "en"
    if ACCOUNTS[role]:
        visitor.sign_in(ACCOUNTS[role], DEMO_PASSWORD)
    seeds = ["/", "/aanmelden/bedankt", "/account", "/werkplaats/", "/begeleiding/", "/beheer/",
             invitation_path, *reuse_paths]
    adapter = site.app.url_map.bind("127.0.0.1")
    checked, problems = crawl(visitor, adapter, seeds, signed_in=bool(ACCOUNTS[role]))
    for endpoint in checked:
        REACHED.setdefault(endpoint, set()).add((role, language))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_page_of_the_site_was_checked(site):
    # It reads what the crawls of this process reached: `make test` keeps a file's tests in
    # one process (pytest-xdist's --dist loadfile), and in CI a crawl that did not run here
    # is a failure, never a skip.
    if {crawl for crawls in REACHED.values() for crawl in crawls} != set(CRAWLS):
        message = "run the whole module: this test reads what the crawls reached"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pages = {
        rule.endpoint for rule in site.app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in NOT_PAGES
        and not rule.endpoint.startswith(NOT_PAGE_AREAS)
    }
    missing = sorted(pages - set(REACHED))
    assert not missing, (
        f"These pages were never reached by the crawler, so nobody checked them: {missing}. "
        "Link to them, add a start page to the crawl, or list them in NOT_PAGES with a reason."
    )
    in_english = {endpoint for endpoint, crawls in REACHED.items()
                  if any(language == "en" for _, language in crawls)}
    assert not pages - in_english, f"never checked in English: {sorted(pages - in_english)}"
