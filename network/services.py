"""Writes of the network app."""

from django.conf import settings
from django.db import transaction

from network.models import AccessibilityFeedback, Institution
from outbox.models import OutboxMessage
from outbox.services import message_enqueue


@transaction.atomic
def accessibility_feedback_submit(
    *, message: str, page_url: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Store a reported barrier and, in the same transaction, the mail to the network office.

    The statement under the accessibility law promises an answer, so nothing may get lost:
    the row is the record, the mail only a notification; the outbox delivers it after the
    commit, even if the broker was down at that moment.
    """
    feedback = AccessibilityFeedback.objects.create(message=message, page_url=page_url, email=email)
    accessibility_feedback_notify(feedback=feedback)
    return feedback


def accessibility_feedback_notify(*, feedback: AccessibilityFeedback) -> OutboxMessage:
    return message_enqueue(
        to=settings.NETWORK_OFFICE_EMAIL,
        subject="",
        template="network/accessibility_feedback",
        context={"feedback": feedback},
        key=f"accessibility-feedback:{feedback.pk}",
        reply_to=feedback.email,
    )


@transaction.atomic
def institution_update_profile(*, institution: Institution, data: dict) -> Institution:
    """Apply the validated profile fields of `data` to `institution`."""
    for name, value in data.items():
        setattr(institution, name, value)
    institution.full_clean()
    institution.save()
    return institution
