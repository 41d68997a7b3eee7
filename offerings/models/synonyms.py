"""The network office's thesaurus: words that the catalogue search treats as one.

A job seeker types "Stapler", the course says "Gabelstapler" or "Flurförderzeug"; one types
"Deutschkurs", the course is a "Berufssprachkurs Deutsch". Each group lists terms (a word or
a short phrase) that the search also looks for when one of them is typed (offerings.synonyms
and offerings.search). Exact matches of the typed word still rank first.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text import fold

MAX_TERM_LENGTH = 60
MAX_TERMS = 20
_SEPARATORS = re.compile(r"[,;\n]")


class SynonymKind(models.TextChoices):
    EQUIVALENT = "equivalent", _("gleichwertig: jeder Begriff findet alle anderen")
    NARROWER = "narrower", _("Oberbegriff: der erste Begriff findet die anderen, nicht umgekehrt")


def split_terms(text: str) -> list[str]:
    """The terms of a group as written: separated by commas, semicolons or lines, with
    inner spaces collapsed, in order, each once (compared in folded spelling)."""
    seen: set[str] = set()
    terms = []
    for raw in _SEPARATORS.split(text or ""):
        term = " ".join(raw.split())
        if term and fold(term) not in seen:
            seen.add(fold(term))
            terms.append(term)
    return terms


class SynonymGroup(models.Model):
    """Terms a search treats as one, in both directions or from a broader term down."""

    terms = models.TextField(
        _("Begriffe"),
        help_text=_(
            "Wörter oder kurze Wendungen, durch Kommas oder Zeilen getrennt, z. B. "
            "„Stapler, Gabelstapler, Flurförderzeug“. Groß- und Kleinschreibung sowie "
            "ä/ae, ö/oe, ü/ue und ß/ss spielen keine Rolle."
        ),
    )
    kind = models.CharField(
        _("Art"),
        max_length=20,
        choices=SynonymKind.choices,
        default=SynonymKind.EQUIVALENT,
        help_text=_(
            "Gleichwertig: wer einen der Begriffe sucht, findet Kurse mit jedem anderen. "
            "Oberbegriff: nur der erste Begriff findet auch die übrigen "
            "(„Meister“ findet „Industriemeister“, aber nicht umgekehrt)."
        ),
    )
    note = models.CharField(
        _("Anmerkung"),
        max_length=200,
        blank=True,
        help_text=_("Nur für die Geschäftsstelle: warum es diese Gruppe gibt."),
    )
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Inaktive Gruppen bleiben gespeichert, wirken aber nicht auf die Suche."),
    )
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Synonymgruppe")
        verbose_name_plural = _("Synonyme der Suche")
        ordering = ["terms"]

    def __str__(self) -> str:
        terms = self.term_list
        head = ", ".join(terms[:4]) + (" …" if len(terms) > 4 else "")
        return f"{terms[0]} → {', '.join(terms[1:4])}" if self.is_narrower else head

    @property
    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    @property
    def is_narrower(self) -> bool:
        return self.kind == SynonymKind.NARROWER

    def clean(self) -> None:
        terms = self.term_list
        errors = []
        if len(terms) < 2:
            errors.append(_("Eine Gruppe braucht mindestens zwei verschiedene Begriffe."))
        if len(terms) > MAX_TERMS:
            errors.append(_("Höchstens %(max)d Begriffe je Gruppe.") % {"max": MAX_TERMS})
        for term in terms:
            if len(term) > MAX_TERM_LENGTH:
                errors.append(
                    _("„%(term)s“ ist zu lang (höchstens %(max)d Zeichen).")
                    % {"term": term[:30] + "…", "max": MAX_TERM_LENGTH}
                )
            elif not re.search(r"[^\W_]{2}", term):
                errors.append(
                    _("„%(term)s“ enthält kein suchbares Wort (mindestens zwei Buchstaben).")
                    % {"term": term}
                )
        errors.extend(self._clashes(terms))
        if errors:
            raise ValidationError({"terms": errors})
        self.terms = ", ".join(terms)

    def _clashes(self, terms: list[str]) -> list[str]:
        """A term in two equivalence groups would be ambiguous (searching it would find two
        groups that do not find each other): each term stands in one such group. One-way
        groups may share terms with any group; their expansions are added up."""
        if not self.is_active or self.is_narrower:
            return []
        mine = {fold(t): t for t in terms}
        others = SynonymGroup.objects.filter(is_active=True, kind=SynonymKind.EQUIVALENT)
        errors = []
        for other in others.exclude(pk=self.pk):
            for term in other.term_list:
                if fold(term) in mine:
                    errors.append(
                        _("„%(term)s“ steht schon in der Gruppe „%(group)s“.")
                        % {"term": mine[fold(term)], "group": other}
                    )
        return errors
