"""Reads of the provider back office: "Mein Bereich" list with completeness scores."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offerings.models import (
    REVIEW_INTERVAL_DAYS,
    ImportJob,
    Offer,
    OfferApproval,
    OfferChange,
    OfferDate,
    OfferStatus,
)
from offerings.selectors import _open_dates_prefetch

# What makes an offer complete, and what to tell the provider when it is missing.
CHECKS = [
    ("description", _("ausführliche Beschreibung (mindestens 200 Zeichen)")),
    ("keywords", _("Schlagwörter")),
    ("topics", _("Themen")),
    ("target_groups", _("Zielgruppen")),
    ("contact", _("Kontakt (E-Mail oder Telefon)")),
    ("url", _("Link zum Angebot")),
    ("price", _("Preis (0 für kostenlos)")),
    ("open_date", _("kommender Termin")),
]


@dataclass
class OfferRow:
    offer: Offer
    missing: list
    score: int
    no_open_date: bool
    review_overdue: bool
    pending_approval: bool

    @property
    def has_problem(self) -> bool:
        return self.no_open_date or self.review_overdue or self.score < 100


def backoffice_offer_rows(*, institution, today=None) -> list[OfferRow]:
    """The institution's offers, those needing attention first, each with its score."""
    today = today or timezone.localdate()
    offers = (
        Offer.objects.filter(institution=institution)
        .select_related("delivery_form")
        .annotate(
            has_open_date=Exists(
                OfferDate.objects.filter(OfferDate.open_q(today), offer=OuterRef("pk"))
            ),
            has_topics=Exists(Offer.topics.through.objects.filter(offer=OuterRef("pk"))),
            has_target_groups=Exists(
                Offer.target_groups.through.objects.filter(offer=OuterRef("pk"))
            ),
            pending=Exists(OfferApproval.objects.filter(offer=OuterRef("pk"))),
        )
        .defer("search_vector", "search_text", "description")
        .order_by("title", "pk")
    )
    # The description itself is not needed, its length is.
    offers = offers.annotate(description_length=Length("description"))
    overdue_before = today - timedelta(days=REVIEW_INTERVAL_DAYS)
    rows = []
    for offer in offers:
        present = {
            "description": offer.description_length >= 200,
            "keywords": bool(offer.keywords),
            "topics": offer.has_topics,
            "target_groups": offer.has_target_groups,
            "contact": bool(offer.contact_email or offer.contact_phone),
            "url": bool(offer.url),
            "price": offer.price is not None,
            "open_date": offer.has_open_date,
        }
        missing = [label for key, label in CHECKS if not present[key]]
        rows.append(
            OfferRow(
                offer=offer,
                missing=missing,
                score=round(100 * (len(CHECKS) - len(missing)) / len(CHECKS)),
                no_open_date=not offer.has_open_date,
                review_overdue=offer.last_reviewed_on < overdue_before,
                pending_approval=offer.pending,
            )
        )
    archived = OfferStatus.ARCHIVED
    rows.sort(key=lambda r: (r.offer.status == archived, not r.has_problem, r.score))
    return rows


def offer_history(*, offer: Offer):
    return OfferChange.objects.filter(offer=offer).select_related("user")


def offer_for_preview(*, offer: Offer, today=None) -> Offer:
    """The offer with what offer_detail.html reads, as the public page loads it."""
    today = today or timezone.localdate()
    return (
        Offer.objects.select_related("institution", "delivery_form")
        .prefetch_related(
            "topics",
            "target_groups",
            "funding_programmes",
            # The very prefetch the public page uses, so the preview shows the same dates.
            _open_dates_prefetch(today),
        )
        .get(pk=offer.pk)
    )


def approvals_pending():
    return OfferApproval.objects.select_related("offer__institution", "requested_by")


def import_jobs_recent(*, institution):
    return ImportJob.objects.filter(institution=institution).defer("content", "report")[:10]
