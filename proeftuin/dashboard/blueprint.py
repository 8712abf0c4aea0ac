"""The facilitators' blueprint, its guard and the pilot loader every page module shares."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from proeftuin.dashboard import queries
from proeftuin.permissions import can_facilitate, can_view_application

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
