"""E-mail through the outbox and the worker, received by a real SMTP server run by the tests."""

from __future__ import annotations

import email
import socket
import threading
from datetime import datetime, timedelta
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from proeftuin import create_app
from proeftuin.config import load_config
from proeftuin.extensions import db
from proeftuin.messaging import compose, transport, worker
from proeftuin.models import MemberRole, MessageStatus, OutboxMessage, Role, utcnow
from proeftuin.workspace import services
from tests.conftest import _test_config


class _Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Server:
    """aiosmtpd on one port, which can go down and come back (a controller runs once)."""

    def __init__(self, inbox: _Inbox, port: int):
        self.inbox, self.port, self.running = inbox, port, None

    def start(self):
        self.running = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.running.start()

    def stop(self):
        if self.running is not None:
            self.running.stop()
            self.running = None


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free port, and the app sending to it."""
    inbox = _Inbox()
    inbox.controller = server = _Server(inbox, _free_port())
    server.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}?plain"
    app.config["MAIL_FROM"] = "Proeftuin <noreply@proeftuin.example>"
    yield inbox
    server.stop()


def _fail_every_attempt(smtp) -> datetime:
    """With the server down, let the worker try until the message has failed; the time then."""
    smtp.controller.stop()
    now = utcnow()
    for _attempt in range(len(worker.RETRY_AFTER) + 1):
        worker.deliver_due(now)
        now += worker.RETRY_AFTER[-1]
    return now


def _invite(make, email_address="nieuw@voorbeeld.example"):
    pilot = make.pilot(name="Proeftuin Denkstad")
    coordinator = make.user(name="Cora Coördinator")
    invitation = services.invite(pilot, email_address, MemberRole.member.value, by=coordinator)
    return invitation


def test_an_invitation_is_delivered_in_both_parts_with_its_headers(ctx, make, smtp):
    invitation = _invite(make)
    db.session.commit()
    (row,) = db.session.scalars(sa.select(OutboxMessage)).all()

    assert worker.deliver_due().sent == 1
    (received,) = smtp.messages
    assert received["To"] == "nieuw@voorbeeld.example"
    assert received["From"] == "Proeftuin <noreply@proeftuin.example>"
    assert received["Subject"] == "Uitnodiging voor de proeftuin Proeftuin Denkstad"
    assert received["Message-ID"] == row.message_id
    assert received["Content-Language"] == "nl"
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Cora Coördinator nodigt u uit" in text and "/uitnodiging/" in text
    assert '<html lang="nl">' in html and "Uitnodiging aannemen" in html
    # Plain and accessible: no images, no remote content, nothing that tracks the reader.
    assert "<img" not in html and "src=" not in html and "<script" not in html
    db.session.refresh(row)
    assert row.status is MessageStatus.sent and row.sent_at is not None
    assert invitation.email in {rcpt for env in smtp.envelopes for rcpt in env.rcpt_tos}


def test_a_rolled_back_change_sends_nothing(ctx, make, smtp):
    _invite(make)
    db.session.rollback()
    assert worker.deliver_due().sent == 0
    assert smtp.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_messages_wait_while_the_server_is_down_and_go_when_it_returns(ctx, make, smtp):
    _invite(make)
    db.session.commit()
    smtp.controller.stop()
    now = utcnow()
    outcome = worker.deliver_due(now)
    assert (outcome.sent, outcome.retried) == (0, 1)
    row = db.session.scalars(sa.select(OutboxMessage)).one()
    db.session.refresh(row)
    assert row.status is MessageStatus.queued and row.attempts == 1 and row.last_error
    assert row.next_attempt_at == now + worker.RETRY_AFTER[0]
    # Not due yet: nothing is tried.
    assert worker.deliver_due(now + timedelta(seconds=30)).retried == 0

    smtp.controller.start()
    assert worker.deliver_due(now + worker.RETRY_AFTER[0]).sent == 1
    assert len(smtp.messages) == 1


def test_a_message_fails_after_the_last_retry_and_an_admin_can_send_it_again(ctx, make, smtp):
    _invite(make)
    db.session.commit()
    now = _fail_every_attempt(smtp)
    row = db.session.scalars(sa.select(OutboxMessage)).one()
    db.session.refresh(row)
    assert row.status is MessageStatus.failed
    assert row.attempts == len(worker.RETRY_AFTER) + 1
    assert worker.deliver_due(now + timedelta(days=1)).sent == 0

    smtp.controller.start()
    worker.send_again(row)
    db.session.commit()
    assert worker.deliver_due().sent == 1


def test_names_and_subjects_cannot_add_headers(ctx, smtp, app):
    with app.test_request_context():
        compose.queue("invitation", to="lid@voorbeeld.example", language="en",
                      subject="Welkom\r\nBcc: stiekem@voorbeeld.example",
                      name="Eva\r\nBcc: ook@voorbeeld.example", template="invitation",
                      inviter="Iemand\nX-Evil: 1", pilot="P", role="lid", link="https://x.example",
                      expires_at=utcnow())
    db.session.commit()
    assert worker.deliver_due().sent == 1
    (received,) = smtp.messages
    assert received["Bcc"] is None and received["X-Evil"] is None
    assert received["Subject"] == "Welkom Bcc: stiekem@voorbeeld.example"
    assert [rcpt for env in smtp.envelopes for rcpt in env.rcpt_tos] == ["lid@voorbeeld.example"]
    assert received["Content-Language"] == "en"
    assert "invites you" in received.get_body(("plain",)).get_content()


def test_a_claim_holds_until_its_lease_ends_and_the_message_keeps_its_id(ctx, make, smtp):
    _invite(make)
    db.session.commit()
    now = utcnow()
    _token, (claimed,) = worker.claim(now)
    message_id = claimed.message_id
    assert worker.claim(now + timedelta(minutes=1))[1] == []
    # The worker died mid-send: after the lease another worker takes it, with the same id.
    _token, (again,) = worker.claim(now + worker.LEASE + timedelta(seconds=1))
    assert again.message_id == message_id and again.attempts == 2


def test_two_workers_never_claim_the_same_message(app, make, smtp):
    with app.app_context():
        pilot = make.pilot()
        coordinator = make.user()
        for number in range(40):
            services.invite(pilot, f"lid{number}@voorbeeld.example", "member", by=coordinator)
        db.session.commit()
    claims: list[list[int]] = []
    start = threading.Barrier(2)

    def claim():
        with app.app_context():
            start.wait()
            claims.append([m.id for m in worker.claim(utcnow(), batch=40)[1]])
            db.session.remove()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = claims
    assert not set(first) & set(second)
    assert len(first) + len(second) == 40


def test_the_development_mailbox_shows_each_message_and_production_has_none(
        client, make, tmp_path_factory):
    _invite(make)
    db.session.commit()
    row = db.session.scalars(sa.select(OutboxMessage)).one()
    html = client.get("/dev/mailbox/").get_data(as_text=True)
    assert "Uitnodiging voor de proeftuin Proeftuin Denkstad" in html
    html = client.get(f"/dev/mailbox/{row.id}").get_data(as_text=True)
    assert "nodigt u uit" in html and f'sandbox src="/dev/mailbox/{row.id}/html"' in html
    response = client.get(f"/dev/mailbox/{row.id}/html")
    assert response.get_data(as_text=True) == row.html_body
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert client.get("/dev/mailbox/999999").status_code == 404

    production = create_app({**_test_config(tmp_path_factory), "DEV_MAILBOX": False})
    assert production.test_client().get("/dev/mailbox/").status_code == 404


def test_admins_see_failed_messages_and_queue_them_again(client, make, login, smtp):
    _invite(make)
    db.session.commit()
    _fail_every_attempt(smtp)
    row = db.session.scalars(sa.select(OutboxMessage)).one()
    login(make.user(role=Role.admin))
    assert "1 bericht kon niet worden bezorgd" in client.get("/beheer/").get_data(as_text=True)
    html = client.get("/beheer/berichten").get_data(as_text=True)
    assert "nieuw@voorbeeld.example" in html and "ConnectionRefusedError" in html

    html = client.post(f"/beheer/berichten/{row.id}/opnieuw",
                       follow_redirects=True).get_data(as_text=True)
    assert "staat weer klaar voor verzending" in html
    db.session.refresh(row)
    assert row.status is MessageStatus.queued and row.attempts == 0
    smtp.controller.start()
    assert worker.deliver_due().sent == 1


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_outside_development_the_worker_needs_a_mail_server(app, environment):
    app.config.update(ENV_NAME=environment, SMTP_URL="")
    with pytest.raises(transport.SmtpUrlError):
        worker.run(app, once=True)
    app.config["SMTP_URL"] = "http://not-a-mail-server"
    with pytest.raises(transport.SmtpUrlError):
        worker.run(app, once=True)


@pytest.mark.parametrize(("environment", "mailbox"),
                         [("development", True), ("staging", False), ("test", False)])
def test_only_a_development_server_has_the_mailbox(monkeypatch, tmp_path, environment, mailbox):
    monkeypatch.setenv("PROEFTUIN_ENV", environment)
    assert load_config(str(tmp_path))["DEV_MAILBOX"] is mailbox
