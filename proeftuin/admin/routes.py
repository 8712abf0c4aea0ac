"""Administration: users and programmes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from proeftuin.admin import forms, queries, services
from proeftuin.auth import two_factor
from proeftuin.extensions import db
from proeftuin.messaging import worker as outbox_worker
from proeftuin.models import MessageStatus, Programme, Role
from proeftuin.models.user import is_deleted_account
from proeftuin.permissions import can_administer
from proeftuin.personal_data import retention as retention_rules
from proeftuin.security_log import log_event

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.before_request
@login_required
def _admins_only():
    # Every page here is for admins only; checking once keeps a new route from forgetting it.
    if not can_administer(current_user):
        abort(403)


def _report(form, error: services.AdminError) -> None:
    """Show a refused change beside the field it is about (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        flash(error.message, "error")
    else:
        field.errors.append(error.message)


@bp.get("/")
def index():
    """Show what there is to administer."""
    return render_template(
        "admin/index.html",
        counts=queries.count_by_role(),
        roles=list(Role),
        programme_count=queries.programme_count(),
        message_counts=queries.message_counts(),
        failed_status=MessageStatus.failed, queued_status=MessageStatus.queued,
    )


# E-mail ----------------------------------------------------------------------------------


@bp.get("/berichten")
def messages():
    """How the outbox stands, and the messages that could not be delivered."""
    return render_template("admin/messages.html", counts=queries.message_counts(),
                           statuses=list(MessageStatus), failed=queries.failed_messages())


@bp.post("/berichten/<int:message_id>/opnieuw")
def resend_message(message_id: int):
    """Queue a failed message again, for a new round of attempts."""
    message = queries.message_by_id(message_id)
    if message is None:
        abort(404)
    if message.status is not MessageStatus.failed:
        flash(_("Dit bericht is niet mislukt; het hoeft niet opnieuw."), "warning")
    else:
        outbox_worker.send_again(message)
        db.session.commit()
        flash(_("Het bericht aan %(recipient)s staat weer klaar voor verzending.",
                recipient=message.recipient), "success")
    return redirect(url_for("admin.messages"))


# Accounts --------------------------------------------------------------------------------


@bp.get("/gebruikers")
def users():
    """List accounts, filtered by role and a search on name or e-mail address."""
    form = forms.UserFilterForm(formdata=request.args)
    form.validate()  # a filter with an error is left out and explained beside its field
    role = form.role()
    search = "" if form.q.errors else (form.q.data or "")
    pagination = queries.users(role=role, search=search,
                               page=request.args.get("pagina", 1, type=int))
    return render_template("admin/users.html", form=form, pagination=pagination,
                           filtered=bool(role or search))


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
def new_user():
    """Create an account with an initial password."""
    form = forms.NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_account(
                email=form.email.data, name=form.name.data, role=form.role.data,
                password=form.password.data,
            )
        except services.AccountError as error:
            _report(form, error)
        else:
            db.session.commit()
            if user.role is Role.facilitator:
                flash(_("Het account van %(name)s is aangemaakt. Koppel de begeleider hieronder aan een of meer programma's.", name=user.name), "success")
                return redirect(url_for("admin.edit_user", user_id=user.id))
            flash(_("Het account van %(name)s is aangemaakt.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change an account's name, address, role, activity and programmes."""
    user = queries.user_by_id(user_id)
    if user is None:
        abort(404)
    if is_deleted_account(user):
        # Nothing of a deleted account can be changed back: it only keeps the trail whole.
        return render_template("admin/user_deleted.html", user=user), (
            409 if request.method == "POST" else 200)
    form = forms.EditUserForm(data=forms.user_data(user) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_account(
                user, by=current_user, name=form.name.data, email=form.email.data,
                role=form.role.data, active=form.active.data,
                programmes=queries.programmes_by_ids(form.programmes.data or []),
            )
        except services.AccountError as error:
            _report(form, error)
        else:
            db.session.commit()
            flash(_("Het account van %(name)s is opgeslagen.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user,
                           two_factor_required=two_factor.is_required_for(user),
                           two_factor_resettable=two_factor.has_anything_to_reset(user))


@bp.post("/gebruikers/<int:user_id>/tweestapsverificatie-resetten")
def reset_two_factor(user_id: int):
    """Turn off an account's two-factor sign-in (lost phone); its sessions end."""
    user = queries.user_by_id(user_id)
    if user is None:
        abort(404)
    try:
        services.reset_two_factor(user, by=current_user)
    except services.AccountError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        log_event("two_factor_reset", account_id=user.id, by=current_user.id)
        flash(_("De tweestapsverificatie van %(name)s is gereset en overal is %(name)s uitgelogd.",
                name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/gebruikers/<int:user_id>/verwijderen", methods=["GET", "POST"])
def delete_user(user_id: int):
    """Delete an account after typing its address: it is anonymised, its work stays."""
    user = queries.user_by_id(user_id)
    if user is None:
        abort(404)
    refusal = services.deletion_refusal(user, current_user)
    form = forms.DeleteUserForm(user) if refusal is None else None
    if form is not None and form.validate_on_submit():
        try:
            services.delete_account(user, by=current_user)
        except services.AccountError as error:
            refusal = error.message
            form = None
        else:
            db.session.commit()
            log_event("account_deleted", account_id=user.id, by=current_user.id)
            flash(_("Het account is verwijderd. De naam en het e-mailadres zijn gewist; de lessen en casusbesprekingen die de persoon schreef, blijven bestaan zonder naam."), "success")
            return redirect(url_for("admin.users"))
    status = 409 if request.method == "POST" and refusal else 200
    return render_template(
        "admin/user_delete.html", user=user, form=form, refusal=refusal,
        authored=queries.authored_counts(user),
    ), status


# Retention -------------------------------------------------------------------------------


@bp.get("/bewaartermijn")
def retention():
    """List the ended pilots whose case discussions are, or will be, up for deletion."""
    today = retention_rules.today()
    rows = retention_rules.ended_pilots_with_cases()
    return render_template(
        "admin/retention.html",
        expired=[row for row in rows if row.expired(today)],
        upcoming=[row for row in rows if not row.expired(today)],
        days=retention_rules.retention_days(),
        today=today,
    )


# Programmes ------------------------------------------------------------------------------


@bp.get("/programmas")
def programmes():
    """List programmes with their facilitators and number of pilots."""
    return render_template("admin/programmes.html", rows=queries.programmes_with_counts())


def _write_programme(programme: Programme | None):
    """Show the programme form; create the programme (or change this one) once it is valid."""
    form = forms.ProgrammeForm(
        data=forms.programme_data(programme)
        if programme is not None and request.method == "GET" else None
    )
    if form.validate_on_submit():
        fields = {
            "name": form.name.data, "description": form.description.data,
            "accepts_applications": form.accepts_applications.data,
            "facilitators": queries.users_by_ids(form.facilitators.data or []),
        }
        try:
            if programme is None:
                programme = services.create_programme(**fields)
                message = _("Het programma %(name)s is aangemaakt.", name=programme.name)
            else:
                services.update_programme(programme, **fields)
                message = _("Het programma %(name)s is opgeslagen.", name=programme.name)
        except services.ProgrammeError as error:
            _report(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("admin.programmes"))
    return render_template("admin/programme_form.html", form=form, programme=programme)


@bp.route("/programmas/nieuw", methods=["GET", "POST"])
def new_programme():
    """Create a programme."""
    return _write_programme(None)


@bp.route("/programmas/<int:programme_id>", methods=["GET", "POST"])
def edit_programme(programme_id: int):
    """Change a programme's name, description, applications and facilitators."""
    programme = queries.programme_by_id(programme_id)
    if programme is None:
        abort(404)
    return _write_programme(programme)
