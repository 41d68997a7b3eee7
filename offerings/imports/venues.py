"""The venues an import names, matched by their normalised address.

`VenueBook` matches a file's venue to the institution's by normalised address, so
"Gartenstr. 5" reuses the venue at "Gartenstraße 5"; a new venue gets the municipality,
district and coordinates of its postcode and town (`offerings.places.venue_place_resolve`),
and a place that cannot be found is a warning on the offer in the dry run.
"""

from collections.abc import Iterable

from offerings.models import Venue
from offerings.places import PlaceMatch, venue_address_key, venue_place_resolve


def venue_key(venue) -> tuple[str, str, str, str]:
    return (venue.name, venue.street, venue.postcode, venue.city)


def venue_address(key) -> tuple[str, ...]:
    name, street, postcode, city = key
    return venue_address_key(name=name, street=street, postcode=postcode, city=city)


class VenueBook:
    """The institution's venues by normalised address, and the place of each address that a
    file names, each looked up once per import (a file names few venues, many times)."""

    def __init__(self, *, institution):
        self.institution = institution
        self._venues: dict[tuple, tuple[int, int | None]] | None = None
        # The addresses placed before this import: the report says the same about them
        # whether a dry run or a commit (which adds venues chunk by chunk) writes it.
        self._placed_before: set[tuple] = set()
        self._places: dict[tuple, PlaceMatch] = {}

    def venues(self) -> dict[tuple, tuple[int, int | None]]:
        """Normalised address → (venue id, municipality id); the oldest venue where the
        institution has several at one address."""
        if self._venues is None:
            self._venues = {}
            for pk, municipality_id, *key in (
                Venue.objects.filter(institution=self.institution)
                .order_by("pk")
                .values_list("pk", "municipality_id", "name", "street", "postcode", "city")
            ):
                self._venues.setdefault(venue_address(key), (pk, municipality_id))
            self._placed_before = {a for a, (_pk, m) in self._venues.items() if m is not None}
        return self._venues

    def place(self, key) -> PlaceMatch:
        address = venue_address(key)
        if address not in self._places:
            _name, street, postcode, city = key
            self._places[address] = venue_place_resolve(postcode=postcode, city=city, street=street)
        return self._places[address]

    def messages(self, keys: Iterable) -> tuple[list[str], list[str]]:
        """Warnings (a place not found or not clear) and notes (a place guessed) about the
        places of these venues; none for a venue the institution has and that is placed."""
        warnings, notes = [], []
        self.venues()
        for address, key in {venue_address(key): key for key in keys if key}.items():
            if address in self._placed_before:
                continue
            place = self.place(key)
            if warning := place.warning():
                warnings.append(warning)
            elif note := place.note():
                notes.append(note)
        return warnings, notes
