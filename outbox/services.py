"""Writes of the outbox: enqueue a mail, deliver it once, retry what failed for a while.

The one mail path of the portal. A caller writes the message in its own transaction
(`message_enqueue`), so a change and the mail it causes are saved together or not at all;
the send task is queued only after the commit. Delivery claims the row with a conditional
UPDATE first, so a task that runs twice (acks_late after a killed worker, the sweeper
re-queueing, two workers) delivers at most once.

Periodic mail (digests) takes the same path in bulk: `message_build` per recipient,
`messages_enqueue_many` in the transaction of the claims (`digest_claim_many`), and
`outbox.send_many` tasks that deliver a hundred mails over one SMTP connection.
"""

import binascii
import email.policy
import hashlib
import json
import logging
import secrets
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import lru_cache, partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

# MessageKind belongs to this module's interface too: callers of message_build name their
# mail's kind with it, and composed pages (steering) may not import outbox.models.
from outbox.models import DigestClaim, MessageKind, MessageStatus, OutboxMessage

logger = logging.getLogger(__name__)

ONE_CLICK = "List-Unsubscribe=One-Click"
# Rows the send task may claim: new ones and those waiting for their next attempt.
_CLAIMABLE = [MessageStatus.QUEUED, MessageStatus.FAILED_TEMPORARY]
# A delivery interrupted this long ago (worker killed between SMTP and the status update)
# is flagged for the network office instead of being sent again: it may have arrived.
STUCK_NOTE = (
    "Versand unterbrochen: ob die Nachricht ankam, ist unklar. "
    "Bei Bedarf mit der Aktion „Erneut senden“ wiederholen."
)


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, default)


def _single_line(value: str, *, limit: int) -> str:
    """Header values on one line: line breaks (header injection) become spaces."""
    return " ".join(str(value).split())[:limit]


def _checked_address(address: str) -> str:
    address = address.strip()
    if "\n" in address or "\r" in address:
        raise ValueError("A recipient address must not contain line breaks.")
    try:
        validate_email(address)
        # RFC 5321 limits: 64 characters before the @, 254 in all.
        if len(address) > 254 or len(address.rsplit("@", 1)[0]) > 64:
            raise ValidationError("too long")
    except ValidationError:
        raise ValueError(f"Not a valid email address: {address[:100]!r}") from None
    return address


def _message_id(key: str) -> str:
    """The same Message-ID for every attempt of one message, so receivers can drop a copy."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "beweqo.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def _queue_send(message_ids: list[int], *, countdown: int | None = None) -> None:
    """Hand messages to the broker: one to `outbox.send`, several (a digest run's batch) to
    one `outbox.send_many` task, so that thousands of mails cost the broker and the worker
    a few dozen tasks. If the broker is down, the sweeper sends them later.

    Not `delay_on_commit`: its publishing error would reach the caller after its commit
    (a 500 page for a saved form) and its publish retries would block the request.
    """
    from outbox.tasks import outbox_send, outbox_send_many

    if len(message_ids) == 1:
        task, arguments = outbox_send, (message_ids[0],)
    else:
        task, arguments = outbox_send_many, (message_ids,)
    try:
        task.apply_async(arguments, countdown=countdown, retry=False)
    except Exception:
        logger.warning(
            "Outbox messages %s not queued (broker unreachable?); the sweeper will.",
            message_ids[:10],
            exc_info=True,
        )


def message_build(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    key: str,
    kind: str = MessageKind.NOTIFICATION,
    headers: dict[str, str] | None = None,
    reply_to: str = "",
    list_unsubscribe: str = "",
    attachments: list[dict] | None = None,
) -> OutboxMessage:
    """An unsaved outbox row with checked recipient and headers: the one place that decides
    what a stored mail looks like, for single and bulk enqueueing alike."""
    all_headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    extra = dict(headers or {})
    if list_unsubscribe:
        if not list_unsubscribe.startswith(("https://", "http://")):
            raise ValueError("list_unsubscribe must be an absolute http(s) URL.")
        extra["List-Unsubscribe"] = f"<{list_unsubscribe}>"
        extra["List-Unsubscribe-Post"] = ONE_CLICK
    for name, value in extra.items():
        if any(c in f"{name}{value}" for c in "\r\n"):
            raise ValueError(f"Header {name!r} must not contain line breaks.")
        all_headers[name] = value
    if reply_to:
        all_headers["Reply-To"] = _checked_address(reply_to)
    all_headers["Message-ID"] = _message_id(key)
    return OutboxMessage(
        key=key[:200],
        kind=kind,
        recipient=_checked_address(to),
        subject=_single_line(subject, limit=300),
        text=text,
        html=html,
        headers=all_headers,
        attachments=_checked_attachments(attachments),
    )


def _checked_attachments(attachments: list[dict] | None) -> list[dict]:
    """Text attachments as stored: a file name without path or line breaks, a MIME type and
    the text itself (e.g. a calendar entry)."""
    checked = []
    for item in attachments or []:
        filename = _single_line(item["filename"], limit=100).replace("/", "_").replace("\\", "_")
        mimetype = _single_line(item.get("mimetype", "text/plain"), limit=100)
        if not filename or "/" not in mimetype:
            raise ValueError("An attachment needs a file name and a MIME type.")
        checked.append(
            {"filename": filename, "mimetype": mimetype, "content": str(item["content"])}
        )
    return checked


def message_enqueue_rendered(*, key: str, **fields) -> OutboxMessage:
    """Store a mail whose bodies are already rendered (allauth renders its own) and queue
    its delivery for after the caller's commit. Idempotent by `key`; `fields` are those
    of `message_build`, which checks them."""
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    message = message_build(key=key, **fields)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        # The same key enqueued concurrently: the other row is the message.
        return OutboxMessage.objects.get(key=key)
    transaction.on_commit(partial(_queue_send, [message.pk]))
    return message


def messages_enqueue_many(messages: list[OutboxMessage]) -> dict[str, OutboxMessage]:
    """Store many built messages (`message_build`) in one INSERT and queue their delivery in
    batches after the caller's commit; returns every message by key, stored or found.

    For periodic mail: one row per recipient is written in the same transaction as the
    claims and watermarks that justify it. Keys already stored are not written again.
    """
    keys = [m.key for m in messages]
    found = {m.key: m for m in OutboxMessage.objects.filter(key__in=keys)}
    new = []
    for message in messages:
        if message.key not in found:
            found[message.key] = message
            new.append(message)
    if new:
        _insert_many(new)
        ids = [m.pk for m in new]
        size = _setting("OUTBOX_SEND_BATCH", 100)
        for start in range(0, len(ids), size):
            transaction.on_commit(partial(_queue_send, ids[start : start + size]))
    return found


def _insert_many(messages: list[OutboxMessage]) -> None:
    """INSERT `messages` and set their ids.

    On PostgreSQL the ids are drawn from the sequence first, then every row goes in one
    pipelined executemany with the values bound on the server. Django's bulk_create
    quotes each body into the SQL text in Python, and a digest run's thousands of bodies
    of several kilobytes cost the worker more that way than the database took to store
    them (about 2.4 s against 1.1 s per 2,000 digests).
    """
    if connection.vendor != "postgresql":
        OutboxMessage.objects.bulk_create(messages, batch_size=100)
        return
    import psycopg

    meta = OutboxMessage._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(messages)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for message, pk in zip(messages, ids, strict=True):
        message.pk = pk
    fields = meta.concrete_fields
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = [
        [field.get_db_prep_save(field.pre_save(message, True), connection) for field in fields]
        for message in messages
    ]
    raw = psycopg.Cursor(connection.connection)  # server-side binding
    cursor = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 (no user input in the SQL text)
            rows,
        )
    for message in messages:
        message._state.adding = False
        message._state.db = connection.alias


def message_render(*, template: str, context: dict, subject: str = "") -> tuple[str, str, str]:
    """Subject, text and HTML of `email/<template>`, in German, with `site_url` and
    `site_name` in the context."""
    full_context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        if not subject:
            subject = render_to_string(f"email/{template}_subject.txt", full_context)
        text = render_to_string(f"email/{template}.txt", full_context).strip() + "\n"
        html = render_to_string(f"email/{template}.html", full_context)
    return subject, text, html


def message_enqueue(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    key: str,
    kind: str = "notification",
    list_unsubscribe: str = "",
    reply_to: str = "",
    attachments: list[dict] | None = None,
) -> OutboxMessage:
    """Render `email/<template>.txt` and `.html` and store the mail for delivery after the
    caller's transaction commits.

    `subject` is used as given; when empty, `email/<template>_subject.txt` is rendered.
    The templates get `site_url` and `site_name` besides `context`; links must be built as
    `{{ site_url }}{% url … %}`, since mails are read outside the portal. `key` makes the
    call idempotent: a second call with the same key returns the stored row and sends
    nothing, so a retried job may simply call again. `list_unsubscribe` (an absolute URL
    that unsubscribes on POST) adds the RFC 8058 one-click headers for alerts and digests.
    `attachments` are small text files: [{"filename", "mimetype", "content"}].
    """
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    subject, text, html = message_render(template=template, context=context, subject=subject)
    return message_enqueue_rendered(
        to=to,
        subject=subject,
        text=text,
        html=html,
        key=key,
        kind=kind,
        reply_to=reply_to,
        list_unsubscribe=list_unsubscribe,
        attachments=attachments,
    )


# --- delivery ----------------------------------------------------------------------------

_local = threading.local()


def _mailer():
    """The default mailer, kept open per worker thread for a while: opening an SMTP
    connection for every message costs more than the message."""
    config = json.dumps(settings.MAILERS.get("default", {}), sort_keys=True, default=str)
    cached = getattr(_local, "mailer", None)
    now = time.monotonic()
    if cached is not None:
        signature, backend, last_used = cached
        if signature == config and now - last_used < _setting("OUTBOX_CONNECTION_REUSE", 30):
            _local.mailer = (signature, backend, now)
            return backend
        _mailer_close()
    backend = mailers.default
    backend.open()
    _local.mailer = (config, backend, now)
    return backend


def _mailer_close() -> None:
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


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
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


def _wire(message: OutboxMessage, *, eight_bit: bool = False) -> tuple[str, bytes] | None:
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


def _transmit(message: OutboxMessage) -> None:
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


def _is_permanent(error: Exception) -> bool:
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


def retry_delay(attempts: int) -> int:
    """Seconds before attempt `attempts + 1`: doubling from the base, capped below the Redis
    visibility timeout (a longer countdown would be delivered twice)."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", 60)
    return min(base * 2 ** max(attempts - 1, 0), _setting("OUTBOX_RETRY_MAX_SECONDS", 1800))


def _claim(message_id: int, now: datetime) -> bool:
    """Move one row to "sending" if nobody else did: the conditional UPDATE is the lock. A
    countdown may fire a moment early, hence the small allowance on next_attempt_at."""
    return bool(
        OutboxMessage.objects.filter(pk=message_id, status__in=_CLAIMABLE)
        .filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=5))
        )
        .update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _deliver(message: OutboxMessage, now: datetime) -> str:
    """Send a claimed row over the (reused) SMTP connection and record the outcome."""
    try:
        _transmit(message)
    except Exception as error:
        _mailer_close()
        return _record_failure(message, error, now)
    _mark_sent(message.pk)
    return "sent"


def message_send(*, message_id: int, now: datetime | None = None) -> str:
    """Deliver one message if nobody else is doing or has done it; returns the outcome
    (sent, skipped, retry, failed)."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        logger.info("Outbox message %s is not due or already taken; skipped.", message_id)
        return "skipped"
    return _deliver(OutboxMessage.objects.get(pk=message_id), now)


def _claim_many(message_ids: list[int], now: datetime) -> set[int]:
    """Claim several rows in one statement and one durable commit (the conditional UPDATE
    is the lock, as in `_claim`); returns the ids claimed. Durable even while the batch's
    session commits asynchronously (`_asynchronous_commits`): a claim lost in a crash of
    the database could let a mail that went out be sent again."""
    if not message_ids:
        return set()
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    placeholders = ", ".join(["%s"] * len(message_ids))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronous_commit TO on")
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608 (no user input in the SQL text)
            f"WHERE id IN ({placeholders}) AND status IN (%s, %s) "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= %s) RETURNING id",
            [
                MessageStatus.SENDING,
                now,
                *message_ids,
                *_CLAIMABLE,
                now + timedelta(seconds=5),
            ],
        )
        return {row[0] for row in cursor.fetchall()}


def _mark_sent(message_id: int) -> None:
    """Record a claimed row as sent. Raw SQL: once per mail of a digest run, and the ORM
    spent more building this UPDATE than the database running it."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, next_attempt_at = NULL, "  # noqa: S608 (no user input in the SQL text)
            "last_error = '' WHERE id = %s AND status = %s",
            [MessageStatus.SENT, timezone.now(), message_id, MessageStatus.SENDING],
        )


@contextmanager
def _asynchronous_commits():
    """Let this session's commits return before the database has flushed them to disk.

    For recording mails as sent: a flush per mail (about 3 ms here) cost more than the
    mail. A worker that dies loses none of them (the database commits what it received);
    only a crash of the database itself can lose the last few, and a lost record leaves
    its row in "sending", flagged and never sent again. Claims stay durable (_claim_many).
    """
    postgres = connection.vendor == "postgresql" and not connection.in_atomic_block
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        if postgres:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET synchronous_commit")
            except Exception:  # a broken connection is closed and replaced anyway
                logger.debug("Resetting synchronous_commit failed.", exc_info=True)


def _transmit_in_sender(message: OutboxMessage) -> None:
    """`_transmit` as run by a batch's sender thread, which keeps its own mailer: a failed
    connection is closed in the thread that owns it."""
    try:
        _transmit(message)
    except BaseException:
        _mailer_close()
        raise


def messages_send_many(*, message_ids: list[int], now: datetime | None = None) -> dict[str, int]:
    """Deliver a batch (a digest run's mails) over one SMTP connection; returns how many
    ended how.

    The rows are read in one query and claimed OUTBOX_CLAIM_CHUNK at a time, each chunk in
    one durable statement, before any of its mails goes out; each mail is recorded as sent
    once the server took it, while the next one is sent (`_asynchronous_commits`). So
    nothing is ever sent twice, and a batch costs a disk flush per chunk, not per mail.
    The price: a worker killed in the middle leaves, besides the mail in flight, the rest
    of its chunk claimed but unsent; the sweeper flags them all for the network office ("Erneut
    senden"), and of those only the first two may have arrived (the one sent, whose record
    was still to be written, and the one in flight).

    One thread talks SMTP while this one records the previous mail and prepares the next,
    so the worker's own work overlaps with the mail server's instead of waiting for it.
    Only one mail is ever in flight, and the next is handed over only after the outcome
    of the one before is known.
    """
    outcomes: dict[str, int] = {}
    rows = list(
        OutboxMessage.objects.filter(pk__in=message_ids, status__in=_CLAIMABLE).order_by("pk")
    )
    chunk = max(_setting("OUTBOX_CLAIM_CHUNK", 20), 1)

    def count(outcome: str) -> None:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    with (
        _asynchronous_commits(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-smtp") as sender,
    ):
        in_flight = None  # (message, future, claim time)
        try:
            for start in range(0, len(rows), chunk):
                current = now or timezone.now()
                part = rows[start : start + chunk]
                claimed = _claim_many([message.pk for message in part], current)
                for message in part:
                    if message.pk not in claimed:
                        count("skipped")
                        continue
                    message.attempts += 1
                    sent_before = None
                    if in_flight is not None:
                        previous, future, claimed_at = in_flight
                        in_flight = None
                        try:
                            future.result()
                        except Exception as error:
                            count(_record_failure(previous, error, claimed_at))
                        else:
                            sent_before = previous
                    in_flight = (message, sender.submit(_transmit_in_sender, message), current)
                    if sent_before is not None:  # recorded while the next one is sent
                        _mark_sent(sent_before.pk)
                        count("sent")
            if in_flight is not None:
                previous, future, claimed_at = in_flight
                in_flight = None
                try:
                    future.result()
                except Exception as error:
                    count(_record_failure(previous, error, claimed_at))
                else:
                    _mark_sent(previous.pk)
                    count("sent")
        finally:
            # The sender's connection is its thread's; close it before the thread ends.
            sender.submit(_mailer_close).result()
    skipped = len(message_ids) - sum(outcomes.values())
    if skipped:
        outcomes["skipped"] = outcomes.get("skipped", 0) + skipped
    return outcomes


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    rows = OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING)
    if _is_permanent(error) or message.attempts >= _setting("OUTBOX_MAX_ATTEMPTS", 8):
        logger.warning("Outbox message %s failed for good: %s", message.pk, text)
        rows.update(status=MessageStatus.FAILED_PERMANENT, last_error=text, next_attempt_at=None)
        return "failed"
    delay = retry_delay(message.attempts)
    logger.info("Outbox message %s failed (%s); retry in %s s.", message.pk, text, delay)
    rows.update(
        status=MessageStatus.FAILED_TEMPORARY,
        last_error=text,
        next_attempt_at=now + timedelta(seconds=delay),
    )
    _queue_send([message.pk], countdown=delay)
    return "retry"


def messages_requeue(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue again what the broker lost: rows never picked up, and retries whose time has
    come and gone. Sending twice is harmless here because of the claim in message_send."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=_setting("OUTBOX_STALE_SECONDS", 600))
    due = OutboxMessage.objects.filter(
        Q(status=MessageStatus.QUEUED, created_at__lt=stale)
        | Q(status=MessageStatus.FAILED_TEMPORARY, next_attempt_at__lt=now - timedelta(minutes=1))
    ).order_by("created_at")
    ids = list(due.values_list("pk", flat=True)[:limit])
    for message_id in ids:
        _queue_send([message_id])
    stuck = OutboxMessage.objects.filter(
        status=MessageStatus.SENDING,
        claimed_at__lt=now - timedelta(seconds=_setting("OUTBOX_SENDING_TIMEOUT", 900)),
        last_error="",
    ).update(last_error=STUCK_NOTE)
    if stuck:
        logger.warning("%s outbox messages were interrupted while sending.", stuck)
    return len(ids)


def messages_resend(*, message_ids: list[int]) -> int:
    """The network office sends failed or interrupted messages again (admin action)."""
    count = OutboxMessage.objects.filter(
        pk__in=message_ids,
        status__in=[
            MessageStatus.FAILED_TEMPORARY,
            MessageStatus.FAILED_PERMANENT,
            MessageStatus.SENDING,
        ],
    ).update(status=MessageStatus.QUEUED, attempts=0, next_attempt_at=None, last_error="")
    for message_id in message_ids:
        transaction.on_commit(partial(_queue_send, [message_id]))
    return count


def messages_purge(*, now: datetime | None = None) -> int:
    """Delete delivered mail after the retention period: the rows hold personal data."""
    now = now or timezone.now()
    days = _setting("OUTBOX_RETENTION_DAYS", 90)
    deleted, _ = OutboxMessage.objects.filter(
        status=MessageStatus.SENT, sent_at__lt=now - timedelta(days=days)
    ).delete()
    return deleted


# --- digests -----------------------------------------------------------------------------


def digest_claim(*, kind: str, recipient: str, period: str) -> DigestClaim | None:
    """Claim the digest `kind` of `recipient` for `period`; None when it is already taken.

    Call it inside the transaction that also enqueues the digest's mail: a second worker's
    insert waits for that transaction and fails if it commits, succeeds if it rolls back.
    """
    try:
        with transaction.atomic():
            return DigestClaim.objects.create(kind=kind, recipient=recipient, period=period)
    except IntegrityError:
        return None


def digest_claim_many(*, kind: str, recipients: list[str], period: str) -> dict[str, int]:
    """Claim the digest `kind` of many `recipients` for `period` in one statement; returns
    the claims won, by recipient (claim id).

    The batch form of `digest_claim`, with the same lock: the unique constraint. A
    recipient claimed before, or by a concurrent transaction that commits, is left out
    (ON CONFLICT DO NOTHING waits for that transaction), so call it inside the transaction
    that writes the digests' mails.
    """
    if not recipients:
        return {}
    table = connection.ops.quote_name(DigestClaim._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(recipients))
    params: list = []
    now = timezone.now()
    for recipient in recipients:
        params += [kind, recipient, period, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, recipient, period, created_at) VALUES {rows} "  # noqa: S608 (no user input in the SQL text)
            "ON CONFLICT DO NOTHING RETURNING id, recipient",
            params,
        )
        return {recipient: pk for pk, recipient in cursor.fetchall()}


def digest_claims_attach(*, messages_by_claim: dict[int, int], model=None) -> None:
    """Record which mail each claim produced (claim id → message id), in one UPDATE.
    `model` is another claim table with a `message` column (the newsletter's deliveries);
    DigestClaim by default.

    Raw SQL: bulk_update's CASE over hundreds of rows costs more to build than to run.
    """
    if not messages_by_claim:
        return
    table = connection.ops.quote_name((model or DigestClaim)._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(messages_by_claim))
    params = [value for pair in messages_by_claim.items() for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH pairs (claim_id, message_id) AS (VALUES {rows}) "  # noqa: S608 (no user input in the SQL text)
            f"UPDATE {table} SET message_id = (SELECT message_id FROM pairs "
            f"WHERE pairs.claim_id = {table}.id) "
            f"WHERE id IN (SELECT claim_id FROM pairs)",
            params,
        )
