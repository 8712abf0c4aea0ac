"""A pilot's workspace: profile, framework mapping, organisations, agreements, members and
the audit trail of its case discussions and lessons."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from proeftuin import audit
from proeftuin.auth.invitations import invitation_token
from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.labels import actor_name, audit_action_label, audit_role_label, record_type_label
from proeftuin.library.exports import SPREADSHEET_DELIMITER, csv_chunks, download_column
from proeftuin.models import Agreement, Invitation, Membership, PilotOrganisation, RecordType
from proeftuin.permissions import (
    can_administer,
    can_edit_agreements,
    can_edit_pilot,
    can_facilitate,
    can_follow_cohort_calendar,
    can_manage_members,
    can_view_audit_trail,
    can_view_workspace,
    is_admin,
)
from proeftuin.personal_data import guard
from proeftuin.personal_data.guard import Review
from proeftuin.programmes import calendar_queries, ical
from proeftuin.security_log import log_event
from proeftuin.web.loaders import check_action_form, load_child, load_pilot
from proeftuin.workspace import forms, queries, services

bp = Blueprint("workspace", __name__, url_prefix="/werkplaats")


# Overview ---------------------------------------------------------------------------------


@bp.get("/")
@login_required
def mine():
    """List the pilots the signed-in user works in or facilitates."""
    facilitated = (
        queries.facilitated_pilots(current_user, every_programme=is_admin(current_user))
        if can_facilitate(current_user) else []
    )
    return render_template(
        "workspace/mine.html",
        memberships=queries.memberships_of(current_user),
        waiting=queries.waiting_for(current_user, local_today()),
        facilitated=facilitated,
        show_admin=can_administer(current_user),
        show_facilitation=can_facilitate(current_user),
    )


@bp.get("/<slug:slug>/")
@login_required
def overview(slug: str):
    """Show a pilot's status, mapping at a glance, counts and history."""
    pilot = load_pilot(slug, options=queries.OVERVIEW)
    calendar = calendar_queries.calendar_of_pilot(pilot, local_today())
    feed = (calendar is not None and can_follow_cohort_calendar(current_user, pilot))
    return render_template(
        "workspace/overview.html", pilot=pilot, counts=queries.pilot_counts(pilot),
        calendar=calendar, today=local_today(),
        feed_url=ical.feed_url(calendar.call) if feed else None,
        webcal_url=ical.webcal_url(calendar.call) if feed else None,
    )


# Framework mapping ------------------------------------------------------------------------


@bp.route("/<slug:slug>/kader", methods=["GET", "POST"])
@login_required
def framework(slug: str):
    """Show the framework mapping; coordinators choose questions and directions."""
    pilot = load_pilot(slug, options=queries.FRAMEWORK)
    editable = can_edit_pilot(current_user, pilot)
    if request.method == "POST" and not editable:
        abort(403)
    form = None
    if editable:
        form = forms.FrameworkForm(
            data=forms.framework_data(pilot) if request.method == "GET" else None
        )
        if form.validate_on_submit():
            try:
                services.update_framework(
                    pilot, form.questions.data or [], form.directions.data or [],
                    confirm_loss=form.confirm_loss.data,
                )
            except services.TextWouldBeLost as error:
                names = ", ".join(
                    f"{pd.direction_number}. {pd.direction.name}" for pd in error.directions
                )
                form.confirm_loss.errors.append(
                    _("Voor %(directions)s is al een opgave of gewenste uitkomst geschreven. Vink aan dat die tekst verwijderd mag worden, of laat de richting aangevinkt.", directions=names)
                )
            else:
                db.session.commit()
                flash(_("De koppeling met het kader is opgeslagen."), "success")
                return redirect(url_for("workspace.framework", slug=pilot.slug))
    return render_template(
        "workspace/framework.html",
        pilot=pilot,
        form=form,
        show_confirm=any(pd.task.strip() or pd.desired_outcome.strip()
                         for pd in pilot.directions),
    )


@bp.route("/<slug:slug>/kader/richting/<int:number>", methods=["GET", "POST"])
@login_required
def direction(slug: str, number: int):
    """Write the pilot's task and desired outcome in one of its chosen directions."""
    pilot = load_pilot(slug, need=can_edit_pilot, options=queries.FRAMEWORK)
    pilot_direction = next(
        (pd for pd in pilot.directions if pd.direction_number == number), None
    )
    if pilot_direction is None:
        abort(404)
    form = forms.DirectionForm(obj=pilot_direction if request.method == "GET" else None)
    # Published on the profile once the pilot is selected: guarded like a lesson.
    review = guard.check_if_valid(form, RecordType.pilot, pilot.id, pilot=pilot)
    if guard.may_save(review):
        services.update_direction(pilot_direction, form.task.data, form.desired_outcome.data,
                                  by=current_user, review=review)
        db.session.commit()
        flash(_("De opgave en gewenste uitkomst zijn opgeslagen."), "success")
        return redirect(url_for("workspace.framework", slug=pilot.slug))
    return render_template(
        "workspace/direction.html", pilot=pilot, pilot_direction=pilot_direction, form=form,
        review=review,
    )


# Profile ----------------------------------------------------------------------------------


@bp.route("/<slug:slug>/profiel", methods=["GET", "POST"])
@login_required
def profile(slug: str):
    """Show the pilot's profile; coordinators edit it."""
    pilot = load_pilot(slug, options=queries.PROFILE)
    editable = can_edit_pilot(current_user, pilot)
    if request.method == "POST" and not editable:
        abort(403)
    form = review = None
    if editable:
        form = forms.ProfileForm(
            data=forms.profile_data(pilot) if request.method == "GET" else None
        )
        review = guard.check_if_valid(form, RecordType.pilot, pilot.id, pilot=pilot,
                                      also_allowed=guard.own_names(form))
        if guard.may_save(review):
            services.update_profile(
                pilot,
                name=form.name.data,
                municipality=form.municipality.data,
                region_id=form.region_id.data,
                scale=form.scale.data,
                theme=form.theme.data,
                ambition=form.ambition.data,
                actions=form.actions.data,
                results=form.results.data,
                planned_start=form.planned_start.data,
                planned_end=form.planned_end.data,
                discipline_ids=form.disciplines.data or [],
                target_group_ids=form.target_groups.data or [],
                by=current_user,
                review=review,
            )
            db.session.commit()
            flash(_("Het profiel is opgeslagen."), "success")
            return redirect(url_for("workspace.profile", slug=pilot.slug))
    return render_template("workspace/profile.html", pilot=pilot, form=form, review=review)


# Organisations and agreements -------------------------------------------------------------


@dataclass(frozen=True)
class _EditableRows:
    """A kind of row a pilot keeps a list of, and how its list, edit and remove pages work.

    `noun` names the pages: `workspace.<noun>s` lists and adds, and the templates are
    `workspace/<noun>s.html` and `workspace/<noun>_edit.html` (the row passed as `<noun>`).
    """

    noun: str
    model: type
    options: tuple
    need: Callable
    form: type[FlaskForm]
    #: the form's fields, passed by name to `add` and `update`
    fields: tuple[str, ...]
    add: Callable
    update: Callable
    #: whether the texts pass the personal-data guard (and the services get `by` and `review`)
    guarded: bool
    added: Callable[[], str]
    updated: Callable[[], str]
    removed: Callable[[object], str]

    @property
    def endpoint(self) -> str:
        return f"workspace.{self.noun}s"


ORGANISATION_ROWS = _EditableRows(
    noun="organisation", model=PilotOrganisation, options=queries.ORGANISATIONS,
    need=can_edit_pilot, form=forms.OrganisationForm, fields=("name", "kind"),
    add=services.add_organisation, update=services.update_organisation,
    # Shown on the public profile: guarded like a lesson.
    guarded=True,
    added=lambda: _("De organisatie is toegevoegd."),
    updated=lambda: _("De organisatie is bijgewerkt."),
    removed=lambda organisation: _("De organisatie %(name)s is verwijderd.",
                                   name=organisation.name),
)

AGREEMENT_ROWS = _EditableRows(
    noun="agreement", model=Agreement, options=queries.AGREEMENTS,
    need=can_edit_agreements, form=forms.AgreementForm, fields=("party", "commitment"),
    add=services.add_agreement, update=services.update_agreement,
    guarded=False,
    added=lambda: _("De afspraak is toegevoegd."),
    updated=lambda: _("De afspraak is bijgewerkt."),
    removed=lambda agreement: _("De afspraak met %(party)s is verwijderd.",
                                party=agreement.party),
)


def _check_rows_form(rows: _EditableRows, form, pilot) -> tuple[bool, Review | None]:
    """Whether a valid form was posted that may be saved, and the guard's review of it."""
    if form is None:
        return False, None
    if not rows.guarded:
        return form.validate_on_submit(), None
    # An organisation's name is what the form asks for: a person's name in it is the
    # organisation's ("Huisartsenpraktijk Jansen"), while a phone number still is not.
    review = guard.check_if_valid(form, RecordType.pilot, pilot.id, pilot=pilot,
                                  also_allowed=guard.own_names(form))
    return guard.may_save(review), review



def _rows_values(rows: _EditableRows, form, review: Review | None) -> dict:
    """The service's arguments from the form (with the writer and review, if guarded)."""
    values = {name: form[name].data for name in rows.fields}
    if rows.guarded:
        values.update(by=current_user, review=review)
    return values


def _list_rows(rows: _EditableRows, slug: str):
    pilot = load_pilot(slug, options=rows.options)
    editable = rows.need(current_user, pilot)
    if request.method == "POST" and not editable:
        abort(403)
    form = rows.form() if editable else None
    saving, review = _check_rows_form(rows, form, pilot)
    if saving:
        rows.add(pilot, **_rows_values(rows, form, review))
        db.session.commit()
        flash(rows.added(), "success")
        return redirect(url_for(rows.endpoint, slug=pilot.slug))
    return render_template(f"workspace/{rows.noun}s.html", pilot=pilot, form=form,
                           review=review)


def _edit_row(rows: _EditableRows, slug: str, row_id: int):
    pilot = load_pilot(slug, need=rows.need)
    row = load_child(rows.model, pilot, row_id)
    form = rows.form(
        data=forms.row_data(row, rows.fields) if request.method == "GET" else None
    )
    saving, review = _check_rows_form(rows, form, pilot)
    if saving:
        rows.update(row, **_rows_values(rows, form, review))
        db.session.commit()
        flash(rows.updated(), "success")
        return redirect(url_for(rows.endpoint, slug=pilot.slug))
    return render_template(f"workspace/{rows.noun}_edit.html", pilot=pilot, form=form,
                           review=review, **{rows.noun: row})


def _remove_row(rows: _EditableRows, slug: str, row_id: int):
    pilot = load_pilot(slug, need=rows.need)
    row = load_child(rows.model, pilot, row_id)
    check_action_form()
    message = rows.removed(row)  # before the row is gone
    services.remove_row(row)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(rows.endpoint, slug=pilot.slug))


@bp.route("/<slug:slug>/organisaties", methods=["GET", "POST"])
@login_required
def organisations(slug: str):
    """List the organisations taking part; coordinators add one."""
    return _list_rows(ORGANISATION_ROWS, slug)


@bp.route("/<slug:slug>/organisaties/<int:organisation_id>", methods=["GET", "POST"])
@login_required
def edit_organisation(slug: str, organisation_id: int):
    """Change an organisation's name or kind."""
    return _edit_row(ORGANISATION_ROWS, slug, organisation_id)


@bp.post("/<slug:slug>/organisaties/<int:organisation_id>/verwijderen")
@login_required
def remove_organisation(slug: str, organisation_id: int):
    """Take an organisation off the pilot's list."""
    return _remove_row(ORGANISATION_ROWS, slug, organisation_id)


@bp.route("/<slug:slug>/afspraken", methods=["GET", "POST"])
@login_required
def agreements(slug: str):
    """List the collaboration agreements; members add one."""
    return _list_rows(AGREEMENT_ROWS, slug)


@bp.route("/<slug:slug>/afspraken/<int:agreement_id>", methods=["GET", "POST"])
@login_required
def edit_agreement(slug: str, agreement_id: int):
    """Change who an agreement is with or what it says."""
    return _edit_row(AGREEMENT_ROWS, slug, agreement_id)


@bp.post("/<slug:slug>/afspraken/<int:agreement_id>/verwijderen")
@login_required
def remove_agreement(slug: str, agreement_id: int):
    """Delete a collaboration agreement."""
    return _remove_row(AGREEMENT_ROWS, slug, agreement_id)


# Members and invitations ------------------------------------------------------------------


def _invitation_links(invitations: list[Invitation]) -> dict[int, str]:
    return {
        invitation.id: url_for(
            "auth.accept_invitation", token=invitation_token(invitation), _external=True
        )
        for invitation in invitations
    }


@bp.route("/<slug:slug>/leden", methods=["GET", "POST"])
@login_required
def members(slug: str):
    """List the members; coordinators and facilitators invite new ones."""
    pilot = load_pilot(slug)
    manageable = can_manage_members(current_user, pilot)
    if request.method == "POST" and not manageable:
        abort(403)
    form = forms.InvitationForm() if manageable else None
    if form is not None and form.validate_on_submit():
        try:
            invitation = services.invite(pilot, form.email.data, form.role.data, by=current_user)
        except services.AlreadyMember:
            form.email.errors.append(
                _("Deze persoon is al lid van de proeftuin. Wijzig zo nodig de rol in de ledenlijst.")
            )
        else:
            db.session.commit()
            flash(
                _("De uitnodiging is gemaild naar %(email)s. De link staat ook hieronder, voor als de e-mail niet aankomt.", email=invitation.email),
                "success",
            )
            return redirect(
                url_for("workspace.members", slug=pilot.slug, nieuw=invitation.id)
                + "#uitnodigingen"
            )
    invitations = queries.open_invitations(pilot) if manageable else []
    return render_template(
        "workspace/members.html",
        pilot=pilot,
        memberships=queries.members(pilot),
        form=form,
        role_form=forms.MemberRoleForm(formdata=None),
        invitations=invitations,
        links=_invitation_links(invitations),
        new_invitation_id=request.args.get("nieuw", type=int),
    )


@bp.post("/<slug:slug>/leden/<int:membership_id>/rol")
@login_required
def change_member_role(slug: str, membership_id: int):
    """Change a member's role."""
    pilot = load_pilot(slug, need=can_manage_members)
    membership = load_child(Membership, pilot, membership_id)
    form = forms.MemberRoleForm()
    if not form.validate_on_submit():
        flash(_("Kies een geldige rol."), "error")
        return redirect(url_for("workspace.members", slug=pilot.slug))
    try:
        services.change_member_role(membership, form.role.data, by=current_user)
    except services.LastCoordinator:
        flash(_("U bent de enige coördinator. Maak eerst iemand anders coördinator voordat u deze rol opgeeft."), "error")
        return redirect(url_for("workspace.members", slug=pilot.slug))
    db.session.commit()
    flash(_("De rol van %(name)s is gewijzigd.", name=membership.user.name), "success")
    return redirect(url_for("workspace.members", slug=pilot.slug))


@bp.post("/<slug:slug>/leden/<int:membership_id>/verwijderen")
@login_required
def remove_member(slug: str, membership_id: int):
    """Take someone out of the pilot."""
    pilot = load_pilot(slug, need=can_manage_members)
    membership = load_child(Membership, pilot, membership_id)
    check_action_form()
    name = membership.user.name
    try:
        services.remove_member(membership, by=current_user)
    except services.LastCoordinator:
        flash(_("U bent de enige coördinator en kunt uzelf niet verwijderen. Maak eerst iemand anders coördinator."), "error")
        return redirect(url_for("workspace.members", slug=pilot.slug))
    db.session.commit()
    flash(_("%(name)s is geen lid meer van de proeftuin.", name=name), "success")
    if not can_view_workspace(current_user, pilot):
        return redirect(url_for("workspace.mine"))
    return redirect(url_for("workspace.members", slug=pilot.slug))


@bp.post("/<slug:slug>/leden/uitnodigingen/<int:invitation_id>/intrekken")
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    """Withdraw an open invitation."""
    pilot = load_pilot(slug, need=can_manage_members)
    invitation = load_child(Invitation, pilot, invitation_id)
    check_action_form()
    if not invitation.is_open:
        flash(_("Deze uitnodiging is al gebruikt, ingetrokken of verlopen."), "warning")
        return redirect(url_for("workspace.members", slug=pilot.slug))
    services.revoke(invitation)
    db.session.commit()
    flash(_("De uitnodiging voor %(email)s is ingetrokken.", email=invitation.email), "success")
    return redirect(url_for("workspace.members", slug=pilot.slug))


@bp.post("/<slug:slug>/leden/uitnodigingen/<int:invitation_id>/opnieuw")
@login_required
def resend_invitation(slug: str, invitation_id: int):
    """Mail an open invitation again, with the same link."""
    pilot = load_pilot(slug, need=can_manage_members)
    invitation = load_child(Invitation, pilot, invitation_id)
    check_action_form()
    try:
        services.send_invitation_again(invitation, by=current_user)
    except services.InvitationNotOpen:
        flash(_("Deze uitnodiging is al gebruikt, ingetrokken of verlopen."), "warning")
    else:
        db.session.commit()
        flash(_("De uitnodiging is opnieuw gemaild naar %(email)s.", email=invitation.email),
              "success")
    return redirect(url_for("workspace.members", slug=pilot.slug) + "#uitnodigingen")


# Audit trail ------------------------------------------------------------------------------

AUDIT_PER_PAGE = 50
#: events per query while writing the CSV download
AUDIT_CSV_BATCH = 1000
#: far beyond any real trail, and small enough that the offset stays a 32-bit number
AUDIT_MAX_PAGE = 10_000


@bp.get("/<slug:slug>/logboek")
@login_required
def audit_trail(slug: str):
    """Show who did what to the pilot's case discussions and lessons, newest first."""
    pilot = load_pilot(slug, need=can_view_audit_trail)
    page = min(max(request.args.get("pagina", 1, type=int), 1), AUDIT_MAX_PAGE)
    events, total = audit.trail_of_pilot(pilot, page=page, per_page=AUDIT_PER_PAGE)
    pages = max(1, math.ceil(total / AUDIT_PER_PAGE))
    return render_template(
        "workspace/audit.html", pilot=pilot, events=events, total=total, page=page,
        pages=pages, per_page=AUDIT_PER_PAGE,
    )


def _audit_rows(pilot):
    """The pilot's audit trail as rows of values, newest first, read a batch at a time."""
    page = 1
    while True:
        events, total = audit.trail_of_pilot(pilot, page=page, per_page=AUDIT_CSV_BATCH)
        for event in events:
            yield (event.occurred_at.isoformat(), actor_name(event.user),
                   audit_role_label(event.role), audit_action_label(event.action),
                   record_type_label(event.record_type), event.record_id)
        if page * AUDIT_CSV_BATCH >= total or not events:
            return
        page += 1


@bp.get("/<slug:slug>/logboek.csv")
@login_required
def audit_trail_csv(slug: str):
    """Download the pilot's whole audit trail as CSV for a spreadsheet, newest first."""
    pilot = load_pilot(slug, need=can_view_audit_trail)
    columns = tuple(download_column(header) for header in (
        _("Tijdstip (UTC)"), _("Gebruiker"), _("Rol"), _("Handeling"), _("Soort record"),
        _("Recordnummer"),
    ))
    records = (dict(zip((c.name for c in columns), row, strict=True))
               for row in _audit_rows(pilot))
    # Built whole rather than streamed: a pilot's trail is small, and a stream would outlive
    # the request's database session. Semicolons, a byte order mark and neutralised formulas,
    # as the facilitators' other downloads (library.exports).
    text = "".join(csv_chunks(columns, records, delimiter=SPREADSHEET_DELIMITER))
    log_event("audit_trail_exported", pilot=pilot.id)
    response = Response(text, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="logboek-{pilot.slug}.csv"'
    return response
