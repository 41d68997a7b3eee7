"""Full-text search over minutes.

On PostgreSQL: the German text-search configuration over a weighted tsvector per minutes
(meeting title A; decisions B; text C), websearch syntax, ranked, with a highlighted
snippet. On SQLite (the zero-setup run): every word must occur in a folded copy of the
text (ß→ss, ä→ae), without ranking.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from workgroups.models import Minutes

MAX_QUERY_LENGTH = 200
_FOLD = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Control characters mark the hits in PostgreSQL's headline; no text can contain them.
_START, _STOP = "\x02", "\x03"


def fold(text: str) -> str:
    text = text.lower().translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def clean_query(text: str) -> str:
    return "".join(c for c in text if c.isprintable())[:MAX_QUERY_LENGTH].strip()


_VECTOR_SQL = """
    UPDATE workgroups_minutes AS m SET search_vector =
        setweight(to_tsvector('german', mt.title), 'A')
        || setweight(to_tsvector('german', coalesce((
            SELECT string_agg(d.text, ' ') FROM workgroups_decision d
            WHERE d.minutes_id = m.id), '')), 'B')
        || setweight(to_tsvector('german', m.text), 'C')
    FROM workgroups_meeting AS mt
    WHERE mt.id = m.meeting_id AND m.id = %s
"""


def minutes_search_refresh(minutes: Minutes) -> None:
    """Rebuild the search data of `minutes`; every service that writes minutes calls it."""
    decisions = " ".join(d.text for d in minutes.decisions.all())
    minutes.search_text = fold(f"{minutes.meeting.title} {decisions} {minutes.text}")
    Minutes.objects.filter(pk=minutes.pk).update(search_text=minutes.search_text)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_VECTOR_SQL, [minutes.pk])


def minutes_matching(queryset: QuerySet[Minutes], text: str) -> QuerySet[Minutes]:
    """`queryset` narrowed to minutes matching `text`, best first; each with a `snippet`
    annotation (PostgreSQL) to be passed through `snippet_html`."""
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="german", search_type="websearch")
        return (
            queryset.filter(search_vector=query)
            .annotate(
                rank=SearchRank(F("search_vector"), query),
                snippet=SearchHeadline(
                    "text",
                    query,
                    config="german",
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=30,
                    min_words=10,
                    max_fragments=2,
                ),
            )
            .order_by("-rank", "-meeting__starts_at")
        )
    words = [fold(w) for w in _WORD.findall(text) if len(w) >= 2]
    if not words:
        return queryset.none()
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition).annotate(snippet=Value("")).order_by("-meeting__starts_at")


def snippet_html(snippet: str) -> SafeString:
    """The headline with everything escaped and only the hits marked."""
    html = escape(snippet or "").replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # escaped above; only our own <mark> tags added
