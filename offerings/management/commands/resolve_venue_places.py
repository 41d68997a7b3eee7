"""`manage.py resolve_venue_places`: give the venues that have no municipality one, from
their postcode and town (venues imported before imports placed them, or in towns the
gazetteer did not hold yet). `load_places` does the same after loading."""

from django.core.management.base import BaseCommand

from offerings.places import PlaceMatch
from offerings.services import venues_place_fill_missing


def venue_places_write(stdout, results: list[tuple[object, PlaceMatch]]) -> None:
    """Counts, then each guess (to check) and each venue that stays without a place (to fix
    in the back office or the admin)."""
    placed = [(venue, place) for venue, place in results if place.found]
    guessed = [(venue, place) for venue, place in placed if place.note()]
    still = [(venue, place) for venue, place in results if not place.found]
    stdout.write(
        f"Veranstaltungsorte ohne Gemeinde: {len(results)}; zugeordnet: {len(placed)} "
        f"(davon {len(guessed)} geschätzt); offen: {len(still)}."
    )
    for venue, place in guessed:
        stdout.write(f"  geschätzt: {venue.institution}: {venue.name}: {place.note()}")
    for venue, place in still:
        stdout.write(f"  offen: {venue.institution}: {venue.name}: {place.warning()}")


class Command(BaseCommand):
    help = (
        "Give venues without a municipality the municipality, district and coordinates of "
        "their postcode and town (idempotent; run after load_places, which does it too)."
    )

    def handle(self, *args, **options):
        venue_places_write(self.stdout, venues_place_fill_missing())
