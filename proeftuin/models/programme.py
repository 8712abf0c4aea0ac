"""National programmes that run pilots, and their facilitators."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, link_table, utcnow

if TYPE_CHECKING:
    from proeftuin.models.pilot import Pilot
    from proeftuin.models.user import User

programme_facilitator = link_table(
    "programme_facilitator", ("programme_id", "programme"), ("user_id", "user_account"),
    on_target_delete="CASCADE", index=False,
)


class Programme(db.Model):
    """A national programme, such as "In voor mantelzorg – thuis"."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: programmes that no longer take applications stay for their history
    accepts_applications: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facilitators: Mapped[list[User]] = relationship(
        secondary=programme_facilitator, back_populates="programmes", order_by="User.name"
    )
    pilots: Mapped[list[Pilot]] = relationship(back_populates="programme")

    def __repr__(self) -> str:
        return f"<Programme {self.slug}>"
