"""Home, language choice and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, session
from flask_login import current_user

from proeftuin.caching import page_cache
from proeftuin.extensions import csrf, db
from proeftuin.main import queries
from proeftuin.web import health
from proeftuin.web.navigation import redirect_next

bp = Blueprint("main", __name__)


@bp.get("/")
@page_cache.for_visitors(page_cache.PROFILE_PAGE)
def index():
    """Show what Proeftuin is, the newest lessons, the framework at a glance and new pilots."""
    return render_template(
        "main/index.html",
        recent_lessons=queries.recent_public_lessons(limit=5),
        directions=queries.directions_with_pilot_counts(),
        direction_lessons=queries.lesson_counts_by_direction(),
        recent_pilots=queries.recent_public_pilots(limit=6),
        totals=queries.public_totals(),
    )


@bp.get("/toegankelijkheid")
def accessibility():
    """Show the accessibility statement."""
    return render_template("main/accessibility.html",
                           contact_email=current_app.config["CONTACT_EMAIL"])


@bp.get("/privacy")
def privacy():
    """Say what is stored, why, for how long and whom to ask."""
    return render_template("main/privacy.html", contact_email=current_app.config["CONTACT_EMAIL"])


@bp.post("/taal")
def set_language():
    """Remember the interface language the visitor chose."""
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated and current_user.language != lang:
        # Kept with the account too: e-mail to this person is written in it.
        current_user.language = lang
        db.session.commit()
    return redirect_next("main.index")


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """Answer whether the app runs and the database responds; the rate-limit storage is
    reported, not required (without it each worker counts in memory)."""
    rate_limits = health.rate_limit_storage()
    if not health.database_reachable():
        return jsonify(status="error", database="unreachable", rate_limits=rate_limits), 503
    return jsonify(status="ok", database="ok", rate_limits=rate_limits)
