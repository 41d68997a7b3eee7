"""Delivery of the outbox: claim a stored mail, send it once, retry what failed for a while.

A row is claimed with a conditional UPDATE before it is sent, so a task that runs twice
(acks_late after a killed worker, the sweeper re-queueing, two workers) delivers at most
once. `message_send` delivers one mail (`outbox.send`), `messages_send_many` a digest
run's batch over one SMTP connection (`outbox.send_many`); failures are retried with a
growing delay until they count as permanent. The sweeper (`messages_requeue`) queues what
the broker lost, the network office resends from the admin (`messages_resend`), and sent
rows are purged after the retention period. Writing and sending the mail itself is
outbox.smtp's part.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox import smtp
from outbox.models import MessageStatus, OutboxMessage

logger = logging.getLogger(__name__)

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


def messages_queue(*, message_ids: list[int], countdown: int | None = None) -> None:
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
        smtp.transmit(message)
    except Exception as error:
        smtp.mailer_close()
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
    """`smtp.transmit` as run by a batch's sender thread, which keeps its own mailer: a failed
    connection is closed in the thread that owns it."""
    try:
        smtp.transmit(message)
    except BaseException:
        smtp.mailer_close()
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
            sender.submit(smtp.mailer_close).result()
    skipped = len(message_ids) - sum(outcomes.values())
    if skipped:
        outcomes["skipped"] = outcomes.get("skipped", 0) + skipped
    return outcomes


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    rows = OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING)
    if smtp.error_is_permanent(error) or message.attempts >= _setting("OUTBOX_MAX_ATTEMPTS", 8):
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
    messages_queue(message_ids=[message.pk], countdown=delay)
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
        messages_queue(message_ids=[message_id])
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
        transaction.on_commit(partial(messages_queue, message_ids=[message_id]))
    return count


def messages_purge(*, now: datetime | None = None) -> int:
    """Delete delivered mail after the retention period: the rows hold personal data."""
    now = now or timezone.now()
    days = _setting("OUTBOX_RETENTION_DAYS", 90)
    deleted, _ = OutboxMessage.objects.filter(
        status=MessageStatus.SENT, sent_at__lt=now - timedelta(days=days)
    ).delete()
    return deleted
