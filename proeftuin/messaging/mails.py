"""The messages Proeftuin sends, one function each: what they say and to whom.

Each queues its message in the caller's transaction (compose.queue); the caller commits.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from proeftuin.labels import MEMBER_ROLE
from proeftuin.messaging.compose import absolute_url, queue
from proeftuin.models import Invitation, OutboxMessage, User


def invitation(invitation: Invitation, token: str, by: User) -> OutboxMessage:
    """The invitation, to the address it was made for, in the inviter's language: the
    invitee has no account, and so no language of their own, yet."""
    language = str(get_locale() or "nl")
    return queue(
        "invitation", to=invitation.email, language=language, template="invitation",
        subject=_l("Uitnodiging voor de proeftuin %(pilot)s", pilot=invitation.pilot.name),
        inviter=by.name, pilot=invitation.pilot.name,
        role=MEMBER_ROLE[invitation.member_role],
        link=absolute_url("auth.accept_invitation", token=token),
        expires_at=invitation.expires_at,
    )
