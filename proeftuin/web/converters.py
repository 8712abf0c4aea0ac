"""URL converters: a URL that cannot name a row is a 404 before any query runs."""

from __future__ import annotations

from werkzeug.routing import BaseConverter


class SlugConverter(BaseConverter):
    """Lower-case letters and digits in hyphen-joined words, as `slugs.unique_slug` makes."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"
