"""Deploy checks for what Django's own `check --deploy` does not know about."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_shared_services(app_configs, **kwargs):
    warnings = []
    if "locmem" in settings.CACHES["default"]["BACKEND"].lower():
        warnings.append(
            Warning(
                "The cache is local to each process, so login rate limits are not shared.",
                hint="Set REDIS_URL.",
                id="beweqo.W001",
            )
        )
    if settings.MAILERS["default"]["BACKEND"].endswith("console.EmailBackend"):
        warnings.append(
            Warning(
                "Mail is printed to the console instead of being sent.",
                hint="Set SMTP_HOST (and SMTP_USER / SMTP_PASSWORD).",
                id="beweqo.W002",
            )
        )
    if settings.SITE_URL.startswith("http://"):
        warnings.append(
            Warning(
                "SITE_URL is not an https address; links in emails would be insecure.",
                hint="Set SITE_URL to the portal's public https address.",
                id="beweqo.W003",
            )
        )
    return warnings
