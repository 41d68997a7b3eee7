"""What a quote costs each company after the employer-side funding: the § 82 SGB III
employer share by company size at its legal boundaries (from counselling.funding's table,
never copied), the ESF-Plus share, and unknown values that stay unknown."""

from decimal import Decimal

import pytest

from counselling import funding
from counselling.joint.costs import (
    ESF,
    SECTION_82,
    WITHOUT,
    employer_share_rate_for_band,
    quote_costs,
)
from counselling.models import CompanyNeed, JointQuote

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("staff", "rate"),
    [
        (9, "0"),
        (10, "0"),
        (49, "0"),
        (50, "0.5"),
        (249, "0.5"),
        (250, "0.5"),
        (499, "0.5"),
        (500, "0.75"),
        (2499, "0.75"),
        (2500, "0.75"),
    ],
)
def test_the_employer_share_by_staff(staff, rate):
    assert funding.employer_share_rate_for_staff(staff, staff) == Decimal(rate)


def test_the_share_changes_exactly_at_each_bound_of_the_table():
    bounds = funding.employer_share_bounds()
    assert bounds == [50, 500]
    for bound in bounds:
        below = funding.employer_share_rate_for_staff(bound - 1, bound - 1)
        at = funding.employer_share_rate_for_staff(bound, bound)
        assert below < at, bound


@pytest.mark.parametrize(
    ("band", "rate"),
    [("lt10", "0"), ("lt50", "0"), ("lt250", "0.5"), ("lt500", "0.5"), ("ge500", "0.75")],
)
def test_the_share_of_each_size_band_of_the_need_form(band, rate):
    assert employer_share_rate_for_band(band) == Decimal(rate)


def test_an_unknown_size_has_an_unknown_share():
    assert employer_share_rate_for_band("") is None


def test_a_band_across_a_bound_of_the_table_is_not_guessed(monkeypatch):
    # Had the law the bounds 10 / 250 / 2,500, "500 and more" would span one of them.
    monkeypatch.setattr(
        funding,
        "EMPLOYER_SHARE_82",
        [
            (10, Decimal("0")),
            (250, Decimal("0.5")),
            (2500, Decimal("0.75")),
            (None, Decimal("0.85")),
        ],
    )
    assert employer_share_rate_for_band("ge500") is None
    assert employer_share_rate_for_band("lt500") == Decimal("0.75")
    assert employer_share_rate_for_band("lt50") == Decimal("0.5")


def _quote(**values) -> JointQuote:
    defaults = {"price": Decimal("1000.00"), "min_participants": 6, "max_participants": 12}
    return JointQuote(**{**defaults, **values})


def _need(band: str, participants: int, confirmed: int | None = None) -> CompanyNeed:
    return CompanyNeed(size_band=band, participants=participants, confirmed_participants=confirmed)


def _table(costs):
    return {
        company.need.size_band: {
            c.way.key: (c.per_participant, c.per_company) for c in company.costs
        }
        for company in costs.companies
    }


def test_costs_per_participant_and_per_company_after_section_82():
    needs = [_need("lt10", 2), _need("lt250", 3), _need("ge500", 5, confirmed=4), _need("", 1)]
    costs = quote_costs(_quote(hours=200), needs, {SECTION_82})
    assert _table(costs) == {
        "lt10": {WITHOUT: (Decimal("1000.00"), Decimal("2000.00")), SECTION_82: (0, 0)},
        "lt250": {
            WITHOUT: (Decimal("1000.00"), Decimal("3000.00")),
            SECTION_82: (Decimal("500.00"), Decimal("1500.00")),
        },
        "ge500": {
            WITHOUT: (Decimal("1000.00"), Decimal("4000.00")),
            SECTION_82: (Decimal("750.00"), Decimal("3000.00")),
        },
        "": {WITHOUT: (Decimal("1000.00"), Decimal("1000.00")), SECTION_82: (None, None)},
    }
    assert costs.participants == 2 + 3 + 4 + 1
    assert costs.confirmed_participants == 4
    unknown = costs.companies[3].costs[1]
    assert (unknown.per_participant_label, unknown.per_company_label) == ("", "")


def test_a_course_of_120_hours_or_less_has_no_section_82():
    costs = quote_costs(_quote(hours=120), [_need("lt250", 3)], {SECTION_82, ESF})
    ways = {w.key: w for w in costs.ways}
    assert not ways[SECTION_82].applies
    assert "120" in ways[SECTION_82].note
    # ESF-Plus pays 30 % of the fee: 700 € left per person.
    assert _table(costs)["lt250"][ESF] == (Decimal("700.00"), Decimal("2100.00"))
    assert SECTION_82 not in _table(costs)["lt250"]


def test_section_82_with_unknown_hours_names_the_condition():
    costs = quote_costs(_quote(hours=None), [_need("lt250", 1)], {SECTION_82})
    way = next(w for w in costs.ways if w.key == SECTION_82)
    assert way.applies
    assert "länger als 120 Stunden" in way.note


def test_esf_needs_a_fee_of_at_most_6000_euro_and_8_to_160_hours():
    over = quote_costs(_quote(price=Decimal("6000.01"), hours=40), [_need("lt50", 1)], {ESF})
    assert not next(w for w in over.ways if w.key == ESF).applies
    at = quote_costs(_quote(price=Decimal("6000.00"), hours=160), [_need("lt50", 1)], {ESF})
    assert _table(at)["lt50"][ESF] == (Decimal("4200.00"), Decimal("4200.00"))
    long = quote_costs(_quote(hours=161), [_need("lt50", 1)], {ESF})
    assert not next(w for w in long.ways if w.key == ESF).applies


def test_without_funding_only_the_price_counts():
    costs = quote_costs(_quote(price=Decimal("0.00")), [_need("lt50", 3)], set())
    assert [w.key for w in costs.ways] == [WITHOUT]
    assert _table(costs)["lt50"] == {WITHOUT: (Decimal("0.00"), Decimal("0.00"))}
