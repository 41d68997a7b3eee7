"""What the funding check learns of a course (offerings.selectors.course_funding_facts):
hours of the next open date, the price as stored (unknown stays unknown), the funding
programmes; nothing for drafts, archived courses or anything that is not a course's number."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from offerings.models import FundingProgramme, OfferStatus
from offerings.selectors import course_funding_facts
from tests.offerings.factories import OfferDateFactory, OfferFactory

pytestmark = pytest.mark.django_db


def test_facts_of_a_published_course_from_its_next_open_date():
    today = timezone.localdate()
    offer = OfferFactory(price=Decimal("1890.50"), azav_measure_number="962/123/24", dates=[])
    OfferDateFactory(offer=offer, start=today - timedelta(days=40), hours_total=999)  # past
    OfferDateFactory(offer=offer, start=today + timedelta(days=60), hours_total=160)
    OfferDateFactory(offer=offer, start=today + timedelta(days=20), hours_total=None)
    offer.funding_programmes.set(FundingProgramme.objects.filter(slug="bildungszeit-bw"))
    facts = course_funding_facts(str(offer.pk))
    assert facts.hours == 160
    assert facts.price == Decimal("1890.50")
    assert facts.funding_slugs == {"bildungszeit-bw"}
    assert facts.azav_measure_number == "962/123/24"
    assert facts.url == offer.get_absolute_url()


def test_unknown_price_and_hours_stay_unknown():
    offer = OfferFactory(price=None, dates=[])
    facts = course_funding_facts(str(offer.pk))
    assert facts.price is None
    assert facts.hours is None


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.ARCHIVED])
def test_no_facts_for_unpublished_courses(status):
    offer = OfferFactory(status=status)
    assert course_funding_facts(str(offer.pk)) is None


@pytest.mark.parametrize("raw", [None, "", "abc", "-3", "4.0", "٣", "9" * 13, "99999999999"])
def test_no_facts_for_what_is_not_a_course_number(raw):
    assert course_funding_facts(raw) is None
