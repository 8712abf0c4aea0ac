"""Every page of the site, in Dutch (the default language), as every kind of user.

The crawler and what it leaves out are in `tests/browser/crawler.py`; that every route was
reached is checked by the English crawls (test_every_page.py).
"""

from __future__ import annotations

import pytest

from tests.browser.crawler import ACCOUNTS, crawl_as


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_passes_the_checks_in_dutch(site, open_browser, invitation_path, reuse_paths,
                                               role):
    crawl_as(site, open_browser(), role, "nl", [invitation_path, *reuse_paths])
