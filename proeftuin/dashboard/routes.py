"""Facilitators' pages: programme overview, application queue and pilot lifecycle."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from proeftuin.dashboard import forms, queries, services
from proeftuin.extensions import db
from proeftuin.models import PilotStatus
from proeftuin.permissions import can_decide_on_pilot, can_facilitate, can_view_application

bp = Blueprint("dashboard", __name__, url_prefix="/begeleiding")


@bp.before_request
@login_required
def _facilitators_only():
    # Every page here is for facilitators and admins; checking once keeps a new route from
    # forgetting it, and tells a participant nothing about which pilots exist.
    if not can_facilitate(current_user):
        abort(403)


def load_pilot(slug: str, need=can_view_application):
    """Return the pilot with this slug, or 404; 403 unless `need(current_user, pilot)`."""
    pilot = queries.pilot_by_slug(slug)
    if pilot is None:
        abort(404)
    if not need(current_user, pilot):
        abort(403)
    return pilot


@bp.get("/")
def index():
    """Show, per programme, the applications waiting, the pilots per status and their table."""
    return render_template(
        "dashboard/index.html", summaries=queries.overview(current_user), statuses=list(PilotStatus)
    )


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
    return _render_pilot(load_pilot(slug))


@bp.post("/proeftuinen/<slug:slug>/status")
def change_status(slug: str):
    """Move the pilot one step through its lifecycle."""
    pilot = load_pilot(slug, need=can_decide_on_pilot)
    form = forms.StatusChangeForm()
    valid = form.validate_on_submit()
    try:
        target = services.next_status(pilot, form.to.data)
        if not valid:
            return _render_pilot(pilot, form)
        change = services.change_status(pilot, target, current_user, form.reason.data)
    except services.StatusChangeError as error:
        if error.field == "reason":
            form.reason.errors.append(error.message)
            return _render_pilot(pilot, form)
        # The step is not on the page, so its form cannot show the message: say it above.
        return _render_pilot(pilot, form, status_error=error.message, code=400)
    db.session.commit()
    flash(str(forms.ACTIONS[change.to_status].done), "success")
    return redirect(url_for("dashboard.pilot", slug=pilot.slug))
