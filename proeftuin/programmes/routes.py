"""The pages of a programme's calls for applications: the list, a call, opening, changing and
closing one. They sit beside the facilitators' pages (`/begeleiding/rondes/`).

The other programme pages live in modules of their own (`*_routes.py`), imported at the end
of this one so that their routes are on the blueprint before the app registers it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from proeftuin.dashboard import queries
from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.forms import ActionForm
from proeftuin.models import Call
from proeftuin.permissions import can_manage_calls
from proeftuin.programmes import forms as call_forms
from proeftuin.programmes import queries as call_queries
from proeftuin.programmes import services as call_services
from proeftuin.programmes.blueprint import bp
from proeftuin.web.loaders import check_action_form


def _managed_call(call_id: int):
    call = call_queries.call_by_id(call_id)
    if call is None:
        abort(404)
    if not can_manage_calls(current_user, call.programme):
        abort(403)
    return call


def _names_another_programme(programmes) -> bool:
    """Whether the request names a programme that exists but is not the user's to manage."""
    chosen = request.form.get("programme_id", type=int)
    return (chosen is not None and chosen not in {p.id for p in programmes}
            and call_queries.programme_exists(chosen))


def _fields(form: call_forms.CallForm) -> dict:
    return {"title": form.title.data, "text": form.text.data, "opens_on": form.opens_on.data,
            "closes_on": form.closes_on.data, "places": form.places.data,
            "criteria": form.criteria_rows()}


def _saved(write: Callable[[], Call], done: Callable[[Call], str]) -> Response | None:
    """Write a call and go on to its page, saying `done`; or, when the change cannot be made
    (the form rules that out, bar a race), say so and return None to show the form again."""
    try:
        call = write()
    except call_services.CallError:
        db.session.rollback()
        flash(_("De ronde kon niet worden opgeslagen. Controleer de gegevens en probeer het opnieuw."), "error")
        return None
    db.session.commit()
    flash(done(call), "success")
    return redirect(url_for("programmes.call", call_id=call.id), code=303)


@bp.get("/")
def calls():
    """List the calls of the user's programmes, newest first, with their applications."""
    programmes = queries.programmes_for(current_user)
    return render_template("programmes/calls.html", summaries=call_queries.calls_of(programmes),
                           programmes=programmes, today=local_today())


@bp.route("/nieuw", methods=["GET", "POST"])
def new_call():
    """Open a call of one of the user's programmes."""
    programmes = [p for p in queries.programmes_for(current_user)
                  if can_manage_calls(current_user, p)]
    if not programmes or _names_another_programme(programmes):
        abort(403)
    form = call_forms.CallForm(programmes=programmes)
    if form.validate_on_submit():
        programme = next(p for p in programmes if p.id == form.programme_id.data)
        saved = _saved(lambda: call_services.open_call(programme, **_fields(form)),
                       lambda call: _("De ronde %(title)s is aangemaakt.", title=call.title))
        if saved is not None:
            return saved
    return render_template("programmes/call_form.html", form=form, call=None)


@bp.get("/<int:call_id>")
def call(call_id: int):
    """Show a call: its text, days, places and criteria, and the applications it received."""
    call = _managed_call(call_id)
    return render_template("programmes/call.html", call=call, today=local_today(),
                           applications=call_queries.applications_of(call),
                           close_form=ActionForm())


@bp.route("/<int:call_id>/bewerken", methods=["GET", "POST"])
def edit_call(call_id: int):
    """Change a call's text, days, places and criteria."""
    call = _managed_call(call_id)
    form = call_forms.CallForm(
        data=call_forms.call_data(call) if request.method == "GET" else None,
        programmes=[call.programme])
    # A call stays with the programme it was opened for.
    del form.programme_id
    if form.validate_on_submit():
        saved = _saved(lambda: call_services.change_call(call, **_fields(form)),
                       lambda call: _("De ronde %(title)s is opgeslagen.", title=call.title))
        if saved is not None:
            return saved
    return render_template("programmes/call_form.html", form=form, call=call)


@bp.post("/<int:call_id>/sluiten")
def close_call(call_id: int):
    """Close a call before its last day: it takes no more applications."""
    call = _managed_call(call_id)
    check_action_form()
    try:
        call_services.close_call(call, local_today())
    except call_services.CallError:
        flash(_("Deze ronde was al gesloten."), "info")
    else:
        db.session.commit()
        flash(_("De ronde %(title)s is gesloten: er kunnen geen aanmeldingen meer bij.", title=call.title), "success")
    return redirect(url_for("programmes.call", call_id=call.id), code=303)


from proeftuin.programmes import (  # noqa: E402,F401
    assessment_routes,
    calendar_routes,
)
