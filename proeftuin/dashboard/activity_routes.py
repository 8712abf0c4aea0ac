"""Facilitators' page of activity over time: case discussions and lessons per month."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from proeftuin.dashboard import activity as activity_data
from proeftuin.dashboard import queries
from proeftuin.dashboard.blueprint import bp
from proeftuin.dashboard.period_forms import ActivityPeriodForm


@bp.get("/activiteit")
def activity():
    """Show per programme, and per pilot, the case discussions and lessons of each month."""
    programmes = queries.programmes_for(current_user)
    form = ActivityPeriodForm(request.args, programmes=programmes,
                              today=activity_data.local_today())
    chosen = form.chosen_programme
    shown = [p for p in programmes if chosen in (None, p.slug)]
    span = form.span
    report = activity_data.activity(shown, span)
    return render_template(
        "dashboard/activity.html",
        form=form,
        span=span,
        report=report,
        charts={item.programme.id: activity_data.chart(item, span) for item in report},
        months=activity_data.month_rows(span),
        measures=activity_data.measure_labels(),
        has_programmes=bool(programmes),
    )
