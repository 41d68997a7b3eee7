"""The one form renderer, and form fields shared by every app."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class HoneypotField(forms.CharField):
    """A field people never see (hidden by CSS): bots that fill every field reveal themselves."""

    honeypot = True

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Bitte lassen Sie dieses Feld leer."))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        if value:
            raise forms.ValidationError(
                _("Ihre Nachricht sieht automatisch erstellt aus und wurde nicht gesendet."),
                code="honeypot",
            )
        return ""
