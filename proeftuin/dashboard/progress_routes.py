"""A pilot's progress page for the facilitators of its programme."""

from __future__ import annotations

from flask import render_template

from proeftuin.dashboard import activity as activity_data
from proeftuin.dashboard import progress as logic
from proeftuin.dashboard import queries
from proeftuin.dashboard.blueprint import bp
from proeftuin.permissions import can_view_audit_trail
from proeftuin.web.loaders import load_pilot


@bp.get("/proeftuinen/<slug:slug>/voortgang")
def progress(slug: str):
    """Show the pilot's activity per month, timeline and framework mapping against its work."""
    # Who did what to the pilot's records, and when: the audit trail's audience.
    pilot = load_pilot(slug, need=can_view_audit_trail, options=queries.PILOT_PAGE)
    span = activity_data.MonthSpan.ending(activity_data.local_today())
    activity = activity_data.pilot_activity(pilot, span)
    return render_template(
        "dashboard/progress.html", pilot=pilot, progress=logic.progress(pilot),
        span=span, activity=activity, activity_chart=activity_data.chart(activity, span),
        months=activity_data.month_rows(span), measures=activity_data.measure_labels(),
    )
