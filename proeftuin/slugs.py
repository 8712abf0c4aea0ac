"""URL slugs that stay unique within a table."""

from __future__ import annotations

import sqlalchemy as sa
from slugify import slugify

from proeftuin.extensions import db


def unique_slug(model, text: str, max_length: int = 80) -> str:
    """Return a slug for `text` that no row of `model` has yet."""
    base = slugify(text, max_length=max_length, word_boundary=True) or "proeftuin"
    taken = set(
        db.session.scalars(
            sa.select(model.slug).where(
                sa.or_(model.slug == base, model.slug.like(f"{base}-%"))
            )
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
