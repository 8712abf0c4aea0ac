"""Public pages of published lessons."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from proeftuin import page_cache, search_text
from proeftuin.library import cache, facets, queries
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.library.urls import LICENCE_URL, public_lesson_url
from proeftuin.permissions import can_facilitate, can_hide_reuse
from proeftuin.reuse.queries import trail_reports

bp = Blueprint("library", __name__, url_prefix="/bibliotheek")
bp.add_app_template_global(public_lesson_url)


def _public_or_404(lesson_id: int):
    lesson = queries.public_lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


ORDER_LABELS = {
    queries.Order.relevance: _l("best passend eerst"),
    queries.Order.newest: _l("nieuwste eerst"),
    queries.Order.reuse: _l("vaakst hergebruikt eerst"),
}

#: a page number beyond this is a typing mistake, not a page
MAX_PAGE = 10_000


@bp.get("/")
@page_cache.for_visitors()
def index():
    """Search the published lessons, narrowed by facets; without a query, newest first."""
    filters = LibraryFilterForm(request.args)
    selection = filters.selection()
    page = min(max(request.args.get("pagina", 1, type=int), 1), MAX_PAGE)
    per_page = current_app.config["LESSONS_PER_PAGE"]
    kept = cache.entry(("library", selection, page, per_page))
    if kept.value is not None:
        total, counts, ids = kept.value
        pagination = queries.lessons_page(ids, total, page, per_page)
    else:
        total, counts = queries.facet_counts(selection)
        pagination = queries.search_lessons(selection, page=page, per_page=per_page,
                                            total=total)
        kept.keep((total, counts, [lesson.id for lesson in pagination.items]))
    lessons = pagination.items
    query_stems = set(search_text.stems(selection.words))
    return render_template(
        "library/index.html",
        filters=filters,
        selection=selection,
        pagination=pagination,
        params=filters.params(),
        facets=facets.build(filters, counts),
        snippets={lesson.id: snippet(lesson.public_revision, query_stems) for lesson in lessons},
        titles={lesson.id: search_text.highlight(lesson.public_revision.title, query_stems,
                                                 width=1000) for lesson in lessons},
        reuse=queries.reuse_counts([lesson.id for lesson in lessons]),
        reuse_toggle=facets.toggled(filters.params(), "hergebruikt", "1"),
    )


@bp.app_template_filter()
def library_order_label(order: queries.Order) -> str:
    """Return how the library is sorted, as a phrase."""
    return str(ORDER_LABELS[order])


def snippet(revision, query_stems: set[str]):
    """Return the part of a lesson's text that best shows why it was found, marked."""
    text = " ".join(search_text.markdown_to_text(getattr(revision, name))
                    for name in ("summary", "context", "body", "advice"))
    return search_text.highlight(text.strip(), query_stems)


@bp.get("/<int:lesson_id>-<slug>")
@page_cache.for_visitors()
def show(lesson_id: int, slug: str):
    """Show the latest published revision of a lesson; other spellings of its URL redirect."""
    lesson = _public_or_404(lesson_id)
    revision = lesson.public_revision
    canonical = public_lesson_url(revision)
    if request.script_root + request.path != canonical:
        return redirect(canonical, code=301)
    return render_template(
        "library/show.html", lesson=lesson, revision=revision, pilot=lesson.pilot,
        canonical_url=public_lesson_url(revision, _external=True), licence_url=LICENCE_URL,
        related=_related(lesson),
        reuses=[reuse for reuse in trail_reports(lesson.id,
                                                 include_hidden=can_facilitate(current_user))
                if not reuse.is_hidden or can_hide_reuse(current_user, reuse)],
    )


def _related(lesson):
    kept = cache.entry(("related", lesson.id))
    if kept.value is not None:
        return queries.lessons_in_order(kept.value)
    related = queries.related_lessons(lesson)
    kept.keep([other.id for other in related])
    return related


@bp.get("/<int:lesson_id>")
def show_without_slug(lesson_id: int):
    """Send a short lesson URL on to the canonical one."""
    return redirect(public_lesson_url(_public_or_404(lesson_id).public_revision), code=301)


from proeftuin.library import export_routes  # noqa: E402, F401
