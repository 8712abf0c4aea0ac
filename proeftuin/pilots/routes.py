"""Public pilot list and profiles, and the application form."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from proeftuin.caching import page_cache
from proeftuin.dates import local_today
from proeftuin.extensions import db, limiter
from proeftuin.models import RecordType
from proeftuin.permissions import can_view_public_profile
from proeftuin.personal_data import guard
from proeftuin.pilots import queries, services
from proeftuin.pilots.forms import ApplicationForm, PilotFilterForm
from proeftuin.programmes import queries as call_queries

bp = Blueprint("pilots", __name__)

#: deeper pages than this are never linked; the cap keeps the offset in range
MAX_PAGE = 10_000


def _apply_limit() -> str:
    # Read per request, so the limit follows the configuration (tests lower it).
    return current_app.config["APPLY_RATE_LIMIT"]


@bp.get("/proeftuinen/")
@page_cache.for_visitors(page_cache.PROFILE_PAGE, parameters=PilotFilterForm.parameters())
def index():
    """List the public pilots, filtered by plain GET parameters."""
    filters = PilotFilterForm(request.args)
    page = min(max(request.args.get("pagina", 1, type=int), 1), MAX_PAGE)
    pagination = queries.public_pilots(
        filters.selection(), page=page, per_page=current_app.config["PILOTS_PER_PAGE"]
    )
    return render_template(
        "pilots/index.html", filters=filters, pagination=pagination, params=filters.params()
    )


@bp.get("/proeftuinen/<slug:slug>")
@page_cache.for_visitors(page_cache.PROFILE_PAGE)
def show(slug: str):
    """Show a pilot's public profile."""
    pilot = queries.public_pilot(slug)
    if pilot is None or not can_view_public_profile(current_user, pilot):
        abort(404)
    return render_template("pilots/show.html", pilot=pilot,
                           lessons=queries.published_lessons(pilot))


#: the application's free texts, which a profile shows once the pilot is selected
GUARDED_APPLICATION_FIELDS = ("theme", "ambition")


@bp.route("/aanmelden", methods=["GET", "POST"])
@limiter.limit(_apply_limit, methods=["POST"])
def apply():
    """Apply to become a pilot of a programme, in one of its open calls."""
    today = local_today()
    open_calls = call_queries.open_calls(today)
    form = ApplicationForm(open_calls=open_calls)
    # Theme and ambition may become public: scanned like a lesson, though nothing is stored
    # of the writer's confirmations (there is no record, and no account, to keep them for).
    review = guard.check_if_valid(form, RecordType.application, only=GUARDED_APPLICATION_FIELDS,
                                  also_allowed=guard.own_names(form))
    if guard.may_save(review):
        try:
            services.submit_application(form.data)
            db.session.commit()
        except (services.ApplicationError, sa.exc.IntegrityError):
            # Form validation rules these out, bar a race (a call closed or a slug taken a
            # moment ago): say so and keep what was typed.
            db.session.rollback()
            flash(_("Uw aanmelding kon niet worden opgeslagen. Controleer de gegevens en probeer het opnieuw."), "error")
        else:
            return redirect(url_for("pilots.applied"), code=303)
    return render_template("pilots/apply.html", form=form, review=review, open_calls=open_calls,
                           coming_calls=call_queries.coming_calls(today))


@bp.get("/aanmelden/bedankt")
def applied():
    """Thank the group and say what happens next."""
    return render_template("pilots/applied.html")
