"""The public addresses of the library's lessons, and the licence they are published under."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlencode

from flask import url_for
from slugify import slugify

#: CC BY 4.0: anyone may reuse a lesson, naming the pilot and linking here
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"


@lru_cache(maxsize=4096)
def lesson_slug(title: str | None) -> str:
    """Return the readable part of a lesson's URL, made from its public title."""
    return slugify(title or "", max_length=80, word_boundary=True) or "les"


def public_lesson_url(revision, **values) -> str:
    """Return the canonical public URL of a lesson, given the revision the public sees."""
    return url_for("library.show", lesson_id=revision.lesson_id,
                   slug=lesson_slug(revision.title), **values)


def library_urls() -> Callable[[dict[str, str]], str]:
    """Return a function from the library's URL parameters to its address, as url_for makes
    it: the library page links every facet value, and building each through the URL map was
    a good part of drawing it."""
    base = url_for("library.index")

    def address(params: dict[str, str]) -> str:
        # The characters Werkzeug leaves unquoted in a query string, so the links are its.
        return f"{base}?{urlencode(params, safe=QUERY_SAFE)}" if params else base

    return address


#: what Werkzeug's URL building leaves unquoted in a query (werkzeug.urls._urlencode)
QUERY_SAFE = "!$'()*,/:;?@"
