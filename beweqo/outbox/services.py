"""Writes of the outbox: enqueue a mail, deliver it once, retry what failed for a while.

The one mail path of the portal. A caller writes the message in its own transaction
(`message_enqueue`), so a change and the mail it causes are saved together or not at all;
the send task is queued only after the commit. Delivery claims the row with a conditional
UPDATE first, so a task that runs twice (acks_late after a killed worker, the sweeper
re-queueing, two workers) delivers at most once.
"""

import hashlib
import json
import logging
import smtplib
import threading
import time
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
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
) -> OutboxMessage:
    """Store a mail whose bodies are already rendered (allauth renders its own) and queue
    its delivery for after the caller's commit. Idempotent by `key`."""
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    all_headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    for name, value in (headers or {}).items():
        if any(c in f"{name}{value}" for c in "\r\n"):
            raise ValueError(f"Header {name!r} must not contain line breaks.")
        all_headers[name] = value
    if reply_to:
        all_headers["Reply-To"] = _checked_address(reply_to)
    all_headers["Message-ID"] = _message_id(key)
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key[:200],
                kind=kind,
                recipient=_checked_address(to),
                subject=_single_line(subject, limit=300),
                text=text,
                html=html,
                headers=all_headers,
            )
    except IntegrityError:
        # The same key enqueued concurrently: the other row is the message.
        return OutboxMessage.objects.get(key=key)
    transaction.on_commit(partial(_queue_send, message.pk))
    return message


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
) -> OutboxMessage:
    """Render `email/<template>.txt` and `.html` and store the mail for delivery after the
    caller's transaction commits.

    `subject` is used as given; when empty, `email/<template>_subject.txt` is rendered.
    The templates get `site_url` and `site_name` besides `context`; links must be built as
    `{{ site_url }}{% url … %}`, since mails are read outside the portal. `key` makes the
    call idempotent: a second call with the same key returns the stored row and sends
    nothing, so a retried job may simply call again. `list_unsubscribe` (an absolute URL
    that unsubscribes on POST) adds the RFC 8058 one-click headers for alerts and digests.
    """
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    full_context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        if not subject:
            subject = render_to_string(f"email/{template}_subject.txt", full_context)
        text = render_to_string(f"email/{template}.txt", full_context).strip() + "\n"
        html = render_to_string(f"email/{template}.html", full_context)
    headers = {}
    if list_unsubscribe:
        if not list_unsubscribe.startswith(("https://", "http://")):
            raise ValueError("list_unsubscribe must be an absolute http(s) URL.")
        headers["List-Unsubscribe"] = f"<{list_unsubscribe}>"
        headers["List-Unsubscribe-Post"] = ONE_CLICK
    return message_enqueue_rendered(
        to=to,
        subject=subject,
        text=text,
        html=html,
        key=key,
        kind=kind,
        headers=headers,
        reply_to=reply_to,
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


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    headers = dict(message.headers)
    reply_to = headers.pop("Reply-To", "")
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
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


def message_send(*, message_id: int, now: datetime | None = None) -> str:
    """Deliver one message if nobody else is doing or has done it; returns the outcome
    (sent, skipped, retry, failed)."""
    now = now or timezone.now()
    # Claim: only one caller can move the row to "sending". A countdown may fire a moment
    # early, hence the small allowance on next_attempt_at.
    claimed = (
        OutboxMessage.objects.filter(pk=message_id, status__in=_CLAIMABLE)
        .filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=5))
        )
        .update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        logger.info("Outbox message %s is not due or already taken; skipped.", message_id)
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _mailer().send_messages([_email(message)])
    except Exception as error:
        _mailer_close()
        return _record_failure(message, error, now)
    OutboxMessage.objects.filter(pk=message_id).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return "sent"


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
