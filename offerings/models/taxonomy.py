"""The vocabularies the network office curates: target groups, topics, funding programmes
and forms of delivery."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Term(models.Model):
    """An entry of a taxonomy the network office edits in the admin."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    name_en = models.CharField(
        _("Name auf Englisch"),
        max_length=120,
        blank=True,
        help_text=_("Erscheint auf den englischen Seiten. Leer: Dort steht der deutsche Name."),
    )
    slug = models.SlugField(_("Kurzname"), max_length=60, unique=True)
    description = models.TextField(_("Erläuterung"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language: English pages show name_en, German the name."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def display_lang(self) -> str:
        """The language display_name is in, for a lang attribute where it differs from the
        page's (the German name standing in on an English page)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return "en"
        return "de"


class TargetGroup(Term):
    class Meta(Term.Meta):
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")


class Topic(Term):
    is_future_skill = models.BooleanField(
        _("Zukunftskompetenz"),
        default=False,
        help_text=_("Digitale Kompetenz, Problemlösen, Teamarbeit, Lernfähigkeit …"),
    )

    class Meta(Term.Meta):
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")


class FundingProgramme(Term):
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=120, blank=True)
    short_name = models.CharField(_("Kurzname"), max_length=40, blank=True)

    class Meta(Term.Meta):
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")


class CourseMode(models.TextChoices):
    """How schema.org and open-Q-cat describe the way a course is held."""

    ONSITE = "onsite", _("vor Ort")
    ONLINE = "online", _("online")
    BLENDED = "blended", _("gemischt")


# Courses one can join from anywhere: online live, self-paced and distance learning all have
# the mode "online". Blended courses have dates at a venue, so they stay bound to a place.
OPEN_FROM_ANYWHERE = (CourseMode.ONLINE,)


class DeliveryForm(Term):
    course_mode = models.CharField(
        _("Art für schema.org"), max_length=10, choices=CourseMode.choices
    )
    needs_venue = models.BooleanField(_("braucht einen Veranstaltungsort"), default=True)

    class Meta(Term.Meta):
        verbose_name = _("Lernform")
        verbose_name_plural = _("Lernformen")

    @property
    def is_open_from_anywhere(self) -> bool:
        """Whether a place filter keeps these courses (offerings.filters.place_q)."""
        return self.course_mode in OPEN_FROM_ANYWHERE
