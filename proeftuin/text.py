"""Markdown to sanitised HTML (the only way user text reaches a page as markup) and to the
plain words a reader sees of it."""

from __future__ import annotations

import html
import threading
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
_SCHEMES = {"http", "https", "mailto"}

# Building a Markdown converter looks its extensions up among the installed packages, which
# took longer than converting a lesson. A converter is not thread-safe: one per thread, reset
# before each use.
_converters = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_converters, "converter", None)
    if converter is None:
        converter = _converters.converter = markdown.Markdown(
            extensions=["extra", "sane_lists"], output_format="html")
    return converter.reset()


# Published texts are read far more often than they change, and converting one costs about a
# millisecond: a lesson page or a profile converts four. The same text always gives the same
# HTML, so each worker keeps the most recent conversions (a couple of MB at most); the page
# cache keeps the pages most visitors read whole.
@lru_cache(maxsize=1024)
def render_markdown(text: str | None) -> Markup:
    """Render Markdown and keep only an allow-list of tags, attributes and link schemes."""
    if not text:
        return Markup("")
    html = _converter().convert(text)
    # Headings in user text start at h2: the page's own title is the only h1.
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


@lru_cache(maxsize=1024)
def markdown_to_text(markdown_text: str | None) -> str:
    """Return the readable text of Markdown, without its markup, for snippets and exports."""
    if not markdown_text:
        return ""
    text = nh3.clean(str(render_markdown(markdown_text)), tags=set())
    return " ".join(html.unescape(text).split())


def readable_text(*markdown_texts: str | None) -> str:
    """Return the readable text of several Markdown texts, one after the other."""
    return " ".join(filter(None, map(markdown_to_text, markdown_texts)))
