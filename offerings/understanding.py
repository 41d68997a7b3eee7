"""Query understanding: words of the search text that name a place or a filter become that
filter, and the other words are searched as text.

"staplerschein aalne" means forklift courses near Aalen; "Excel online abends" means Excel
courses held online in the evening; "Bildungsgutschein" means the courses paid for by one,
not the three that mention the word. `understand` is a pure function of the text and the
other parameters (and of the catalogue's places, filter choices and vocabulary, which
`CatalogueKnowledge` reads): it returns the remaining text, the filter parameters to set,
and what it understood, for the chips above the results.

The URL keeps the whole state. The catalogue answers a URL whose text holds such words with
a redirect (302; htmx: HX-Redirect) to the URL where `q` holds the remaining words, the
filters are set and `verstanden` records each understood word as "parameter:words", so the
page can show "„Aalen“ als Ort verstanden" with a link that takes it back. That link puts
the words back into `q` and adds `als_text=words`, which keeps them text from then on.
Feeds and the JSON API answer the same URLs by applying the same understanding in-process
(`understanding_apply`), without a redirect: feed readers and partner sites should not have
to follow one, and their URLs stay as the subscriber wrote them.

Rules (also in offerings/README.md):
- Never inside a "quoted phrase", never a -word, never part of a hyphenated compound
  ("Online-Marketing" is text; the few hyphenated names of a filter, "Aufstiegs-BAföG",
  "E-Learning", are in the table whole).
- A filter word followed by another word with which it forms a course title of the
  catalogue ("Online Marketing") stays text; after a word it is understood ("Excel online").
- A value is only set if the filter accepts it (the taxonomy's slugs as the catalogue has
  them); a filter that holds another value already (Vollzeit chosen, "Teilzeit" typed)
  leaves the word as text; so does a second place.
- Places: a postcode of Germany; "in", "bei", "nahe", "um" before a place name anywhere in
  Germany ("in Essen", "bei Ulm"); without such a word only the region's places, their short
  names ("Gmünd", "Heidenheim", "Giengen") and one typo of them ("Aalne", for words of five
  letters or more that the catalogue's vocabulary does not know), and towns elsewhere with
  five postcodes or more ("Ulm", "Stuttgart") that the vocabulary does not know. Words in
  NOT_PLACES are never a place without "in": common nouns that are also place names (Essen,
  Buch, Wald, Berg, Stein, Hof …) or a letter away from one of the region (neuer/Neuler).
- Nothing is understood from a text the form would refuse (too long, NUL characters).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import GERMAN_STOP_WORDS, fold
from network.models import District
from offerings.models import Level, Schedule, TimeOfDay
from offerings.places import (
    fold_place_name,
    place_find,
    place_in_region_near,
    place_lookup,
    place_short_name,
)
from offerings.search import MAX_QUERY_LENGTH

UNDERSTOOD = "verstanden"  # "parameter:words", one per understood word or phrase
AS_TEXT = "als_text"  # words a person took back: searched as text from then on
MAX_UNDERSTOOD = 10
MIN_CITY_POSTCODES = 5  # a town outside the region is understood bare from this size


class Kind(StrEnum):
    PLACE = "ort"
    PRICE = "kostenlos"
    FUNDING = "foerderung"
    DELIVERY = "lernform"
    SCHEDULE = "zeitmodell"
    TIME = "tageszeit"
    LEVEL = "niveau"
    DISTRICT = "landkreis"


# What each kind is called in a chip ("„Aalen“ als Ort verstanden").
KIND_LABELS = {
    Kind.PLACE: gettext_lazy("Ort"),
    Kind.PRICE: gettext_lazy("Preis"),
    Kind.FUNDING: gettext_lazy("Förderung"),
    Kind.DELIVERY: gettext_lazy("Lernform"),
    Kind.SCHEDULE: gettext_lazy("Zeitmodell"),
    Kind.TIME: gettext_lazy("Tageszeit"),
    Kind.LEVEL: gettext_lazy("Niveau"),
    Kind.DISTRICT: gettext_lazy("Landkreis"),
}
SINGLE_VALUED = {Kind.PLACE, Kind.PRICE, Kind.SCHEDULE}


def _table(entries: dict[Kind, dict[tuple[str, ...], tuple[str, ...]]]) -> dict:
    """Phrase (folded words as one string) → (kind, values)."""
    table = {}
    for kind, phrases in entries.items():
        for values, spellings in phrases.items():
            for spelling in spellings:
                table[fold(spelling)] = (kind, values)
    return table


# The words people type for a filter, by filter and value(s). Folded when looked up, so
# "Präsenz" and "Praesenz" are one entry. Taxonomy values are the seeded slugs
# (migration 0002); one the network office has removed is simply not understood.
PHRASES = _table(
    {
        Kind.PRICE: {
            ("on",): (
                *("kostenlos", "kostenlose", "kostenloser", "kostenfrei", "kostenfreie"),
                *("gratis", "umsonst", "gebührenfrei", "gebührenfreie", "entgeltfrei"),
                "ohne kosten",
            ),
        },
        Kind.FUNDING: {
            ("bildungsgutschein",): (
                *("bildungsgutschein", "bildungsgutscheine", "bildungsgutscheins"),
                *("bildungs-gutschein", "azav"),
            ),
            ("aufstiegs-bafoeg",): (
                *("aufstiegs-bafög", "aufstiegsbafög", "aufstiegs bafög", "meister-bafög"),
                *("meisterbafög", "meister bafög", "bafög", "afbg"),
            ),
            ("bildungszeit-bw",): (
                *("bildungszeit", "bildungsurlaub", "bildungsfreistellung"),
                "bildungszeitgesetz",
            ),
            ("esf-fachkurse-bw",): (
                *("esf", "esf-fachkurs", "esf-fachkurse", "esf-plus", "esf plus"),
                "fachkursförderung",
            ),
            ("qualifizierungsgeld",): ("qualifizierungsgeld",),
            ("foerderung-beschaeftigter",): ("qualifizierungschancengesetz", "wegebau"),
            ("weiterbildungsstipendium",): ("weiterbildungsstipendium",),
        },
        Kind.DELIVERY: {
            ("online-live", "selbstlernkurs"): ("online", "onlinekurs", "onlinekurse"),
            ("online-live",): ("webinar", "webinare", "live-online", "virtuell"),
            ("selbstlernkurs",): ("selbstlernkurs", "e-learning", "elearning"),
            ("fernunterricht",): (
                *("fernkurs", "fernkurse", "fernlehrgang", "fernlehrgänge"),
                *("fernunterricht", "fernstudium"),
            ),
            ("praesenz",): ("präsenz", "präsenzkurs", "präsenzunterricht", "vor ort"),
            ("blended-learning",): ("blended learning", "blended-learning", "hybrid"),
        },
        Kind.SCHEDULE: {
            (Schedule.PART_TIME.value,): ("teilzeit", "berufsbegleitend"),
            (Schedule.FULL_TIME.value,): ("vollzeit",),
        },
        Kind.TIME: {
            (TimeOfDay.EVENING.value,): (
                *("abends", "abend", "abendkurs", "abendkurse", "feierabend"),
                "nach feierabend",
            ),
            (TimeOfDay.MORNING.value,): ("vormittags", "morgens", "vormittag"),
            (TimeOfDay.AFTERNOON.value,): ("nachmittags", "nachmittag"),
            (TimeOfDay.WEEKEND.value,): (
                *("wochenende", "wochenenden", "wochenendkurs", "samstags"),
                "sonntags",
            ),
        },
        Kind.LEVEL: {
            (Level.NONE.value,): (
                *("anfänger", "anfängerin", "anfängerinnen", "einsteiger", "einsteigerin"),
                *("neueinsteiger", "ohne vorkenntnisse", "ohne voraussetzungen"),
            ),
        },
        Kind.DISTRICT: {
            (District.OSTALBKREIS.value,): ("ostalbkreis", "ostalb"),
            (District.HEIDENHEIM.value,): ("landkreis heidenheim", "kreis heidenheim"),
        },
    }
)
LONGEST_PHRASE = max(len(p.split()) for p in PHRASES)
# Words before a filter word that go with it ("in Teilzeit", "am Wochenende", "für Anfänger").
CONNECTORS = frozenset(fold(w) for w in ("in", "im", "am", "an", "für", "ab", "mit", "per"))
# Words before a place name that make it one, anywhere in Germany ("in Essen", "bei Ulm").
PLACE_WORDS = frozenset(fold(w) for w in ("in", "bei", "nahe", "nähe", "um", "raum", "umkreis"))
MAX_PLACE_WORDS = 4  # "Heidenheim an der Brenz"
# Never a place without "in" before it: common nouns that are also places somewhere in
# Germany, and words a letter away from a place of the region. (Pflege, Lager, Bau, Elektro,
# Metall, Garten are no place at all; they are listed so the rule survives new place data.)
NOT_PLACES = frozenset(
    fold(w)
    for w in (
        *("Pflege", "Lager", "Bau", "Elektro", "Metall", "Garten", "Buch", "Wald", "Berg"),
        *("Stein", "Essen", "Hof", "Holz", "Glas", "Post", "Markt", "Mode", "Kochen", "Halle"),
        *("Bad", "Dorf", "Feld", "Brücken", "Linden", "Neuer", "Neue", "Neues", "Worte"),
        *("Haus", "Bergen", "Lauf", "Weil", "Au", "Senden", "Werben", "Zwingen", "Laufen"),
    )
)
_PLAIN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_POSTCODE = re.compile(r"\d{5}")
_STOP_WORDS = frozenset(fold(w) for w in GERMAN_STOP_WORDS)


@dataclass(frozen=True)
class Understood:
    """Words of the text taken as a filter."""

    words: str  # as typed, "in Heidenheim"
    kind: Kind
    values: tuple[str, ...]
    label: str = ""  # the place's name; empty for filters (their options name them)

    @property
    def record(self) -> str:
        """How `verstanden` holds it in the URL."""
        return f"{self.kind}:{self.words}"


@dataclass(frozen=True)
class Understanding:
    text: str  # the remaining words, as typed
    params: dict[str, list[str]] = field(default_factory=dict)  # filter parameters to set
    understood: tuple[Understood, ...] = ()


@dataclass
class CatalogueKnowledge:
    """What understanding needs from the catalogue: the values each taxonomy filter
    accepts, which words the catalogue's vocabulary knows, and whether two words form a
    course title. Functions, so a test or a benchmark can give its own."""

    choices: Callable[[str], set[str]]
    known_words: Callable[[set[str]], set[str]]
    course_phrase: Callable[[str, str], bool]


def catalogue_knowledge() -> CatalogueKnowledge:
    """The knowledge the live catalogue has: its index and its vocabulary."""
    from offerings.index import catalogue_index
    from offerings.models import Offer, SearchTerm

    index = catalogue_index()

    def choices(parameter: str) -> set[str]:
        return set(index.taxonomies[parameter].slugs)

    def known_words(words: set[str]) -> set[str]:
        def compute() -> frozenset[str]:
            terms = SearchTerm.objects.filter(folded__in=words)
            return frozenset(terms.values_list("folded", flat=True))

        # Kept with the index, which is rebuilt when the catalogue (and its vocabulary) changes.
        return set(index.remembered(("known_words", frozenset(words)), compute)) if words else set()

    def course_phrase(first: str, second: str) -> bool:
        def compute() -> bool:
            offers = Offer.objects.published()
            return (
                offers.filter(title__icontains=f"{first} {second}").exists()
                or offers.filter(title__icontains=f"{first}-{second}").exists()
            )

        return index.remembered(("course_phrase", first.lower(), second.lower()), compute)

    return CatalogueKnowledge(choices, known_words, course_phrase)


@dataclass
class _Token:
    raw: str  # as typed
    core: str  # without the punctuation around it
    key: str  # folded, or "" for a token that may not be understood (quoted, -word, odd)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in re.finditer(r'"[^"]*"?|[^\s"]+', text):
        raw = match[0]
        core = raw.strip(".,;:!?()[]{}'«»„“”")
        usable = not raw.startswith('"') and _PLAIN.fullmatch(core) is not None
        tokens.append(_Token(raw, core, fold(core) if usable else ""))
    return tokens


def _clean_text(text: str) -> str | None:
    if not isinstance(text, str) or len(text) > MAX_QUERY_LENGTH or "\x00" in text:
        return None
    return "".join(c for c in text if c.isprintable()).strip()


def _values(params: Mapping, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        return [v for v in params.getlist(name) if v]
    value = params.get(name)
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def understand(
    text: str, params: Mapping | None = None, *, knowledge: CatalogueKnowledge | None = None
) -> Understanding:
    """The words of `text` that name a place or a filter, as filter parameters; the rest
    as text. `params` are the other parameters of the search: filters already set, and
    `als_text`, the words to keep as text. Understands nothing in a text the form would
    refuse, and gives only values the filters accept."""
    params = params or {}
    clean = _clean_text(text)
    if not clean:
        return Understanding(text if isinstance(text, str) else "")
    knowledge = knowledge or catalogue_knowledge()
    keep = {fold(w) for value in _values(params, AS_TEXT) for w in value.split()}
    tokens = _tokens(clean)
    state = _State(params, knowledge)
    taken: set[int] = set()
    i = 0
    while i < len(tokens) and len(state.understood) < MAX_UNDERSTOOD:
        span = _match_at(tokens, i, state, keep)
        if span is None:
            i += 1
            continue
        end, item = span
        state.add(item)
        taken.update(range(i, end))
        i = end
    if not state.understood:
        return Understanding(clean)
    remaining = " ".join(t.raw for n, t in enumerate(tokens) if n not in taken)
    return Understanding(remaining, state.params, tuple(state.understood))


class _State:
    def __init__(self, params: Mapping, knowledge: CatalogueKnowledge):
        self.given = params
        self.knowledge = knowledge
        self.params: dict[str, list[str]] = {}
        self.understood: list[Understood] = []
        self._known: dict[str, bool] = {}

    def current(self, kind: Kind) -> list[str]:
        return _values(self.given, kind.value) + self.params.get(kind.value, [])

    def accepts(self, kind: Kind, values: tuple[str, ...]) -> tuple[str, ...]:
        """The values the filter takes; () when it holds another value already."""
        valid = _valid_values(kind, self.knowledge)
        values = tuple(v for v in values if v in valid)
        current = self.current(kind)
        if not values:
            return ()
        if kind in SINGLE_VALUED and current and set(current) != set(values):
            return ()
        return values

    def known(self, word: str) -> bool:
        if word not in self._known:
            self._known[word] = word in self.knowledge.known_words({word})
        return self._known[word]

    def add(self, item: Understood) -> None:
        self.understood.append(item)
        if item.kind in SINGLE_VALUED:
            self.params[item.kind.value] = list(item.values)
        else:
            have = self.params.setdefault(item.kind.value, [])
            have += [v for v in item.values if v not in have and v not in self.current(item.kind)]


def _valid_values(kind: Kind, knowledge: CatalogueKnowledge) -> set[str]:
    if kind in (Kind.FUNDING, Kind.DELIVERY):
        return knowledge.choices(kind.value)
    if kind == Kind.PRICE:
        return {"on"}
    if kind == Kind.SCHEDULE:
        return set(Schedule.values)
    if kind == Kind.TIME:
        return set(TimeOfDay.values)
    if kind == Kind.LEVEL:
        return set(Level.values)
    if kind == Kind.DISTRICT:
        return {District.OSTALBKREIS.value, District.HEIDENHEIM.value}
    return set()


def _words(tokens: list[_Token], start: int, end: int) -> str:
    return " ".join(t.core for t in tokens[start:end])


def _match_at(tokens, i, state: _State, keep: set[str]) -> tuple[int, Understood] | None:
    """The understood span starting at token i: (end, what), or None."""
    if not tokens[i].key:
        return None
    for start in (i, i + 1):
        # A connector ("in Teilzeit", "am Wochenende") goes with the filter word after it.
        if start == i + 1 and tokens[i].key not in CONNECTORS | PLACE_WORDS:
            break
        if found := _filter_at(tokens, i, start, state, keep):
            return found
    return _place_at(tokens, i, state, keep)


def _filter_at(tokens, i, start, state: _State, keep) -> tuple[int, Understood] | None:
    for n in range(LONGEST_PHRASE, 0, -1):
        end = start + n
        if end > len(tokens) or not all(t.key for t in tokens[start:end]):
            continue
        key = " ".join(t.key for t in tokens[start:end])
        if key not in PHRASES or any(t.key in keep for t in tokens[start:end]):
            continue
        kind, values = PHRASES[key]
        # "Online Marketing": a course title of the catalogue, so text.
        followed = n == 1 and end < len(tokens) and tokens[end].key
        if followed and state.knowledge.course_phrase(tokens[start].core, tokens[end].core):
            return None
        values = state.accepts(kind, values)
        if not values:
            return None
        return end, Understood(_words(tokens, i, end), kind, values)
    return None


def _place_at(tokens, i, state: _State, keep) -> tuple[int, Understood] | None:
    if state.current(Kind.PLACE):
        return None  # one place per search
    anywhere = tokens[i].key in PLACE_WORDS
    start = i + 1 if anywhere else i
    for n in range(MAX_PLACE_WORDS, 0, -1):
        end = start + n
        if end > len(tokens) or not all(t.key for t in tokens[start:end]):
            continue
        words = [t.key for t in tokens[start:end]]
        if any(w in keep for w in words) or words[0] in _STOP_WORDS:
            continue
        place = _place(_words(tokens, start, end), words, anywhere=anywhere, state=state)
        if place is not None:
            return end, Understood(
                _words(tokens, i, end), Kind.PLACE, (place.name,), label=place.name
            )
    return None


def _place(typed: str, words: list[str], *, anywhere: bool, state: _State):
    """The municipality these words name with confidence, or None (see the module's rules)."""
    wanted = fold_place_name(typed)
    if not wanted:
        return None
    if len(words) == 1 and _POSTCODE.fullmatch(words[0]):
        return place_lookup(words[0])
    if not anywhere and len(words) == 1 and words[0] in NOT_PLACES:
        return None
    short = place_short_name(wanted)
    place = place_lookup(typed)
    if place is not None:
        exact = fold_place_name(place.name) == wanted
        if place.district != District.OUTSIDE:
            # The whole name or a short name, not the first words of a longer one.
            if not (exact or short):
                place = None
        elif not exact:
            place = None
        elif not anywhere:
            big = getattr(place, "postcode_count", 0) >= MIN_CITY_POSTCODES
            if len(words) > 1 or not big or state.known(words[0]):
                place = None
    if place is None and len(words) == 1:
        near = place_in_region_near(wanted)
        if near is not None and (anywhere or short or not state.known(words[0])):
            place = near.municipality()
    if place is None or place_lookup(place.name) != place:
        return None  # the name must lead back to the same place in the field
    return place


# --- URLs: the redirect to the understood state, the chips and their removal ------------


def understanding_apply(params: QueryDict) -> tuple[QueryDict, Understanding]:
    """`params` with the understood words of `q` taken out and their filters set, the
    understood words recorded in `verstanden`, and the page reset."""
    found = understand(params.get("q", ""), params)
    result = params.copy()
    if not found.understood:
        return result, found
    result["q"] = found.text
    for name, values in found.params.items():
        if name == Kind.PRICE.value or name == Kind.PLACE.value:
            result[name] = values[0]
        else:
            result.setlist(name, [*_values(params, name), *values])
    result.setlist(
        UNDERSTOOD, [*_values(params, UNDERSTOOD), *(u.record for u in found.understood)]
    )
    result.pop("seite", None)
    if not found.text:
        result.pop("q")
    return result, found


def understanding_redirect(params: QueryDict) -> str | None:
    """The query string ("?…") of the understood state when `q` holds words that name a
    place or a filter, else None."""
    result, found = understanding_apply(params)
    if not found.understood:
        return None
    encoded = result.urlencode()
    return f"?{encoded}" if encoded else "?"


@dataclass(frozen=True)
class Chip:
    text: str  # "„Aalen“ als Ort verstanden"
    remove_href: str  # the words back in q, kept as text


def _record_parse(record: str) -> tuple[Kind, str] | None:
    kind, _sep, words = record.partition(":")
    if kind not in Kind._value2member_map_ or not words.strip():
        return None
    return Kind(kind), words.strip()


def _recorded_values(kind: Kind, words: str, knowledge: CatalogueKnowledge) -> tuple[str, ...]:
    """The values that the recorded words stand for (a place: whatever `ort` holds)."""
    tokens = [fold(w.strip(".,;:!?()")) for w in words.split()]
    while tokens and (tokens[0] in CONNECTORS or tokens[0] in PLACE_WORDS):
        tokens = tokens[1:]
        if " ".join(tokens) in PHRASES:
            break
    entry = PHRASES.get(" ".join(tokens))
    if entry is None or entry[0] != kind:
        return ()
    valid = _valid_values(kind, knowledge)
    return tuple(v for v in entry[1] if v in valid)


def understood_chips(params: QueryDict, *, place=None, labels=None) -> list[Chip]:
    """The chips for what `verstanden` records and the filters still hold, each with the
    link that takes it back. `place` is the municipality the place filter found; `labels`
    maps (parameter, value) to an option's label."""
    chips = []
    labels = labels or {}
    knowledge = None
    for record in list(dict.fromkeys(_values(params, UNDERSTOOD)))[:MAX_UNDERSTOOD]:
        parsed = _record_parse(record)
        if parsed is None:
            continue
        kind, words = parsed
        if kind == Kind.PLACE:
            if place is None or not params.get("ort") or not _names(words, place):
                continue  # the place field holds another place by now
            values, shown = (params.get("ort"),), str(place)
        else:
            knowledge = knowledge or catalogue_knowledge()
            values = tuple(
                v for v in _recorded_values(kind, words, knowledge) if v in _values(params, kind)
            )
            if not values:
                continue
            shown = words
        label = KIND_LABELS[kind]
        meaning = ", ".join(
            str(labels.get((kind.value, v), "")) for v in values if labels.get((kind.value, v))
        )
        if kind == Kind.PLACE:
            text = _("„%(words)s“ als %(kind)s verstanden") % {"words": shown, "kind": label}
        elif meaning and fold(meaning) != fold(shown):
            text = _("„%(words)s“ als %(kind)s verstanden: %(meaning)s") % {
                "words": shown,
                "kind": label,
                "meaning": meaning,
            }
        else:
            text = _("„%(words)s“ als %(kind)s verstanden") % {"words": shown, "kind": label}
        chips.append(Chip(text, _take_back(params, kind, record, words, values)))
    return chips


def _names(words: str, place) -> bool:
    """Whether the recorded words still name the place the filter holds."""
    named = [w for w in words.split() if fold(w) not in PLACE_WORDS]
    found = place_find(" ".join(named)).municipality if named else None
    return found is not None and found.pk == place.pk


def _take_back(params: QueryDict, kind: Kind, record: str, words: str, values) -> str:
    back = params.copy()
    if kind == Kind.PLACE:
        back.pop("ort", None)
    else:
        back.setlist(kind.value, [v for v in _values(params, kind.value) if v not in values])
    back.setlist(UNDERSTOOD, [r for r in _values(params, UNDERSTOOD) if r != record])
    back["q"] = " ".join(part for part in (params.get("q", "").strip(), words) if part)
    back.setlist(AS_TEXT, list(dict.fromkeys([*_values(params, AS_TEXT), words])))
    back.pop("seite", None)
    pairs = [(k, v) for k in back for v in back.getlist(k) if v != ""]
    return "?" + urlencode(pairs)


def understood_state(params: QueryDict) -> list[tuple[str, str]]:
    """The parameters that record understanding, for the form to carry on."""
    return [(name, v) for name in (UNDERSTOOD, AS_TEXT) for v in _values(params, name)]


def typed_text(params: QueryDict) -> str:
    """What the person typed, as far as the URL tells: the text and the understood words
    (for the search log, which counts what people ask for)."""
    words = [params.get("q", "").strip()]
    for record in _values(params, UNDERSTOOD):
        parsed = _record_parse(record)
        if parsed is not None:
            words.append(parsed[1])
    return " ".join(w for w in words if w)
