"""The language a person uses the portal in, kept with what they ask for (a subscription,
a request, a registration) so that every later mail about it speaks that language."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def active_language() -> str:
    """The active language as one of settings.LANGUAGES (German outside a request)."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def mail_language_field() -> models.CharField:
    """The field that keeps `active_language()` with a subscription, request or
    registration; its mails are rendered in it (outbox.services.message_render)."""
    return models.CharField(
        _("Sprache der E-Mails"),
        max_length=8,
        default=settings.LANGUAGE_CODE,
        editable=False,
        help_text=_("Die Sprache, in der die Person das Portal benutzt hat."),
    )
