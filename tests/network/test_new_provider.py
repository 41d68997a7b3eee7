"""One rule for offers, events and imports: an institution is new until it has published
an offer or an event once, and a new one's first publication waits for the network office
(network.selectors.institution_is_new_provider, Institution.first_published_at)."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from events.models import EventApproval
from events.services import event_approve, event_publish
from network.models import Institution
from network.selectors import institution_is_new_provider
from offerings.exporters import csv_template
from offerings.imports.csvfile import csv_parse
from offerings.imports.lookups import delivery_form_lookup
from offerings.imports.plan import import_plan
from offerings.models import OfferApproval
from offerings.services import offer_approve, offer_publish
from tests.events.test_support import EventFactory
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


def drafts(institution):
    offer = OfferFactory(institution=institution, status="draft")
    event = EventFactory(institution=institution, status="draft", published_at=None)
    return offer, event


def test_a_new_institutions_first_offer_and_first_event_both_wait(institution, member):
    offer, event = drafts(institution)
    assert institution_is_new_provider(institution=institution)
    assert offer_publish(offer=offer, user=member) == "pending"
    assert event_publish(event=event, user=member) == "pending"
    assert OfferApproval.objects.filter(offer=offer).exists()
    assert EventApproval.objects.filter(event=event).exists()


def test_after_an_approved_offer_the_first_event_goes_live_at_once(
    institution, member, network_office
):
    offer, event = drafts(institution)
    offer_publish(offer=offer, user=member)
    offer_approve(offer=offer, user=network_office)
    assert not institution_is_new_provider(institution=institution)
    assert event_publish(event=event, user=member) == "published"
    assert not EventApproval.objects.exists()


def test_after_an_approved_event_the_first_offer_goes_live_at_once(
    institution, member, network_office
):
    offer, event = drafts(institution)
    event_publish(event=event, user=member)
    event_approve(event=event, user=network_office)
    assert offer_publish(offer=offer, user=member) == "published"
    assert not OfferApproval.objects.exists()


def test_what_the_office_publishes_counts_as_the_first_publication(
    institution, member, network_office
):
    offer, event = drafts(institution)
    assert event_publish(event=event, user=network_office) == "published"
    assert offer_publish(offer=offer, user=member) == "published"


def test_the_first_publication_is_remembered_once(institution, member, network_office):
    offer, event = drafts(institution)
    offer_publish(offer=offer, user=network_office)
    first = Institution.objects.get(pk=institution.pk).first_published_at
    event_publish(event=event, user=member)
    assert first is not None
    assert Institution.objects.get(pk=institution.pk).first_published_at == first


def test_another_institutions_publication_does_not_count(institution, other_institution, member):
    OfferFactory(institution=other_institution, published_at=timezone.now())
    EventFactory(institution=other_institution)
    offer, event = drafts(institution)
    assert offer_publish(offer=offer, user=member) == "pending"
    assert event_publish(event=event, user=member) == "pending"


def test_an_import_publishes_new_offers_only_for_a_known_institution(
    institution, member, network_office
):
    def plan():
        parsed = csv_parse(io.BytesIO(csv_template()), delivery_forms=delivery_form_lookup())
        return import_plan(institution=institution, parsed=parsed)

    assert plan().publish_new is False
    event = EventFactory(institution=institution, status="draft", published_at=None)
    event_publish(event=event, user=network_office)
    assert plan().publish_new is True


# --- the backfill -------------------------------------------------------------------------

BEFORE = [
    ("network", "0003_news_moved"),
    ("offerings", "0010_events_moved"),
    ("events", "0001_initial"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_in_the_first_publication_and_can_be_undone():
    earlier, later = timezone.now() - timedelta(days=400), timezone.now() - timedelta(days=30)
    by_offer, by_event, by_both, drafts_only = InstitutionFactory.create_batch(4)
    OfferFactory(institution=by_offer, published_at=later)
    OfferFactory(institution=by_offer, published_at=earlier, status="archived")
    EventFactory(institution=by_event, published_at=earlier)
    OfferFactory(institution=by_both, published_at=later)
    EventFactory(institution=by_both, published_at=earlier)
    OfferFactory(institution=drafts_only, status="draft")
    EventFactory(institution=drafts_only, status="draft", published_at=None)

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                connection.cursor(), Institution._meta.db_table
            )
        ]
        assert "first_published_at" not in columns
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)

    first = dict(Institution.objects.values_list("pk", "first_published_at"))
    assert first == {
        by_offer.pk: earlier,
        by_event.pk: earlier,
        by_both.pk: earlier,
        drafts_only.pk: None,
    }
