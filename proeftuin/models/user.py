"""Accounts, their sign-in sessions and invitations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, utcnow
from proeftuin.models.encrypted import Encrypted
from proeftuin.models.pilot import MemberRole

if TYPE_CHECKING:
    from proeftuin.models.pilot import Membership, Pilot
    from proeftuin.models.programme import Programme


class Role(enum.Enum):
    """What kind of account this is; scope comes from programmes and memberships."""

    admin = "admin"
    facilitator = "facilitator"
    participant = "participant"


#: what a deleted account's name is stored as; pages show the translation instead
DELETED_NAME = "Verwijderd account"
#: the reserved top-level domain ".invalid" can never be a real address (RFC 2606)
DELETED_EMAIL_DOMAIN = "invalid"


def deleted_email(user_id: int) -> str:
    """Return the address a deleted account gets: unique, and never a real one."""
    return f"verwijderd-{user_id}@{DELETED_EMAIL_DOMAIN}"


def is_deleted_account(user: User | None) -> bool:
    """Whether this account was deleted (anonymised, for the audit trail keeps naming it)."""
    return user is not None and user.is_deleted


class User(UserMixin, db.Model):
    """A person who signs in."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.participant)
    #: an inactive account cannot sign in; its history stays
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the language of the interface and of the e-mail sent to this person: "nl" or "en"
    language: Mapped[str] = mapped_column(sa.String(5), default="nl", server_default="nl")
    #: base32 TOTP secret, encrypted at rest; set while two-factor sign-in is being set up
    #: or is on
    totp_secret: Mapped[str | None] = mapped_column(Encrypted)
    #: when two-factor sign-in was confirmed with a first code; empty while it is off
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the TOTP time step of the last accepted code, so no code works twice
    totp_last_counter: Mapped[int | None] = mapped_column()

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    programmes: Mapped[list[Programme]] = relationship(
        secondary="programme_facilitator", back_populates="facilitators",
        order_by="Programme.name",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    @property
    def two_factor_enabled(self) -> bool:
        """Whether sign-in asks for a code from an authenticator app."""
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def is_deleted(self) -> bool:
        """Whether the account was deleted: anonymised, never removed."""
        return self.email == deleted_email(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    @property
    def is_facilitator(self) -> bool:
        return self.role is Role.facilitator

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class UserSession(db.Model):
    """A signed-in browser session, so that sign-out and password changes can revoke it."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    #: SHA-256 of the token in the session cookie; the token itself is never stored
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: updated at most once a minute, to keep writes off ordinary requests
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app, stored only as a hash."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    #: SHA-256 of the code; the codes are random enough that a plain hash cannot be reversed
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when the code is used; a used code never works again
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """A signed, expiring, single-use invitation to join a pilot."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"),
                                          index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    #: the membership role the invitee gets
    member_role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole))
    #: random value in the signed token, so a token cannot be forged from the id alone
    nonce: Mapped[str] = mapped_column(sa.String(43))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pilot: Mapped[Pilot] = relationship(back_populates="invitations")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])

    @property
    def is_open(self) -> bool:
        """Still usable: not accepted, not revoked, not expired."""
        return (self.accepted_at is None and self.revoked_at is None
                and self.expires_at > utcnow())
