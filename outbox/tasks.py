"""Celery tasks of the outbox: thin wrappers around outbox.delivery."""

import logging

from celery import shared_task

from outbox.delivery import (
    message_send,
    messages_purge,
    messages_requeue,
    messages_send_many,
)
from outbox.models import OutboxMessage

logger = logging.getLogger(__name__)


@shared_task(name="outbox.send")
def outbox_send(message_id: int) -> str:
    if not OutboxMessage.objects.filter(pk=message_id).exists():
        logger.info("Outbox message %s is gone; nothing to send.", message_id)
        return "gone"
    return message_send(message_id=message_id)


@shared_task(name="outbox.send_many")
def outbox_send_many(message_ids: list[int]) -> dict[str, int]:
    """A batch of periodic mail (a digest run), sent over one SMTP connection; rows that
    are gone are simply not found."""
    return messages_send_many(message_ids=message_ids)


@shared_task(name="outbox.sweep")
def outbox_sweep() -> int:
    return messages_requeue()


@shared_task(name="outbox.purge")
def outbox_purge() -> int:
    return messages_purge()
