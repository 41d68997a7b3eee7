"""The demo courses and venues as read from data/: what a course template is, and the venues
of the providers that offer them.

The templates are in data/courses/*.toml (one file per subject area), the venues in
data/venues.toml. Both are plain data; draw.py makes offers from them.
"""

from dataclasses import dataclass
from typing import Any

from common.demo import demo_data_read, demo_data_read_all
from network.models import District
from offerings.models import CertificateKind, Language, Level, Schedule, TimeOfDay

# Delivery-form slugs the code refers to (offerings/migrations/0002_seed_taxonomies.py)
PRAESENZ, ONLINE, SELF, DISTANCE = "praesenz", "online-live", "selbstlernkurs", "fernunterricht"

# (venue name, street, (city, postcode, district), wheelchair accessible, accessibility notes)
VenueRow = tuple[str, str, tuple[str, str, str], bool, str]


@dataclass(frozen=True)
class CourseTemplate:
    """One kind of course as providers in the region offer it; variants and providers make it
    into several offers.

    Each field is a key of a [[course]] entry in data/courses/*.toml; the first six are
    required, the others have the defaults below. Slugs are those of the taxonomies
    (offerings/migrations/0002_seed_taxonomies.py) and of the demo institutions; a pair like
    `hours` is the range a value is drawn from, and a list of choices (`forms`, `times`,
    `funding`) gives one per offer, so naming a choice twice makes it twice as likely.
    """

    title: str
    summary: str
    # search words, comma-separated
    keywords: str
    # topic slugs
    topics: tuple[str, ...]
    # target-group slugs; an offer sometimes drops one when there are more than two
    targets: tuple[str, ...]
    # institution slugs; each needs a venue in data/venues.toml
    providers: tuple[str, ...]
    # the course's contents, separated by ";"
    contents: str = ""
    # delivery-form slugs to choose from
    forms: tuple[str, ...] = (PRAESENZ,)
    # title suffixes; every provider offers every variant once at most. Some promise a form
    # or a time ("(Abendkurs)", "– online", "kompakt": see _variant_overrides in draw.py).
    variants: tuple[str, ...] = ("",)
    level: str = Level.NONE
    certificate: str = CertificateKind.ATTENDANCE
    certificate_name: str = ""
    # entry requirements
    requirements: str = ""
    hours: tuple[int, int] = (12, 30)
    # price in euros; [0, 0] is free
    price: tuple[int, int] = (0, 0)
    # chance that an offer with a price range is free all the same
    free_share: float = 0.0
    # sets of funding-programme slugs to choose from; [] is a set without funding
    funding: tuple[tuple[str, ...], ...] = ((),)
    schedule: str = Schedule.PART_TIME
    times: tuple[str, ...] = (TimeOfDay.EVENING,)
    language: str = Language.GERMAN
    # seats per date; [0, 0] leaves them open
    seats: tuple[int, int] = (8, 16)
    price_notes: str = ""
    # weights of fixed, rolling and on-demand dates
    starts: tuple[int, int, int] = (85, 5, 10)
    # "Kurz erklärt in Leichter Sprache", one sentence per line; "" for none
    easy_summary: str = ""


def _tuples(value: Any) -> Any:
    """TOML arrays as the tuples CourseTemplate holds (it is frozen and hashable)."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


def course_template_from_data(row: dict[str, Any]) -> CourseTemplate:
    """A template from its data-file entry; a misspelt key or choice value fails here."""
    values = {key: _tuples(value) for key, value in row.items()}
    for key, choices in (
        ("level", Level),
        ("certificate", CertificateKind),
        ("schedule", Schedule),
        ("language", Language),
    ):
        if key in values:
            values[key] = choices(values[key])
    if "times" in values:
        values["times"] = tuple(TimeOfDay(time) for time in values["times"])
    return CourseTemplate(**values)


def course_templates() -> list[CourseTemplate]:
    """All course templates, file by file and in file order, as the seeded draw walks them."""
    return [
        course_template_from_data(row)
        for data in demo_data_read_all(__package__, "courses")
        for row in data["course"]
    ]


def _venue(
    *,
    provider: str,
    name: str,
    street: str,
    postcode: str,
    city: str,
    district: str,
    wheelchair_accessible: bool,
    accessibility_notes: str = "",
) -> tuple[str, VenueRow]:
    """A venue from its data-file entry, with the slug of its provider."""
    town = (city, postcode, District(district))
    return provider, (name, street, town, wheelchair_accessible, accessibility_notes)


def demo_venues() -> dict[str, list[VenueRow]]:
    """The venues of data/venues.toml by provider slug, each provider's in file order."""
    venues: dict[str, list[VenueRow]] = {}
    for row in demo_data_read(__package__, "venues.toml")["venue"]:
        provider, venue = _venue(**row)
        venues.setdefault(provider, []).append(venue)
    return venues
