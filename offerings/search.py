"""Full-text search of the catalogue: what a visitor typed, as the offers it finds and their rank.

`parse` splits the text into words, "quoted phrases" and -exclusions, and sets aside what
cannot be searched (one letter, stop words such as "für", words beyond the eighth), so that
the page can say so. Each word and each phrase is a *term*. `offer_text_matches` answers
the catalogue's question: which offers match, how well, and which terms each contains.

Spelling variants. People write "Fräsen", "Fraesen" and "FRAESEN" for one word, but
PostgreSQL's German stemmer makes "fras" of the first and "fraes" of the second. Both sides
are therefore folded to one spelling (`common.text.fold`: ä→ae, ö→oe, ü→ue, ß→ss): each
offer's tsvector is built from the folded text, and each word is searched in its folded form.
Folding only ever writes umlauts out, never the reverse, so words that merely contain "ue"
(Quelle, Steuer, neue, Feuer) stay what they are; turning "ue" back into "ü" would make
"Steuer" into "Steür" (stem "steur", while "Steuer" has "steu") and find nothing. Folding
alone would lose what the stemmer does with umlauts (Arzt and Ärzte, Haus and Häuser share
a stem only when the umlaut is there), so the tsvector also holds the original form of every
word that folding changed (`_indexed`), and a word is searched as the OR of its folded form,
the form typed, and every spelling of the same folded word in the catalogue's vocabulary
("Aerzte" also looks for "Ärzte", whose stem is that of "Arzt"). The result: either spelling
finds both, in matching and ranking, and the vocabulary's suggestions compare folded words.

Short words and acronyms (KI, IT, SPS, B2, 3D) are searched as exact tokens: never typo-
corrected or split as compounds (the trigram neighbours of "KI" are words like "Kita"), and
on SQLite matched as a whole token rather than inside other words ("ki" in "Technik").

Partial matches. When fewer than PARTIAL_THRESHOLD offers in the catalogue contain every term,
the offers containing at least half of them are shown too, ranked by how many terms they
contain, then by how rare those terms are among the matches, then by the full-text rank.
Words that name a kind of course (GENERIC_WORDS: Kurs, Weiterbildung, Seminar …) make no
partial match on their own and add nothing to its rank, so "Weiterbildung Pflege" shows the
courses on Pflege. Each match says which terms it contains, so the page can name the words
it did not find. The decision is taken per text, over the whole catalogue, so that filters
and their counts work on one fixed set of matches. Alerts, feeds and the API ask for every
word: what they announce matches the whole search.

On PostgreSQL the rank is ts_rank over the weighted tsvector (title A; keywords and topics
B; summary C; description, the explanation in Leichte Sprache and provider D) plus a bonus
when the words occur as the phrase typed. On SQLite (the zero-setup run) words are matched
in the folded text (`search_text`) and ranked in Python by where they occur (title, keywords,
elsewhere) and the same phrase bonus; there is no stemming: a word finds the longer words it
is part of ("Pflege" finds "Krankenpflege") but not its shorter forms.
"""

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from common.text import GERMAN_STOP_WORDS, fold
from offerings.index import catalogue_index_invalidate
from offerings.models import Offer, SearchTerm
from offerings.synonyms import synonyms_for

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MAX_PHRASES = 3
MIN_WORD = 2  # one letter cannot be searched; two can ("KI", "IT", "B2")
MAX_EXACT_WORD = 3  # up to this length (or with a digit) a word is an exact token
MIN_VOCABULARY_WORD = 3
MIN_COMPOUND_HEAD = 5
SIMILARITY_THRESHOLD = 0.3
PARTIAL_THRESHOLD = 3  # fewer offers with every term than this: show partial matches too
PHRASE_BONUS = 1.0  # above any ts_rank of a single occurrence: the words as typed, in order
# A match through a synonym counts this much of a match of the word typed (see the docstring).
SYNONYM_WEIGHT = 0.5
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP_WORDS = frozenset(fold(w) for w in GERMAN_STOP_WORDS)
# Words that name a kind of course rather than its subject. In a catalogue of courses they
# say little: a partial match must contain some other word too, and they add nothing to its
# rank ("Weiterbildung Pflege" shows the courses on Pflege, not every "Weiterbildung").
GENERIC_WORDS = frozenset(
    fold(w)
    for w in [
        *("Kurs", "Kurse", "Kursen", "Grundkurs", "Grundkurse", "Aufbaukurs", "Aufbaukurse"),
        *("Weiterbildung", "Weiterbildungen", "Fortbildung", "Fortbildungen", "Qualifizierung"),
        *("Lehrgang", "Lehrgänge", "Seminar", "Seminare", "Schulung", "Schulungen"),
        *("Training", "Trainings", "Workshop", "Workshops", "Angebot", "Angebote"),
        *("course", "courses"),  # English: people who type in English write it
    ]
)

# Why a typed word was not searched (ParsedQuery.ignored).
TOO_SHORT = "short"
TOO_COMMON = "common"
TOO_MANY = "many"


def words(text: str) -> list[str]:
    """The words of `text` that go into the vocabulary (offerings.models.SearchTerm)."""
    return [
        w.lower()
        for w in _WORD.findall(text)
        if len(w) >= MIN_VOCABULARY_WORD and not w.isdigit() and fold(w) not in _STOP_WORDS
    ]


def is_exact(word: str) -> bool:
    """Short words and words with digits are acronyms and codes (KI, SAP, B2, 3D, 9001)."""
    return len(word) <= MAX_EXACT_WORD or any(c.isdigit() for c in word)


@dataclass(frozen=True)
class ParsedQuery:
    """What a visitor typed, split the way websearch syntax reads it.

    Frozen and hashable: it keys the cached text results. A later step that understands
    some words as a place or a filter takes them out with `without`.
    """

    text: str
    words: tuple[str, ...]  # plain words, lower case, in the order typed
    phrases: tuple[str, ...]  # "quoted phrases"
    excluded: tuple[str, ...]  # -words
    ignored: tuple[tuple[str, str], ...] = ()  # (as typed, TOO_SHORT | TOO_COMMON | TOO_MANY)
    sequence: str = ""  # the plain words in order, stop words included: the phrase bonus

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases)

    @property
    def terms(self) -> tuple[str, ...]:
        """What partial matching counts: each word and each phrase."""
        return self.words + self.phrases

    @property
    def generic(self) -> tuple[bool, ...]:
        """Per term: whether it names a kind of course (GENERIC_WORDS), not a subject."""
        return tuple(fold(w) in GENERIC_WORDS for w in self.words) + (False,) * len(self.phrases)

    def as_typed(self, term: str) -> str:
        """A term in the visitor's own spelling ("Pflege", not "pflege")."""
        if term in self.phrases:
            return term
        return next((w for w in _WORD.findall(self.text) if w.lower() == term), term)

    def without(self, *taken: str) -> "ParsedQuery":
        """The same query without the words `taken` (lower case)."""
        gone = set(taken)
        return replace(
            self,
            words=tuple(w for w in self.words if w not in gone),
            sequence=" ".join(w for w in self.sequence.split() if w not in gone),
        )


def parse(text: str) -> ParsedQuery:
    """Clean the raw text: no control characters, bounded length, at most a few words."""
    text = "".join(c for c in text if c.isprintable())[:MAX_QUERY_LENGTH].strip()
    phrases = tuple(p.strip() for p in re.findall(r'"([^"]+)"', text) if p.strip())
    rest = re.sub(r'"[^"]*"?', " ", text)
    plain: list[str] = []
    excluded: list[str] = []
    ignored: list[tuple[str, str]] = []
    sequence: list[str] = []
    for token in rest.split():
        negative = token.startswith("-")
        parts = [p.lower() for p in _WORD.findall(token)]
        if not negative:
            sequence.extend(parts)
        usable = [p for p in parts if len(p) >= MIN_WORD]
        if parts and not usable and not negative:
            # "x" or "C++": nothing left to search. One letter inside a longer word
            # ("E-Learning") goes with it silently.
            ignored.append((token.strip(".,;:!?()[]"), TOO_SHORT))
        for part in usable:
            if fold(part) in _STOP_WORDS:
                if not negative:
                    ignored.append((part, TOO_COMMON))
                continue
            (excluded if negative else plain).append(part)
    plain = list(dict.fromkeys(plain))
    ignored.extend((w, TOO_MANY) for w in plain[MAX_WORDS:])
    return ParsedQuery(
        text=text,
        words=tuple(plain[:MAX_WORDS]),
        phrases=phrases[:MAX_PHRASES],
        excluded=tuple(dict.fromkeys(excluded))[:MAX_WORDS],
        ignored=tuple(dict.fromkeys(ignored)),
        sequence=" ".join(sequence[: MAX_WORDS * 2]),
    )


# --- the catalogue's vocabulary: spellings, typos, compounds ------------------------------


@dataclass(frozen=True)
class Correction:
    word: str
    alternatives: tuple[SearchTerm, ...]


@dataclass(frozen=True)
class Vocabulary:
    """What the catalogue's vocabulary says about the words of one query."""

    spellings: dict[str, tuple[SearchTerm, ...]] = field(default_factory=dict)  # by folded
    fixes: list[Correction] = field(default_factory=list)
    # Per term (word or phrase): the terms of the office's thesaurus it also finds.
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def alternatives(self, word: str) -> tuple[SearchTerm, ...]:
        return next((c.alternatives for c in self.fixes if c.word == word), ())


def vocabulary_lookup(parsed: ParsedQuery) -> Vocabulary:
    """Known spellings of each word, and for each word the vocabulary does not know: similar
    words and the head of a compound. Exact tokens are neither corrected nor split.

    Three queries at most, however many words were typed.
    """
    synonyms = synonyms_for(parsed.terms) if parsed.terms else {}
    searched = [w for w in parsed.words if not is_exact(w)]
    if not searched:
        return Vocabulary(synonyms=synonyms)
    folded = {w: fold(w) for w in searched}
    spellings: dict[str, list[SearchTerm]] = {}
    for term in SearchTerm.objects.filter(folded__in=set(folded.values())):
        spellings.setdefault(term.folded, []).append(term)
    # A word of the office's thesaurus is no typo, even if no course uses it ("forklift").
    unknown = [w for w, f in folded.items() if f not in spellings and w not in synonyms]
    fixes = []
    if unknown:
        if connection.vendor == "postgresql":
            candidates = _similar_terms_postgres([folded[w] for w in unknown])
        else:
            candidates = _similar_terms_python([folded[w] for w in unknown])
        # A stop word ("für" in a title) is no alternative: it would match nearly everything.
        fixes = [
            Correction(
                word=w,
                alternatives=tuple(
                    t for t in candidates.get(folded[w], []) if t.folded not in _STOP_WORDS
                ),
            )
            for w in unknown
        ]
    return Vocabulary({f: tuple(terms) for f, terms in spellings.items()}, fixes, synonyms)


def corrections(parsed: ParsedQuery) -> list[Correction]:
    """For each word the vocabulary does not know: similar words, and the head of a compound."""
    return vocabulary_lookup(parsed).fixes


def _similar_terms_postgres(folded_words: list[str]) -> dict[str, list[SearchTerm]]:
    """One query: per word, the three most similar terms and the longest compound head."""
    sql = """
        SELECT q.w, t.id
        FROM unnest(%s::text[]) AS q(w)
        CROSS JOIN LATERAL (
            (SELECT s.id FROM offerings_searchterm s
             WHERE s.folded %% q.w AND similarity(s.folded, q.w) >= %s
             ORDER BY similarity(s.folded, q.w) DESC, s.frequency DESC LIMIT 3)
            UNION
            (SELECT s.id FROM offerings_searchterm s
             WHERE length(s.folded) >= %s AND length(s.folded) < length(q.w)
               AND q.w LIKE s.folded || '%%'
             ORDER BY length(s.folded) DESC, s.frequency DESC LIMIT 1)
        ) AS t
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [folded_words, SIMILARITY_THRESHOLD, MIN_COMPOUND_HEAD])
        rows = cursor.fetchall()
    terms = SearchTerm.objects.in_bulk({term_id for _, term_id in rows})
    found: dict[str, list[SearchTerm]] = {}
    for word, term_id in rows:
        found.setdefault(word, []).append(terms[term_id])
    for word in found:
        found[word].sort(key=lambda t: (-_similarity(word, t.folded), -t.frequency))
    return found


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _similarity(a: str, b: str) -> float:
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _similar_terms_python(folded_words: list[str]) -> dict[str, list[SearchTerm]]:
    """SQLite has no trigram index: compare in Python against terms of similar length."""
    found: dict[str, list[SearchTerm]] = {}
    for word in folded_words:
        pool = SearchTerm.objects.filter(
            Q(folded__startswith=word[:2]) | Q(folded__endswith=word[-3:])
        )[:2000]
        scored = sorted(
            ((_similarity(word, t.folded), t) for t in pool), key=lambda p: (-p[0], -p[1].frequency)
        )
        similar = [t for score, t in scored if score >= SIMILARITY_THRESHOLD][:3]
        heads = [
            t
            for t in pool
            if MIN_COMPOUND_HEAD <= len(t.folded) < len(word) and word.startswith(t.folded)
        ]
        if heads:
            similar.append(max(heads, key=lambda t: len(t.folded)))
        if similar:
            found[word] = similar
    return found


def spelling_suggestion(parsed: ParsedQuery, fixes: list[Correction]) -> str:
    """The query with each unknown word replaced by its best-known neighbour, or ''."""
    replacements = {c.word: c.alternatives[0].word for c in fixes if c.alternatives}
    if not replacements:
        return ""
    return " ".join(replacements.get(w, w) for w in parsed.words)


# --- matching -----------------------------------------------------------------------------


def _pg_word(word: str, vocabulary: Vocabulary, *, synonyms: bool = True) -> SearchQuery:
    """One word on PostgreSQL: its folded form, the form typed, the catalogue's spellings of
    it, for an unknown word its corrections and (synonyms=True) its synonyms."""
    folded = fold(word)
    query = SearchQuery(folded, config="german", search_type="plain")
    if folded != word:
        query |= SearchQuery(word, config="german", search_type="plain")
    for term in vocabulary.spellings.get(folded, ()):
        query |= SearchQuery(term.lexeme, config="simple", search_type="plain")
    for term in vocabulary.alternatives(word):
        query |= SearchQuery(term.folded, config="german", search_type="plain")
        query |= SearchQuery(term.lexeme, config="simple", search_type="plain")
    if synonyms:
        for synonym in vocabulary.synonyms.get(word, ()):
            query |= _pg_synonym(synonym)
    return query


def _pg_synonym(term: str) -> SearchQuery:
    """A term of the thesaurus: a word, or a phrase whose words must stand in this order."""
    if len(_WORD.findall(term)) > 1:
        return _pg_phrase(term)
    query = SearchQuery(fold(term), config="german", search_type="plain")
    if fold(term) != term.lower():
        query |= SearchQuery(term, config="german", search_type="plain")
    return query


def _pg_phrase(phrase: str, vocabulary: Vocabulary | None = None) -> SearchQuery:
    query = SearchQuery(fold(phrase), config="german", search_type="phrase")
    if fold(phrase) != phrase.lower():
        query |= SearchQuery(phrase, config="german", search_type="phrase")
    for synonym in vocabulary.synonyms.get(phrase, ()) if vocabulary else ():
        query |= _pg_synonym(synonym)
    return query


def _pg_terms(
    parsed: ParsedQuery, vocabulary: Vocabulary, *, synonyms: bool = True
) -> list[SearchQuery]:
    return [_pg_word(w, vocabulary, synonyms=synonyms) for w in parsed.words] + [
        _pg_phrase(p, vocabulary if synonyms else None) for p in parsed.phrases
    ]


@dataclass(frozen=True)
class _Needle:
    """What an offer's folded text must contain for a term, on SQLite."""

    text: str
    token: bool  # as a whole token, not inside another word
    weight: float = 1.0  # of a match through it in the rank: SYNONYM_WEIGHT for a synonym

    def q(self) -> Q:
        if self.token:
            return Q(search_text__regex=_token_pattern(self.text))
        return Q(search_text__contains=self.text)

    def found_in(self, folded: str) -> bool:
        if self.token:
            return re.search(_token_pattern(self.text), folded) is not None
        return self.text in folded


def _token_pattern(text: str) -> str:
    return rf"(?<![^\W_]){re.escape(text)}(?![^\W_])"


def _sqlite_terms(parsed: ParsedQuery, vocabulary: Vocabulary) -> list[list[_Needle]]:
    terms = []
    for word in parsed.words:
        needles = [_Needle(fold(word), token=is_exact(word))]
        needles += [_Needle(t.folded, token=False) for t in vocabulary.alternatives(word)]
        terms.append(needles + _sqlite_synonyms(word, vocabulary))
    terms += [
        [_Needle(fold(p), token=False), *_sqlite_synonyms(p, vocabulary)] for p in parsed.phrases
    ]
    return terms


def _sqlite_synonyms(term: str, vocabulary: Vocabulary) -> list[_Needle]:
    return [
        _Needle(fold(s), token=is_exact(s), weight=SYNONYM_WEIGHT)
        for s in vocabulary.synonyms.get(term, ())
    ]


def _synonyms_of(parsed: ParsedQuery, vocabulary: Vocabulary) -> list[str]:
    """The synonyms of all terms, each once."""
    found = (s for term in parsed.terms for s in vocabulary.synonyms.get(term, ()))
    return list(dict.fromkeys(found))


def _either(conditions: Sequence[Q]) -> Q:
    return reduce(or_, conditions)


def search_offers(
    queryset: QuerySet[Offer],
    parsed: ParsedQuery,
    *,
    partial: bool = False,
    vocabulary: Vocabulary | None = None,
) -> tuple[QuerySet[Offer], list[Correction]]:
    """Filter `queryset` to offers containing every term of `parsed` (partial=True: at least
    half of them), annotated with `matched`, a bit per term it contains (in `parsed.terms`
    order), and on PostgreSQL with `rank`."""
    if parsed.is_empty:
        return queryset, []
    vocabulary = vocabulary if vocabulary is not None else vocabulary_lookup(parsed)
    if connection.vendor == "postgresql":
        terms = _pg_terms(parsed, vocabulary)
        conditions = [Q(search_vector=term) for term in terms]
        query = reduce(or_ if partial else and_, terms)
        queryset = queryset.filter(search_vector=query)
        for word in parsed.excluded:
            queryset = queryset.exclude(search_vector=_pg_word(word, Vocabulary()))
        rank = SearchRank(F("search_vector"), query)
        if vocabulary.synonyms:
            # The words as typed rank in full, each synonym on its own at SYNONYM_WEIGHT
            # (one ts_rank over them all would divide by their number).
            exact = reduce(or_ if partial else and_, _pg_terms(parsed, vocabulary, synonyms=False))
            rank = SearchRank(F("search_vector"), exact)
            for synonym in _synonyms_of(parsed, vocabulary):
                rank += SYNONYM_WEIGHT * SearchRank(F("search_vector"), _pg_synonym(synonym))
        if len(parsed.words) > 1:
            phrase = Q(search_vector=_pg_phrase(parsed.sequence))
            rank += Case(When(phrase, then=Value(PHRASE_BONUS)), default=Value(0.0))
        queryset = queryset.annotate(rank=rank)
    else:
        conditions = [
            _either([n.q() for n in needles]) for needles in _sqlite_terms(parsed, vocabulary)
        ]
        queryset = queryset.filter(_either(conditions) if partial else reduce(and_, conditions))
        for word in parsed.excluded:
            queryset = queryset.exclude(_Needle(fold(word), token=is_exact(word)).q())
    if not partial:  # every offer contains every term
        every = (1 << len(conditions)) - 1
        return queryset.annotate(matched=Value(every, IntegerField())), vocabulary.fixes
    bits = [Case(When(c, then=Value(1 << i)), default=Value(0)) for i, c in enumerate(conditions)]
    queryset = queryset.annotate(matched=sum(bits[1:], start=bits[0]))
    specific = [c for c, generic in zip(conditions, parsed.generic, strict=True) if not generic]
    if specific and len(specific) < len(conditions):
        queryset = queryset.filter(_either(specific))
    if _needed(len(conditions)) > 1:
        hits = [Case(When(c, then=Value(1)), default=Value(0)) for c in conditions]
        queryset = queryset.alias(hits=sum(hits[1:], start=hits[0])).filter(
            hits__gte=_needed(len(conditions))
        )
    return queryset, vocabulary.fixes


def _needed(terms: int) -> int:
    """How many terms a partial match must contain: at least half of them."""
    return max(1, math.ceil(terms / 2))


@dataclass(frozen=True)
class TextMatches:
    """The offers a text finds: ids, rank (higher first) and a bit per term each contains."""

    ids: list[int]
    ranks: list[float]
    matched: list[int]
    terms: tuple[str, ...]
    partial: bool  # fewer than PARTIAL_THRESHOLD offers contain every term
    fixes: list[Correction]
    # Per offer: a bit per term it contains as typed (or in a spelling or correction of it);
    # a term in `matched` but not here was found through a synonym only. None: no synonyms.
    exact: list[int] | None = None


def offer_text_matches(
    parsed: ParsedQuery,
    *,
    queryset: QuerySet[Offer],
    shown: Callable[[list[int]], int] = len,
    partial: bool = True,
) -> TextMatches:
    """The offers of `queryset` that match `parsed`, ranked.

    `shown(ids)` says how many of the offers `ids` a visitor would see (the catalogue index
    knows which have open dates). When fewer than PARTIAL_THRESHOLD contain every term and
    `partial` allows it, offers with at least half of the terms are added (see the module's
    docstring).
    """
    vocabulary = vocabulary_lookup(parsed)
    rows, exact = _rows(queryset, parsed, vocabulary, partial=False)
    partial = (
        partial
        and len(parsed.terms) > 1
        and shown([pk for pk, _rank, _matched in rows]) < PARTIAL_THRESHOLD
    )
    if partial:
        rows, exact = _rows(queryset, parsed, vocabulary, partial=True)
        ranks = _partial_ranks(rows, parsed.generic)
    else:
        ranks = [rank for _pk, rank, _matched in rows]
    return TextMatches(
        ids=[pk for pk, _rank, _matched in rows],
        ranks=ranks,
        matched=[matched for _pk, _rank, matched in rows],
        terms=parsed.terms,
        partial=partial,
        fixes=vocabulary.fixes,
        exact=exact,
    )


def _exact_bits(parsed: ParsedQuery, vocabulary: Vocabulary):
    """An expression: a bit per term the offer contains without the help of a synonym."""
    if connection.vendor == "postgresql":
        conditions = [Q(search_vector=t) for t in _pg_terms(parsed, vocabulary, synonyms=False)]
    else:
        conditions = [
            _either([n.q() for n in needles if n.weight == 1.0])
            for needles in _sqlite_terms(parsed, vocabulary)
        ]
    bits = [Case(When(c, then=Value(1 << i)), default=Value(0)) for i, c in enumerate(conditions)]
    return sum(bits[1:], start=bits[0])


def _rows(
    queryset: QuerySet[Offer], parsed: ParsedQuery, vocabulary: Vocabulary, *, partial: bool
) -> tuple[list[tuple[int, float, int]], list[int] | None]:
    """(id, rank, matched) of each offer that matches, and with synonyms in the search, per
    offer the terms it contains without their help (TextMatches.exact)."""
    queryset, _fixes = search_offers(queryset, parsed, partial=partial, vocabulary=vocabulary)
    synonyms = bool(vocabulary.synonyms)
    queryset = queryset.order_by().annotate(
        exact=_exact_bits(parsed, vocabulary) if synonyms else Value(0)
    )
    if connection.vendor == "postgresql":
        found = list(queryset.values_list("pk", "rank", "matched", "exact"))
    else:
        needles = _sqlite_terms(parsed, vocabulary)
        phrase = fold(parsed.sequence) if len(parsed.words) > 1 else ""
        found = [
            (pk, _python_rank(needles, phrase, title, keywords, text), matched, exact)
            for pk, title, keywords, text, matched, exact in queryset.values_list(
                "pk", "title", "keywords", "search_text", "matched", "exact"
            )
        ]
    rows = [(pk, rank, matched) for pk, rank, matched, _exact in found]
    return rows, [exact for *_row, exact in found] if synonyms else None


def _python_rank(needles, phrase: str, title: str, keywords: str, text: str) -> float:
    """SQLite's stand-in for ts_rank: per term, where it occurs first (the weights of the
    PostgreSQL tsvector: title 1, keywords 0.4, elsewhere 0.1), and the phrase bonus. As on
    PostgreSQL, the term as typed (or its correction) counts once, each synonym found adds
    SYNONYM_WEIGHT of its own score."""
    title, keywords = fold(title), fold(keywords)

    def score(needle: _Needle) -> float:
        if needle.found_in(title):
            return 1.0
        if needle.found_in(keywords):
            return 0.4
        return 0.1 if needle.found_in(text) else 0.0

    rank = 0.0
    for term in needles:
        rank += max((score(n) for n in term if n.weight == 1.0), default=0.0)
        rank += sum(n.weight * score(n) for n in term if n.weight != 1.0)
    if phrase and phrase in text:
        rank += PHRASE_BONUS
    return rank


def _partial_ranks(rows: list[tuple], generic: tuple[bool, ...]) -> list[float]:
    """Ranks that order partial matches by how many of the specific terms (not generic words)
    they contain, then how rare those
    terms are among the matches (inverse document frequency; generic words weigh nothing),
    then the full-text rank."""
    terms = len(generic)
    found_in = Counter(i for _pk, _rank, matched in rows for i in range(terms) if matched >> i & 1)
    weight = {i: 0.0 if generic[i] else math.log(1 + len(rows) / found_in[i]) for i in found_in}
    specific = sum(1 << i for i in range(terms) if not generic[i])
    keys = [
        (
            (matched & specific).bit_count(),  # generic words add nothing (see the docstring)
            round(sum(weight[i] for i in range(terms) if matched >> i & 1), 6),
            rank,
        )
        for _pk, rank, matched in rows
    ]
    # Dense ranks: equal keys rank equal, so the index's tie-break (the title) decides.
    order = {key: position for position, key in enumerate(sorted(set(keys)), start=1)}
    return [float(order[key]) for key in keys]


# --- keeping the search data current ------------------------------------------------------

_VECTOR_SQL = """
    UPDATE offerings_offer AS o SET search_vector =
        setweight(to_tsvector('german', d.a), 'A') || setweight(to_tsvector('german', d.b), 'B')
        || setweight(to_tsvector('german', d.c), 'C') || setweight(to_tsvector('german', d.d), 'D')
    FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS d(id, a, b, c, d)
    WHERE o.id = d.id
"""


def _fields(offer: Offer) -> tuple[str, str, str, str]:
    """The offer's text by weight: title; keywords and topics; summary; description, the
    explanation in Leichte Sprache and provider.

    The explanation in Leichte Sprache weighs as the description: it says the same in plain
    words, and a course whose only plain word for its subject stands there ("Rechnen" beside
    "Mathematik") must be found by it.
    """
    topics = " ".join(t.name for t in offer.topics.all())
    return (
        offer.title,
        f"{offer.keywords.replace(',', ' ')} {topics}",
        offer.summary,
        f"{offer.description} {offer.easy_language_summary} {offer.institution.name}",
    )


def _indexed(text: str) -> str:
    """What the tsvector is built from: the folded text, then the original form of each word
    that folding changed (see the module's docstring)."""
    changed = dict.fromkeys(w for w in _WORD.findall(text) if fold(w) != w.lower())
    return f"{fold(text)}\n{' '.join(changed)}" if changed else fold(text)


def _vocabulary_words(offer: Offer) -> list[str]:
    topics = " ".join(t.name for t in offer.topics.all())
    return words(f"{offer.title} {offer.keywords} {topics}")


@transaction.atomic
def offer_search_refresh(offers) -> None:
    """Rebuild the search data of `offers` (a queryset or iterable of offers).

    Called by every service that writes offers, and after bulk loads. The vocabulary only
    grows here; `search_terms_rebuild` prunes it.
    """
    ids = (
        [o.pk for o in offers]
        if not isinstance(offers, QuerySet)
        else list(offers.values_list("pk", flat=True))
    )
    counter: Counter[str] = Counter()
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        batch = list(
            Offer.objects.filter(pk__in=chunk)
            .select_related("institution")
            .prefetch_related("topics")
        )
        vectors: list[list] = [[], [], [], [], []]
        for offer in batch:
            fields = _fields(offer)
            offer.search_text = fold(" ".join(fields))
            counter.update(_vocabulary_words(offer))
            vectors[0].append(offer.pk)
            for column, text in zip(vectors[1:], fields, strict=True):
                column.append(_indexed(text))
        Offer.objects.bulk_update(batch, ["search_text"], batch_size=1000)
        if connection.vendor == "postgresql" and batch:
            with connection.cursor() as cursor:
                cursor.execute(_VECTOR_SQL, vectors)
    _terms_add(counter)
    # Bulk writes send no signals (offerings.signals): tell the catalogue index here.
    catalogue_index_invalidate()


def _lexemes(words_: list[str]) -> dict[str, str]:
    if connection.vendor != "postgresql":
        return {w: fold(w) for w in words_}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, coalesce((SELECT min(lexeme) FROM unnest(to_tsvector('german', w))), w) "
            "FROM unnest(%s::text[]) AS q(w)",
            [words_],
        )
        return dict(cursor.fetchall())


def _terms_add(counter: Counter[str]) -> None:
    if not counter:
        return
    existing = SearchTerm.objects.in_bulk(list(counter), field_name="word")
    new_words = [w for w in counter if w not in existing and len(w) <= 80]
    lexemes = _lexemes(new_words)
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(word=w, folded=fold(w)[:100], lexeme=lexemes[w][:100], frequency=counter[w])
            for w in new_words
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


@transaction.atomic
def search_terms_rebuild() -> None:
    """Build the vocabulary afresh from all offers, dropping words no offer uses any more."""
    SearchTerm.objects.all().delete()
    counter: Counter[str] = Counter()
    for offer in Offer.objects.prefetch_related("topics").iterator(chunk_size=2000):
        counter.update(_vocabulary_words(offer))
    _terms_add(counter)
