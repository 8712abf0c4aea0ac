"""The facilitators' blueprint and its guard, shared by every page module."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from proeftuin.permissions import can_facilitate

bp = Blueprint("dashboard", __name__, url_prefix="/begeleiding")


@bp.before_request
@login_required
def _facilitators_only():
    # Every page here is for facilitators and admins; checking once keeps a new route from
    # forgetting it, and tells a participant nothing about which pilots exist.
    if not can_facilitate(current_user):
        abort(403)

