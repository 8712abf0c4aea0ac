"""A pilot's workspace: profile, framework mapping, organisations, agreements, members and
the audit trail of its case discussions and lessons."""

from __future__ import annotations

import csv
import io
import math

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

from proeftuin import audit
from proeftuin.auth.invitations import invitation_token
from proeftuin.extensions import db
from proeftuin.labels import actor_name, audit_action_label, audit_role_label, record_type_label
from proeftuin.models import Agreement, Invitation, Membership, PilotOrganisation, RecordType
from proeftuin.permissions import (
    can_administer,
    can_edit_agreements,
    can_edit_pilot,
    can_facilitate,
    can_manage_members,
    can_view_audit_trail,
    can_view_workspace,
    is_admin,
)
from proeftuin.personal_data import guard
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
        facilitated=facilitated,
        show_admin=can_administer(current_user),
        show_facilitation=can_facilitate(current_user),
    )


@bp.get("/<slug:slug>/")
@login_required
def overview(slug: str):
    """Show a pilot's status, mapping at a glance, counts and history."""
    pilot = load_pilot(slug, options=queries.OVERVIEW)
    return render_template(
        "workspace/overview.html", pilot=pilot, counts=queries.pilot_counts(pilot)
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
    review = guard.check_if_valid(form, RecordType.pilot, pilot.id)
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
        review = guard.check_if_valid(form, RecordType.pilot, pilot.id)
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


# Organisations ----------------------------------------------------------------------------


@bp.route("/<slug:slug>/organisaties", methods=["GET", "POST"])
@login_required
def organisations(slug: str):
    """List the organisations taking part; coordinators add one."""
    pilot = load_pilot(slug, options=queries.ORGANISATIONS)
    editable = can_edit_pilot(current_user, pilot)
    if request.method == "POST" and not editable:
        abort(403)
    form = forms.OrganisationForm() if editable else None
    review = guard.check_if_valid(form, RecordType.pilot, pilot.id) if form else None
    if guard.may_save(review):
        services.add_organisation(pilot, form.name.data, form.kind.data, by=current_user,
                                  review=review)
        db.session.commit()
        flash(_("De organisatie is toegevoegd."), "success")
        return redirect(url_for("workspace.organisations", slug=pilot.slug))
    return render_template("workspace/organisations.html", pilot=pilot, form=form,
                           review=review)


@bp.route("/<slug:slug>/organisaties/<int:organisation_id>", methods=["GET", "POST"])
@login_required
def edit_organisation(slug: str, organisation_id: int):
    """Change an organisation's name or kind."""
    pilot = load_pilot(slug, need=can_edit_pilot)
    organisation = load_child(PilotOrganisation, pilot, organisation_id)
    form = forms.OrganisationForm(
        data={"name": organisation.name, "kind": organisation.kind.value}
        if request.method == "GET" else None
    )
    review = guard.check_if_valid(form, RecordType.pilot, pilot.id)
    if guard.may_save(review):
        services.update_organisation(organisation, form.name.data, form.kind.data,
                                     by=current_user, review=review)
        db.session.commit()
        flash(_("De organisatie is bijgewerkt."), "success")
        return redirect(url_for("workspace.organisations", slug=pilot.slug))
    return render_template(
        "workspace/organisation_edit.html", pilot=pilot, organisation=organisation, form=form,
        review=review,
    )


@bp.post("/<slug:slug>/organisaties/<int:organisation_id>/verwijderen")
@login_required
def remove_organisation(slug: str, organisation_id: int):
    """Take an organisation off the pilot's list."""
    pilot = load_pilot(slug, need=can_edit_pilot)
    organisation = load_child(PilotOrganisation, pilot, organisation_id)
    check_action_form()
    name = organisation.name
    services.remove_organisation(organisation)
    db.session.commit()
    flash(_("De organisatie %(name)s is verwijderd.", name=name), "success")
    return redirect(url_for("workspace.organisations", slug=pilot.slug))


# Agreements -------------------------------------------------------------------------------


@bp.route("/<slug:slug>/afspraken", methods=["GET", "POST"])
@login_required
def agreements(slug: str):
    """List the collaboration agreements; members add one."""
    pilot = load_pilot(slug, options=queries.AGREEMENTS)
    editable = can_edit_agreements(current_user, pilot)
    if request.method == "POST" and not editable:
        abort(403)
    form = forms.AgreementForm() if editable else None
    if form is not None and form.validate_on_submit():
        services.add_agreement(pilot, form.party.data, form.commitment.data)
        db.session.commit()
        flash(_("De afspraak is toegevoegd."), "success")
        return redirect(url_for("workspace.agreements", slug=pilot.slug))
    return render_template("workspace/agreements.html", pilot=pilot, form=form)


@bp.route("/<slug:slug>/afspraken/<int:agreement_id>", methods=["GET", "POST"])
@login_required
def edit_agreement(slug: str, agreement_id: int):
    """Change who an agreement is with or what it says."""
    pilot = load_pilot(slug, need=can_edit_agreements)
    agreement = load_child(Agreement, pilot, agreement_id)
    form = forms.AgreementForm(obj=agreement if request.method == "GET" else None)
    if form.validate_on_submit():
        services.update_agreement(agreement, form.party.data, form.commitment.data)
        db.session.commit()
        flash(_("De afspraak is bijgewerkt."), "success")
        return redirect(url_for("workspace.agreements", slug=pilot.slug))
    return render_template(
        "workspace/agreement_edit.html", pilot=pilot, agreement=agreement, form=form
    )


@bp.post("/<slug:slug>/afspraken/<int:agreement_id>/verwijderen")
@login_required
def remove_agreement(slug: str, agreement_id: int):
    """Delete a collaboration agreement."""
    pilot = load_pilot(slug, need=can_edit_agreements)
    agreement = load_child(Agreement, pilot, agreement_id)
    check_action_form()
    party = agreement.party
    services.remove_agreement(agreement)
    db.session.commit()
    flash(_("De afspraak met %(party)s is verwijderd.", party=party), "success")
    return redirect(url_for("workspace.agreements", slug=pilot.slug))


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
                _("De uitnodiging voor %(email)s is aangemaakt. Kopieer de link hieronder en stuur die zelf naar de genodigde.", email=invitation.email),
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


def _csv_cell(value: str) -> str:
    # A spreadsheet runs a cell that starts like a formula; a name must stay a name.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/<slug:slug>/logboek.csv")
@login_required
def audit_trail_csv(slug: str):
    """Download the pilot's whole audit trail as CSV, newest first."""
    pilot = load_pilot(slug, need=can_view_audit_trail)
    header = [_("Tijdstip (UTC)"), _("Gebruiker"), _("Rol"), _("Handeling"), _("Soort record"),
              _("Recordnummer")]

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        page = 1
        while True:
            events, total = audit.trail_of_pilot(pilot, page=page, per_page=AUDIT_CSV_BATCH)
            for event in events:
                writer.writerow([
                    event.occurred_at.isoformat(), _csv_cell(actor_name(event.user)),
                    audit_role_label(event.role), audit_action_label(event.action),
                    record_type_label(event.record_type), event.record_id,
                ])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if page * AUDIT_CSV_BATCH >= total or not events:
                break
            page += 1

    log_event("audit_trail_exported", pilot=pilot.id)
    # Built whole rather than streamed: a pilot's trail is small, and a stream would outlive
    # the request's database session.
    response = Response("".join(rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="logboek-{pilot.slug}.csv"'
    return response
