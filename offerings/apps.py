from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfferingsConfig(AppConfig):
    """The course catalogue: offers, their dates and venues (built in a later issue)."""

    name = "offerings"
    verbose_name = _("Kursangebote")
