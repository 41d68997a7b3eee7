"""Mails of the provider back office, all through the outbox."""

import hashlib

from django.urls import reverse

from network.services import network_office_notify
from outbox.services import message_enqueue


def freshness_reminder_enqueue(*, user, institution, offers, today) -> None:
    message_enqueue(
        to=user.email,
        subject="",
        template="offerings/backoffice_freshness",
        context={
            "user": user,
            "institution": institution,
            "offers": [
                {
                    "title": offer.title,
                    "edit_path": reverse(
                        "offerings:bo_offer_edit", args=[institution.slug, offer.pk]
                    ),
                    "no_date": not offer.has_open_date,
                    "overdue": offer.review_overdue,
                }
                for offer in offers
            ],
            "list_path": reverse("offerings:bo_offers", args=[institution.slug]),
        },
        key=f"freshness:{institution.pk}:{user.pk}:{today:%Y-%m}",
    )


def approval_request_enqueue(*, offer, requested_by, count: int = 1) -> None:
    """Tell the network office that a new provider's first publication waits: `offer`, or
    `count` offers published together, `offer` the first of them."""
    network_office_notify(
        template="offerings/backoffice_approval",
        context={
            "offer": offer,
            "count": count,
            "institution": offer.institution,
            "requested_by": requested_by,
            "approvals_path": reverse("offerings:bo_approvals"),
        },
        key=f"approval:{offer.pk}",
    )


def review_reminder_enqueue(*, user, institution, offers, today) -> None:
    """Issue 22: `offers` leave the catalogue on their deadline unless reviewed. The key
    names the offers, so a run that owes the same person other offers on the same day
    still sends them."""
    ids = ",".join(str(offer.pk) for offer in offers)
    digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
    message_enqueue(
        to=user.email,
        subject="",
        template="offerings/backoffice_review_reminder",
        context={
            "user": user,
            "institution": institution,
            "offers": [
                {
                    "title": offer.title,
                    "deadline": offer.review_deadline,
                    "edit_path": reverse(
                        "offerings:bo_offer_edit", args=[institution.slug, offer.pk]
                    )
                    + "#termine",
                }
                for offer in offers
            ],
            "list_path": reverse("offerings:bo_offers", args=[institution.slug]),
        },
        key=f"review-reminder:{institution.pk}:{user.pk}:{today:%Y-%m-%d}:{digest}",
    )
