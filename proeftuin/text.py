"""Markdown to sanitised HTML: the only way user text reaches a page as markup."""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> Markup:
    """Render Markdown and keep only an allow-list of tags, attributes and link schemes."""
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    # Headings in user text start at h2: the page's own title is the only h1.
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
