"""Germany's municipalities and postcodes (GeoNames, `manage.py load_places`) and the
providers' venues."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from network.models import District


class Municipality(models.Model):
    """A municipality of Germany, from a published gazetteer; those outside the two districts
    have the district "outside"."""

    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname"), max_length=140, unique=True)
    district = models.CharField(_("Landkreis"), max_length=20, choices=District.choices)
    county_name = models.CharField(_("Kreis"), max_length=120, blank=True)
    latitude = models.FloatField(_("Breitengrad"))
    longitude = models.FloatField(_("Längengrad"))

    class Meta:
        verbose_name = _("Gemeinde")
        verbose_name_plural = _("Gemeinden")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    code = models.CharField(_("Postleitzahl"), max_length=5, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="postcodes"
    )

    class Meta:
        verbose_name = _("Postleitzahl")
        verbose_name_plural = _("Postleitzahlen")
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="unique_postcode_place")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.municipality}"


class Venue(models.Model):
    """A place where dates take place; providers reuse their venues."""

    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.CASCADE,
        related_name="venues",
        verbose_name=_("Einrichtung"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=150)
    street = models.CharField(_("Straße und Hausnummer"), max_length=120, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=80)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("Gemeinde"),
    )
    district = models.CharField(
        _("Landkreis"), max_length=20, choices=District.choices, default=District.OUTSIDE
    )
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    wheelchair_accessible = models.BooleanField(_("rollstuhlgerecht"), default=False)
    accessibility_notes = models.CharField(
        _("Hinweise zur Barrierefreiheit"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("Veranstaltungsort")
        verbose_name_plural = _("Veranstaltungsorte")
        ordering = ["institution__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"
