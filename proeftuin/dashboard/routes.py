"""Facilitators' pages: programme overview, application queue and pilot lifecycle.

The other facilitator pages live in modules of their own (`*_routes.py`), imported at the end
of this one so that their routes are on the blueprint before the app registers it.
"""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from proeftuin.dashboard import forms, queries, table
from proeftuin.dashboard.blueprint import bp
from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.models import PilotStatus
from proeftuin.models.base import utcnow
from proeftuin.permissions import can_decide_on_pilot, can_view_application
from proeftuin.pilots import lifecycle
from proeftuin.programmes import queries as call_queries
from proeftuin.web.loaders import load_pilot
from proeftuin.web.paging import KnownPage

#: pilots per page of the table
TABLE_PAGE_SIZE = 50
#: a page number beyond this is a typing mistake, not a page
MAX_PAGE = 1_000


def _pilot_table(programmes):
    """Return the table's form and every row of these programmes, flags worked out."""
    weeks = current_app.config["QUIET_AFTER_WEEKS"]
    filters = forms.PilotTableForm(request.args, programmes=programmes, quiet_weeks=weeks)
    return filters, table.build_rows(programmes, utcnow(), weeks)


@bp.get("/")
def index():
    """Show the pilots per status of each programme, and a table of their pilots as asked."""
    programmes = queries.programmes_for(current_user)
    filters, rows = _pilot_table(programmes)
    selection = filters.selection()
    params = filters.params()
    page = min(max(request.args.get("pagina", 1, type=int), 1), MAX_PAGE)
    return render_template(
        "dashboard/index.html",
        summaries=queries.overview(programmes),
        open_calls=call_queries.open_calls_by_programme(local_today()),
        statuses=list(PilotStatus),
        filters=filters,
        params=params,
        selection=selection,
        # A programme of hundreds of pilots shows them a page at a time, sorted and filtered
        # as a whole; the attention list and the CSV still cover every one.
        pagination=KnownPage.of(table.select_rows(rows, selection), page, TABLE_PAGE_SIZE),
        total=len(rows),
        attention=table.attention(rows),
        sort_links=table.sort_links(params, selection),
        quiet_weeks=current_app.config["QUIET_AFTER_WEEKS"],
    )


@bp.get("/proeftuinen.csv")
def export_csv():
    """Download the pilot table as CSV, with the same filters and order as the page."""
    filters, rows = _pilot_table(queries.programmes_for(current_user))
    body = table.csv_text(table.select_rows(rows, filters.selection()))
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers.set("Content-Disposition", "attachment",
                         filename=table.csv_filename(utcnow().date()))
    return response


@bp.get("/aanmeldingen")
def applications():
    """List the applications waiting for a decision, oldest first."""
    return render_template(
        "dashboard/applications.html", pilots=queries.application_queue(current_user)
    )


def _render_pilot(pilot, submitted=None, status_error: str | None = None, code: int = 200):
    actions = forms.status_actions(pilot, submitted) if can_decide_on_pilot(current_user, pilot) else []
    return render_template(
        "dashboard/pilot.html",
        pilot=pilot,
        actions=actions,
        status_error=status_error,
        rejected_reason=submitted.reason.data if status_error and submitted else "",
    ), code


@bp.get("/proeftuinen/<slug:slug>")
def pilot(slug: str):
    """Show everything the application holds, its history and the steps it may take."""
    pilot = load_pilot(slug, need=can_view_application, options=queries.PILOT_PAGE)
    return _render_pilot(pilot)


@bp.post("/proeftuinen/<slug:slug>/status")
def change_status(slug: str):
    """Move the pilot one step through its lifecycle."""
    pilot = load_pilot(slug, need=can_decide_on_pilot, options=queries.PILOT_PAGE)
    form = forms.StatusChangeForm()
    valid = form.validate_on_submit()
    try:
        target = lifecycle.next_status(pilot, form.to.data)
        if not valid:
            return _render_pilot(pilot, form)
        change = lifecycle.move_pilot(pilot, target, current_user, form.reason.data)
    except lifecycle.TransitionError as error:
        if error.field == "reason":
            form.reason.errors.append(error.message)
            return _render_pilot(pilot, form)
        # The step is not on the page, so its form cannot show the message: say it above.
        return _render_pilot(pilot, form, status_error=error.message, code=400)
    db.session.commit()
    flash(str(forms.ACTIONS[change.to_status].done), "success")
    return redirect(url_for("dashboard.pilot", slug=pilot.slug))


from proeftuin.dashboard import (  # noqa: E402,F401
    activity_routes,
    coverage_routes,
    demand_routes,
    measures_routes,
    monitor_routes,
    progress_routes,
)
