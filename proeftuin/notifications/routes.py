"""A person's notifications, and how each kind reaches them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from proeftuin.extensions import db
from proeftuin.models import Delivery, Notification, NotificationPreference, utcnow
from proeftuin.notifications import KINDS, text
from proeftuin.notifications.forms import PreferencesForm
from proeftuin.web.navigation import is_safe_url

bp = Blueprint("notifications", __name__)

#: the notifications one page shows, newest first
PER_PAGE = 50


@bp.get("/meldingen")
@login_required
def index():
    """The newest notifications; the unread ones stand out."""
    shown = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc()).limit(PER_PAGE)
    ).all()
    return render_template("notifications/index.html", notifications=shown, text=text)


@bp.get("/meldingen/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Mark one notification read and go to what it is about."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return redirect(notification.path if is_safe_url(notification.path)
                    else url_for("notifications.index"))


@bp.post("/meldingen/gelezen")
@login_required
def mark_all_read():
    """Mark every notification read."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash(_("Alle meldingen zijn als gelezen gemarkeerd."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/meldingen", methods=["GET", "POST"])
@login_required
def preferences():
    """Choose per kind: by e-mail at once, in a daily digest, or only in the site."""
    stored = {p.kind: p for p in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == current_user.id))}
    form = PreferencesForm(data={kind: (stored[kind].delivery.value if kind in stored
                                        else Delivery.immediately.value) for kind in KINDS}
                           if request.method == "GET" else None)
    if form.validate_on_submit():
        for kind in KINDS:
            delivery = Delivery(form[kind].data)
            if kind in stored:
                stored[kind].delivery = delivery
            else:
                db.session.add(NotificationPreference(user_id=current_user.id, kind=kind,
                                                      delivery=delivery))
        db.session.commit()
        flash(_("Uw keuzes voor meldingen zijn opgeslagen."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, kinds=KINDS)
