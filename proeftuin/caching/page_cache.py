"""Public pages kept rendered per worker, for visitors who are not signed in.

A library search, a lesson page, a pilot profile, the pilot list, the home page or a list of
the API costs a worker milliseconds of queries, Markdown and templates (or JSON), yet every visitor who is not signed
in gets the same page, bar one thing: the CSRF token of the language form, which is theirs. So the page is kept with a mark
where the token was, and each visitor's own token is put in as it is served.

Pages are kept under the library's version (`proeftuin.models.library_version`), and pages
that show pilots also under the profiles' one; database triggers change them with every write that
can change what these pages show, so a change is visible at once. The key holds the whole
URL, host included (the canonical link is absolute: a request with a forged Host header must
not leave its link in everyone's page), and the language. Signed-in people, requests with a
message to flash and anything but a plain page are never served from it nor kept in it.
A page is kept only for an address with the parameters it reads, each once, and the cache
has a budget in bytes as well as in pages (`PAGE_CACHE_MB`): addresses made up to fill it
cannot push out the pages readers ask for, and a worker's memory stays bounded.
"""

from __future__ import annotations

import functools
import secrets

from flask import Response, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from proeftuin.caching import versioned_cache
from proeftuin.models.library_version import LIBRARY, PROFILES
from proeftuin.reference import current_language

#: where a visitor's CSRF token goes; random, so no text on a page can contain it
_TOKEN_MARK = f"csrf-{secrets.token_hex(16)}".encode()


#: the rows of library_version a page of the library depends on, and a page that shows
#: pilots (a profile, the pilot list, the home page)
LIBRARY_PAGE = (LIBRARY,)
PROFILE_PAGE = (LIBRARY, PROFILES)


def for_visitors(rows: tuple[int, ...] = LIBRARY_PAGE,
                 parameters: frozenset[str] = frozenset()):
    """Serve a GET view's page from the cache to visitors who are not signed in.

    `parameters` are the query parameters the page reads. An address with any other, or
    with one of them twice, is drawn for its visitor but never kept: parameters made up to
    fill the cache cannot push the pages readers ask for out of it.
    """
    return functools.partial(_kept_for_visitors, rows=rows, parameters=parameters)


def _kept_for_visitors(view, rows: tuple[int, ...], parameters: frozenset[str]):

    @functools.wraps(view)
    def serve(*args, **kwargs):
        if not _shareable() or not _only(parameters):
            return view(*args, **kwargs)
        kept = versioned_cache.entry("page_cache", current_app.config["PAGE_CACHE_SIZE"],
                                     (request.url, current_language()), rows,
                                     max_bytes=current_app.config["PAGE_CACHE_MB"] * 2**20)
        if isinstance(kept.value, _JSON):
            return current_app.response_class(kept.value, mimetype="application/json")
        if kept.value is not None:
            return kept.value.replace(_TOKEN_MARK, generate_csrf().encode())
        page = view(*args, **kwargs)
        if isinstance(page, Response):
            # An answer of the API: no form, so no token; kept only when it is the answer.
            if page.status_code == 200 and page.mimetype == "application/json":
                kept.keep(_JSON(page.get_data()))
        elif isinstance(page, str):
            token = g.get("csrf_token")
            # Kept as UTF-8: a str with one dash or curly quote in it takes two bytes a letter.
            if not token:
                kept.keep(page.encode())
            elif page.count(token) == 1:
                # Only the language form's: a token elsewhere (typed into a search, say)
                # would hand every later visitor's token to links, logs and referrers.
                kept.keep(page.encode().replace(token.encode(), _TOKEN_MARK))
        return page

    return serve


class _JSON(bytes):
    """A kept answer of the API, served as JSON (bytes, so it counts in the byte budget)."""


def _only(parameters: frozenset[str]) -> bool:
    """Whether the address has only these query parameters, each once."""
    return all(name in parameters and len(values) == 1
               for name, values in request.args.lists())


def _shareable() -> bool:
    # A page with a flashed message would keep the message for the next visitor.
    return (request.method == "GET" and not current_user.is_authenticated
            and "_flashes" not in session)
