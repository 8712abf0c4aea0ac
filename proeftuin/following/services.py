"""Follow, confirm, change and stop following; the signed links that do it without an account.

Anyone may ask to follow with an address, but nothing is sent to it until the address itself
confirms (double opt-in): the confirmation link carries the frequency asked for, so a request
by someone else changes nothing of an existing subscription. Someone signed in follows with
their account's address, which needs no confirmation. Every link is signed with the site's
secret and holds the subscription's random key, so it dies with the subscription.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from proeftuin.auth.services import normalize_email
from proeftuin.extensions import db
from proeftuin.following.selection import Followed
from proeftuin.messaging import mails
from proeftuin.models import Frequency, OutboxMessage, Subscription, User
from proeftuin.models.base import utcnow

#: how long a confirmation link works; an unconfirmed subscription is deleted after it
CONFIRM_WITHIN = timedelta(days=7)
#: the kinds of message sent to followers, deleted from the outbox with their last subscription
FOLLOWER_MAIL = ("follow_confirmation", "follow_digest")


def _manage_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="subscription")


def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="subscription-confirm")


def link_token(subscription_id: int, key: str) -> str:
    """The token of the links to manage and to stop a subscription; it does not expire."""
    return _manage_serializer().dumps([subscription_id, key])


def manage_token(subscription: Subscription) -> str:
    return link_token(subscription.id, subscription.key)


def confirm_token(subscription: Subscription, frequency: Frequency) -> str:
    return _confirm_serializer().dumps([subscription.id, subscription.key, frequency.value])


def _find(data) -> Subscription | None:
    if not (isinstance(data, list) and len(data) >= 2 and isinstance(data[0], int)
            and isinstance(data[1], str)):
        return None
    subscription = db.session.scalar(
        sa.select(Subscription).where(Subscription.id == data[0])
        .options(joinedload(Subscription.pilot))
        .execution_options(populate_existing=True))
    if subscription is None or not secrets.compare_digest(subscription.key, data[1]):
        return None
    return subscription


def by_manage_token(token: str) -> Subscription | None:
    """The subscription a manage or unsubscribe link is for, while it exists."""
    try:
        return _find(_manage_serializer().loads(token))
    except BadSignature:
        return None


def by_confirm_token(token: str) -> tuple[Subscription, Frequency] | None:
    """The subscription a confirmation link is for, with the frequency it asked for."""
    try:
        data = _confirm_serializer().loads(token, max_age=int(CONFIRM_WITHIN.total_seconds()))
    except BadSignature:
        return None
    subscription = _find(data)
    if subscription is None or len(data) != 3 or data[2] not in {f.value for f in Frequency}:
        return None
    return subscription, Frequency(data[2])


def follow(followed: Followed, email: str, frequency: Frequency, language: str,
           user: User | None = None) -> Subscription:
    """Follow with an address: confirmed at once for a signed-in account's own address,
    otherwise a confirmation mail goes to the address and nothing else changes yet."""
    email = normalize_email(email)
    own = user is not None and normalize_email(user.email) == email
    subscription = db.session.scalar(
        sa.select(Subscription).where(Subscription.email == email,
                                      Subscription.selection == followed.key))
    if subscription is None:
        subscription = Subscription(
            email=email, selection=followed.key, key=secrets.token_hex(16), language=language,
            frequency=frequency, pilot_id=followed.pilot.id if followed.pilot else None,
        )
        # A second request for the same address and selection at the same moment finds
        # this one taken; it then changes the row the first one made.
        try:
            with db.session.begin_nested():
                db.session.add(subscription)
        except sa.exc.IntegrityError:
            return follow(followed, email, frequency, language, user)
    if own:
        now = utcnow()
        subscription.user_id = user.id
        subscription.language = user.language
        subscription.frequency = frequency
        if subscription.confirmed_at is None:
            subscription.confirmed_at = now
            subscription.covered_until = now
        return subscription
    if subscription.confirmed_at is None:
        # A new link: the seven days to confirm start again.
        subscription.language = language
        subscription.created_at = utcnow()
    db.session.flush()
    mails.follow_confirmation(subscription, confirm_token(subscription, frequency), followed,
                              frequency)
    return subscription


def confirm(subscription: Subscription, frequency: Frequency) -> bool:
    """Confirm with the mailed link; True when it was not confirmed before."""
    subscription.frequency = frequency
    if subscription.confirmed_at is not None:
        return False
    now = utcnow()
    subscription.confirmed_at = now
    subscription.covered_until = now
    return True


def change_frequency(subscription: Subscription, frequency: Frequency) -> None:
    subscription.frequency = frequency


def unsubscribe(subscription: Subscription) -> None:
    """Stop following and forget the address: with its last subscription, the address's mail
    from the outbox goes too."""
    email = subscription.email
    db.session.delete(subscription)
    db.session.flush()
    others = db.session.scalar(
        sa.select(sa.func.count()).select_from(Subscription).where(Subscription.email == email))
    if not others:
        db.session.execute(sa.delete(OutboxMessage).where(
            OutboxMessage.recipient == email, OutboxMessage.kind.in_(FOLLOWER_MAIL)))


def of_user(user: User) -> list[Subscription]:
    """What an account follows: with the account, or with its address before signing in."""
    return list(db.session.scalars(
        sa.select(Subscription)
        .where(sa.or_(Subscription.user_id == user.id,
                      Subscription.email == normalize_email(user.email)))
        .options(joinedload(Subscription.pilot))
        .order_by(Subscription.created_at, Subscription.id)))


def purge_unconfirmed(now: datetime) -> int:
    """Delete the subscriptions whose confirmation link has expired: their address goes."""
    result = db.session.execute(sa.delete(Subscription).where(
        Subscription.confirmed_at.is_(None), Subscription.created_at < now - CONFIRM_WITHIN))
    return result.rowcount
