"""Sign-in, sign-out, the account page, password change and invitations."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from proeftuin.auth import invitations, queries, services
from proeftuin.auth.forms import (
    EMAIL_MAX_LENGTH,
    AcceptInvitationForm,
    ChangePasswordForm,
    InvitedAccountForm,
    LoginForm,
)
from proeftuin.auth.invitations import InvitationError, InvitationState
from proeftuin.auth.sessions import SESSION_TOKEN_KEY, end_session, start_session
from proeftuin.extensions import db, limiter
from proeftuin.navigation import is_safe_url, redirect_next, safe_next
from proeftuin.security_log import account_fingerprint, log_event
from proeftuin.workspace import queries as workspace_queries

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    # Read per request, so the limit follows the configuration (tests lower it).
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    """Count sign-in attempts per account, whichever address they come from."""
    return "account:" + services.normalize_email(request.form.get("email") or "")[:EMAIL_MAX_LENGTH]


def _password_change_key() -> str:
    """Count attempts to guess the current password per signed-in account."""
    return "password-change:" + (current_user.get_id() or get_remote_address())


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key)
def login():
    """Sign in with e-mail address and password."""
    if current_user.is_authenticated:
        return redirect(safe_next("workspace.mine"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            log_event("sign_in_failed", account=account_fingerprint(form.email.data))
            # One message for every failure, so it never tells whether the account exists.
            form.password.errors.append(
                _("Deze combinatie van e-mailadres en wachtwoord kennen we niet. Controleer wat u heeft getypt en probeer het opnieuw.")
            )
        else:
            start_session(user)
            db.session.commit()
            log_event("sign_in", account_id=user.id)
            target = form.next.data if is_safe_url(form.next.data) else url_for("workspace.mine")
            return redirect(target)
    # A session token without a signed-in user: the session expired or was revoked.
    # Say so once, then forget the dead token.
    session_ended = request.method == "GET" and bool(session.pop(SESSION_TOKEN_KEY, None))
    return render_template("auth/login.html", form=form, session_ended=session_ended)


@bp.post("/logout")
def logout():
    """Sign out and revoke this session."""
    log_event("sign_out")
    end_session()
    db.session.commit()
    flash(_("U bent uitgelogd."), "success")
    return redirect_next("main.index")


@bp.get("/account")
@login_required
def account():
    """Show the signed-in user's account: name, address, role, pilots and programmes."""
    user = current_user._get_current_object()
    return render_template(
        "auth/account.html",
        user=user,
        memberships=workspace_queries.memberships_of(user),
        programmes=queries.programmes_facilitated_by(user) if user.is_facilitator else [],
    )


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_password_change_key)
@login_required
def change_password():
    """Change the password; other sessions end, this browser stays signed in."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        services.change_password(user, form.new_password.data)
        start_session(user)
        db.session.commit()
        log_event("password_changed", account_id=user.id)
        flash(_("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


def _invitation_gone(invitation, state: InvitationState | None):
    """Answer a link that cannot be used (any more): 404 if unknown, 410 if it was real."""
    status = 404 if invitation is None else 410
    return render_template("auth/invitation_gone.html", invitation=invitation,
                           state=state.value if state else "unknown"), status


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Show an invitation and accept it, creating an account if the invitee has none."""
    invitation = invitations.find_invitation(token)
    if invitation is None:
        return _invitation_gone(None, None)
    state = invitations.invitation_state(invitation)
    if state is not InvitationState.open:
        return _invitation_gone(invitation, state)

    account = services.find_user_by_email(invitation.email)
    here = url_for("auth.accept_invitation", token=token)
    if current_user.is_authenticated and (account is None or current_user.id != account.id):
        situation = "other_account"
    elif account is None:
        situation = "new_account"
    elif not current_user.is_authenticated:
        situation = "sign_in"
    else:
        situation = "accept"

    form = None
    if situation == "new_account":
        form = InvitedAccountForm()
        if form.validate_on_submit():
            try:
                membership = services.create_invited_account(
                    invitation, form.name.data, form.password.data
                )
            except InvitationError:
                db.session.rollback()
                return _invitation_gone(invitation, invitations.invitation_state(invitation))
            start_session(membership.user)
            db.session.commit()
            log_event("account_created_by_invitation", account_id=membership.user.id,
                      invitation_id=invitation.id)
            flash(_("Welkom! Uw account is aangemaakt en u bent nu lid van %(pilot)s.",
                    pilot=invitation.pilot.name), "success")
            return redirect(url_for("workspace.overview", slug=invitation.pilot.slug))
    elif situation == "accept":
        form = AcceptInvitationForm()
        if form.validate_on_submit():
            try:
                invitations.accept_invitation(invitation, account)
            except InvitationError:
                db.session.rollback()
                return _invitation_gone(invitation, invitations.invitation_state(invitation))
            db.session.commit()
            flash(_("U bent nu lid van %(pilot)s.", pilot=invitation.pilot.name), "success")
            return redirect(url_for("workspace.overview", slug=invitation.pilot.slug))
    elif request.method == "POST":
        # Nothing to act on in this situation; show the explanation again.
        return redirect(here)

    return render_template(
        "auth/invitation.html",
        invitation=invitation,
        situation=situation,
        form=form,
        login_url=url_for("auth.login", next=here),
        here=here,
    )
