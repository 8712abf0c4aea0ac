"""Confirming a finding of the personal-data guard, as the form's tick box does."""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import PrivacyConfirmation
from proeftuin.personal_data import guard
from proeftuin.personal_data.detection import fingerprint, scan


def fingerprint_of(client, text: str) -> str:
    """The value of the box that confirms the one finding in `text`."""
    (finding,) = scan(text)
    with client.application.test_request_context():
        return fingerprint(finding, key=guard.fingerprint_key())


def confirmations() -> list[tuple[str, int, str]]:
    """Every stored confirmation as (record type, record id, fingerprint), oldest first."""
    return [(row.record_type, row.record_id, row.fingerprint) for row in db.session.scalars(
        sa.select(PrivacyConfirmation).order_by(PrivacyConfirmation.id))]
