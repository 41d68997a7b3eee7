"""`manage.py load_places`: import Germany's municipalities and postcodes from GeoNames, then
place the venues that have no municipality yet."""

from django.core.management.base import BaseCommand

from offerings.management.commands.resolve_venue_places import venue_places_write
from offerings.places import PLACES_ATTRIBUTION, places_load
from offerings.services import venues_place_fill_missing


class Command(BaseCommand):
    help = (
        "Import the municipalities and postcodes of Germany from the GeoNames postal-code "
        "data (the Ostalbkreis and the Landkreis Heidenheim as the region, every other place "
        "as outside it), then place venues without a municipality (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            help="a file in the GeoNames postal-code format (default: the installed copy)",
        )

    def handle(self, *args, source=None, **options):
        municipalities, postcodes = places_load(source=source)
        self.stdout.write(f"{municipalities} Gemeinden, {postcodes} Postleitzahlen geladen.")
        self.stdout.write(PLACES_ATTRIBUTION)
        venue_places_write(self.stdout, venues_place_fill_missing())
