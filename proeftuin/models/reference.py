"""Reference rows: the framework's questions and directions, disciplines, groups, regions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from proeftuin.extensions import db
from proeftuin.models.base import Bilingual


class CarerQuestion(Bilingual, db.Model):
    """One of the three questions from the informal carer's point of view."""

    __tablename__ = "carer_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)


class SolutionDirection(Bilingual, db.Model):
    """One of the ten directions in which pilots look for solutions."""

    __tablename__ = "solution_direction"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)


class Discipline(Bilingual, db.Model):
    """A profession or role that takes part in a pilot."""

    __tablename__ = "discipline"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: one of the professions every pilot should have at the table
    essential: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)


class TargetGroup(Bilingual, db.Model):
    """A group of people a pilot works for."""

    __tablename__ = "target_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)


class Region(db.Model):
    """A Dutch province or Belgian (Flemish) province or Brussels."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    #: ISO country code: NL or BE
    country: Mapped[str] = mapped_column(sa.String(2))
    position: Mapped[int] = mapped_column(default=0)
