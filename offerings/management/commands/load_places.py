"""`manage.py load_places`: import Germany's municipalities and postcodes from GeoNames."""

from django.core.management.base import BaseCommand

from offerings.places import PLACES_ATTRIBUTION, places_load


class Command(BaseCommand):
    help = (
        "Import the municipalities and postcodes of Germany from the GeoNames postal-code "
        "data (the Ostalbkreis and the Landkreis Heidenheim as the region, every other place "
        "as outside it; idempotent)."
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
