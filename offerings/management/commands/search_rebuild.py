"""`manage.py search_rebuild`: build every offer's search data and the vocabulary afresh."""

from django.core.management.base import BaseCommand

from offerings.models import Offer
from offerings.search import offer_search_refresh, search_terms_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search data of all offers (tsvector, folded text) and the vocabulary of "
        "search terms. Needed once after a change to how offers are indexed (idempotent)."
    )

    def handle(self, *args, **options):
        offer_search_refresh(Offer.objects.all())
        search_terms_rebuild()
        self.stdout.write(f"Suchdaten von {Offer.objects.count()} Angeboten neu aufgebaut.")
