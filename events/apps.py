from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """The events calendar and its registrations."""

    name = "events"
    verbose_name = _("Veranstaltungen")

    def ready(self) -> None:
        from events import signals  # noqa: F401  (connects the shared pages' version)
