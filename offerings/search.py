"""Full-text search of the catalogue.

On PostgreSQL: the German text-search configuration over a weighted tsvector per offer
(title A; keywords and topics B; summary C; description and provider D), ranked, with
websearch syntax ("quotes", -minus). Words the catalogue does not know are corrected against
a vocabulary of words that occur in it (trigram similarity on a folded form, so "Schweisen"
finds "Schweißen" and "Exel" finds "Excel"), and compounds are split at a known word
("Schweißkurs" finds "Schweißen").

On SQLite (the zero-setup run) the search is simpler: every word must occur in the folded
text of the offer, with the same compound and typo help from the vocabulary but no ranking.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from common.text import fold
from offerings.index import catalogue_index_invalidate
from offerings.models import Offer, SearchTerm

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MIN_WORD = 3
MIN_COMPOUND_HEAD = 5
SIMILARITY_THRESHOLD = 0.3
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if len(w) >= MIN_WORD and not w.isdigit()]


@dataclass(frozen=True)
class ParsedQuery:
    """What a visitor typed, split the way websearch syntax reads it."""

    text: str
    words: tuple[str, ...]  # plain words that must occur
    phrases: tuple[str, ...]  # "quoted phrases"
    excluded: tuple[str, ...]  # -words

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases)


def parse(text: str) -> ParsedQuery:
    """Clean the raw text: no control characters, bounded length, at most a few words."""
    text = "".join(c for c in text if c.isprintable())[:MAX_QUERY_LENGTH].strip()
    phrases = tuple(p.strip() for p in re.findall(r'"([^"]+)"', text) if p.strip())
    rest = re.sub(r'"[^"]*"?', " ", text)
    plain, excluded = [], []
    for token in rest.split():
        target = excluded if token.startswith("-") else plain
        target.extend(words(token))
    return ParsedQuery(
        text=text,
        words=tuple(dict.fromkeys(plain))[:MAX_WORDS],
        phrases=phrases[:3],
        excluded=tuple(dict.fromkeys(excluded))[:MAX_WORDS],
    )


@dataclass(frozen=True)
class Correction:
    word: str
    alternatives: tuple[SearchTerm, ...]


def _known_folded(folded_words: list[str]) -> set[str]:
    return set(SearchTerm.objects.filter(folded__in=folded_words).values_list("folded", flat=True))


def corrections(parsed: ParsedQuery) -> list[Correction]:
    """For each word the vocabulary does not know: similar words, and the head of a compound.

    Two queries at most, however many words were typed.
    """
    folded = {w: fold(w) for w in parsed.words}
    known = _known_folded(list(folded.values()))
    unknown = [w for w, f in folded.items() if f not in known]
    if not unknown:
        return []
    result = []
    if connection.vendor == "postgresql":
        candidates = _similar_terms_postgres([folded[w] for w in unknown])
    else:
        candidates = _similar_terms_python([folded[w] for w in unknown])
    for word in unknown:
        alternatives = candidates.get(folded[word], [])
        result.append(Correction(word=word, alternatives=tuple(alternatives)))
    return result


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


def search_offers(
    queryset: QuerySet[Offer], parsed: ParsedQuery
) -> tuple[QuerySet[Offer], list[Correction]]:
    """Filter `queryset` to offers matching `parsed`; annotate `rank` on PostgreSQL."""
    if parsed.is_empty:
        return queryset, []
    fixes = corrections(parsed)
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, parsed, fixes), fixes
    return _search_sqlite(queryset, parsed, fixes), fixes


def _search_postgres(queryset, parsed: ParsedQuery, fixes: list[Correction]):
    fixed = {c.word: c for c in fixes}
    query = None
    for word in parsed.words:
        term = SearchQuery(word, config="german", search_type="plain")
        for alternative in fixed.get(word, Correction(word, ())).alternatives:
            term |= SearchQuery(alternative.lexeme, config="simple", search_type="plain")
        query = term if query is None else query & term
    for phrase in parsed.phrases:
        term = SearchQuery(phrase, config="german", search_type="phrase")
        query = term if query is None else query & term
    for word in parsed.excluded:
        query &= ~SearchQuery(word, config="german", search_type="plain")
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


def _search_sqlite(queryset, parsed: ParsedQuery, fixes: list[Correction]):
    fixed = {c.word: c for c in fixes}
    for word in parsed.words:
        condition = Q(search_text__contains=fold(word))
        for alternative in fixed.get(word, Correction(word, ())).alternatives:
            condition |= Q(search_text__contains=alternative.folded)
        queryset = queryset.filter(condition)
    for phrase in parsed.phrases:
        queryset = queryset.filter(search_text__contains=fold(phrase))
    for word in parsed.excluded:
        queryset = queryset.exclude(search_text__contains=fold(word))
    return queryset


# --- keeping the index current -----------------------------------------------------------

_VECTOR_SQL = """
    UPDATE offerings_offer AS o SET search_vector =
        setweight(to_tsvector('german', o.title), 'A')
        || setweight(to_tsvector('german', replace(o.keywords, ',', ' ')), 'B')
        || setweight(to_tsvector('german', coalesce((
            SELECT string_agg(t.name, ' ') FROM offerings_topic t
            JOIN offerings_offer_topics ot ON ot.topic_id = t.id
            WHERE ot.offer_id = o.id), '')), 'B')
        || setweight(to_tsvector('german', o.summary), 'C')
        || setweight(to_tsvector('german', o.description), 'D')
        || setweight(to_tsvector('german', i.name), 'D')
    FROM network_institution AS i
    WHERE i.id = o.institution_id AND o.id = ANY(%s)
"""


def _document(offer: Offer) -> str:
    topics = " ".join(t.name for t in offer.topics.all())
    parts = [
        offer.title,
        offer.keywords,
        topics,
        offer.summary,
        offer.description,
        offer.institution.name,
    ]
    return fold(" ".join(parts))


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
        for offer in batch:
            offer.search_text = _document(offer)
            counter.update(_vocabulary_words(offer))
        Offer.objects.bulk_update(batch, ["search_text"], batch_size=1000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_VECTOR_SQL, [chunk])
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
