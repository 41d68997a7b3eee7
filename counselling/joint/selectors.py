"""Reads of joint courses: a provider's invitations with its own quote, a measure's quotes
with their costs per company, and the chosen course as one company sees it."""

from dataclasses import dataclass

from django.db.models import Prefetch

from counselling.joint.costs import CompanyCosts, QuoteCosts, quote_costs
from counselling.joint.services import chosen_quote
from counselling.models import (
    CompanyNeed,
    CourseWish,
    JointMeasure,
    JointMeasureStatus,
    JointQuote,
    JointQuoteStatus,
)
from network.models import Institution

SHOWN = (JointQuoteStatus.SUBMITTED, JointQuoteStatus.CHOSEN, JointQuoteStatus.NOT_CHOSEN)


@dataclass
class Invitation:
    measure: JointMeasure
    quote: JointQuote | None  # this provider's own quote, never another's

    @property
    def companies(self) -> int:
        return len(self.needs)

    @property
    def needs(self) -> list[CompanyNeed]:
        return [n for n in self.measure.needs.all() if n.withdrawn_at is None]

    @property
    def participants(self) -> int:
        return sum(n.participants for n in self.needs)

    @property
    def is_open(self) -> bool:
        return self.measure.status == JointMeasureStatus.INVITING


def invitations_for(*, institution: Institution) -> list[Invitation]:
    measures = (
        JointMeasure.objects.filter(invited=institution)
        .select_related("topic", "offer")
        .prefetch_related(
            "needs",
            Prefetch(
                "quotes",
                queryset=JointQuote.objects.filter(institution=institution),
                to_attr="own_quotes",
            ),
        )
        .order_by("-created_at")
    )
    return [Invitation(m, m.own_quotes[0] if m.own_quotes else None) for m in measures]


def invitation_get(*, institution: Institution, measure: JointMeasure) -> Invitation:
    quote = (
        JointQuote.objects.filter(measure=measure, institution=institution)
        .prefetch_related("funding")
        .first()
    )
    return Invitation(measure, quote)


def measure_needs(measure: JointMeasure) -> list[CompanyNeed]:
    """The companies of the measure that still take part, in the order they came."""
    return list(measure.needs.not_withdrawn().order_by("created_at", "pk"))


def measure_quote_costs(*, measure: JointMeasure) -> list[QuoteCosts]:
    """Every quote that counts (submitted, chosen, not chosen), the chosen first, then the
    cheapest, with its costs for each company of the measure."""
    needs = measure_needs(measure)
    quotes = (
        measure.quotes.filter(status__in=SHOWN)
        .select_related("institution", "delivery_form")
        .prefetch_related("funding")
    )
    result = [quote_costs(q, needs, {f.slug for f in q.funding.all()}) for q in quotes]
    return sorted(result, key=lambda c: (c.quote.status != JointQuoteStatus.CHOSEN, c.quote.price))


def measure_withdrawn_quotes(*, measure: JointMeasure) -> list[JointQuote]:
    return list(
        measure.quotes.filter(status=JointQuoteStatus.WITHDRAWN).select_related("institution")
    )


@dataclass
class CompanyOffer:
    """The chosen course as one company sees it: the quote and its own costs only."""

    quote: JointQuote
    costs: CompanyCosts
    ways: list


def company_offer_for(*, need: CompanyNeed) -> CompanyOffer | None:
    if need.joint_measure_id is None or need.withdrawn_at is not None:
        return None
    quote = chosen_quote(need.joint_measure)
    if quote is None:
        return None
    costs = quote_costs(quote, [need], {f.slug for f in quote.funding.all()})
    return CompanyOffer(quote, costs.companies[0], costs.ways)


@dataclass
class WishCount:
    waiting: int  # confirmed addresses not told yet
    told: int


def measure_wishes_count(*, measure: JointMeasure) -> WishCount:
    """The people of the measure's group (topic and district) who asked to be told."""
    wishes = CourseWish.objects.filter(course_topic_id=measure.topic_id, district=measure.district)
    return WishCount(
        waiting=wishes.filter(confirmed_at__isnull=False, told_at__isnull=True)
        .exclude(email="")
        .count(),
        told=wishes.filter(told_at__isnull=False).count(),
    )
