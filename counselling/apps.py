from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    """Counselling services and requests, the funding check, company needs and joint measures."""

    name = "counselling"
    verbose_name = _("Beratung")

    def ready(self) -> None:
        from counselling.joint import receivers  # noqa: F401  (hears published courses)
