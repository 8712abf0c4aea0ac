"""Sign-in, sign-out, password change and invitations."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from proeftuin.auth import services
from proeftuin.auth.forms import LoginForm
from proeftuin.auth.sessions import end_session, start_session
from proeftuin.extensions import db, limiter
from proeftuin.navigation import is_safe_url, safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


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
            form.password.errors.append(_("Deze combinatie van e-mailadres en wachtwoord kennen we niet."))
        else:
            start_session(user)
            db.session.commit()
            target = form.next.data if is_safe_url(form.next.data) else url_for("workspace.mine")
            return redirect(target)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out and revoke this session."""
    end_session()
    db.session.commit()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("main.index"))


@bp.get("/account")
@login_required
def account():  # replaced by the account page of the auth area
    return render_template("auth/login.html", form=LoginForm())
