"""Writes of the network app."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from network.models import AccessibilityFeedback, Institution, User
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


def network_office_notify(*, template: str, context: dict, key: str) -> None:
    """Mail every active person of the network office, each their own copy (`key` is made
    per person), e.g. that a new institution's first publication waits for approval."""
    for person in User.objects.filter(is_network_office=True, is_active=True):
        message_enqueue(
            to=person.email,
            subject="",
            template=template,
            context=context,
            key=f"{key}:{person.pk}",
        )


def institution_mark_published(*, institution: Institution, when: datetime) -> None:
    """Remember the institution's first publication (of an offer or an event): from then
    on it is no longer new. The publish services call this in their transaction; a later
    publication changes nothing."""
    Institution.objects.filter(
        Q(first_published_at__isnull=True) | Q(first_published_at__gt=when), pk=institution.pk
    ).update(first_published_at=when)


def institution_supplier_adopt(*, institution: Institution, supplier_id: str) -> bool:
    """Take `supplier_id` (from a confirmed import) as the institution's supplier id, unless
    it already has one or another institution uses it. Returns whether it was stored."""
    if not supplier_id or Institution.objects.filter(supplier_id=supplier_id).exists():
        return False
    try:
        # A savepoint: another institution taking the same id meanwhile must not roll back
        # the caller's transaction (an import's commit).
        with transaction.atomic():
            stored = Institution.objects.filter(pk=institution.pk, supplier_id="").update(
                supplier_id=supplier_id
            )
    except IntegrityError:
        return False
    if stored:
        institution.supplier_id = supplier_id
    return bool(stored)


@transaction.atomic
def institution_update_profile(*, institution: Institution, data: dict) -> Institution:
    """Apply the validated profile fields of `data` to `institution`."""
    for name, value in data.items():
        setattr(institution, name, value)
    institution.full_clean()
    institution.save()
    return institution
