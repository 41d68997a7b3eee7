from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BeweqoConfig(AppConfig):
    name = "beweqo"
    verbose_name = "BeWeQO"
    default = True

    def ready(self) -> None:
        from beweqo import checks  # noqa: F401  (registers the deploy checks)


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "beweqo.admin.PortalAdminSite"
