"""What a quote costs the companies of a joint measure, per participant and per company,
after the employer-side funding the quote makes possible. Pure computation on the rules of
counselling.funding (the § 82 SGB III employer share by company size, the ESF-Plus
Fachkurse share): no figure of the law is written here.

An unknown value stays unknown: a company whose size band spans a bound of the § 82 table,
or a course whose hours are not given where the rule needs them, gets None ("nicht
bekannt") or a stated condition, never 0 €.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from counselling import funding
from counselling.models import CompanyNeed, JointQuote, SizeBand

# The staff a size band of the need form stands for: (lowest, highest; None: no upper end).
SIZE_BAND_STAFF: dict[str, tuple[int, int | None]] = {
    SizeBand.LT10: (1, 9),
    SizeBand.LT50: (10, 49),
    SizeBand.LT250: (50, 249),
    SizeBand.LT500: (250, 499),
    SizeBand.GE500: (500, None),
}

WITHOUT = "without"
SECTION_82 = "foerderung-beschaeftigter"
ESF = "esf-fachkurse-bw"


def employer_share_rate_for_band(size_band: str) -> Decimal | None:
    """The § 82 employer share for a company of this size band; None when the band is
    unknown or spans a bound of the law's table."""
    staff = SIZE_BAND_STAFF.get(size_band)
    if staff is None:
        return None
    return funding.employer_share_rate_for_staff(*staff)


@dataclass(frozen=True)
class Way:
    """One way to pay for the quote's course: without funding, with § 82, with ESF."""

    key: str
    label: str
    applies: bool  # False: the course does not meet the rule (the reason is in `note`)
    note: str = ""


@dataclass(frozen=True)
class Cost:
    way: Way
    per_participant: Decimal | None  # None: not known
    per_company: Decimal | None

    @property
    def per_participant_label(self) -> str:
        return funding.euro(self.per_participant) if self.per_participant is not None else ""

    @property
    def per_company_label(self) -> str:
        return funding.euro(self.per_company) if self.per_company is not None else ""


@dataclass
class CompanyCosts:
    need: CompanyNeed
    number: int  # "Unternehmen 1, 2 …" for readers who may not see names
    participants: int
    confirmed: bool
    costs: list[Cost] = field(default_factory=list)


@dataclass
class QuoteCosts:
    quote: JointQuote
    ways: list[Way]
    companies: list[CompanyCosts]

    @property
    def participants(self) -> int:
        return sum(c.participants for c in self.companies)

    @property
    def confirmed_participants(self) -> int:
        return sum(c.participants for c in self.companies if c.confirmed)

    @property
    def below_minimum(self) -> bool:
        return self.participants < self.quote.min_participants

    @property
    def above_maximum(self) -> bool:
        return self.participants > self.quote.max_participants


def quote_ways(quote: JointQuote, funding_slugs: set[str]) -> list[Way]:
    """The ways to pay the quote offers, with whether its course meets each rule."""
    ways = [Way(WITHOUT, _("ohne Förderung"), True)]
    hours = quote.hours
    if SECTION_82 in funding_slugs:
        if hours is not None and hours <= funding.HOURS_82_MORE_THAN:
            ways.append(
                Way(
                    SECTION_82,
                    _("mit § 82 SGB III"),
                    False,
                    _("Nicht möglich: Der Kurs muss länger als %(h)s Stunden dauern.")
                    % {"h": funding.HOURS_82_MORE_THAN},
                )
            )
        else:
            note = _(
                "Der Betrieb trägt den Anteil nach seiner Größe, die Agentur für Arbeit den "
                "Rest. Unter 500 Beschäftigten trägt er für Beschäftigte ab 45 Jahren oder mit "
                "Schwerbehinderung nichts."
            )
            if hours is None:
                note += " " + _("Nur wenn der Kurs länger als %(h)s Stunden dauert.") % {
                    "h": funding.HOURS_82_MORE_THAN
                }
            ways.append(Way(SECTION_82, _("mit § 82 SGB III"), True, note))
    if ESF in funding_slugs:
        low, high = funding.HOURS_ESF
        if quote.price > funding.ESF_FEE_MAX:
            ways.append(
                Way(
                    ESF, _("mit ESF-Plus-Fachkurs"), False, _("Nicht möglich: Gebühr über 6.000 €.")
                )
            )
        elif hours is not None and not low <= hours <= high:
            ways.append(
                Way(
                    ESF,
                    _("mit ESF-Plus-Fachkurs"),
                    False,
                    _("Nicht möglich: %(low)s bis %(high)s Unterrichtsstunden nötig.")
                    % {"low": low, "high": high},
                )
            )
        else:
            ways.append(
                Way(
                    ESF,
                    _("mit ESF-Plus-Fachkurs"),
                    True,
                    _(
                        "Gefördert werden %(rate)s der Gebühr, %(raised)s für Beschäftigte ab "
                        "55 Jahren oder ohne Berufsabschluss."
                    )
                    % {
                        "rate": funding.percent(funding.ESF_RATE),
                        "raised": funding.percent(funding.ESF_RATE_RAISED),
                    },
                )
            )
    return ways


def per_participant(way: Way, *, price: Decimal, size_band: str) -> Decimal | None:
    """What the company pays per participant in `way`; None when it is not known."""
    if way.key == WITHOUT:
        return price
    if way.key == SECTION_82:
        rate = employer_share_rate_for_band(size_band)
        return None if rate is None else funding.share_of(price, rate)
    if way.key == ESF:
        return price - funding.share_of(price, funding.ESF_RATE)
    raise ValueError(way.key)


def quote_costs(quote: JointQuote, needs: list[CompanyNeed], funding_slugs: set[str]) -> QuoteCosts:
    """The quote's costs for each company of `needs` (their confirmed number of
    participants, else the number they registered)."""
    ways = quote_ways(quote, funding_slugs)
    companies = []
    for number, need in enumerate(needs, start=1):
        confirmed = need.confirmed_participants is not None
        participants = need.confirmed_participants if confirmed else need.participants
        costs = []
        for way in ways:
            if not way.applies:
                continue
            each = per_participant(way, price=quote.price, size_band=need.size_band)
            costs.append(Cost(way, each, None if each is None else each * participants))
        companies.append(CompanyCosts(need, number, participants, confirmed, costs))
    return QuoteCosts(quote, ways, companies)
