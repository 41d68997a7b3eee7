"""The network office's thesaurus as the search uses it (offerings.models.SynonymGroup).

`synonyms_for(terms)` answers, for the terms of one search, which other terms each also
finds: every other term of its equivalence groups, and for the broader term of a one-way
group its narrower terms. Terms are compared in folded spelling (common.text.fold), so
"Flurfoerderzeug" finds the group of "Flurförderzeug". The expansion takes one step: a
synonym's own synonyms are not added (groups are kept apart by the admin's validation, see
SynonymGroup.clean).

The groups are read from the database once per text search; the catalogue keeps a text's
results per index (offerings.index), and every change to a group replaces the index
(offerings.signals), so an edit in the admin takes effect with the next search.
"""

from collections.abc import Iterable

from common.text import fold
from offerings.models import SynonymGroup, SynonymKind

# At most this many synonyms per typed term: a query stays small however large a group is.
MAX_EXPANSIONS = 12


def synonyms_for(terms: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Per typed term (a word or a phrase, as given) the other terms it also finds, in the
    groups' order, without the term itself; terms without synonyms are left out."""
    wanted = {fold(" ".join(t.split())): t for t in terms}
    if not wanted:
        return {}
    found: dict[str, dict[str, str]] = {term: {} for term in wanted.values()}
    groups = SynonymGroup.objects.filter(is_active=True).values_list("kind", "terms")
    for kind, text in groups:
        group = SynonymGroup(kind=kind, terms=text).term_list
        folded = [fold(t) for t in group]
        finders = folded[:1] if kind == SynonymKind.NARROWER else folded
        for key, term in wanted.items():
            if key in finders:
                for other, other_folded in zip(group, folded, strict=True):
                    if other_folded != key:
                        found[term].setdefault(other_folded, other)
    return {
        term: tuple(others.values())[:MAX_EXPANSIONS] for term, others in found.items() if others
    }
