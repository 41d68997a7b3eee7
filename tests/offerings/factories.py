"""Factories for catalogue objects."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from network.services import institution_mark_published
from offerings.models import (
    DeliveryForm,
    FundingProgramme,
    Offer,
    OfferDate,
    OfferStatus,
    StartKind,
    TargetGroup,
    Venue,
)
from tests.factories import InstitutionFactory


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue

    institution = factory.SubFactory(InstitutionFactory)
    name = "Schulungszentrum"
    street = "Bahnhofstraße 1"
    postcode = "73430"
    city = "Aalen"
    district = "ostalbkreis"
    latitude = 48.8387
    longitude = 10.0926


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"Kurs {n}")
    summary = "Ein praxisnaher Kurs für den Beruf."
    delivery_form = factory.LazyFunction(lambda: DeliveryForm.objects.get(slug="praesenz"))
    price = Decimal("0")  # free, as the model's default was before unknown prices (issue 15)
    status = OfferStatus.PUBLISHED

    @factory.post_generation
    def dates(self, create, extracted, **kwargs):
        """By default one date in 30 days at a venue in Aalen; pass dates=[] for none."""
        if not create:
            return
        if extracted is None:
            OfferDateFactory(offer=self)

    @factory.post_generation
    def first_publication(self, create, extracted, **kwargs):
        """A published offer makes its institution known, as offerings.services does."""
        if create and self.published_at:
            institution_mark_published(institution=self.institution, when=self.published_at)

    @factory.post_generation
    def refresh(self, create, extracted, **kwargs):
        if create:
            from offerings.search import offer_search_refresh

            offer_search_refresh([self])


class OfferDateFactory(DjangoModelFactory):
    class Meta:
        model = OfferDate

    offer = factory.SubFactory(OfferFactory, dates=[])
    start_kind = StartKind.FIXED
    start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(days=10) if o.start else None)
    hours_total = 40
    time_of_day = "evening"  # the model's default before an unknown time of day (issue 15)
    venue = factory.SubFactory(
        VenueFactory, institution=factory.SelfAttribute("..offer.institution")
    )


def figures_offers(institution, other_institution) -> tuple[Offer, Offer, Offer]:
    """The offers of the steering dashboard's hand-counted network (October 2026 against
    September, seen on 15 November; tests/steering/test_dashboard.py counts them):

    - A, free, for job seekers, Bildungsgutschein, published and running in October;
    - B, online, for employees, published in September, running 20 September–5 October
      without a venue, not reviewed since January;
    - C, funded, published at 23:30 UTC on 31 October (1 November in Berlin), running in
      December, at `other_institution`;
    - a draft with an October date, which never counts.
    """
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    a = OfferFactory(
        institution=institution,
        title="Staplerschein",
        published_at=datetime(2026, 10, 5, 9, tzinfo=berlin),
        price=0,
        dates=[],
        last_reviewed_on=date(2026, 10, 5),
    )
    a.target_groups.set([TargetGroup.objects.get(slug="arbeitsuchende")])
    a.funding_programmes.set([FundingProgramme.objects.get(slug="bildungsgutschein")])
    OfferDateFactory(offer=a, start=date(2026, 10, 10), end=date(2026, 10, 20))
    b = OfferFactory(
        institution=institution,
        title="Excel online",
        published_at=datetime(2026, 9, 10, 9, tzinfo=berlin),
        price=100,
        delivery_form=DeliveryForm.objects.get(slug="online-live"),
        dates=[],
        last_reviewed_on=date(2026, 1, 1),
    )
    b.target_groups.set([TargetGroup.objects.get(slug="beschaeftigte")])
    OfferDateFactory(offer=b, start=date(2026, 9, 20), end=date(2026, 10, 5), venue=None)
    c = OfferFactory(
        institution=other_institution,
        title="Schweißen",
        published_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # 1 November in Berlin
        price=50,
        dates=[],
        last_reviewed_on=date(2026, 11, 1),
    )
    c.funding_programmes.set([FundingProgramme.objects.get(slug="foerderung-beschaeftigter")])
    OfferDateFactory(offer=c, start=date(2026, 12, 1), end=date(2026, 12, 5))
    draft = OfferFactory(institution=institution, status=OfferStatus.DRAFT, dates=[])
    OfferDateFactory(offer=draft, start=date(2026, 10, 12), end=date(2026, 10, 13))
    return a, b, c
