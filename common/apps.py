from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """Installed for its template tags (`{% load portal %}`); it has no models."""

    name = "common"
    verbose_name = "Common"

    def ready(self):
        # Django 6.1 puts "- Select an option -" at the top of every menu whose value may be
        # left empty, untranslated; the hook for changing it is this module constant.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("– bitte wählen –")
