"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from proeftuin.extensions import db
from proeftuin.reference import localized

#: the largest value an integer column (every id) holds on PostgreSQL; a larger number, in a
#: URL or a form, names nothing and would overflow the query's parameter
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite drops the offset; PostgreSQL keeps it. This gives both the same behaviour.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def link_table(name: str, owner: tuple[str, str], target: tuple[str, str], *,
               on_target_delete: str = "RESTRICT", index: bool = True) -> sa.Table:
    """Return a table that links rows of one table to rows of another, many to many.

    `owner` and `target` are (column, table) pairs. Deleting the owner deletes its links;
    deleting a target is refused while linked unless `on_target_delete` says CASCADE.
    `index` indexes the target column, for finding the owners of a target.
    """
    (owner_column, owner_table), (target_column, target_table) = owner, target
    return sa.Table(
        name,
        db.metadata,
        sa.Column(owner_column, sa.ForeignKey(f"{owner_table}.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column(target_column, sa.ForeignKey(f"{target_table}.id", ondelete=on_target_delete),
                  primary_key=True, index=index),
    )


def enum_column(enum_cls, name: str | None = None, **kwargs):
    """An enum column stored by value, as a plain string with a check constraint.

    `name` names the check constraint; give one when a table has two columns of one enum.
    """
    return sa.Enum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        create_constraint=True,
        length=32,
        name=name or enum_cls.__name__.lower(),
        validate_strings=True,
        **kwargs,
    )


class Bilingual:
    """A reference row named in Dutch and English."""

    name_nl: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))

    @property
    def name(self) -> str:
        """The name in the interface language."""
        return localized(self.name_nl, self.name_en)
