"""The crawler of the every-page tests: it signs in as a role, follows every link it finds and
runs the page checks of `tests/browser/visitor.py` on each page it reaches, once or twice per
route. The crawls are split over two modules, Dutch and English, so that two processes share
them; the English module also checks that every GET route of the URL map was reached.
"""

from __future__ import annotations

import secrets
import shutil
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from proeftuin.demo import DEMO_PASSWORD
from proeftuin.extensions import db
from tests.browser.test_two_factor_journey import TWO_FACTOR_PAGES
from tests.browser.visitor import dutch_on_page, links_on
from tests.conftest import SCREENSHOTS

#: who crawls, and as whom they sign in (None: a visitor who is not signed in)
ACCOUNTS = {
    "visitor": None,
    "participant": "wijkverpleging.groningen@proeftuin.example",
    "coordinator": "coordinator.groningen@proeftuin.example",
    "facilitator": "begeleider.mantelzorg@proeftuin.example",
    "admin": "beheer@proeftuin.example",
}

#: public areas: signed in, only their first page is checked (the rest differs only in the
#: header, which that first check covers); their links are still followed
PUBLIC_AREAS = ("main.", "pilots.", "framework.", "library.")

#: GET routes that are not pages, with the reason they are not checked here
NOT_PAGES = {
    "static": "files, not pages",
    "mailbox.html": "a message's own HTML, shown in the frame of mailbox.show",
    "notifications.open_one": "marks a notification read and redirects to what it is about",
    "main.healthz": "a JSON answer for the load balancer",
    "auth.my_data_download": "a JSON download; tests/test_personal_data.py checks it",
    "workspace.audit_trail_csv": "a CSV download; tests/test_audit_page.py checks it",
    "library.show_without_slug": "a redirect to library.show, which is checked",
    "library.feed": "an Atom feed; tests/test_library_exports.py parses it",
    "library.export_csv": "a CSV download; tests/test_library_exports.py checks it",
    "library.export_spreadsheet_csv": "a CSV download; tests/test_library_exports.py checks it",
    "library.open_data": "a ZIP download; tests/test_library_exports.py checks it",
    "dashboard.export_csv": "a CSV download; tests/test_dashboard_table.py checks it",
    "dashboard.monitor_csv": "a CSV download; tests/test_monitor.py parses it",
    "dashboard.monitor_xlsx": "a spreadsheet download; tests/test_monitor.py opens it",
    "calendar_feed.feed": "an iCalendar feed; tests/test_cohort_calendar.py parses it",
    **{endpoint: "only mid-sign-in or with two-factor on: test_two_factor_journey.py checks it"
       for endpoint in TWO_FACTOR_PAGES},
}

#: whole areas that answer JSON: tests/test_api.py validates them against the OpenAPI document
NOT_PAGE_AREAS = ("api.",)

#: each route is checked this many times per English crawl (different objects, same
#: template); the Dutch crawls check each route once, for its Dutch text and layout: a second
#: object of a route differs in its data, which the English crawl has checked already, and
#: the Dutch crawls were half the time of `make test`
VISITS_PER_ROUTE = 2

def open_invitation_path(app) -> str:
    """An invitation link for a new address, so the invitation page can be reached; its
    e-mail is in the development mailbox, so that can be reached too."""
    from proeftuin.auth import invitations
    from proeftuin.models import Pilot, User
    from proeftuin.workspace import services

    with app.test_request_context():
        pilot = db.session.scalar(sa.select(Pilot).where(Pilot.slug.like("%groningen%")))
        inviter = db.session.scalar(
            sa.select(User).where(User.email == "coordinator.groningen@proeftuin.example")
        )
        invitation = services.invite(pilot, "nieuw.lid@proeftuin.example", "member", inviter)
        token = invitations.invitation_token(invitation)
        db.session.commit()
        db.session.remove()
    return f"/uitnodiging/{token}"


def assessor_invitation_path(app) -> str:
    """A link inviting a new address to assess the demo's open call of In voor mantelzorg."""
    from proeftuin.models import Call, User
    from proeftuin.programmes import assessors

    with app.test_request_context():
        call = db.session.scalar(sa.select(Call).where(Call.title == "Ronde 2026"))
        inviter = db.session.scalar(
            sa.select(User).where(User.email == "begeleider.mantelzorg@proeftuin.example"))
        email = f"beoordelaar.{secrets.token_hex(4)}@proeftuin.example"
        token = assessors.assessor_token(assessors.invite(call, "Nieuwe Beoordelaar", email,
                                                          inviter))
        db.session.commit()
        db.session.remove()
    return f"/beoordelen/uitnodiging/{token}"


def reset_password_path(app) -> str:
    """A new-password link of a demo account that no crawl signs in with."""
    from proeftuin.auth.password_reset import reset_token
    from proeftuin.models import User

    with app.app_context():
        user = db.session.scalar(
            sa.select(User).where(User.email == "onderzoeker@proeftuin.example"))
        token = reset_token(user)
        db.session.remove()
    return f"/wachtwoord-herstellen/{token}"


def following_paths(app) -> list[str]:
    """The pages of the mailed links of the demo's subscription, and the page after asking."""
    from proeftuin.demo.seed import FOLLOWER
    from proeftuin.following.services import confirm_token, manage_token
    from proeftuin.models import Subscription

    with app.app_context():
        subscription = db.session.scalar(
            sa.select(Subscription).where(Subscription.email == FOLLOWER))
        token = manage_token(subscription)
        paths = ["/volgen/verstuurd", f"/volgen/abonnement/{token}",
                 f"/volgen/afmelden/{token}",
                 f"/volgen/bevestigen/{confirm_token(subscription, subscription.frequency)}"]
        db.session.remove()
    return paths


def reuse_paths_of(app) -> list[str]:
    """The pages for reporting and hiding reuse, which hang off one lesson page each, and the
    question what came of a reuse: Groningen reports one whose question is due today."""
    from proeftuin.dates import local_today
    from proeftuin.models import Lesson, LessonReuse, Pilot, User
    from proeftuin.reuse import services

    with app.test_request_context():
        lesson_id = db.session.scalar(
            sa.select(Lesson.id).join(Pilot)
            .where(Lesson.public_revision_id.is_not(None), ~Pilot.slug.like("%groningen%"))
            .order_by(Lesson.id).limit(1))
        reuse_id = db.session.scalar(sa.select(LessonReuse.id).order_by(LessonReuse.id).limit(1))
        groningen = db.session.scalar(sa.select(Pilot).where(Pilot.slug.like("%groningen%")))
        coordinator = db.session.scalar(
            sa.select(User).where(User.email == ACCOUNTS["coordinator"]))
        asked = services.report_reuse(db.session.get(Lesson, lesson_id), groningen,
                                      how="We namen de werkwijze over.",
                                      outcome="Het werkte in twee wijken.", by=coordinator)
        asked.follow_ups[0].due_on = local_today()
        db.session.commit()
        follow_up = f"/hergebruik/{asked.id}/na/3"
        db.session.remove()
    return [f"/bibliotheek/{lesson_id}/hergebruik", f"/begeleiding/hergebruik/{reuse_id}/verbergen",
            follow_up]


def endpoint_of(adapter, path: str) -> str | None:
    """Return the route a same-site path names; None when it names none."""
    try:
        endpoint, _ = adapter.match(path.split("?", 1)[0], method="GET")
    except RequestRedirect as redirect:  # e.g. the slash a route ends with
        return endpoint_of(adapter, urlsplit(redirect.new_url).path)
    except HTTPException:
        return None
    return endpoint


def crawl(visitor, adapter, seeds: list[str], *, signed_in: bool, english: bool = False,
          screenshots: Path | None = None,
          visits: int = VISITS_PER_ROUTE) -> tuple[set[str], list[str]]:
    """Visit every page reachable from the seeds, checking each route a few times.

    The first page of each route is also looked at on a phone, and with `screenshots` saved
    there at both widths. Returns the routes checked and the problems found on all pages,
    so that one run shows everything there is to mend.
    """
    checked: dict[str, int] = {}
    problems: list[str] = []
    queue, seen = deque(seeds), set(seeds)
    while queue:
        path = queue.popleft()
        endpoint = endpoint_of(adapter, path)
        if endpoint is None:
            # A link into this site that no route answers is a broken link, not a page to skip.
            problems.append(f"{path}: a link on the site matches no route")
            continue
        if endpoint in NOT_PAGES or endpoint.startswith(NOT_PAGE_AREAS):
            continue
        limit = 1 if signed_in and endpoint.startswith(PUBLIC_AREAS) else visits
        if checked.get(endpoint, 0) >= limit:
            continue
        response = visitor.page.goto(path)
        if response.status >= 400:
            if path not in seeds:  # a start page may be closed to this role; a link may not
                problems.append(f"{path}: a link on the site answers {response.status}")
            continue
        problems += visitor.problems()
        if english:
            problems += [f"{path}: {problem}" for problem in dutch_on_page(visitor.page)]
        if endpoint not in checked:
            # Named for the page shown: a start page closed to this role sends it on.
            shown = endpoint_of(adapter, urlsplit(visitor.page.url).path) or endpoint
            problems += visitor.phone_problems(screenshots, shown.replace(".", "-"))
        checked[endpoint] = checked.get(endpoint, 0) + 1
        for link in links_on(visitor.page, visitor.base_url):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return set(checked), problems


def crawl_as(site, visitor, role: str, language: str, seeds: list[str]) -> set[str]:
    """Crawl the site as `role` in `language`; fail on any problem; return the routes checked."""
    visitor.go("/")
    if language == "en":
        assert visitor.switch_language() == "en"
    if ACCOUNTS[role]:
        visitor.sign_in(ACCOUNTS[role], DEMO_PASSWORD)
    seeds = ["/", "/aanmelden/bedankt", "/account", "/werkplaats/", "/begeleiding/", "/beheer/",
             "/dev/mailbox/", "/wachtwoord-vergeten/verstuurd", "/wachtwoord-herstellen/klaar",
             reset_password_path(site.app), assessor_invitation_path(site.app),
             *following_paths(site.app), *seeds]
    adapter = site.app.url_map.bind("127.0.0.1")
    shots = None
    if language == "nl":  # one language is enough to look at; the layout checks run in both
        shots = SCREENSHOTS / role
        shutil.rmtree(shots, ignore_errors=True)  # an earlier run's would pass for this one's
        shots.mkdir(parents=True)
    checked, problems = crawl(visitor, adapter, seeds, signed_in=bool(ACCOUNTS[role]),
                              english=language == "en", screenshots=shots,
                              visits=VISITS_PER_ROUTE if language == "en" else 1)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    return checked
