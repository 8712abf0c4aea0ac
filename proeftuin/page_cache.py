"""Public pages kept rendered per worker, for visitors who are not signed in.

A library search, a lesson page or a pilot profile costs a worker milliseconds of queries,
Markdown and templates, yet every visitor who is not signed in gets the same page, bar one
thing: the CSRF token of the language form, which is theirs. So the page is kept with a mark where the
token was, and each visitor's own token is put in as it is served.

Pages are kept under the library's version (`proeftuin.models.library_version`), which
database triggers change with every write that can change what these pages show, so a
change is visible at once. The key holds the whole URL, host included (the canonical link is
absolute: a request with a forged Host header must not leave its link in everyone's page),
and the language. Signed-in people, requests with a message to flash and anything but a
plain page are never served from it nor kept in it.
"""

from __future__ import annotations

import functools
import secrets

from flask import current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from proeftuin.library.cache import versioned_entry
from proeftuin.reference import current_language

#: where a visitor's CSRF token goes; random, so no text on a page can contain it
_TOKEN_MARK = f"csrf-{secrets.token_hex(16)}"


def for_visitors(view):
    """Serve a GET view's page from the cache to visitors who are not signed in."""

    @functools.wraps(view)
    def serve(*args, **kwargs):
        if not _shareable():
            return view(*args, **kwargs)
        kept = versioned_entry("page_cache", current_app.config["PAGE_CACHE_SIZE"],
                               (request.url, current_language()))
        if kept.value is not None:
            return kept.value.replace(_TOKEN_MARK, generate_csrf())
        page = view(*args, **kwargs)
        if isinstance(page, str):
            token = g.get("csrf_token")
            kept.keep(page.replace(token, _TOKEN_MARK) if token else page)
        return page

    return serve


def _shareable() -> bool:
    # A page with a flashed message would keep the message for the next visitor.
    return (request.method == "GET" and not current_user.is_authenticated
            and "_flashes" not in session)
