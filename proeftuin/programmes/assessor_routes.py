"""The assessors' pages (`/beoordelen/`): the calls one assesses, a call's applications,
scoring one application on each criterion or declaring a conflict of interest, and accepting
an invitation to assess.

Facilitators of the call's programme and the call's external assessors use them; an external
assessor reaches nothing else through them, and nothing here once the call is decided.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from proeftuin.auth.forms import AcceptInvitationForm, InvitedAccountForm
from proeftuin.auth.services import invitation_situation
from proeftuin.auth.sessions import start_session
from proeftuin.extensions import db
from proeftuin.permissions import can_assess, can_score, facilitates
from proeftuin.programmes import assessment, assessors
from proeftuin.programmes import assessment_forms as forms
from proeftuin.programmes import assessment_queries as queries
from proeftuin.security_log import log_event

bp = Blueprint("assessment", __name__, url_prefix="/beoordelen")


def _assessed_call(call_id: int):
    """The call, if the user assesses it now; a decided call tells its assessors it is over."""
    call = queries.call_by_id(call_id)
    if call is None:
        abort(404)
    if not can_assess(current_user, call):
        if call.decided_at is not None and (facilitates(current_user, call.programme)
                                            or queries.former_assessor(call, current_user)):
            abort(_decided(call))
        abort(403)
    return call


def _decided(call):
    return make_response(render_template("assessment/decided.html", call=call), 410)


def _application(call, pilot_id: int):
    pilot = queries.application_of(call, pilot_id)
    if pilot is None:
        abort(404)
    return pilot


@bp.get("/")
@login_required
def index():
    """The calls the user assesses, with how far they are."""
    return render_template("assessment/index.html", calls=queries.assessed_by(current_user))


@bp.get("/<int:call_id>/")
@login_required
def call(call_id: int):
    """A call's criteria and its applications, with what the user scored of each."""
    call = _assessed_call(call_id)
    pilots = queries.applications(call, options=queries.APPLICATION[:2])
    return render_template("assessment/call.html", call=call,
                           rows=queries.my_progress(call, current_user, pilots))


def _score_page(call, pilot, form=None, conflict_form=None):
    given = queries.my_scores(pilot, current_user)
    return render_template(
        "assessment/application.html", call=call, pilot=pilot,
        form=form or forms.score_form(call.criteria, given, formdata=None),
        conflict_form=conflict_form or forms.ConflictForm(formdata=None),
        conflict=assessment.has_conflict(pilot, current_user), given=given,
        may_score=can_score(current_user, call, pilot))


@bp.route("/<int:call_id>/<int:pilot_id>", methods=["GET", "POST"])
@login_required
def application(call_id: int, pilot_id: int):
    """One application as an assessor reads it, with the form to score it per criterion."""
    call = _assessed_call(call_id)
    pilot = _application(call, pilot_id)
    if request.method == "GET":
        return _score_page(call, pilot)
    if not can_score(current_user, call, pilot):
        flash(_("Over deze aanmelding is al besloten; de scores liggen vast."), "info")
        return redirect(url_for("assessment.application", call_id=call.id, pilot_id=pilot.id),
                        code=303)
    form = forms.score_form(call.criteria, {}, formdata=request.form)
    if not form.validate_on_submit():
        return _score_page(call, pilot, form=form)
    try:
        changed = assessment.save_scores(call, pilot, current_user, form.scores(call.criteria))
    except assessment.AssessmentError as error:
        db.session.rollback()
        flash(error.message or _("De scores konden niet worden opgeslagen."), "error")
        return _score_page(call, pilot, form=form)
    db.session.commit()
    flash(_("Uw scores zijn opgeslagen.") if changed else _("Er was niets veranderd."),
          "success" if changed else "info")
    return redirect(url_for("assessment.call", call_id=call.id), code=303)


@bp.post("/<int:call_id>/<int:pilot_id>/belangenconflict")
@login_required
def declare_conflict(call_id: int, pilot_id: int):
    """Declare a conflict of interest with one application: it cannot be scored after."""
    call = _assessed_call(call_id)
    pilot = _application(call, pilot_id)
    form = forms.ConflictForm()
    if not form.validate_on_submit():
        return _score_page(call, pilot, conflict_form=form)
    try:
        assessment.declare_conflict(call, pilot, current_user, form.note.data)
    except assessment.AssessmentError as error:
        db.session.rollback()
        flash(error.message, "info")
    else:
        db.session.commit()
        flash(_("Uw belangenconflict bij %(pilot)s is vastgelegd. U beoordeelt deze aanmelding niet.",
                pilot=pilot.name), "success")
    return redirect(url_for("assessment.call", call_id=call.id), code=303)


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Show an invitation to assess a call and accept it, with a new account if needed."""
    invited = assessors.find(token)
    if invited is None:
        return render_template("assessment/invitation_gone.html", invited=None), 404
    if not assessors.usable(invited):
        return render_template("assessment/invitation_gone.html", invited=invited), 410
    situation, account = invitation_situation(invited.email, current_user)
    here = url_for("assessment.accept_invitation", token=token)

    form = None
    if situation == "new_account":
        form = InvitedAccountForm()
        form.name.description = _("Zoals de begeleiders van het programma u kennen.")
        if form.validate_on_submit():
            try:
                user = assessors.create_account_and_accept(invited, form.name.data,
                                                           form.password.data)
            except assessors.AssessorError:
                db.session.rollback()
                return render_template("assessment/invitation_gone.html", invited=invited), 410
            start_session(user)
            db.session.commit()
            log_event("account_created_by_invitation", account_id=user.id,
                      assessor_invitation_id=invited.id)
            flash(_("Welkom! Uw account is aangemaakt; u kunt de aanmeldingen van %(call)s nu beoordelen.",
                    call=invited.call.title), "success")
            return redirect(url_for("assessment.call", call_id=invited.call_id))
    elif situation == "accept":
        form = AcceptInvitationForm()
        if form.validate_on_submit():
            try:
                assessors.accept(invited, account)
            except assessors.AssessorError:
                db.session.rollback()
                return render_template("assessment/invitation_gone.html", invited=invited), 410
            db.session.commit()
            flash(_("U beoordeelt nu de aanmeldingen van %(call)s.", call=invited.call.title),
                  "success")
            return redirect(url_for("assessment.call", call_id=invited.call_id))
    elif request.method == "POST":
        return redirect(here)
    return render_template("assessment/invitation.html", invited=invited, situation=situation,
                           form=form, login_url=url_for("auth.login", next=here), here=here)
