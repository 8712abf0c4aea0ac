"""Sign-in (with its two-factor step), sign-out, the account page, password change,
two-factor settings and invitations."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from proeftuin.auth import guessing, invitations, password_reset, queries, services, two_factor
from proeftuin.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    DisableTwoFactorForm,
    ForgotPasswordForm,
    InvitedAccountForm,
    LoginForm,
    RecoveryCodeForm,
    ResetPasswordForm,
    TwoFactorCodeForm,
)
from proeftuin.auth.invitations import InvitationError, InvitationState
from proeftuin.auth.sessions import (
    SESSION_TOKEN_KEY,
    end_session,
    start_session,
)
from proeftuin.extensions import db, limiter
from proeftuin.models import utcnow
from proeftuin.personal_data import export
from proeftuin.security_log import account_fingerprint, log_event
from proeftuin.web.navigation import is_safe_url, redirect_next, start_page
from proeftuin.web.rate_limits import form_address_key
from proeftuin.workspace import queries as workspace_queries

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    # Read per request, so the limit follows the configuration (tests lower it).
    return current_app.config["LOGIN_RATE_LIMIT"]


#: sign-in attempts count per account, whichever client address they come from
_account_key = form_address_key("account")


def _password_change_key() -> str:
    """Count attempts to guess the current password per signed-in account."""
    return "password-change:" + (current_user.get_id() or get_remote_address())


def _two_factor_key() -> str:
    """Count attempts to guess a code per account: the pending sign-in's, or the signed-in one."""
    if current_user.is_authenticated:
        user_id = current_user.get_id()
    else:
        user_id = two_factor.pending_user_id()
    return "two-factor:" + (str(user_id) if user_id is not None else get_remote_address())


#: one budget of code guesses per account, shared by every page that checks a code
_code_guesses = limiter.shared_limit(_login_limit, scope="two-factor-code", methods=["POST"],
                                     key_func=_two_factor_key)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
# The account's budget is for browsers that never signed in to it; one that did has its own,
# so guessing from elsewhere cannot keep the owner out (auth/guessing.py).
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key,
               exempt_when=guessing.known_device)
@limiter.limit(_login_limit, methods=["POST"], key_func=guessing.device_key,
               exempt_when=guessing.stranger)
def login():
    """Sign in with e-mail address and password."""
    if current_user.is_authenticated:
        target = request.args.get("next")
        return redirect(target if is_safe_url(target) else start_page(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            log_event("sign_in_failed", account=account_fingerprint(form.email.data))
            if guessing.failed():
                db.session.commit()
                log_event("sign_in_guessed_told", account=account_fingerprint(form.email.data))
            # One message for every failure, so it never tells whether the account exists.
            form.password.errors.append(
                _("Deze combinatie van e-mailadres en wachtwoord kennen we niet. Controleer wat u heeft getypt en probeer het opnieuw.")
            )
        else:
            target = form.next.data if is_safe_url(form.next.data) else start_page(user)
            step = two_factor.begin_pending(user, target)
            if step is not None:
                # No session yet: the password alone opens nothing.
                db.session.commit()
                return guessing.set_cookie(redirect(url_for(
                    "auth.enrol_two_factor" if step == "enrol" else "auth.two_factor_code")),
                    user)
            start_session(user)
            db.session.commit()
            log_event("sign_in", account_id=user.id)
            return guessing.set_cookie(redirect(target), user)
    # A session token without a signed-in user: the session expired or was revoked.
    # Say so once, then forget the dead token.
    session_ended = request.method == "GET" and bool(session.pop(SESSION_TOKEN_KEY, None))
    # Only a development or demo site says that staff get in without a second factor; a
    # production site that switched the requirement off does not advertise it.
    demo_without_two_factor = (not current_app.config["REQUIRE_TWO_FACTOR"]
                               and current_app.config["ENV_NAME"] != "production")
    return render_template("auth/login.html", form=form, session_ended=session_ended,
                           demo_without_two_factor=demo_without_two_factor)


# The second step of signing in ------------------------------------------------------------


#: what a refused code says, at sign-in and on the account pages
WRONG_CODE = _l("Deze code klopt niet of is al gebruikt. Vul de code in die uw app nu toont.")
#: what a refused first code says while setting up, forced or by choice
WRONG_SETUP_CODE = _l("Deze code klopt niet. Controleer of u de QR-code van deze pagina heeft gescand en vul de code in die uw app nu toont.")

#: from this many recovery codes left, signing in with one urges making new ones
FEW_RECOVERY_CODES = 3


def _no_store(response):
    """Keep a page with a secret or recovery codes out of every cache and the back button."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _pending_or_restart():
    """Return the sign-in waiting for its second step, or a redirect to the password step."""
    had_marker = two_factor.had_pending_sign_in()
    pending = two_factor.pending_sign_in()
    if pending is not None:
        return pending, None
    if had_marker:
        flash(_("Het inloggen duurde te lang of is afgebroken. Log opnieuw in."), "warning")
    return None, redirect(url_for("auth.login"))


def _code_step():
    """The sign-in waiting for its code, or the answer that sends the visitor elsewhere."""
    if current_user.is_authenticated:
        return None, redirect(start_page(current_user))
    pending, restart = _pending_or_restart()
    if restart:
        return None, restart
    if not pending.user.two_factor_enabled:
        return None, redirect(url_for("auth.enrol_two_factor"))
    return pending, None


def _finish_sign_in(pending: two_factor.PendingSignIn) -> str:
    """Start the session for a completed second step; return where to go next."""
    target = pending.next if is_safe_url(pending.next) else start_page(pending.user)
    start_session(pending.user)  # also clears the pending marker
    return target


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@_code_guesses
def two_factor_code():
    """Second sign-in step: the code from the authenticator app."""
    pending, elsewhere = _code_step()
    if elsewhere:
        return elsewhere
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if two_factor.verify_totp(pending.user, form.code.data):
            target = _finish_sign_in(pending)
            db.session.commit()
            log_event("sign_in", account_id=pending.user.id, second_factor="totp")
            return redirect(target)
        log_event("two_factor_failed", account_id=pending.user.id, step="sign_in")
        form.code.errors.append(WRONG_CODE)
    return render_template("auth/two_factor_code.html", form=form)


@bp.route("/login/herstelcode", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@_code_guesses
def two_factor_recovery():
    """Second sign-in step with a recovery code, for when the app is out of reach."""
    pending, elsewhere = _code_step()
    if elsewhere:
        return elsewhere
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        if two_factor.use_recovery_code(pending.user, form.code.data):
            user = pending.user
            target = _finish_sign_in(pending)
            remaining = two_factor.remaining_recovery_codes(user)
            db.session.commit()
            log_event("recovery_code_used", account_id=user.id, remaining=remaining)
            log_event("sign_in", account_id=user.id, second_factor="recovery_code")
            flash(ngettext("U bent ingelogd met een herstelcode. U heeft nog %(num)d herstelcode over.",
                           "U bent ingelogd met een herstelcode. U heeft nog %(num)d herstelcodes over.",
                           remaining), "warning" if remaining <= FEW_RECOVERY_CODES else "success")
            if remaining <= FEW_RECOVERY_CODES:
                flash(_("Maak nieuwe herstelcodes aan via Mijn account, zodat u niet zonder komt te zitten."), "warning")
            return redirect(target)
        log_event("two_factor_failed", account_id=pending.user.id, step="recovery_code")
        form.code.errors.append(_("Deze herstelcode klopt niet of is al gebruikt."))
    return render_template("auth/two_factor_recovery.html", form=form)


@bp.route("/login/tweestapsverificatie", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@_code_guesses
def enrol_two_factor():
    """Set up two-factor sign-in during sign-in, for staff who must have it."""
    if current_user.is_authenticated:
        return redirect(start_page(current_user))
    pending, restart = _pending_or_restart()
    if restart:
        return restart
    user = pending.user
    if user.two_factor_enabled:
        return redirect(url_for("auth.two_factor_code"))
    if not pending.enrol:
        # A code-step marker may not switch on a secret set up elsewhere meanwhile.
        return redirect(url_for("auth.two_factor_code"))
    if not user.totp_secret:
        # Reset by an admin since the password step: start that step again.
        two_factor.end_pending()
        flash(_("Het instellen is afgebroken. Log opnieuw in om opnieuw te beginnen."), "warning")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is not None:
            target = _finish_sign_in(pending)
            db.session.commit()
            log_event("two_factor_enabled", account_id=user.id)
            log_event("sign_in", account_id=user.id, second_factor="totp")
            return _no_store(render_template("auth/recovery_codes.html", codes=codes,
                                             continue_url=target))
        log_event("two_factor_failed", account_id=user.id, step="enrol")
        form.code.errors.append(WRONG_SETUP_CODE)
    return _no_store(_setup_page(user, form, forced=True,
                                 action=url_for("auth.enrol_two_factor"),
                                 cancel=url_for("auth.login")))


def _setup_page(user, form, *, forced: bool, action: str, cancel: str) -> str:
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        forced=forced,
        action=action,
        cancel=cancel,
        account=user.email,
        issuer=two_factor.ISSUER,
        secret=two_factor.grouped_secret(user.totp_secret),
        qr_code=two_factor.qr_code_svg(
            two_factor.provisioning_uri(user),
            _("QR-code om Proeftuin aan uw authenticator-app toe te voegen"),
        ),
    )


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
        two_factor_required=two_factor.is_required_for(user),
        can_disable_two_factor=two_factor.can_disable(user),
        recovery_codes_left=(two_factor.remaining_recovery_codes(user)
                             if user.two_factor_enabled else 0),
    )


# Two-factor settings ----------------------------------------------------------------------


@bp.post("/account/tweestapsverificatie/starten")
@login_required
def start_two_factor():
    """Make a new secret to set up two-factor sign-in with, and show it."""
    user = current_user._get_current_object()
    if user.two_factor_enabled:
        flash(_("Tweestapsverificatie staat al aan."), "info")
        return redirect(url_for("auth.account"))
    two_factor.start_enrolment(user)
    db.session.commit()
    return redirect(url_for("auth.setup_two_factor"))


@bp.route("/account/tweestapsverificatie/instellen", methods=["GET", "POST"])
@_code_guesses
@login_required
def setup_two_factor():
    """Confirm the new secret with a first code; then show the recovery codes once."""
    user = current_user._get_current_object()
    if user.two_factor_enabled or not user.totp_secret:
        return redirect(url_for("auth.account"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is not None:
            start_session(user)  # the other sessions ended; this browser stays signed in
            db.session.commit()
            log_event("two_factor_enabled", account_id=user.id)
            return _no_store(render_template("auth/recovery_codes.html", codes=codes,
                                             continue_url=url_for("auth.account")))
        log_event("two_factor_failed", account_id=user.id, step="enrol")
        form.code.errors.append(WRONG_SETUP_CODE)
    return _no_store(_setup_page(user, form, forced=False,
                                 action=url_for("auth.setup_two_factor"),
                                 cancel=url_for("auth.account")))


@bp.route("/account/tweestapsverificatie/herstelcodes", methods=["GET", "POST"])
@_code_guesses
@login_required
def regenerate_recovery_codes():
    """Replace the recovery codes with new ones, after a current code from the app."""
    user = current_user._get_current_object()
    if not user.two_factor_enabled:
        return redirect(url_for("auth.account"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if two_factor.verify_totp(user, form.code.data):
            codes = two_factor.new_recovery_codes(user)
            db.session.commit()
            log_event("recovery_codes_regenerated", account_id=user.id)
            return _no_store(render_template("auth/recovery_codes.html", codes=codes,
                                             continue_url=url_for("auth.account")))
        log_event("two_factor_failed", account_id=user.id, step="regenerate")
        form.code.errors.append(WRONG_CODE)
    return render_template("auth/recovery_codes_new.html", form=form)


@bp.route("/account/tweestapsverificatie/uitzetten", methods=["GET", "POST"])
@_code_guesses
@login_required
def disable_two_factor():
    """Turn two-factor sign-in off with the password and a code; not when the role needs it."""
    user = current_user._get_current_object()
    if not user.two_factor_enabled:
        return redirect(url_for("auth.account"))
    if not two_factor.can_disable(user):
        return render_template("auth/two_factor_disable.html", form=None), 403
    form = DisableTwoFactorForm(user)
    if form.validate_on_submit():
        if form.code.data:
            accepted = two_factor.verify_totp(user, form.code.data)
            field = form.code
        else:
            accepted = two_factor.use_recovery_code(user, form.recovery_code.data)
            field = form.recovery_code
        if accepted:
            two_factor.disable(user)
            db.session.commit()
            log_event("two_factor_disabled", account_id=user.id)
            flash(_("Tweestapsverificatie staat uit. U logt voortaan in met alleen uw wachtwoord."), "success")
            return redirect(url_for("auth.account"))
        log_event("two_factor_failed", account_id=user.id, step="disable")
        field.errors.append(_("Deze code klopt niet of is al gebruikt."))
    return render_template("auth/two_factor_disable.html", form=form)


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


#: requests for a new-password link count per address, so no inbox is flooded
_reset_address_key = form_address_key("password-reset")


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_reset_address_key)
def forgot_password():
    """Ask for a link to set a new password; the answer never tells whether an account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = password_reset.request_reset(form.email.data)
        db.session.commit()
        log_event("password_reset_requested", account=account_fingerprint(form.email.data),
                  known=user is not None)
        return redirect(url_for("auth.forgot_password_sent"), code=303)
    return render_template("auth/forgot_password.html", form=form)


@bp.get("/wachtwoord-vergeten/verstuurd")
def forgot_password_sent():
    """The same answer for every address."""
    return render_template("auth/forgot_password_sent.html")


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password with a mailed link; then sign in as always (with the code)."""
    user = password_reset.user_for_token(token)
    if user is None:
        return render_template("auth/reset_password_gone.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        password_reset.reset_password(user, form.new_password.data)
        db.session.commit()
        log_event("password_reset", account_id=user.id)
        return redirect(url_for("auth.password_reset_done"), code=303)
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.get("/wachtwoord-herstellen/klaar")
def password_reset_done():
    """The new password is set; signing in comes next, with the second step as always."""
    return render_template("auth/reset_password_done.html")


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


# Personal data ----------------------------------------------------------------------------


@bp.get("/account/mijn-gegevens")
@login_required
def my_data():
    """Explain what the download of one's own data holds, with the button to get it."""
    data = export.collect(current_user._get_current_object())
    return render_template("auth/my_data.html", data=data)


@bp.get("/account/mijn-gegevens.json")
@login_required
def my_data_download():
    """Download everything the signed-in user wrote, and their account, as JSON."""
    data = export.collect(current_user._get_current_object())
    # Built before the commit, which would expire everything just loaded.
    document = export.document(data)
    # The case discussions and lessons leave the site: their audit trails say so.
    export.log_export(data)
    db.session.commit()
    log_event("personal_data_exported", account_id=data.user.id)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = make_response(body)
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export.filename(utcnow().date())}"'
    )
    return _no_store(response)


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

    situation, account = services.invitation_situation(invitation.email, current_user)
    here = url_for("auth.accept_invitation", token=token)

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
