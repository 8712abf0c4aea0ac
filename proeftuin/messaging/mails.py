"""The messages Proeftuin sends, one function each: what they say and to whom.

Each queues its message in the caller's transaction (compose.queue); the caller commits.
"""

from __future__ import annotations

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from proeftuin.labels import FREQUENCY, MEMBER_ROLE
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


def password_reset(user: User, token: str) -> OutboxMessage:
    """The link to set a new password, in the account's language."""
    from proeftuin.auth.password_reset import LIFETIME  # noqa: PLC0415 - auth imports mails

    return queue(
        "password_reset", to=user.email, name=user.name, language=user.language, user=user,
        template="password_reset", subject=_l("Een nieuw wachtwoord voor Proeftuin"),
        link=absolute_url("auth.reset_password", token=token),
        minutes=int(LIFETIME.total_seconds() // 60),
    )


def follow_confirmation(subscription, confirm_token: str, followed, frequency) -> OutboxMessage:
    """The link that confirms following, to the address that is to receive the digests."""
    from proeftuin.following.selection import describe  # noqa: PLC0415 - following imports mails
    from proeftuin.following.services import CONFIRM_WITHIN  # noqa: PLC0415

    with force_locale(subscription.language):
        described = describe(followed.key, followed.pilot)
    return queue(
        "follow_confirmation", to=subscription.email, language=subscription.language,
        template="follow_confirmation", subject=_l("Bevestig dat u nieuwe lessen wilt volgen"),
        described=described, already=subscription.confirmed_at is not None,
        frequency=FREQUENCY[frequency],
        link=absolute_url("following.confirm", token=confirm_token),
        days=CONFIRM_WITHIN.days,
    )


def sign_in_guessed(user: User) -> OutboxMessage:
    """To an account's owner: someone keeps trying wrong passwords."""
    return queue(
        "sign_in_guessed", to=user.email, name=user.name, language=user.language, user=user,
        template="sign_in_guessed", subject=_l("Iemand probeert in te loggen op uw account"),
        link=absolute_url("auth.forgot_password"),
        account=absolute_url("auth.account"),
    )
