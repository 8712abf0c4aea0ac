"""Lessons: writing them in the workspace and reviewing them as a facilitator."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from proeftuin.extensions import db
from proeftuin.lessons import forms, queries, readers, services
from proeftuin.library.urls import public_lesson_url
from proeftuin.measures import queries as measures_queries
from proeftuin.models import Lesson, RecordType, utcnow
from proeftuin.permissions import (
    can_edit_lesson,
    can_open_review,
    can_open_withdrawal,
    can_read_cases,
    can_read_lessons,
    can_review_lessons,
    can_see_lesson_views,
    can_view_lesson,
    can_work_on_lesson,
    can_write_lessons,
)
from proeftuin.personal_data import guard
from proeftuin.web.loaders import check_action_form, load_pilot

bp = Blueprint("lessons", __name__)

WORKSPACE = "/werkplaats/<slug:slug>/lessen"
REVIEW = "/begeleiding/lessen"


# Loading with permission -------------------------------------------------------------------


def load_lesson(slug: str, lesson_id: int, need=can_view_lesson, options=(),
                for_update: bool = False) -> Lesson:
    """Return the pilot's lesson, or 404; 403 unless `need(current_user, lesson)`."""
    pilot = load_pilot(slug, need=can_read_lessons)
    lesson = queries.lesson_of_pilot(pilot, lesson_id, *options, for_update=for_update)
    if lesson is None:
        abort(404)
    if not need(current_user, lesson):
        abort(403)
    return lesson


def load_for_review(lesson_id: int, need, options=(), for_update: bool = False) -> Lesson:
    """Return the lesson, or 404; 403 unless `need(current_user, lesson)`."""
    lesson = queries.lesson_by_id(lesson_id, *options, for_update=for_update)
    if lesson is None:
        abort(404)
    if not need(current_user, lesson):
        # A pilot that is not public is not there for an outsider.
        abort(403 if lesson.pilot.is_public or can_view_lesson(current_user, lesson) else 404)
    return lesson


def _show_error(form, error: services.LessonError) -> None:
    """Put a refusal of the services beside its field, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


def _is_preview() -> bool:
    return request.method == "POST" and "preview" in request.form


# The workspace --------------------------------------------------------------------------------


@bp.get(f"{WORKSPACE}/")
@login_required
def index(slug: str):
    """List the pilot's lessons by status, with a link to the public page where there is one."""
    pilot = load_pilot(slug, need=can_read_lessons)
    groups = queries.by_status(queries.lessons_of_pilot(pilot))
    return render_template("lessons/index.html", pilot=pilot, groups=groups)


def _render_form(pilot, form, review, lesson=None, valid=False):
    # A preview shows once the form validates, also beside personal-data findings.
    return render_template("lessons/form.html", pilot=pilot, form=form, review=review,
                           lesson=lesson, preview=valid and _is_preview())


@bp.route(f"{WORKSPACE}/nieuw", methods=["GET", "POST"])
@login_required
def new(slug: str):
    """Write a new lesson; `?casus=<id>` starts from one of the pilot's case discussions."""
    pilot = load_pilot(slug, need=can_write_lessons)
    data = None
    if request.method == "GET":
        case = queries.case_of_pilot(pilot, request.args.get("casus", type=int))
        data = forms.data_from_case(case) if case is not None else None
    form = forms.LessonForm(cases=queries.cases_of_pilot(pilot),
                            experiments=measures_queries.experiment_choices(pilot), data=data)
    review = None
    valid = form.validate_on_submit()
    if valid:
        review = guard.check(form, RecordType.lesson, pilot=pilot)
        if not review.blocking and not _is_preview():
            try:
                lesson = services.create_lesson(pilot, forms.content_of(form), by=current_user,
                                                review=review)
            except services.LessonError as error:
                _show_error(form, error)
            else:
                db.session.commit()
                flash(_("De les is opgeslagen als concept. Dien haar in wanneer ze klaar is voor beoordeling."), "success")
                return redirect(url_for("lessons.show", slug=pilot.slug, lesson_id=lesson.id))
    return _render_form(pilot, form, review, valid=valid)


@bp.get(f"{WORKSPACE}/<int:lesson_id>")
@login_required
def show(slug: str, lesson_id: int):
    """Show the working copy, its status, the reviewers' feedback and its source cases."""
    lesson = load_lesson(slug, lesson_id, options=queries.LESSON_PAGE)
    services.record_view(lesson, current_user)
    views = (readers.lesson_views(lesson) if lesson.public_revision_id is not None
             and can_see_lesson_views(current_user, lesson) else None)
    page = render_template("lessons/show.html", pilot=lesson.pilot, lesson=lesson, views=views)
    db.session.commit()
    return page


@bp.route(f"{WORKSPACE}/<int:lesson_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(slug: str, lesson_id: int):
    """Change the working copy; a published lesson stays public as it was until reviewed."""
    lesson = load_lesson(slug, lesson_id, need=can_edit_lesson, options=queries.EDIT,
                         for_update=request.method == "POST")
    pilot = lesson.pilot
    form = forms.LessonForm(
        cases=queries.cases_of_pilot(pilot),
        experiments=measures_queries.experiment_choices(pilot),
        data=forms.lesson_data(lesson) if request.method == "GET" else None,
    )
    review = None
    valid = form.validate_on_submit()
    if valid:
        review = guard.check(form, RecordType.lesson, lesson.id, pilot=pilot)
        if not review.blocking and not _is_preview():
            try:
                changed = services.update_lesson(lesson, forms.content_of(form),
                                                 by=current_user, review=review)
            except services.LessonError as error:
                _show_error(form, error)
            else:
                db.session.commit()
                flash(_("De wijzigingen zijn opgeslagen.") if changed
                      else _("Er was niets gewijzigd."), "success")
                return redirect(url_for("lessons.show", slug=pilot.slug, lesson_id=lesson.id))
    return _render_form(pilot, form, review, lesson, valid=valid)


@bp.post(f"{WORKSPACE}/<int:lesson_id>/indienen")
@login_required
def submit(slug: str, lesson_id: int):
    """Offer the lesson to the programme's facilitators for review."""
    lesson = load_lesson(slug, lesson_id, need=can_work_on_lesson, for_update=True)
    check_action_form()
    try:
        services.submit_lesson(lesson, by=current_user)
    except services.LessonError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("De les is ingediend ter beoordeling."), "success")
    return redirect(url_for("lessons.show", slug=lesson.pilot.slug, lesson_id=lesson.id))


@bp.get(f"{WORKSPACE}/<int:lesson_id>/versies")
@login_required
def revisions(slug: str, lesson_id: int):
    """List the published revisions and compare the latest with the working copy."""
    lesson = load_lesson(slug, lesson_id, options=queries.REVISIONS)
    latest = lesson.revisions[-1] if lesson.revisions else None
    comparison = queries.compare(latest, lesson, forms.FIELD_LABELS) if latest else []
    services.record_view(lesson, current_user)
    page = render_template("lessons/revisions.html", pilot=lesson.pilot, lesson=lesson,
                           latest=latest, comparison=comparison,
                           changed=any(row.changed for row in comparison))
    db.session.commit()
    return page


@bp.get(f"{WORKSPACE}/<int:lesson_id>/versies/<int:number>")
@login_required
def revision(slug: str, lesson_id: int, number: int):
    """Show one published revision as the public saw it."""
    lesson = load_lesson(slug, lesson_id)
    found = queries.revision_of(lesson, number)
    if found is None:
        abort(404)
    services.record_view(lesson, current_user)
    page = render_template("lessons/revision.html", pilot=lesson.pilot, lesson=lesson,
                           revision=found)
    db.session.commit()
    return page


# Review -----------------------------------------------------------------------------------------


@bp.get(f"{REVIEW}/")
@login_required
def queue():
    """List the lessons waiting for review in the facilitator's programmes, oldest first."""
    if not can_review_lessons(current_user):
        abort(403)
    return render_template(
        "lessons/queue.html",
        rows=queries.review_queue(current_user, utcnow()),
        decisions=queries.recent_decisions(current_user),
    )


@bp.route(f"{REVIEW}/<int:lesson_id>", methods=["GET", "POST"])
@login_required
def review(lesson_id: int):
    """Read the lesson beside its source cases; publish it, or return it with feedback."""
    lesson = load_for_review(lesson_id, can_open_review, options=queries.REVIEW,
                             for_update=request.method == "POST")
    # A lesson outside the framework is in no facet of the library and in no coverage count.
    missing = tuple(name for name in ("questions", "directions") if not getattr(lesson, name))
    form = forms.ReviewForm(missing=missing)
    if form.validate_on_submit():
        try:
            if form.decision.data == "publish":
                services.publish_lesson(lesson, by=current_user, feedback=form.feedback.data)
                revision = lesson.public_revision
                link = Markup('<a class="utrecht-link" href="{}">{}</a>').format(
                    public_lesson_url(revision), revision.title)
                message = escape(_("De les is gepubliceerd en staat nu in de bibliotheek: %(link)s.")) \
                    % {"link": link}
            else:
                services.return_lesson(lesson, by=current_user, feedback=form.feedback.data)
                message = _("De les is teruggegeven; de schrijvers zien uw feedback.")
        except services.LessonError as error:
            if error.field != "feedback":
                # A stale page: someone else decided already. Show the lesson as it is now.
                flash(error.message, "error")
                return redirect(url_for("lessons.review", lesson_id=lesson.id), code=303)
            _show_error(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("lessons.queue"), code=303)
    cases = lesson.source_cases if can_read_cases(current_user, lesson.pilot) else []
    if request.method == "GET":
        services.record_view(lesson, current_user, cases=cases)
    public = guard.public_texts(RecordType.lesson, lesson.id, forms.public_texts(lesson),
                                pilot=lesson.pilot)
    page = render_template("lessons/review.html", pilot=lesson.pilot, lesson=lesson, form=form,
                           cases=cases, public=public,
                           withdraw_form=forms.WithdrawForm(formdata=None))
    db.session.commit()
    return page


@bp.route(f"{REVIEW}/<int:lesson_id>/intrekken", methods=["GET", "POST"])
@login_required
def withdraw(lesson_id: int):
    """Take a public lesson out of the library, with a reason."""
    lesson = load_for_review(lesson_id, can_open_withdrawal, options=queries.WITHDRAW,
                             for_update=request.method == "POST")
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_lesson(lesson, by=current_user, reason=form.reason.data)
        except services.LessonError as error:
            if error.field != "reason":
                flash(error.message, "error")
                return redirect(url_for("lessons.withdraw", lesson_id=lesson.id), code=303)
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("De les is ingetrokken en staat niet meer in de bibliotheek."), "success")
            return redirect(url_for("lessons.show", slug=lesson.pilot.slug, lesson_id=lesson.id),
                            code=303)
    return render_template("lessons/withdraw.html", pilot=lesson.pilot, lesson=lesson,
                           form=form)
