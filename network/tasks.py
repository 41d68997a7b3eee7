"""Celery tasks of the network app: thin wrappers that take ids.

The accessibility feedback mail is now written to the outbox in the transaction that
saves the feedback (network.services); this task stays for messages queued before that
change and only enqueues (idempotently) what the service would have.
"""

import logging

from celery import shared_task

from network.models import AccessibilityFeedback

logger = logging.getLogger(__name__)


@shared_task(name="network.accessibility_feedback_notify")
def accessibility_feedback_notify(feedback_id: int) -> None:
    from network.services import accessibility_feedback_notify as notify

    feedback = AccessibilityFeedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        logger.info("Accessibility feedback %s is gone; nothing to send.", feedback_id)
        return
    notify(feedback=feedback)
