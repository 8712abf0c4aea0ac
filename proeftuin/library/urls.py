"""The public addresses of the library's lessons, and the licence they are published under."""

from __future__ import annotations

from flask import url_for
from slugify import slugify

#: CC BY 4.0: anyone may reuse a lesson, naming the pilot and linking here
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"


def lesson_slug(title: str | None) -> str:
    """Return the readable part of a lesson's URL, made from its public title."""
    return slugify(title or "", max_length=80, word_boundary=True) or "les"


def public_lesson_url(revision, **values) -> str:
    """Return the canonical public URL of a lesson, given the revision the public sees."""
    return url_for("library.show", lesson_id=revision.lesson_id,
                   slug=lesson_slug(revision.title), **values)
