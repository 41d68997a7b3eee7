"""Reads of the provider back office: "Mein Bereich" list with completeness scores, the
offers a bulk action works on, and the approvals waiting for the network office."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Institution
from offerings.imports.plan import CREATE, OFFER_REF_PREFIX, UNCHANGED, UPDATE
from offerings.imports.report import import_report_counts, import_report_entries
from offerings.models import (
    REVIEW_INTERVAL_DAYS,
    ImportJob,
    Offer,
    OfferApproval,
    OfferChange,
    OfferDate,
    OfferStatus,
    StartKind,
    review_cutoff,
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
    stale: bool = False  # not reviewed for OFFER_REVIEW_MONTHS: out of the catalogue
    reminded: bool = False  # a reminder went out: the deadline is near

    def __str__(self) -> str:
        return self.offer.title

    @property
    def pk(self) -> int:
        return self.offer.pk

    @property
    def has_problem(self) -> bool:
        return self.no_open_date or self.review_overdue or self.stale or self.score < 100


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
    stale_from = review_cutoff(today)
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
                stale=offer.last_reviewed_on <= stale_from,
                reminded=offer.review_reminded_on is not None
                and offer.review_reminded_on >= offer.last_reviewed_on,
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


@dataclass
class ProviderApproval:
    """A new provider waiting for the network office, with every offer that waits: one
    approval covers them all (offerings.services.offer_approve)."""

    institution: Institution
    approvals: list[OfferApproval]

    SHOWN = 5

    def __str__(self) -> str:
        if len(self.approvals) == 1:
            return self.approvals[0].offer.title
        return _("%(name)s (%(n)d Angebote)") % {
            "name": self.institution.name,
            "n": len(self.approvals),
        }

    @property
    def first(self) -> OfferApproval:
        return self.approvals[0]

    @property
    def shown(self) -> list[OfferApproval]:
        return self.approvals[: self.SHOWN]

    @property
    def more(self) -> int:
        return max(len(self.approvals) - self.SHOWN, 0)


def approvals_by_provider() -> list[ProviderApproval]:
    """The waiting offers grouped by provider, the longest-waiting provider first."""
    providers: dict[int, ProviderApproval] = {}
    approvals = OfferApproval.objects.select_related("offer__institution", "requested_by").order_by(
        "requested_at", "pk"
    )
    for approval in approvals:
        institution = approval.offer.institution
        providers.setdefault(institution.pk, ProviderApproval(institution, [])).approvals.append(
            approval
        )
    return list(providers.values())


@dataclass
class OfferSelection:
    """The offers a bulk action works on, and how many of the chosen ids were ignored
    because they are not offers of the institution."""

    offers: list[Offer]
    ignored: int = 0


def backoffice_offers_selected(*, institution, ids) -> OfferSelection:
    """The institution's offers among `ids` (checkboxes of the list); ids of other
    institutions' offers, or of none, are counted, never returned."""
    ids = set(ids)
    offers = list(
        Offer.objects.filter(institution=institution, pk__in=ids)
        .select_related("institution")
        .defer("search_vector", "search_text")
        .order_by("title", "pk")
    )
    return OfferSelection(offers=offers, ignored=len(ids) - len(offers))


def import_job_offers(*, job: ImportJob) -> OfferSelection:
    """ "All of this import": the offers a committed import created, changed or found
    unchanged (its report names them by PRODUCT_ID), as they are now."""
    counts = import_report_counts(job=job)
    refs: set[str] = set()
    for action in (CREATE, UPDATE, UNCHANGED):
        if counts.get(action):
            entries = import_report_entries(job=job, counts=counts, action=action)
            refs.update(entry["ref"] for entry in entries[0 : len(entries)])
    # Offers without an external id are named by their portal id (plan.offer_ref).
    pks = {
        int(ref.removeprefix(OFFER_REF_PREFIX))
        for ref in refs
        if ref.startswith(OFFER_REF_PREFIX) and ref.removeprefix(OFFER_REF_PREFIX).isdigit()
    }
    offers = list(
        Offer.objects.filter(Q(external_id__in=refs) | Q(pk__in=pks), institution=job.institution)
        .select_related("institution")
        .defer("search_vector", "search_text")
        .order_by("title", "pk")
    )
    return OfferSelection(offers=offers)


def import_jobs_recent(*, institution):
    return ImportJob.objects.filter(institution=institution).defer("content", "report")[:10]


@dataclass
class OfferForReview:
    """An offer on the bulk review's confirmation page, with the dates it confirms."""

    offer: Offer
    dates: list[OfferDate]

    SHOWN = 3

    @property
    def shown(self) -> list[OfferDate]:
        return self.dates[: self.SHOWN]

    @property
    def more(self) -> int:
        return max(len(self.dates) - self.SHOWN, 0)


def offers_for_review(*, offers, today=None) -> list[OfferForReview]:
    """Each offer with its next dates, as a review would confirm them: the fixed ones still
    to come or running, and every rolling and on-demand one (lapsed ones too, since the
    review confirms them again)."""
    today = today or timezone.localdate()
    offers = list(offers)
    dates: dict[int, list[OfferDate]] = {offer.pk: [] for offer in offers}
    upcoming = (
        OfferDate.objects.filter(offer_id__in=list(dates))
        .filter(~Q(start_kind=StartKind.FIXED) | Q(start__gte=today) | Q(end__gte=today))
        .select_related("venue")
        .order_by("offer_id", F("start").asc(nulls_first=True), "pk")
    )
    for offer_date in upcoming:
        dates[offer_date.offer_id].append(offer_date)
    return [OfferForReview(offer=offer, dates=dates[offer.pk]) for offer in offers]
