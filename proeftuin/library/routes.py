"""Public pages of published lessons."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from proeftuin.caching import page_cache
from proeftuin.library import facets, queries, results, usage
from proeftuin.library.blueprint import bp
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.library.urls import LICENCE_URL, library_urls, public_lesson_url
from proeftuin.permissions import can_facilitate, can_hide_reuse, is_member


def _public_or_404(lesson_id: int):
    lesson = queries.public_lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


ORDER_LABELS = {
    queries.Order.relevance: _l("best passend eerst"),
    queries.Order.newest: _l("nieuwste eerst"),
    queries.Order.reuse: _l("vaakst hergebruikt eerst"),
    queries.Order.proven: _l("vaakst elders bewezen eerst"),
}

#: a page number beyond this is a typing mistake, not a page
MAX_PAGE = 10_000


@bp.get("/")
@usage.counts_searches
@page_cache.for_visitors(parameters=LibraryFilterForm.parameters())
def index():
    """Search the published lessons, narrowed by facets; without a query, newest first."""
    filters = LibraryFilterForm(request.args)
    page = min(max(request.args.get("pagina", 1, type=int), 1), MAX_PAGE)
    found = results.search(filters.selection(), page, current_app.config["LESSONS_PER_PAGE"],
                           facets=True)
    usage.note_search(found.selection, page, found.total)
    return render_template(
        "library/index.html",
        filters=filters,
        selection=found.selection,
        pagination=found.pagination,
        params=filters.params(),
        facets=facets.build(filters, found.counts),
        snippets=found.snippets(),
        titles=found.titles(),
        reuse=found.reuse_counts(),
        reuse_toggle=library_urls()(facets.toggled(filters.params(), "hergebruikt", "1")),
        proven_toggle=library_urls()(facets.toggled(filters.params(), queries.PROVEN, "1")),
        proven_count=found.counts.get(queries.PROVEN, {}).get("1", 0),
    )


@bp.app_template_filter()
def library_order_label(order: queries.Order) -> str:
    """Return how the library is sorted, as a phrase."""
    return str(ORDER_LABELS[order])


@bp.get("/<int:lesson_id>-<slug>")
@usage.counts_views
@page_cache.for_visitors()
def show(lesson_id: int, slug: str):
    """Show the latest published revision of a lesson; other spellings of its URL redirect."""
    lesson = _public_or_404(lesson_id)
    revision = lesson.public_revision
    canonical = public_lesson_url(revision)
    if request.script_root + request.path != canonical:
        return redirect(canonical, code=301)
    usage.note_own_lesson(is_member(current_user, lesson.pilot))
    return render_template(
        "library/show.html", lesson=lesson, revision=revision, pilot=lesson.pilot,
        canonical_url=public_lesson_url(revision, _external=True), licence_url=LICENCE_URL,
        related=results.related(lesson),
        reuses=[reuse for reuse in results.reuse_trail(
                    lesson, include_hidden=can_facilitate(current_user))
                if not reuse.is_hidden or can_hide_reuse(current_user, reuse)],
    )


@bp.get("/<int:lesson_id>")
def show_without_slug(lesson_id: int):
    """Send a short lesson URL on to the canonical one."""
    return redirect(public_lesson_url(_public_or_404(lesson_id).public_revision), code=301)

