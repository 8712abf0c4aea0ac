"""Read-side selects for the account pages."""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import Programme, User, programme_facilitator


def programmes_facilitated_by(user: User) -> list[Programme]:
    """Return the programmes the user is a facilitator of, by name."""
    return list(
        db.session.scalars(
            sa.select(Programme)
            .join(programme_facilitator, programme_facilitator.c.programme_id == Programme.id)
            .where(programme_facilitator.c.user_id == user.id)
            .order_by(Programme.name)
        )
    )
