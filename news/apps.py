from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """News posts and the newsletter."""

    name = "news"
    verbose_name = _("Aktuelles")

    def ready(self) -> None:
        from news import signals  # noqa: F401  (connects the shared pages' version)
