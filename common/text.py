"""Text folding: one spelling for German words however they were typed."""

import unicodedata

_FOLD = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})


def fold(text: str) -> str:
    """Lower-case, ß→ss, umlauts→ae/oe/ue, other accents dropped: one spelling for all."""
    text = text.lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
