"""Celery tasks of the network app: thin wrappers that take ids."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from network.models import AccessibilityFeedback

logger = logging.getLogger(__name__)


@shared_task(name="network.accessibility_feedback_notify")
def accessibility_feedback_notify(feedback_id: int) -> None:
    feedback = AccessibilityFeedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        logger.info("Accessibility feedback %s is gone; nothing to send.", feedback_id)
        return
    context = {"feedback": feedback, "site_url": settings.SITE_URL}
    subject = render_to_string("network/email/accessibility_feedback_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("network/email/accessibility_feedback.txt", context),
        to=[settings.NETWORK_OFFICE_EMAIL],
        reply_to=[feedback.email] if feedback.email else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send()
