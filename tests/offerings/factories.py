"""Factories for catalogue objects."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from network.services import institution_mark_published
from offerings.models import DeliveryForm, Offer, OfferDate, OfferStatus, StartKind, Venue
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
    venue = factory.SubFactory(
        VenueFactory, institution=factory.SelfAttribute("..offer.institution")
    )
