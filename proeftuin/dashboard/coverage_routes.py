"""The coverage matrix: pilots × solution directions, and what no pilot in a region works on."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from proeftuin.dashboard import coverage as logic
from proeftuin.dashboard.blueprint import bp
from proeftuin.dashboard.queries import programmes_for


@bp.get("/dekking")
def coverage():
    """Show, for the user's programmes, which pilots work on which directions, and the gaps."""
    programmes = programmes_for(current_user)
    filters = logic.CoverageFilterForm(request.args, programmes=programmes)
    return render_template(
        "dashboard/coverage.html",
        filters=filters,
        has_programmes=bool(programmes),
        coverage=logic.coverage(filters.selected_programmes(), filters.region.data),
    )
