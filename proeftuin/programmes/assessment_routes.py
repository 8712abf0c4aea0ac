"""The facilitators' side of a call's assessment: the scores side by side with the spread of
the selection, inviting and revoking external assessors, deciding on each application, and
closing the assessment (`/begeleiding/rondes/<id>/beoordeling`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.forms import ActionForm
from proeftuin.models import CallAssessor, DecisionOutcome, PilotStatus
from proeftuin.models.base import MAX_ID
from proeftuin.permissions import can_manage_calls
from proeftuin.programmes import assessment, assessors
from proeftuin.programmes import assessment_forms as forms
from proeftuin.programmes import assessment_queries as queries
from proeftuin.programmes.blueprint import bp
from proeftuin.web.loaders import check_action_form


def _managed_call(call_id: int):
    call = queries.call_by_id(call_id)
    if call is None:
        abort(404)
    if not can_manage_calls(current_user, call.programme):
        abort(403)
    return call


def _page(call, *, invite_form=None, decision=None, code: int = 200):
    """The assessment page; `decision` is (pilot id, form) of a decision that was refused."""
    return render_template(
        "programmes/assessment.html", call=call, today=local_today(),
        overview=queries.assessment(call),
        invite_form=invite_form or forms.InviteAssessorForm(formdata=None),
        decision=decision, action_form=ActionForm(), decision_form=_decision_form,
    ), code


def _decision_form(pilot_id: int, formdata=None) -> forms.DecisionForm:
    # A form per application on one page: its own prefix keeps the fields' ids apart.
    return forms.DecisionForm(formdata=formdata, prefix=f"besluit-{pilot_id}")


def _to_page(call, anchor: str = ""):
    return redirect(url_for("programmes.assessment_overview", call_id=call.id) + anchor, code=303)


@bp.get("/<int:call_id>/beoordeling")
def assessment_overview(call_id: int):
    """The call's applications with their scores side by side, the selection's spread over
    the framework beside the places, the assessors, and a decision per application."""
    return _page(_managed_call(call_id))


@bp.post("/<int:call_id>/beoordelaars")
def invite_assessor(call_id: int):
    """Invite an external assessor to this call by e-mail."""
    call = _managed_call(call_id)
    form = forms.InviteAssessorForm()
    if call.decided_at is not None:
        flash(_("Over deze ronde is al besloten: er kunnen geen beoordelaars meer bij."), "info")
        return _to_page(call)
    if not form.validate_on_submit():
        return _page(call, invite_form=form)
    try:
        assessors.invite(call, form.name.data, form.email.data, current_user)
    except assessors.AssessorError as error:
        db.session.rollback()
        form.email.errors.append(error.message)
        return _page(call, invite_form=form)
    db.session.commit()
    flash(_("De uitnodiging is verstuurd naar %(email)s.", email=form.email.data), "success")
    return _to_page(call, "#beoordelaars")


@bp.post("/<int:call_id>/beoordelaars/<int:assessor_id>/intrekken")
def revoke_assessor(call_id: int, assessor_id: int):
    """End an external assessor's invitation or role; the scores they gave stay."""
    call = _managed_call(call_id)
    check_action_form()
    assessor = db.session.get(CallAssessor, assessor_id) if 0 < assessor_id <= MAX_ID else None
    if assessor is None or assessor.call_id != call.id:
        abort(404)
    try:
        assessors.revoke(assessor)
    except assessors.AssessorError:
        flash(_("Deze beoordelaar was al ingetrokken."), "info")
    else:
        db.session.commit()
        flash(_("%(name)s beoordeelt deze ronde niet meer.", name=assessor.name), "success")
    return _to_page(call, "#beoordelaars")


@bp.post("/<int:call_id>/besluit/<int:pilot_id>")
def decide(call_id: int, pilot_id: int):
    """Select or decline one application of the call, with the reason the applicant reads."""
    call = _managed_call(call_id)
    pilot = queries.application_of(call, pilot_id)
    if pilot is None:
        abort(404)
    form = _decision_form(pilot.id, formdata=request.form)
    if not form.validate_on_submit():
        return _page(call, decision=(pilot.id, form))
    if pilot.status is not PilotStatus.applied:
        flash(_("Over %(pilot)s was al besloten.", pilot=pilot.name), "info")
        return _to_page(call, f"#aanmelding-{pilot.id}")
    try:
        decided = assessment.decide(call, pilot, DecisionOutcome(form.outcome.data),
                                    form.reason.data, current_user)
    except assessment.AssessmentError as error:
        db.session.rollback()
        form.reason.errors.append(error.message)
        return _page(call, decision=(pilot.id, form))
    db.session.commit()
    if decided.outcome is DecisionOutcome.selected:
        flash(_("%(pilot)s is geselecteerd; de aanvrager krijgt het besluit per e-mail.",
                pilot=pilot.name), "success")
    else:
        flash(_("%(pilot)s is afgewezen; de aanvrager krijgt het besluit per e-mail.",
                pilot=pilot.name), "success")
    return _to_page(call, f"#aanmelding-{pilot.id}")


@bp.post("/<int:call_id>/afronden")
def close_assessment(call_id: int):
    """Mark the call decided: the external assessors' role ends."""
    call = _managed_call(call_id)
    check_action_form()
    try:
        assessment.close_assessment(call, local_today())
    except assessment.AssessmentError as error:
        flash(error.message, "error")
        return _to_page(call)
    db.session.commit()
    flash(_("De beoordeling van %(title)s is afgerond. De externe beoordelaars kunnen de ronde niet meer openen.",
            title=call.title), "success")
    return _to_page(call)
