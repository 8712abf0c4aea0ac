"""Following the library by e-mail: double opt-in, digests of only what is new, and stopping
with one click, all without an account; and the same from an account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.following import digests, services
from proeftuin.following.selection import Followed, from_library_args
from proeftuin.messaging import schedule, worker
from proeftuin.models import (
    Frequency,
    LessonStatus,
    MessageStatus,
    OutboxMessage,
    ScheduledRun,
    Subscription,
)
from proeftuin.models.base import utcnow
from tests.test_messaging import smtp  # noqa: F401 - the fixture

FOLLOW = "/volgen"
ADDRESS = "volger@gemeente-voorbeeld.example"


def _messages(kind: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def _path(message: OutboxMessage, start: str) -> str:
    return re.search(rf"http://127\.0\.0\.1:5000({start}\S+)", message.text_body).group(1)


def _subscriptions() -> list[Subscription]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Subscription).order_by(Subscription.id)))


def _follow(client, query="richting=3&q=respijt", email=ADDRESS, frequency="weekly"):
    return client.post(f"{FOLLOW}?{query}", data={"email": email, "frequency": frequency})


def _confirmed(client, make, query="richting=3", email=ADDRESS) -> Subscription:
    _follow(client, query, email)
    confirm = _path(_messages("follow_confirmation")[-1], "/volgen/bevestigen/")
    client.post(confirm, data={})
    (subscription,) = [s for s in _subscriptions() if s.email == email]
    return subscription


def test_following_asks_the_address_to_confirm_and_sends_nothing_before(client, make):
    page = client.get(f"{FOLLOW}?richting=3&q=respijt&volgorde=nieuwste&pagina=2")
    assert page.status_code == 200
    assert "respijt" in page.text and "Volg deze selectie per e-mail" in page.text

    answer = _follow(client, "richting=3&q=respijt&volgorde=nieuwste")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/volgen/verstuurd")
    (subscription,) = _subscriptions()
    # How one reads (the order, the page) is not part of what is followed.
    assert subscription.selection == "q=respijt&richting=3"
    assert subscription.email == ADDRESS and subscription.confirmed_at is None
    (mail,) = _messages()
    assert mail.kind == "follow_confirmation" and mail.recipient == ADDRESS
    assert "respijt" in mail.text_body and "Eén keer per week".lower() in mail.text_body

    link = _path(mail, "/volgen/bevestigen/")
    # Opening the link (as a mail scanner does) confirms nothing: the button does.
    assert client.get(link).status_code == 200
    assert _subscriptions()[0].confirmed_at is None
    confirmed = client.post(link, data={})
    assert confirmed.status_code == 303 and "/volgen/abonnement/" in confirmed.headers["Location"]
    assert _subscriptions()[0].confirmed_at is not None


def test_a_request_by_someone_else_changes_nothing_until_the_address_confirms(client, make):
    subscription = _confirmed(client, make)
    assert subscription.frequency is Frequency.weekly
    _follow(client, "richting=3", frequency="monthly")
    assert _subscriptions()[0].frequency is Frequency.weekly
    mail = _messages("follow_confirmation")[-1]
    assert "U volgt dit al" in mail.text_body
    client.post(_path(mail, "/volgen/bevestigen/"), data={})
    assert _subscriptions()[0].frequency is Frequency.monthly


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, ctx):
    answer = _follow(client, email="geen-adres", frequency="daily")
    assert answer.status_code == 200
    assert 'value="geen-adres"' in answer.text
    assert "Vul een geldig e-mailadres in" in answer.text
    assert "Kies een keer per week of een keer per maand." in answer.text
    assert _subscriptions() == [] and _messages() == []


def test_the_subscription_form_is_rate_limited_per_address(client, app, ctx):
    app.config["FOLLOW_ADDRESS_RATE_LIMIT"] = "2 per hour"
    for number in range(3):
        # Each from another client: the limit is the address's, not the browser's.
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number + 1}"
        answer = _follow(client, f"richting={number + 1}")
    assert answer.status_code == 429
    assert len(_messages("follow_confirmation")) == 2


def test_an_unconfirmed_address_is_forgotten_after_seven_days(client, make):
    _follow(client)
    assert services.purge_unconfirmed(utcnow() + timedelta(days=6)) == 0
    assert services.purge_unconfirmed(utcnow() + timedelta(days=7, minutes=1)) == 1
    assert _subscriptions() == []


def test_a_pilot_is_followed_from_its_profile(client, make):
    pilot = make.pilot(name="Proeftuin Zorgdorp")
    page = client.get(f"/proeftuinen/{pilot.slug}")
    assert f'href="/volgen?proeftuin={pilot.slug}"' in page.text
    assert "Proeftuin Zorgdorp" in client.get(f"{FOLLOW}?proeftuin={pilot.slug}").text
    _follow(client, f"proeftuin={pilot.slug}")
    (subscription,) = _subscriptions()
    assert subscription.pilot_id == pilot.id and subscription.selection == f"proeftuin={pilot.id}"
    assert client.get(f"{FOLLOW}?proeftuin=bestaat-niet").status_code == 404


def _weekly(now):
    count = digests.send_digests(now, Frequency.weekly)
    db.session.commit()
    return count


def test_the_digest_holds_only_new_matching_lessons_and_only_when_there_are(client, make):
    pilot = make.pilot(name="Proeftuin Zorgdorp")
    subscription = _confirmed(client, make, "richting=3")
    start = utcnow()
    assert _weekly(start + timedelta(minutes=1)) == 0  # nothing new: no mail
    make.lesson(pilot, status=LessonStatus.published, title="Respijt in de buurt",
                directions=(3,), published_at=start + timedelta(minutes=2))
    make.lesson(pilot, status=LessonStatus.published, title="Iets anders", directions=(1,),
                published_at=start + timedelta(minutes=2))
    assert _weekly(start + timedelta(minutes=3)) == 1
    (digest,) = _messages("follow_digest")
    assert digest.recipient == subscription.email
    assert "Respijt in de buurt" in digest.text_body and "Iets anders" not in digest.text_body
    assert "Proeftuin Zorgdorp" in digest.html_body
    unsubscribe = digest.headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http://127\.0\.0\.1:5000/volgen/afmelden/\S+>", unsubscribe)
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The next run has nothing new again.
    assert _weekly(start + timedelta(minutes=4)) == 0


def test_a_digest_is_in_the_follower_s_language(client, make):
    pilot = make.pilot()
    client.post("/taal", data={"lang": "en"})
    _confirmed(client, make, "richting=3")
    make.lesson(pilot, status=LessonStatus.published, title="Respite nearby", directions=(3,),
                published_at=utcnow() + timedelta(minutes=1))
    _weekly(utcnow() + timedelta(minutes=2))
    (digest,) = _messages("follow_digest")
    assert digest.language == "en" and digest.subject == "A new lesson in the Proeftuin library"


def test_one_click_unsubscribe_works_without_signing_in_and_forgets_the_address(client, make):
    pilot = make.pilot()
    _confirmed(client, make, "richting=3")
    make.lesson(pilot, status=LessonStatus.published, directions=(3,),
                published_at=utcnow() + timedelta(minutes=1))
    _weekly(utcnow() + timedelta(minutes=2))
    (digest,) = _messages("follow_digest")
    path = digest.headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:5000")
    # Opening it asks; only a POST stops (a link checker must not unsubscribe anyone).
    assert client.get(path).status_code == 200 and len(_subscriptions()) == 1
    # RFC 8058: the mail program posts this body, without a session or CSRF token.
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert _subscriptions() == []
    assert _messages() == []  # the address's mail went with its last subscription
    assert client.get(path).status_code == 410
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_manage_link_changes_the_frequency_without_signing_in(client, make):
    subscription = _confirmed(client, make)
    path = f"/volgen/abonnement/{services.manage_token(subscription)}"
    page = client.get(path)
    assert page.status_code == 200 and ADDRESS in page.text
    assert client.post(path, data={"frequency": "monthly"}).status_code == 303
    assert _subscriptions()[0].frequency is Frequency.monthly
    assert client.get("/volgen/abonnement/vervalst").status_code == 410


def test_a_signed_in_user_follows_with_the_account_at_once(client, make, login):
    user = make.user(email="lid@proeftuin.example")
    login(user)
    page = client.get(f"{FOLLOW}?vraag=2")
    assert 'name="email"' not in page.text and "lid@proeftuin.example" in page.text
    answer = client.post(f"{FOLLOW}?vraag=2", data={"frequency": "monthly"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/account/volgen")
    (subscription,) = _subscriptions()
    assert subscription.user_id == user.id and subscription.confirmed_at is not None
    assert _messages() == []
    listed = client.get("/account/volgen")
    assert "/volgen/abonnement/" in listed.text and "Eén keer per maand" in listed.text


def test_the_account_page_makes_the_same_queries_however_many_are_followed(
        client, make, login, count_queries):
    user = make.user()
    slugs = [make.pilot().slug, make.pilot().slug]
    login(user)

    def queries():
        db.session.expunge_all()
        with count_queries() as counted:
            assert client.get("/account/volgen").status_code == 200
        return counted()

    for query in ("richting=1", f"proeftuin={slugs[0]}"):
        client.post(f"{FOLLOW}?{query}", data={"frequency": "weekly"})
    few = queries()
    for query in ("richting=2", "vraag=1", f"proeftuin={slugs[1]}", "q=buurt"):
        client.post(f"{FOLLOW}?{query}", data={"frequency": "weekly"})
    assert len(_subscriptions()) == 6
    assert queries() == few


def test_the_worker_runs_the_weekly_digest_once_a_week(ctx, make):
    monday = utcnow().replace(year=2027, month=1, day=4, hour=9, minute=0)  # 10:00 local
    assert "weekly-follow-digest" in schedule.run_due(monday)
    assert "weekly-follow-digest" not in schedule.run_due(monday + timedelta(days=2))
    assert "weekly-follow-digest" in schedule.run_due(monday + timedelta(days=7))
    assert "monthly-follow-digest" not in schedule.run_due(monday + timedelta(days=8))
    periods = set(db.session.scalars(sa.select(ScheduledRun.period)
                                      .where(ScheduledRun.job == "weekly-follow-digest")))
    assert periods == {"2027-W01", "2027-W02"}


def test_the_digest_is_delivered_with_its_unsubscribe_headers(client, make, smtp):  # noqa: F811
    pilot = make.pilot()
    _confirmed(client, make, "richting=3")
    make.lesson(pilot, status=LessonStatus.published, title="Respijt in de buurt",
                directions=(3,), published_at=utcnow() + timedelta(minutes=1))
    _weekly(utcnow() + timedelta(minutes=2))
    worker.deliver_due()
    received = [m for m in smtp.messages
                if m["Subject"] == "Een nieuwe les in de bibliotheek van Proeftuin"]
    (digest,) = received
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/volgen/afmelden/")
    assert "Respijt in de buurt" in digest.get_body(("html",)).get_content()


def test_a_selection_is_one_subscription_however_its_link_is_written(ctx):
    from werkzeug.datastructures import MultiDict  # noqa: PLC0415

    assert (Followed({"richting": "3", "q": "x"}).key
            == Followed({"q": "x", "richting": "3"}).key == "q=x&richting=3")
    stale = from_library_args(MultiDict({"richting": "99", "q": "x"}))
    assert stale.key == "q=x" and stale.invalid == ("richting",)


@pytest.mark.parametrize("token", ["", "x", "WzEsImFiYyJd.bad"])
def test_a_forged_link_finds_nothing(ctx, token):
    assert services.by_manage_token(token) is None
    assert services.by_confirm_token(token) is None


def test_the_night_s_clean_up_runs_the_retention_rules(client, make):
    _follow(client)
    (mail,) = _messages()
    mail.status, mail.sent_at = MessageStatus.sent, utcnow()
    db.session.commit()
    night = utcnow().replace(year=2027, month=3, day=1, hour=2)  # 03:00 in Amsterdam
    assert "retention" in schedule.run_due(night)
    # By then the subscription was never confirmed within a week, and the mail is old.
    assert _subscriptions() == [] and _messages() == []


def test_sent_mail_is_kept_thirty_days(ctx, make):
    user = make.user()
    for days in (31, 29):
        message = OutboxMessage(kind="password_reset", recipient=user.email, language="nl",
                                subject="s", text_body="t", html_body="h",
                                message_id=f"<{days}@proeftuin.example>",
                                status=MessageStatus.sent,
                                sent_at=utcnow() - timedelta(days=days))
        db.session.add(message)
    db.session.commit()
    assert worker.purge_sent(utcnow()) == 1
    assert [m.message_id for m in _messages()] == ["<29@proeftuin.example>"]


def test_followers_of_one_selection_share_a_text_but_each_has_their_own_links(client, make):
    pilot = make.pilot()
    first = _confirmed(client, make, "richting=3")
    second = _confirmed(client, make, "richting=3", email="tweede@gemeente-voorbeeld.example")
    make.lesson(pilot, status=LessonStatus.published, title="Respijt in de buurt",
                directions=(3,), published_at=utcnow() + timedelta(minutes=1))
    assert _weekly(utcnow() + timedelta(minutes=2)) == 2
    digest = {message.recipient: message for message in _messages("follow_digest")}
    assert set(digest) == {first.email, second.email}
    links = {}
    for subscription in (first, second):
        message = digest[subscription.email]
        token = services.manage_token(subscription)
        assert f"/volgen/afmelden/{token}" in message.text_body
        assert f"/volgen/afmelden/{token}" in message.html_body
        assert f"/volgen/abonnement/{token}" in message.text_body
        assert message.headers["List-Unsubscribe"] == (
            f"<http://127.0.0.1:5000/volgen/afmelden/{token}>")
        assert "@@" not in message.text_body + message.html_body
        links[subscription.email] = token
    assert links[first.email] != links[second.email]
    assert digest[first.email].message_id != digest[second.email].message_id
