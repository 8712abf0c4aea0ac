"""Every page of the site, in English, as every kind of user that sees a page no other does;
and at the end, every GET route of the app's URL map must have been checked in English, so a
new page cannot go unchecked: reach it by a link, add a start page to the crawl, or exclude it
in `tests/browser/crawler.py` with a reason. The Dutch crawls are in
test_every_page_in_dutch.py.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.crawler import NOT_PAGE_AREAS, NOT_PAGES, crawl_as

#: The visitor and the three roles that between them see every page and every control (each
#: check costs about a second of axe): only a facilitator reviews lessons.
ROLES = ["visitor", "coordinator", "facilitator", "admin"]

#: endpoint -> roles whose crawl checked it, filled by the crawls, read by the coverage test
REACHED: dict[str, set[str]] = {}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_the_checks_in_english(site, open_browser, invitation_path,
                                                  reuse_paths, role):
    checked = crawl_as(site, open_browser(), role, "en", [invitation_path, *reuse_paths])
    for endpoint in checked:
        REACHED.setdefault(endpoint, set()).add(role)


def test_every_page_of_the_site_was_checked_in_english(site):
    # It reads what the crawls of this process reached: `make test` keeps a file's tests in
    # one process (pytest-xdist's --dist loadfile), and in CI a crawl that did not run here
    # is a failure, never a skip.
    if {role for roles in REACHED.values() for role in roles} != set(ROLES):
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
        f"These pages were never checked in English: {missing}. Link to them, add a start "
        "page to the crawl, or list them in NOT_PAGES (tests/browser/crawler.py) with a reason."
    )
