"""A policy officer of another municipality uses the library on a phone, in a real browser.

She searches the demo library from the home page for an inflected Dutch word, jumps from
the top of the results to the filters below them, narrows the results by a solution direction and then by a region (each count the facet promised is the
count she gets), opens a lesson, follows it to its pilot, and subscribes to her selection.
Every page on the way passes the checks of visitor.py.
"""

from __future__ import annotations

import re

import feedparser


def choose_facet(visitor, facet: str) -> int:
    """Follow the first value of a facet; return the count it promised."""
    heading = visitor.page.locator("nav.library-facets h3", has_text=facet)
    link = heading.locator("xpath=following-sibling::ul[1]").locator("a").first
    promised = int(re.search(r"\((\d+)", link.inner_text()).group(1))
    with visitor.page.expect_navigation():
        link.click()
    return promised


def found(visitor) -> int:
    return int(re.match(r"(\d+)", visitor.page.locator(".result-count").inner_text()).group(1))


def test_search_narrow_open_and_subscribe(open_browser):
    visitor = open_browser(width=390, height=844)
    visitor.go("/")
    visitor.check()
    visitor.page.get_by_role("searchbox").first.fill("mantelzorgers")
    with visitor.page.expect_navigation():
        visitor.page.get_by_role("searchbox").first.press("Enter")
    assert visitor.path.startswith("/bibliotheek/")
    everything = found(visitor)
    assert everything > 1
    # "mantelzorgers" also finds "mantelzorger", marked in the snippets.
    marks = {m.lower() for m in visitor.page.locator(".lesson-results mark").all_inner_texts()}
    assert "mantelzorger" in marks
    visitor.check()

    # On the phone the filters follow the results; a link near the top leads to them.
    refine = visitor.page.get_by_role("link", name="Verfijn de resultaten")
    assert refine.bounding_box()["y"] < visitor.page.locator(".lesson-results").bounding_box()["y"]
    refine.click()
    visitor.page.wait_for_function(  # the filters' heading scrolls into view
        "() => { const box = document.getElementById('filters-kop').getBoundingClientRect();"
        " return box.top > -1 && box.bottom <= innerHeight; }", timeout=3000)

    promised = choose_facet(visitor, "Oplossingsrichting")
    assert "richting=" in visitor.page.url and "q=mantelzorgers" in visitor.page.url
    assert found(visitor) == promised <= everything
    visitor.check()

    promised = choose_facet(visitor, "Regio")
    assert "regio=" in visitor.page.url and "richting=" in visitor.page.url
    assert found(visitor) == promised
    assert visitor.page.locator(".lesson-result").count() == promised
    visitor.check()
    selection = visitor.page.url

    lesson = visitor.page.locator(".lesson-result h3 a").first
    title = lesson.inner_text()
    with visitor.page.expect_navigation():
        lesson.click()
    assert title in visitor.page.locator("h1").inner_text()
    visitor.check()
    pilot = visitor.page.locator(".facts a").first.inner_text()
    visitor.click(pilot, role="link")
    assert pilot in visitor.page.locator("h1").inner_text()
    assert title in visitor.text()
    visitor.check()

    # Subscribing: the feed of her selection holds the lessons she saw.
    visitor.page.goto(selection)
    feed_link = visitor.page.get_by_role("link", name="Abonneren op deze selectie (Atom-feed)")
    response = visitor.page.request.get(feed_link.get_attribute("href"))
    assert response.ok and "atom+xml" in response.headers["content-type"]
    feed = feedparser.parse(response.body())
    assert not feed.bozo
    assert title in [entry.title for entry in feed.entries]
    assert len(feed.entries) == promised
