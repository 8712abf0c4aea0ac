"""The library's Atom 1.0 feed (RFC 4287): the newest lessons of any selection."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET  # noqa: S405 - builds XML; parses nothing
from datetime import UTC, datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from proeftuin.labels import lesson_kind_label
from proeftuin.library import queries, results
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.library.urls import LICENCE_URL, public_lesson_url
from proeftuin.models import Lesson
from proeftuin.reference import current_language
from proeftuin.text import render_markdown

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
#: how many of the newest lessons a feed holds
FEED_SIZE = 50

# Characters XML 1.0 does not allow at all, not even escaped; the parser of a feed reader
# would stop at them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str:
    return _NOT_XML.sub("", str(value))


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text=None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}",
                            {key: _text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def feed_selection(filters: LibraryFilterForm) -> queries.LibrarySelection:
    """Return the form's selection, newest first unless another order was asked for."""
    selection = filters.selection()
    return dataclasses.replace(selection, order=selection.order or queries.Order.newest)


def feed_title(filters: LibraryFilterForm) -> str:
    """Return the feed's title: the library, then each active filter as "label: value"."""
    title = _("Proeftuin — geleerde lessen")
    # The order changes which lessons come first, not which lessons the feed is about.
    chosen = [f"{item['label']}: {item['value']}" for item in filters.active()
              if item["label"] != str(filters.order.label.text)]
    return f"{title} ({'; '.join(chosen)})" if chosen else title


def entry_html(lesson: Lesson, outcome: queries.ReuseOutcome | None = None) -> Markup:
    """Return a lesson's public texts as sanitised HTML, for the entry's content, with what
    became of it elsewhere."""
    revision = lesson.public_revision
    parts = [Markup("<p>{}</p>").format(revision.summary)] if revision.summary else []
    for heading, text in ((_("Context"), revision.context), (_("De les"), revision.body),
                          (_("Advies voor anderen"), revision.advice)):
        if text:
            parts.append(Markup("<h2>{}</h2>{}").format(heading, render_markdown(text)))
    if outcome is not None and outcome.pilots:
        parts.append(Markup("<p>{}</p>").format(reuse_sentence(outcome)))
    parts.append(Markup('<p>{} <a href="{}">{}</a>, {}, {}. {} <a href="{}">{}</a></p>').format(
        _("Proeftuin:"), url_for("pilots.show", slug=lesson.pilot.slug, _external=True),
        lesson.pilot.name, lesson.pilot.municipality, lesson.pilot.region.name,
        _("Licentie:"), LICENCE_URL, "CC BY 4.0",
    ))
    return Markup("\n").join(parts)


def _entry(feed: ET.Element, lesson: Lesson, outcome: queries.ReuseOutcome | None) -> None:
    revision = lesson.public_revision
    pilot = lesson.pilot
    url = public_lesson_url(revision, _external=True)
    library = url_for("library.index", _external=True)
    entry = _add(feed, "entry")
    # The short URL stays when the title (and with it the canonical URL) changes, so a feed
    # reader does not show a retitled lesson as a new one.
    _add(entry, "id", url_for("library.show_without_slug", lesson_id=lesson.id, _external=True))
    _add(entry, "title", revision.title, type="text")
    _add(entry, "link", rel="alternate", type="text/html", href=url)
    _add(entry, "published", _when(lesson.first_published_at or revision.published_at))
    _add(entry, "updated", _when(revision.published_at))
    author = _add(entry, "author")
    _add(author, "name", pilot.name)
    _add(author, "uri", url_for("pilots.show", slug=pilot.slug, _external=True))
    # scheme + term is the library filtered on that value, so a reader can follow it.
    for direction in revision.directions:
        _add(entry, "category", term=direction.number, scheme=f"{library}?richting=",
             label=f"{direction.number}. {direction.name}")
    for question in revision.questions:
        _add(entry, "category", term=question.number, scheme=f"{library}?vraag=",
             label=f"{question.number}. {question.name}")
    _add(entry, "category", term=revision.kind.value, scheme=f"{library}?soort=",
         label=lesson_kind_label(revision.kind))
    if outcome is not None and outcome.proven:
        _add(entry, "category", term="1", scheme=f"{library}?{queries.PROVEN}=",
             label=_("Elders bewezen"))
    if revision.summary:
        _add(entry, "summary", revision.summary, type="text")
    # type="html": the markup travels escaped as text, which ElementTree does for us.
    _add(entry, "content", str(entry_html(lesson, outcome)), type="html")


def reuse_sentence(outcome: queries.ReuseOutcome) -> str:
    """What became of a lesson elsewhere, in a sentence."""
    return ngettext(
        "Hergebruikt door %(num)d andere proeftuin: overgenomen door %(adopted)d, aangepast "
        "door %(adapted)d, gestopt door %(dropped)d.",
        "Hergebruikt door %(num)d andere proeftuinen: overgenomen door %(adopted)d, "
        "aangepast door %(adapted)d, gestopt door %(dropped)d.",
        outcome.pilots, adopted=outcome.adopted, adapted=outcome.adapted,
        dropped=outcome.dropped)


#: the updated time of a feed without entries
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)


def library_feed(filters: LibraryFilterForm) -> bytes:
    """Return the Atom feed of the newest lessons in the form's selection, as UTF-8 XML."""
    params = filters.params()
    self_url = url_for("library.feed", **params, _external=True)
    lessons = results.search(feed_selection(filters), per_page=FEED_SIZE, count=False,
                             all_links=True).lessons
    # An empty feed has no newest entry; it still needs an updated time, and a fixed one
    # keeps its ETag stable.
    updated = max((lesson.public_revision.published_at for lesson in lessons),
                  default=EMPTY_FEED_UPDATED)

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: current_language()})
    # The normalised self URL is stable for a selection, so it serves as the feed's id.
    _add(feed, "id", self_url)
    _add(feed, "title", feed_title(filters), type="text")
    _add(feed, "updated", _when(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html",
         href=url_for("library.index", **params, _external=True))
    _add(feed, "link", rel="license", href=LICENCE_URL)
    author = _add(feed, "author")
    _add(author, "name", "Proeftuin")
    _add(author, "uri", url_for("main.index", _external=True))
    _add(feed, "rights", _(
        "De lessen vallen onder de licentie Creative Commons Naamsvermelding 4.0 "
        "(CC BY 4.0): noem de proeftuin en verwijs naar de les. %(url)s", url=LICENCE_URL),
        type="text")
    outcomes = queries.reuse_outcomes([lesson.id for lesson in lessons])
    for lesson in lessons:
        _entry(feed, lesson, outcomes.get(lesson.id))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
