"""The blueprint of the facilitators' programme pages (calls, assessment, the cohort's
calendar) and its guard, shared by every page module."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from proeftuin.permissions import can_facilitate

bp = Blueprint("programmes", __name__, url_prefix="/begeleiding/rondes")


@bp.before_request
@login_required
def _facilitators_only():
    # As on the other facilitators' pages: nothing here for anyone else.
    if not can_facilitate(current_user):
        abort(403)
