"""Loading what a URL names, and checking that the signed-in user may act on it.

A loader returns the row or stops the request: 404 when the URL names nothing (or something an
outsider must not learn exists), 403 when it exists but `need(current_user, row)` says no. Every
blueprint loads through here, so the answer for the same row is the same everywhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from proeftuin.extensions import db
from proeftuin.forms import ActionForm
from proeftuin.models import Pilot
from proeftuin.models.base import MAX_ID
from proeftuin.permissions import can_view_workspace


def _pilot_by_slug(slug: str, options) -> Pilot | None:
    if "\x00" in slug:  # PostgreSQL refuses NUL in a query; no slug has one
        return None
    return db.session.scalar(
        sa.select(Pilot).where(Pilot.slug == slug).options(joinedload(Pilot.programme), *options)
    )


def load_pilot(slug: str, need=can_view_workspace, options=()) -> Pilot:
    """Return the pilot with this slug, or 404; 403 unless `need(current_user, pilot)`.

    A pilot that is not public (an application, a declined group) is a 404 for anyone who may
    not see its workspace: an outsider, a facilitator of another programme included, learns
    nothing of it (docs/permissions.md, P2).
    """
    pilot = _pilot_by_slug(slug, options)
    if pilot is None:
        abort(404)
    if not need(current_user, pilot):
        hidden = not (pilot.is_public or can_view_workspace(current_user, pilot))
        abort(404 if hidden else 403)
    return pilot


def load_child(model, pilot: Pilot, row_id: int):
    """Return the row of `model` with this id if it belongs to the pilot, else 404."""
    if not 0 < row_id <= MAX_ID:
        abort(404)
    row = db.session.scalar(sa.select(model).where(model.id == row_id, model.pilot_id == pilot.id))
    if row is None:
        abort(404)
    return row


def check_action_form() -> None:
    """Stop a POST-only button's request with 400 unless its CSRF token is valid."""
    if not ActionForm().validate_on_submit():
        abort(400)
