"""Facilitators' page of what the library's readers look for, and find too little of."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from proeftuin.dashboard import demand as logic
from proeftuin.dashboard.blueprint import bp
from proeftuin.dashboard.queries import programmes_for


@bp.get("/vraag")
def demand():
    """Show a month's shared searches, the framework cells they leave unmet, and the most
    read lessons of the user's programmes."""
    filters = logic.DemandMonthForm(request.args, months=logic.months_with_searches())
    return render_template(
        "dashboard/demand.html",
        filters=filters,
        demand=logic.demand(filters.chosen_month(), programmes_for(current_user)),
        min_shared=logic.MIN_SHARED_SEARCHES,
        few_lessons=logic.FEW_LESSONS,
    )
