"""Public pages of published lessons."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from slugify import slugify

from proeftuin.library import queries

bp = Blueprint("library", __name__, url_prefix="/bibliotheek")

#: CC BY 4.0: anyone may reuse a lesson, naming the pilot and linking here
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.nl"


def lesson_slug(title: str | None) -> str:
    """Return the readable part of a lesson's URL, made from its public title."""
    return slugify(title or "", max_length=80, word_boundary=True) or "les"


@bp.app_template_global()
def public_lesson_url(revision, **values) -> str:
    """Return the canonical public URL of a lesson, given the revision the public sees."""
    return url_for("library.show", lesson_id=revision.lesson_id,
                   slug=lesson_slug(revision.title), **values)


def _public_or_404(lesson_id: int):
    lesson = queries.public_lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


@bp.get("/<int:lesson_id>-<slug>")
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
    )


@bp.get("/<int:lesson_id>")
def show_without_slug(lesson_id: int):
    """Send a short lesson URL on to the canonical one."""
    return redirect(public_lesson_url(_public_or_404(lesson_id).public_revision), code=301)


from proeftuin.library import export_routes  # noqa: E402, F401
