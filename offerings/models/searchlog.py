"""What visitors search for: the vocabulary of typo help and the daily search log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchTerm(models.Model):
    """A word that occurs in the catalogue's titles, keywords and topics.

    The vocabulary lets the search correct typos ("Exel" → "Excel") and split compounds
    ("Schweißkurs" → "Schweiß…") against words that really occur, and offer a spelling
    suggestion when nothing is found.
    """

    word = models.CharField(max_length=80, unique=True)
    folded = models.CharField(max_length=100, db_index=True)
    lexeme = models.CharField(max_length=100)
    frequency = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("Suchbegriff")
        verbose_name_plural = _("Suchbegriffe")

    def __str__(self) -> str:
        return self.word


class SearchDay(models.Model):
    """How often one search text was asked on one day, and how often it found nothing.

    The catalogue counts its searches in the shared cache and a beat task adds the counts
    here, so a search writes no row of its own. Nothing about the visitor is kept: no
    address, no account, no time of day. `text` is the normalised free text, empty for a
    search by filters alone.
    """

    day = models.DateField()
    text = models.CharField(max_length=100, blank=True)
    searches = models.PositiveIntegerField(default=0)
    without_result = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Suchtag")
        verbose_name_plural = _("Suchtage")
        constraints = [
            models.UniqueConstraint(fields=["day", "text"], name="search_day_unique_text"),
        ]
        indexes = [models.Index(fields=["day"], name="search_day_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.text or '–'} ({self.searches})"
