"""Case discussions: list, log, read, print and change them."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from proeftuin.cases import forms, queries, services
from proeftuin.extensions import db
from proeftuin.forms import ActionForm
from proeftuin.models import CASE_TEXT_FIELDS, CaseDiscussion, Pilot, RecordType
from proeftuin.models.base import MAX_ID
from proeftuin.permissions import can_edit_case, can_read_cases, can_write_cases
from proeftuin.personal_data import guard
from proeftuin.web.loaders import load_pilot

bp = Blueprint("cases", __name__, url_prefix="/werkplaats/<slug:slug>/casussen")

CASES_PER_PAGE = 25
#: deeper pages than this are never linked; the cap keeps the offset in range
MAX_PAGE = 10_000


@bp.context_processor
def _labels():
    return {
        "case_text_label": forms.text_label,
        "case_text_fields": CASE_TEXT_FIELDS,
    }


def _load_case(pilot: Pilot, case_id: int, *options) -> CaseDiscussion:
    """Return the pilot's case discussion with this id, or 404: never one of another pilot."""
    if not 0 < case_id <= MAX_ID:
        abort(404)
    case = queries.case_of(pilot, case_id, *options)
    if case is None:
        abort(404)
    return case


# Reading ------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index(slug: str):
    """List the pilot's case discussions, newest first, filtered by plain GET parameters."""
    pilot = load_pilot(slug, need=can_read_cases)
    filters = forms.CaseFilterForm(request.args)
    page = min(max(request.args.get("pagina", 1, type=int), 1), MAX_PAGE)
    pagination = queries.cases_of(pilot, filters.selection(), page=page,
                                  per_page=CASES_PER_PAGE)
    return render_template(
        "cases/index.html", pilot=pilot, filters=filters, pagination=pagination,
        params=filters.params(),
    )


@bp.get("/<int:case_id>")
@login_required
def show(slug: str, case_id: int):
    """Show a case discussion in full; the reading is recorded in the audit trail."""
    pilot = load_pilot(slug, need=can_read_cases)
    case = _load_case(pilot, case_id, *queries.FULL)
    services.record_view(case, by=current_user)
    # Rendered before the commit, which would expire what the page shows.
    page = render_template("cases/show.html", pilot=pilot, case=case, today=date.today())
    db.session.commit()
    return page


@bp.get("/<int:case_id>/afdrukken", endpoint="print")
@login_required
def print_view(slug: str, case_id: int):
    """Show a case discussion for printing; recorded in the audit trail as an export."""
    pilot = load_pilot(slug, need=can_read_cases)
    case = _load_case(pilot, case_id, *queries.FULL)
    services.record_export(case, by=current_user)
    page = render_template("cases/print.html", pilot=pilot, case=case, today=date.today())
    db.session.commit()
    return page


# Writing ------------------------------------------------------------------------------------


def _write(pilot: Pilot, form: forms.CaseForm, case: CaseDiscussion | None):
    """Preview, refuse or save a posted case form; on GET just show it."""
    review = None
    preview = False
    if form.is_submitted():
        valid = form.validate()
        # The guard reads what was posted even when another field still needs work, so
        # the writer learns everything that stands in the way at once.
        review = guard.check(form, RecordType.case, case.id if case else None, pilot=pilot)
        if "preview" in request.form:
            preview = True
        elif valid and not review.blocking:
            if case is None:
                case = services.create_case(pilot, form.content(), by=current_user,
                                            review=review)
                message = _("De casusbespreking is vastgelegd.")
            else:
                services.update_case(case, form.content(), by=current_user, review=review)
                message = _("De casusbespreking is bijgewerkt.")
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("cases.show", slug=pilot.slug, case_id=case.id))
    form.keep_spare_rows()
    return render_template(
        "cases/form.html", pilot=pilot, case=case, form=form, review=review, preview=preview,
        max_text=forms.MAX_TEXT,
    )


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
def new(slug: str):
    """Log a new case discussion."""
    pilot = load_pilot(slug, need=can_write_cases, options=queries.PILOT_FRAMEWORK)
    return _write(pilot, forms.CaseForm(pilot=pilot), case=None)


@bp.route("/<int:case_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(slug: str, case_id: int):
    """Change a case discussion."""
    pilot = load_pilot(slug, need=can_read_cases, options=queries.PILOT_FRAMEWORK)
    case = _load_case(pilot, case_id, *queries.FORM)
    if not can_edit_case(current_user, case):
        abort(403)
    form = forms.CaseForm(
        pilot=pilot, data=forms.case_data(case) if request.method == "GET" else None
    )
    return _write(pilot, form, case)


@bp.route("/<int:case_id>/verwijderen", methods=["GET", "POST"])
@login_required
def delete(slug: str, case_id: int):
    """Ask whether to delete a case discussion, and delete it once confirmed."""
    pilot = load_pilot(slug, need=can_read_cases)
    case = _load_case(pilot, case_id)
    if not can_edit_case(current_user, case):
        abort(403)
    form = ActionForm()
    lessons = queries.lesson_count(case)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            services.delete_case(case, by=current_user)
        except services.CaseInUse:
            flash(_("Deze casusbespreking is de bron van een of meer geleerde lessen en kan daarom niet worden verwijderd."), "error")
            return redirect(url_for("cases.show", slug=pilot.slug, case_id=case.id))
        db.session.commit()
        flash(_("De casusbespreking is verwijderd."), "success")
        return redirect(url_for("cases.index", slug=pilot.slug))
    return render_template("cases/delete.html", pilot=pilot, case=case, form=form,
                           lessons=lessons)
