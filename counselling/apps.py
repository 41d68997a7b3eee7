from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    """Counselling services, requests and the funding check (built in a later issue)."""

    name = "counselling"
    verbose_name = _("Beratung")
