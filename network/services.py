"""Writes of the network app."""

from django.db import transaction

from network.models import AccessibilityFeedback, Institution


def accessibility_feedback_submit(
    *, message: str, page_url: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Store a reported barrier and tell the network office once the row is committed.

    The statement under the accessibility law promises an answer, so nothing may get lost:
    the row is the record, the mail only a notification.
    """
    from network.tasks import accessibility_feedback_notify

    feedback = AccessibilityFeedback.objects.create(message=message, page_url=page_url, email=email)
    accessibility_feedback_notify.delay_on_commit(feedback.pk)
    return feedback


@transaction.atomic
def institution_update_profile(*, institution: Institution, data: dict) -> Institution:
    """Apply the validated profile fields of `data` to `institution`."""
    for name, value in data.items():
        setattr(institution, name, value)
    institution.full_clean()
    institution.save()
    return institution
