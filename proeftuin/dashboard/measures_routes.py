"""Facilitators' page of the pilots' measures: run charts and running experiments."""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_login import current_user

from proeftuin.dashboard.blueprint import bp
from proeftuin.dashboard.queries import programmes_for
from proeftuin.measures import forms, queries
from proeftuin.measures.routes import template_helpers

#: a pilot with more measures than this gets a link to its own page instead of charts
MAX_CHARTS_PER_PILOT = 3


@bp.get("/metingen")
def measures():
    """Show, per programme the user follows, each pilot's measures and running experiments."""
    programmes = programmes_for(current_user)
    filters = forms.ProgrammeFilterForm(request.args, programmes=programmes)
    chosen = [p for p in programmes if p.slug == filters.programme.data] or programmes
    today = date.today()
    return render_template(
        "dashboard/measures.html", filters=filters, programmes=programmes,
        overview=queries.measures_overview(chosen, today), today=today,
        max_charts=MAX_CHARTS_PER_PILOT, **template_helpers(),
    )
