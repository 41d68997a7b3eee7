"""The SMTP transport of the outbox: one mail written and handed to the mail server.

It knows nothing of the outbox's rows or states: `transmit` takes anything shaped like a
`Mail` (an OutboxMessage is one) and either returns or raises, and `error_is_permanent`
tells delivery whether an error is worth another attempt. It keeps one connection per
worker thread open for a while and writes the common mail (a text part, perhaps with one
HTML alternative, to one recipient) straight to the wire, since a digest run sends
thousands of those from one worker; anything else goes through Django's email classes.
"""

import binascii
import email.policy
import json
import logging
import secrets
import smtplib
import threading
import time
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

logger = logging.getLogger(__name__)


class Mail(Protocol):
    """What the transport needs of a mail; checked when it was stored (message_build)."""

    recipient: str
    subject: str
    text: str
    html: str
    # Extra headers by name; a "Reply-To" among them becomes the reply address.
    headers: dict[str, str]
    # Small text files: [{"filename", "mimetype", "content"}].
    attachments: list[dict]


_local = threading.local()


def _mailer():
    """The default mailer, kept open per worker thread for a while: opening an SMTP
    connection for every message costs more than the message."""
    config = json.dumps(settings.MAILERS.get("default", {}), sort_keys=True, default=str)
    cached = getattr(_local, "mailer", None)
    now = time.monotonic()
    reuse = getattr(settings, "OUTBOX_CONNECTION_REUSE", 30)
    if cached is not None:
        signature, backend, last_used = cached
        if signature == config and now - last_used < reuse:
            _local.mailer = (signature, backend, now)
            return backend
        mailer_close()
    backend = mailers.default
    backend.open()
    _local.mailer = (config, backend, now)
    return backend


def mailer_close() -> None:
    """Close this thread's connection, e.g. after an error left it in an unknown state."""
    cached = getattr(_local, "mailer", None)
    _local.mailer = None
    if cached is not None:
        try:
            cached[1].close()
        except Exception:  # closing a broken connection is allowed to fail
            logger.debug("Closing the mailer failed.", exc_info=True)


_UTF8 = Charset("utf-8")
_UTF8.header_encoding = QP
_UTF8.body_encoding = QP


class _SmtpCompat32(email.policy.Compat32):
    """compat32 with CRLF line ends (Django's SMTP backend sends `as_bytes()` as it is)
    that writes a short ASCII header as it is instead of running it through Header(),
    which costs more than the rest of the message; others are folded as usual."""

    def fold_binary(self, name, value):
        short = isinstance(value, str) and value.isascii() and len(name) + len(value) < 76
        if short and "\r" not in value and "\n" not in value:
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_SMTP_COMPAT = _SmtpCompat32(linesep="\r\n")


def _ascii_address(address: str) -> str:
    """`local@domain` with an internationalised domain in its ASCII (IDNA) form."""
    local, _at, domain = address.rpartition("@")
    if domain.isascii():
        return address
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, _UTF8)


class OutboxEmail(EmailMultiAlternatives):
    """A mail of the outbox, serialised with the email package's classic (compat32)
    classes: the same headers and parts as Django builds, in about a third of the time,
    which is what one worker delivering a digest run of thousands of mails waits for.
    The addresses and headers were checked when the message was stored (message_build);
    anything beyond a text part with one HTML alternative goes the usual way."""

    def message(self, *, policy=email.policy.default):
        if self.attachments or len(self.alternatives) > 1 or self.cc or len(self.to) != 1:
            return super().message(policy=policy)
        text = MIMEText(self.body, "plain", _UTF8, policy=_SMTP_COMPAT)
        if self.alternatives:
            msg = MIMEMultipart("alternative", policy=_SMTP_COMPAT)
            msg.attach(text)
            html = MIMEText(self.alternatives[0].content, "html", _UTF8, policy=_SMTP_COMPAT)
            msg.attach(html)
        else:
            msg = text
        msg["Subject"] = _header(str(self.subject))
        name, address = parseaddr(self.from_email)
        msg["From"] = formataddr((name, _ascii_address(address)), charset="utf-8")
        msg["To"] = _ascii_address(self.to[0])
        if self.reply_to:
            msg["Reply-To"] = ", ".join(_ascii_address(a) for a in self.reply_to)
        headers = {name.lower(): (name, value) for name, value in self.extra_headers.items()}
        if "date" not in headers:
            msg["Date"] = formatdate(usegmt=True)
        if "message-id" not in headers:
            msg["Message-ID"] = make_msgid()
        for name, value in headers.values():
            if name.lower() not in {"from", "to", "cc", "reply-to", "bcc"}:
                msg[name] = _header(str(value))
        return msg


def _email(message: Mail) -> EmailMultiAlternatives:
    headers = dict(message.headers)
    reply_to = headers.pop("Reply-To", "")
    email = OutboxEmail(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for item in message.attachments or []:
        email.attach(item["filename"], item["content"], item["mimetype"])
    return email


# The common case on the wire: a text part, perhaps with one HTML alternative, to one
# recipient. A digest run sends thousands of these from one worker, and the email package
# spends most of that worker's time on them (line-by-line quoted-printable in Python, a
# regex compiled per boundary, address parsing per mail), so they are written here
# directly: the same headers and parts as OutboxEmail. The bodies go as they are when the
# server takes 8-bit mail (RFC 6152, which every current mail server does), else they are
# quoted-printable, encoded by binascii.
_PART_HEADERS = (
    'Content-Type: text/{}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
    "Content-Transfer-Encoding: {}\r\n"
)
# RFC 5322 allows 998 characters a line; an 8-bit body with a longer one is encoded.
_MAX_8BIT_LINE = 998
_ADDRESS_HEADERS = {"from", "to", "cc", "reply-to", "bcc"}


def _part(subtype: str, text: str, *, eight_bit: bool) -> bytes:
    """One text part, headers and body, with CRLF line ends: as it is (7bit or 8bit) when
    allowed and possible, else quoted-printable (soft breaks at 76 characters). Encoded
    with LF ends, then those made CRLF: binascii picks its line end from the input, and
    its output has no other CR or LF (data CR and LF are escaped)."""
    lf = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    if eight_bit and b"\0" not in lf and max(map(len, lf.split(b"\n"))) <= _MAX_8BIT_LINE:
        encoding, body = ("7bit" if lf.isascii() else "8bit"), lf
    else:
        encoding, body = "quoted-printable", binascii.b2a_qp(lf, istext=True)
    headers = _PART_HEADERS.format(subtype, encoding).encode("ascii")
    return headers + b"\r\n" + body.replace(b"\n", b"\r\n")


def _header_line(name: str, value: str) -> bytes:
    """One header as the classic email package writes it (folded, non-ASCII encoded)."""
    return _SMTP_COMPAT.fold_binary(name, _header(value))


@lru_cache(maxsize=512)
def _header_line_cached(name: str, value: str) -> bytes:
    """For headers a digest run repeats (sender, subjects of one search)."""
    return _header_line(name, value)


@lru_cache(maxsize=8)
def _sender(from_email: str) -> tuple[str, bytes]:
    """Envelope sender and From header of `from_email`."""
    name, address = parseaddr(from_email)
    address = _ascii_address(address)
    return address, _header_line("From", formataddr((name, address), charset="utf-8"))


def _wire(message: Mail, *, eight_bit: bool = False) -> tuple[str, bytes] | None:
    """Envelope recipient and bytes of `message` as sent over SMTP (`eight_bit`: the
    server takes 8BITMIME); None when it is not the common case (attachments, or an
    address with a non-ASCII local part, which the mail backend refuses or must encode),
    so that it goes the usual way."""
    recipient = _ascii_address(message.recipient)
    if message.attachments or not recipient.isascii():
        return None
    headers = dict(message.headers)
    reply_to = headers.pop("Reply-To", "")
    if reply_to and not _ascii_address(reply_to).isascii():
        return None
    _envelope_sender, from_line = _sender(settings.DEFAULT_FROM_EMAIL)
    lines = [_header_line_cached("Subject", message.subject), from_line]
    lines.append(_header_line("To", recipient))
    if reply_to:
        lines.append(_header_line("Reply-To", _ascii_address(reply_to)))
    names = {name.lower() for name in headers}
    if "date" not in names:
        lines.append(_header_line("Date", formatdate(usegmt=True)))
    if "message-id" not in names:
        lines.append(_header_line("Message-ID", make_msgid()))
    for name, value in headers.items():
        if name.lower() not in _ADDRESS_HEADERS:
            lines.append(_header_line(name, str(value)))
    top = b"".join(lines)
    text = _part("plain", message.text, eight_bit=eight_bit)
    if not message.html:
        part_headers, body = text.split(b"\r\n\r\n", 1)
        return recipient, b"".join([part_headers, b"\r\n", top, b"\r\n", body])
    html = _part("html", message.html, eight_bit=eight_bit)
    # Random, and checked: a body as it is could hold any line (quoted-printable cannot,
    # it writes "=" as "=3D").
    boundary = f"==============={secrets.randbelow(10**19):019d}=="
    while boundary.encode("ascii") in text or boundary.encode("ascii") in html:
        boundary = f"==============={secrets.randbelow(10**19):019d}=="
    data = b"".join(
        [
            f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n'.encode(),
            b"MIME-Version: 1.0\r\n",
            top,
            f"\r\n--{boundary}\r\n".encode("ascii"),
            text,
            f"\r\n--{boundary}\r\n".encode("ascii"),
            html,
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        ]
    )
    return recipient, data


def transmit(message: Mail) -> None:
    """Hand one message to the (reused) mailer: the common case straight to its SMTP
    connection as `_wire` writes it, anything else (or another backend: the console, the
    test outbox) through Django's EmailMessage."""
    backend = _mailer()
    if not isinstance(backend, SMTPBackend):
        backend.send_messages([_email(message)])
        return
    if backend.connection is None:
        backend.open()
    smtp = backend.connection
    smtp.ehlo_or_helo_if_needed()
    eight_bit = smtp.has_extn("8bitmime")
    wire = _wire(message, eight_bit=eight_bit)
    if wire is None:
        backend.send_messages([_email(message)])
        return
    recipient, data = wire
    options = ["BODY=8BITMIME"] if eight_bit else []
    smtp.sendmail(_sender(settings.DEFAULT_FROM_EMAIL)[0], [recipient], data, options)


def error_is_permanent(error: Exception) -> bool:
    """5xx answers and addresses that cannot be written are final; 4xx answers, lost
    connections, timeouts and a refused login (a configuration to fix) are temporary."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return True  # e.g. an address that needs SMTPUTF8 the server lacks
    if isinstance(error, smtplib.SMTPException | OSError):
        return False
    return isinstance(error, ValueError | UnicodeError)
