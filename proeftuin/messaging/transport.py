"""Turn an outbox row into an e-mail and hand it to the SMTP server of SMTP_URL."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from urllib.parse import unquote, urlsplit

from proeftuin.models import OutboxMessage, utcnow

#: seconds to wait for the mail server before an attempt counts as failed
TIMEOUT = 30


class SmtpUrlError(ValueError):
    """SMTP_URL cannot be read."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    #: "starttls", "tls" or "plain"
    security: str
    username: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpSettings | None:
    """Read SMTP_URL; None (an empty setting) means mail is only kept, for development."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SmtpUrlError("SMTP_URL must look like smtp://user:password@host:587 or "
                           "smtps://host:465")
    if parts.scheme == "smtps":
        security, port = "tls", parts.port or 465
    else:
        security = "plain" if parts.query == "plain" else "starttls"
        port = parts.port or (25 if security == "plain" else 587)
    return SmtpSettings(parts.hostname, port, security, unquote(parts.username or ""),
                        unquote(parts.password or ""))


def build(message: OutboxMessage, sender: str) -> EmailMessage:
    """The e-mail of an outbox row: text and HTML alternatives, in the recipient's language."""
    email = EmailMessage(policy=SMTP)
    sender_name, sender_address = parseaddr(sender)
    email["From"] = Address(display_name=sender_name, addr_spec=sender_address)
    email["To"] = Address(display_name=message.recipient_name, addr_spec=message.recipient)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message.message_id
    # Out-of-office replies and the like are not sent back to an automatic message.
    email["Auto-Submitted"] = "auto-generated"
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    # After the content: setting it clears every Content-* header.
    email["Content-Language"] = message.language
    return email


class Smtp:
    """One connection to the mail server for a batch of messages."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> Smtp:
        settings = self.settings
        context = ssl.create_default_context()
        if settings.security == "tls":
            self.connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT,
                                               context=context)
        else:
            self.connection = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
            if settings.security == "starttls":
                self.connection.starttls(context=context)
        if settings.username:
            self.connection.login(settings.username, settings.password)
        return self

    def send(self, email: EmailMessage) -> None:
        self.connection.send_message(email)

    def __exit__(self, *exc) -> None:
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()


class Keep:
    """Development without SMTP_URL: a message counts as sent and stays in /dev/mailbox."""

    def __enter__(self) -> Keep:
        return self

    def send(self, email: EmailMessage) -> None:
        email.as_bytes()  # what SMTP would refuse (a broken header) fails here too

    def __exit__(self, *exc) -> None:
        pass
