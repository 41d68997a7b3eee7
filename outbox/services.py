"""Enqueueing mail: the outbox's surface for every other app.

The one mail path of the portal. A caller writes the message in its own transaction
(`message_enqueue`), so a change and the mail it causes are saved together or not at all;
the send task is queued only after the commit. `key` makes enqueueing idempotent: a
second call with the same key returns the stored row and sends nothing.

Periodic mail (digests) takes the same path in bulk: `message_build` per recipient,
`messages_enqueue_many` in the transaction of the claims (outbox.digests), and
`outbox.send_many` tasks that deliver a hundred mails over one SMTP connection.
Delivery (claims, retries, the sweeper) is outbox.delivery; the SMTP transport is
outbox.smtp.
"""

import hashlib
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import translation

# MessageKind belongs to this module's interface too: callers of message_build name their
# mail's kind with it, and composed pages (steering) may not import outbox.models.
from outbox.delivery import messages_queue
from outbox.models import MessageKind, OutboxMessage

ONE_CLICK = "List-Unsubscribe=One-Click"


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
    transaction.on_commit(partial(messages_queue, message_ids=[message.pk]))
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
        size = getattr(settings, "OUTBOX_SEND_BATCH", 100)
        for start in range(0, len(ids), size):
            transaction.on_commit(partial(messages_queue, message_ids=ids[start : start + size]))
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


def message_render(
    *, template: str, context: dict, subject: str = "", language: str = ""
) -> tuple[str, str, str]:
    """Subject, text and HTML of `email/<template>`, with `site_url` and `site_name` in the
    context: in `language` (the one a person used, stored with their subscription or
    request), German when none is given (mail to staff and members)."""
    full_context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
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
    language: str = "",
) -> OutboxMessage:
    """Render `email/<template>.txt` and `.html` (in `language`, German by default: see
    `message_render`) and store the mail for delivery after the
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
    subject, text, html = message_render(
        template=template, context=context, subject=subject, language=language
    )
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
