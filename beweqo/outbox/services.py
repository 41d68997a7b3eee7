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

import email.policy
import hashlib
import json
import logging
import smtplib
import threading
import time
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from beweqo.outbox.models import DigestClaim, MessageKind, MessageStatus, OutboxMessage

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


def _queue_send(message_id: int, countdown: int | None = None) -> None:
    """Hand a message to the broker; if the broker is down, the sweeper sends it later.

    Not `delay_on_commit`: its publishing error would reach the caller after its commit
    (a 500 page for a saved form) and its publish retries would block the request.
    """
    from beweqo.outbox.tasks import outbox_send

    try:
        outbox_send.apply_async((message_id,), countdown=countdown, retry=False)
    except Exception:
        logger.warning(
            "Outbox message %s not queued (broker unreachable?); the sweeper will.",
            message_id,
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


def _queue_send_many(message_ids: list[int]) -> None:
    """Hand a batch of messages to one task, so a digest run of thousands of mails costs
    the broker and the worker a few dozen tasks, not thousands; the sweeper covers a
    broker that is down, as for single messages."""
    from beweqo.outbox.tasks import outbox_send_many

    try:
        outbox_send_many.apply_async((message_ids,), retry=False)
    except Exception:
        logger.warning(
            "%s outbox messages not queued (broker unreachable?); the sweeper will.",
            len(message_ids),
            exc_info=True,
        )


def message_enqueue_rendered(
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
    """Store a mail whose bodies are already rendered (allauth renders its own) and queue
    its delivery for after the caller's commit. Idempotent by `key`."""
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    message = message_build(
        to=to,
        subject=subject,
        text=text,
        html=html,
        key=key,
        kind=kind,
        headers=headers,
        reply_to=reply_to,
        list_unsubscribe=list_unsubscribe,
        attachments=attachments,
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        # The same key enqueued concurrently: the other row is the message.
        return OutboxMessage.objects.get(key=key)
    transaction.on_commit(partial(_queue_send, message.pk))
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
        # Batches of one size: the driver reuses the converted statement.
        OutboxMessage.objects.bulk_create(new, batch_size=100)
        ids = [m.pk for m in new]
        size = _setting("OUTBOX_SEND_BATCH", 100)
        for start in range(0, len(ids), size):
            transaction.on_commit(partial(_queue_send_many, ids[start : start + size]))
    return found


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
        _mailer().send_messages([_email(message)])
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


def _finish_and_claim(sent_id: int | None, next_id: int | None, now: datetime) -> bool:
    """Record `sent_id` as sent and claim `next_id`, in one statement and one commit: a
    batch then costs one round trip to the database per mail, not two. The guarantees are
    those of `_deliver` and `_claim`: the claim is committed before the mail goes out, and
    a worker killed after sending leaves only that mail in "sending" (flagged, not resent).
    Returns whether `next_id` was claimed."""
    if next_id is None:
        if sent_id is not None:
            _mark_sent(sent_id)
        return False
    if sent_id is None:
        return _claim(next_id, now)
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET "  # noqa: S608 (no user input in the SQL text)
            "status = CASE WHEN id = %(sent)s THEN %(s_sent)s ELSE %(s_sending)s END, "
            "sent_at = CASE WHEN id = %(sent)s THEN %(at)s ELSE sent_at END, "
            "next_attempt_at = CASE WHEN id = %(sent)s THEN NULL ELSE next_attempt_at END, "
            "last_error = CASE WHEN id = %(sent)s THEN '' ELSE last_error END, "
            "claimed_at = CASE WHEN id = %(next)s THEN %(now)s ELSE claimed_at END, "
            "attempts = CASE WHEN id = %(next)s THEN attempts + 1 ELSE attempts END "
            "WHERE (id = %(sent)s AND status = %(s_sending)s) OR (id = %(next)s "
            "AND status IN (%(s_queued)s, %(s_temporary)s) "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= %(due)s)) "
            "RETURNING id",
            {
                "sent": sent_id,
                "next": next_id,
                "at": timezone.now(),
                "now": now,
                "due": now + timedelta(seconds=5),
                "s_sent": MessageStatus.SENT,
                "s_sending": MessageStatus.SENDING,
                "s_queued": MessageStatus.QUEUED,
                "s_temporary": MessageStatus.FAILED_TEMPORARY,
            },
        )
        return any(row[0] == next_id for row in cursor.fetchall())


def _mark_sent(message_id: int) -> None:
    OutboxMessage.objects.filter(pk=message_id).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )


def messages_send_many(*, message_ids: list[int], now: datetime | None = None) -> dict[str, int]:
    """Deliver a batch (a digest run's mails) over one SMTP connection: the rows are read
    in one query, then each is claimed and recorded on its own as `message_send` does
    (the record of one mail and the claim of the next share a statement), so a worker
    killed in the middle leaves the rest claimable and at most the one in flight flagged
    as interrupted. Returns how many ended how."""
    outcomes: dict[str, int] = {}
    rows = list(
        OutboxMessage.objects.filter(pk__in=message_ids, status__in=_CLAIMABLE).order_by("pk")
    )
    sent_id = None
    for message in rows:
        current = now or timezone.now()
        claimed = _finish_and_claim(sent_id, message.pk, current)
        sent_id = None
        if not claimed:
            outcome = "skipped"
        else:
            message.attempts += 1
            try:
                _mailer().send_messages([_email(message)])
            except Exception as error:
                _mailer_close()
                outcome = _record_failure(message, error, current)
            else:
                sent_id, outcome = message.pk, "sent"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if sent_id is not None:
        _mark_sent(sent_id)
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
    _queue_send(message.pk, countdown=delay)
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
        _queue_send(message_id)
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
        transaction.on_commit(partial(_queue_send, message_id))
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


def digest_claims_attach(*, messages_by_claim: dict[int, int]) -> None:
    """Record which mail each claim produced (claim id → message id), in one UPDATE.

    Raw SQL: bulk_update's CASE over hundreds of rows costs more to build than to run.
    """
    if not messages_by_claim:
        return
    table = connection.ops.quote_name(DigestClaim._meta.db_table)
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
