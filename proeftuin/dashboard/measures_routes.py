"""Facilitators' page of the pilots' measures: run charts and running experiments."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from proeftuin.dashboard.blueprint import bp
from proeftuin.dashboard.queries import programmes_for
from proeftuin.dates import local_today
from proeftuin.measures import forms, queries
from proeftuin.measures.template_helpers import template_helpers

#: a pilot with more measures than this gets a link to its own page instead of charts
MAX_CHARTS_PER_PILOT = 3
#: pilots per page: each draws up to MAX_CHARTS_PER_PILOT run charts
PILOTS_PER_PAGE = 10
#: deeper pages than this are never linked; the cap keeps the offset in range
MAX_PAGE = 10_000


@bp.get("/metingen")
def measures():
    """Show, per programme the user follows, each pilot's measures and running experiments.

    The pilots come ten at a time (`?pagina=`), so that the number of charts drawn stays
    the same however many pilots there are.
    """
    programmes = programmes_for(current_user)
    filters = forms.ProgrammeFilterForm(request.args, programmes=programmes)
    chosen = [p for p in programmes if p.slug == filters.programme.data] or programmes
    page = min(max(request.args.get("pagina", 1, type=int), 1), MAX_PAGE)
    today = local_today()
    overview = queries.measures_overview(chosen, today, page=page, per_page=PILOTS_PER_PAGE)
    return render_template(
        "dashboard/measures.html", filters=filters, programmes=programmes,
        overview=overview.groups, pagination=overview.pagination, params=filters.params(),
        today=today, max_charts=MAX_CHARTS_PER_PILOT, **template_helpers(),
    )
