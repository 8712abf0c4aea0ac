"""A pilot's measures with their run charts, and its plan-do-study-act experiments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from proeftuin.charts.run_chart import format_value
from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.forms import ActionForm, month_text, parse_month
from proeftuin.measures import forms, queries, services
from proeftuin.measures.template_helpers import template_helpers
from proeftuin.models import Experiment, Measure, Pilot, RecordType
from proeftuin.permissions import (
    can_edit_experiment,
    can_edit_measure,
    can_read_experiments,
    can_read_measures,
    can_write_experiments,
    can_write_measures,
)
from proeftuin.personal_data import guard
from proeftuin.web.loaders import load_pilot

bp = Blueprint("measures", __name__, url_prefix="/werkplaats/<slug:slug>")


bp.context_processor(template_helpers)


def _load_measure(pilot: Pilot, measure_id: int, need=can_read_measures) -> Measure:
    """Return the pilot's measure, or 404; 403 unless `need(current_user, measure)`."""
    measure = queries.measure_of(pilot, measure_id)
    if measure is None:
        abort(404)
    if need is not can_read_measures and not need(current_user, measure):
        abort(403)
    return measure


def _load_experiment(pilot: Pilot, experiment_id: int, *options, need=None) -> Experiment:
    """Return the pilot's experiment, or 404; 403 unless `need(current_user, experiment)`."""
    experiment = queries.experiment_of(pilot, experiment_id, *options)
    if experiment is None:
        abort(404)
    if need is not None and not need(current_user, experiment):
        abort(403)
    return experiment


def _show_error(form, error: services.MeasureError) -> None:
    """Put a refusal of the services beside its field, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


# Measures -------------------------------------------------------------------------------------


@bp.get("/metingen")
@login_required
def index(slug: str):
    """List the pilot's measures, each with its run chart and the table of its values."""
    pilot = load_pilot(slug, need=can_read_measures)
    return render_template("measures/index.html", pilot=pilot,
                           charts=queries.measure_charts(pilot, local_today()))


def _write_measure(pilot: Pilot, form: forms.MeasureForm, found: Measure | None):
    """Show the measure form; define the measure (or change `found`) once it is valid."""
    # Measures and their notes are written about the same visits and people as cases.
    review = guard.check_if_valid(form, RecordType.measure, found.id if found else None,
                                  pilot=pilot)
    if guard.may_save(review):
        try:
            if found is None:
                saved = services.create_measure(pilot, form.content(), by=current_user,
                                                review=review)
                message = _("De meting ‘%(name)s’ is toegevoegd. Leg nu de waarden per maand vast.",
                            name=saved.name)
                target = url_for("measures.record", slug=pilot.slug, measure_id=saved.id)
            else:
                changed = services.update_measure(found, form.content(), by=current_user,
                                                  review=review)
                message = _("De meting is bijgewerkt.") if changed else _("Er was niets gewijzigd.")
                target = url_for("measures.index", slug=pilot.slug, _anchor=f"meting-{found.id}")
        except services.MeasureError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(target)
    return render_template("measures/form.html", pilot=pilot, form=form, measure=found,
                           review=review)


@bp.route("/metingen/nieuw", methods=["GET", "POST"])
@login_required
def new(slug: str):
    """Define a new measure."""
    pilot = load_pilot(slug, need=can_write_measures)
    return _write_measure(pilot, forms.MeasureForm(), None)


@bp.route("/metingen/<int:measure_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(slug: str, measure_id: int):
    """Change a measure's name, unit, goal or description."""
    pilot = load_pilot(slug, need=can_read_measures)
    measure = _load_measure(pilot, measure_id, need=can_edit_measure)
    form = forms.MeasureForm(data=forms.measure_data(measure) if request.method == "GET" else None)
    return _write_measure(pilot, form, measure)


@bp.route("/metingen/<int:measure_id>/verwijderen", methods=["GET", "POST"])
@login_required
def delete(slug: str, measure_id: int):
    """Ask whether to delete a measure with all its values, and delete it once confirmed."""
    pilot = load_pilot(slug, need=can_read_measures)
    measure = _load_measure(pilot, measure_id, need=can_edit_measure)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        name = measure.name
        services.delete_measure(measure, by=current_user)
        db.session.commit()
        flash(_("De meting ‘%(name)s’ en haar waarden zijn verwijderd.", name=name), "success")
        return redirect(url_for("measures.index", slug=pilot.slug))
    return render_template("measures/delete.html", pilot=pilot, measure=measure, form=form,
                           values=len(measure.values))


@bp.route("/metingen/<int:measure_id>/waarde", methods=["GET", "POST"])
@login_required
def record(slug: str, measure_id: int):
    """Record the value of a month, or correct it; `?maand=YYYY-MM` fills in a month."""
    pilot = load_pilot(slug, need=can_read_measures)
    measure = _load_measure(pilot, measure_id, need=can_edit_measure)
    today = local_today()
    data = None
    if request.method == "GET":
        month = parse_month(request.args.get("maand"))
        if month is not None and month <= today.replace(day=1):
            current = next((v for v in measure.values if v.month == month), None)
            data = {"month": month_text(month),
                    "value": current.value if current else None,
                    "note": current.note if current else ""}
        else:
            data = {"month": month_text(today.replace(day=1))}
    form = forms.ValueForm(data=data, today=today)
    review = guard.check_if_valid(form, RecordType.measure_value,
                                  lambda: _value_id(measure, form), pilot=pilot)
    if guard.may_save(review):
        try:
            row, previous, changed = services.record_value(
                measure, form.chosen_month, form.value.number, form.note.data or "",
                by=current_user, today=today, review=review)
        except services.MeasureError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            month_name = format_date(row.month, "MMMM yyyy")
            if not changed:
                flash(_("Voor %(month)s was deze waarde al vastgelegd: %(value)s. Er is niets gewijzigd.",
                        month=month_name, value=format_value(row.value)), "success")
            elif previous is None:
                flash(_("De waarde voor %(month)s is vastgelegd: %(value)s.",
                        month=month_name, value=format_value(row.value)), "success")
            else:
                flash(_("Voor %(month)s was al een waarde vastgelegd. Die is vervangen: %(old)s werd %(new)s.",
                        month=month_name, old=format_value(previous),
                        new=format_value(row.value)), "success")
            return redirect(url_for("measures.record", slug=pilot.slug, measure_id=measure.id))
    return render_template("measures/record.html", pilot=pilot, measure=measure, form=form,
                           review=review, item=queries.measure_chart(measure, today))


def _value_id(measure: Measure, form: forms.ValueForm) -> int | None:
    """The id of the value the posted month already has, whose confirmations still hold."""
    if form.chosen_month is None:
        return None
    return next((v.id for v in measure.values if v.month == form.chosen_month), None)


# Experiments ----------------------------------------------------------------------------------


@bp.get("/experimenten")
@login_required
def experiments(slug: str):
    """List the pilot's experiments, newest first."""
    pilot = load_pilot(slug, need=can_read_experiments)
    return render_template("measures/experiments.html", pilot=pilot,
                           experiments=queries.experiments_of(pilot), today=local_today())


@bp.get("/experimenten/<int:experiment_id>")
@login_required
def experiment(slug: str, experiment_id: int):
    """Show an experiment's whole cycle, its measures and the lessons that cite it."""
    pilot = load_pilot(slug, need=can_read_experiments)
    found = _load_experiment(pilot, experiment_id, *queries.EXPERIMENT_PAGE)
    return render_template("measures/experiment.html", pilot=pilot, experiment=found,
                           today=local_today())


def _write_experiment(pilot: Pilot, form: forms.ExperimentForm, found: Experiment | None):
    # An experiment's cycle is written about real visits and real people, like a case.
    review = guard.check_if_valid(form, RecordType.experiment, found.id if found else None,
                                  pilot=pilot)
    if guard.may_save(review):
        try:
            if found is None:
                saved = services.create_experiment(pilot, form.content(), by=current_user,
                                                   review=review)
                message = _("Het experiment is vastgelegd.")
            else:
                saved = found
                services.update_experiment(found, form.content(), by=current_user,
                                           review=review)
                message = _("Het experiment is bijgewerkt.")
        except services.MeasureError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("measures.experiment", slug=pilot.slug,
                                    experiment_id=saved.id))
    return render_template("measures/experiment_form.html", pilot=pilot, form=form,
                           experiment=found, review=review)


@bp.route("/experimenten/nieuw", methods=["GET", "POST"])
@login_required
def new_experiment(slug: str):
    """Log a new experiment; `?meting=<id>` ticks one of the pilot's measures."""
    pilot = load_pilot(slug, need=can_write_experiments, options=queries.PILOT_DIRECTIONS)
    measures = queries.measures_of(pilot)
    data = None
    if request.method == "GET":
        data = {"started_on": local_today()}
        wanted = request.args.get("meting", type=int)
        if any(m.id == wanted for m in measures):
            data["measures"] = [wanted]
    form = forms.ExperimentForm(pilot=pilot, measures=measures, data=data)
    return _write_experiment(pilot, form, None)


@bp.route("/experimenten/<int:experiment_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit_experiment(slug: str, experiment_id: int):
    """Fill in the next step of an experiment, or correct it."""
    pilot = load_pilot(slug, need=can_read_experiments, options=queries.PILOT_DIRECTIONS)
    found = _load_experiment(pilot, experiment_id, *queries.EXPERIMENT_FORM,
                             need=can_edit_experiment)
    form = forms.ExperimentForm(
        pilot=pilot, measures=queries.measures_of(pilot), experiment=found,
        data=forms.experiment_data(found) if request.method == "GET" else None,
    )
    return _write_experiment(pilot, form, found)
