from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfferingsConfig(AppConfig):
    """The course catalogue: offers, their dates and venues."""

    name = "offerings"
    verbose_name = _("Kursangebote")

    def ready(self) -> None:
        from offerings import signals  # noqa: F401  (connects the index's invalidation)
