"""Follow a library selection or a pilot by e-mail, and manage it by the mailed links."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from proeftuin.extensions import csrf, db, limiter
from proeftuin.following import selection, services
from proeftuin.following.forms import FollowForm, FrequencyForm, StopForm
from proeftuin.models import Frequency, Subscription
from proeftuin.pilots import queries as pilot_queries
from proeftuin.web.rate_limits import form_address_key

bp = Blueprint("following", __name__)


def _client_limit() -> str:
    return current_app.config["FOLLOW_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["FOLLOW_ADDRESS_RATE_LIMIT"]


#: requests count per address too, so no inbox is flooded with confirmations
_address_key = form_address_key("follow")


def _signed_in() -> bool:
    # An account follows with its own address, which gets no confirmation mail to flood.
    return current_user.is_authenticated


def _followed() -> selection.Followed:
    """What the page's parameters ask to follow: a public pilot, or a library selection."""
    if "proeftuin" in request.args:
        pilot = pilot_queries.public_pilot(request.args["proeftuin"])
        if pilot is None:
            abort(404)
        return selection.Followed({}, pilot)
    return selection.from_library_args(request.args)


def _back(followed: selection.Followed) -> str:
    if followed.pilot is not None:
        return url_for("pilots.show", slug=followed.pilot.slug)
    return url_for("library.index", **followed.params)


@bp.route("/volgen", methods=["GET", "POST"])
@limiter.limit(_client_limit, methods=["POST"], exempt_when=_signed_in)
@limiter.limit(_address_limit, methods=["POST"], key_func=_address_key, exempt_when=_signed_in)
def follow():
    """Ask to follow a selection or pilot: a confirmation mail, or at once when signed in."""
    followed = _followed()
    user = current_user._get_current_object() if current_user.is_authenticated else None
    form = FollowForm()
    if user is not None:
        del form.email
    if form.validate_on_submit():
        email = user.email if user is not None else form.email.data
        services.follow(followed, email, Frequency(form.frequency.data),
                        language=str(get_locale() or "nl"), user=user)
        db.session.commit()
        if user is not None:
            flash(_("U volgt dit nu. De nieuwe lessen komen naar %(email)s.", email=user.email),
                  "success")
            return redirect(url_for("following.account"), code=303)
        return redirect(url_for("following.sent"), code=303)
    return render_template(
        "following/follow.html", form=form, followed=followed, user=user,
        described=selection.describe(followed.key, followed.pilot), back=_back(followed),
    )


@bp.get("/volgen/verstuurd")
def sent():
    """The same answer for every address: look in your mail."""
    return render_template("following/sent.html")


def _gone():
    return render_template("following/gone.html"), 410


@bp.route("/volgen/bevestigen/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Confirm with the mailed link; a button, so that a mail scanner opening it does not."""
    found = services.by_confirm_token(token)
    if found is None:
        return _gone()
    subscription, frequency = found
    form = StopForm()
    if form.validate_on_submit():
        services.confirm(subscription, frequency)
        db.session.commit()
        flash(_("Bevestigd: u volgt dit nu."), "success")
        return redirect(url_for("following.manage", token=services.manage_token(subscription)),
                        code=303)
    return render_template("following/confirm.html", form=form, frequency=frequency,
                           described=_described(subscription))


@bp.route("/volgen/abonnement/<token>", methods=["GET", "POST"])
def manage(token: str):
    """What a mailed link follows, how often it comes, and the way to stop."""
    subscription = services.by_manage_token(token)
    if subscription is None:
        return _gone()
    form = FrequencyForm(data={"frequency": subscription.frequency.value}
                         if request.method == "GET" else None)
    if form.validate_on_submit():
        services.change_frequency(subscription, Frequency(form.frequency.data))
        db.session.commit()
        flash(_("Opgeslagen."), "success")
        return redirect(url_for("following.manage", token=token), code=303)
    return render_template("following/manage.html", form=form, stop_form=StopForm(),
                           subscription=subscription, token=token,
                           described=_described(subscription),
                           library_params=selection.params_of(subscription.selection))


@bp.route("/volgen/afmelden/<token>", methods=["GET", "POST"])
@csrf.exempt  # the one-click POST of RFC 8058 comes from a mail program, without a token
def unsubscribe(token: str):
    """Stop following: a GET asks (link checkers open links), a POST stops at once."""
    subscription = services.by_manage_token(token)
    if request.method == "POST":
        if subscription is not None:
            services.unsubscribe(subscription)
            db.session.commit()
        return render_template("following/unsubscribed.html")
    if subscription is None:
        return _gone()
    return render_template("following/unsubscribe.html", token=token,
                           described=_described(subscription))


@bp.get("/account/volgen")
@login_required
def account():
    """What the signed-in account follows, each with its own page to change or stop it."""
    reader = selection.Reader()
    return render_template(
        "following/account.html",
        subscriptions=[(subscription, services.manage_token(subscription),
                        reader.describe(subscription.selection, subscription.pilot))
                       for subscription in services.of_user(current_user)],
    )


def _described(subscription: Subscription) -> list[tuple[str, str]]:
    return selection.describe(subscription.selection, subscription.pilot)
