"""Reuse of published lessons: pilots elsewhere report it; facilitators hide a report."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.forms import ActionForm
from proeftuin.library.queries import public_lesson
from proeftuin.library.urls import public_lesson_url
from proeftuin.models import LessonReuse, RecordType
from proeftuin.permissions import can_answer_follow_up, can_hide_reuse, can_report_reuse
from proeftuin.personal_data import guard
from proeftuin.reuse import follow_ups, forms, queries, services
from proeftuin.security_log import log_event
from proeftuin.web.loaders import check_action_form

bp = Blueprint("reuse", __name__)

MODERATION = "/begeleiding/hergebruik/<int:reuse_id>"


@bp.app_template_global()
def reuse_summary(reuses) -> follow_ups.ReuseSummary:
    """What a lesson's reports of reuse add up to (`follow_ups.summary`)."""
    return follow_ups.summary(reuses)


@bp.app_template_global()
def follow_up_open(question) -> bool:
    """Whether a follow-up question can be answered today."""
    return follow_ups.is_open(question, local_today())


def _show_error(form, error: services.ReuseError) -> None:
    """Put a refusal of the services beside its field, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


@bp.route("/bibliotheek/<int:lesson_id>/hergebruik", methods=["GET", "POST"])
@login_required
def report(lesson_id: int):
    """Report that one of the user's other pilots reused a public lesson, how, and to what end."""
    lesson = public_lesson(lesson_id)
    if lesson is None:
        abort(404)
    revision = lesson.public_revision
    pilots = [pilot for pilot in queries.other_pilots_of(current_user, lesson)
              if can_report_reuse(current_user, lesson, pilot)]
    if not pilots:
        # Say why, rather than the bare "no access": the page is linked from a public lesson.
        log_event("access_denied")
        return render_template("reuse/not_eligible.html", lesson=lesson, revision=revision,
                               pilot=lesson.pilot), 403
    form = forms.ReuseForm(pilots=pilots)
    if not form.is_submitted() and len(pilots) == 1:
        form.pilot.data = pilots[0].id
    review = guard.check_if_valid(form, RecordType.reuse, pilot=_reporting_pilot(pilots, form))
    if guard.may_save(review):
        chosen = next(pilot for pilot in pilots if pilot.id == form.pilot.data)
        try:
            services.report_reuse(lesson, chosen, how=form.how.data, outcome=form.outcome.data,
                                  by=current_user, review=review)
        except services.ReuseError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Dank u wel. Uw melding van hergebruik staat nu bij de les."), "success")
            return redirect(public_lesson_url(revision, _anchor="hergebruik"), code=303)
    return render_template("reuse/report.html", lesson=lesson, revision=revision,
                           pilot=lesson.pilot, form=form, review=review)


def _reporting_pilot(pilots, form):
    """The pilot the report is for, once chosen: its organisations are no personal data."""
    return next((pilot for pilot in pilots if pilot.id == form.pilot.data), None)


@bp.route("/hergebruik/<int:reuse_id>/na/<int:months>", methods=["GET", "POST"])
@login_required
def follow_up(reuse_id: int, months: int):
    """Answer, months after a report of reuse, what became of the lesson."""
    reuse = queries.reuse_by_id(reuse_id)
    question = next((f for f in reuse.follow_ups if f.months == months), None) \
        if reuse is not None else None
    if question is None:
        abort(404)
    if not can_answer_follow_up(current_user, reuse):
        abort(403)
    revision = reuse.lesson.public_revision
    is_open = follow_ups.is_open(question, local_today())
    form = forms.FollowUpForm(data={"verdict": question.verdict.value if question.verdict
                                    else None, "text": question.text})
    review = guard.check_if_valid(form, RecordType.reuse, reuse.id, pilot=reuse.pilot) \
        if is_open else None
    if guard.may_save(review):
        try:
            changed = follow_ups.answer(question, form.chosen(), form.text.data,
                                        by=current_user, review=review)
        except follow_ups.FollowUpError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Dank u wel. Uw antwoord staat nu bij de les.") if changed
                  else _("Er was niets veranderd."), "success" if changed else "info")
            if revision is None:
                return redirect(url_for("workspace.overview", slug=reuse.pilot.slug), code=303)
            return redirect(public_lesson_url(revision, _anchor=f"hergebruik-{reuse.id}"),
                            code=303)
    return render_template("reuse/follow_up.html", reuse=reuse, question=question,
                           revision=revision, form=form, review=review, is_open=is_open)


def load_for_moderation(reuse_id: int, for_update: bool = False) -> LessonReuse:
    """Return the report, or 404; 403 unless the user may hide it."""
    reuse = queries.reuse_by_id(reuse_id, for_update=for_update)
    if reuse is None:
        abort(404)
    if not can_hide_reuse(current_user, reuse):
        abort(403)
    return reuse


def _back_to_trail(reuse: LessonReuse):
    revision = reuse.lesson.public_revision
    if revision is None:
        return redirect(url_for("main.index"), code=303)
    return redirect(public_lesson_url(revision, _anchor="hergebruik"), code=303)


@bp.route(f"{MODERATION}/verbergen", methods=["GET", "POST"])
@login_required
def hide(reuse_id: int):
    """Take a report out of the public trail, with a reason."""
    reuse = load_for_moderation(reuse_id, for_update=request.method == "POST")
    form = forms.HideForm()
    if not reuse.is_hidden and form.validate_on_submit():
        try:
            services.hide_reuse(reuse, by=current_user, reason=form.reason.data)
        except services.ReuseError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("De melding is verborgen en staat niet meer bij de les."), "success")
            return _back_to_trail(reuse)
    return render_template("reuse/hide.html", reuse=reuse, lesson=reuse.lesson,
                           revision=reuse.lesson.public_revision, form=form,
                           action_form=ActionForm(formdata=None))


@bp.post(f"{MODERATION}/tonen")
@login_required
def unhide(reuse_id: int):
    """Put a hidden report back in the public trail."""
    reuse = load_for_moderation(reuse_id, for_update=True)
    check_action_form()
    try:
        services.unhide_reuse(reuse, by=current_user)
    except services.ReuseError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("De melding staat weer bij de les."), "success")
    return _back_to_trail(reuse)
