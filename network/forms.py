"""Forms of the network app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import HoneypotField
from network.models import AccessibilityFeedback, Institution


class AccessibilityFeedbackForm(forms.ModelForm):
    website = HoneypotField()

    class Meta:
        model = AccessibilityFeedback
        fields = ["page_url", "message", "email"]
        labels = {
            "page_url": _("Auf welcher Seite ist die Barriere?"),
            "message": _("Was hat nicht funktioniert?"),
            "email": _("E-Mail-Adresse für unsere Antwort"),
        }
        help_texts = {
            "page_url": _("Zum Beispiel die Adresse der Seite oder ihr Titel."),
            "email": _("Wir verwenden sie nur, um Ihnen zu antworten."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(
                _("Bitte beschreiben Sie die Barriere in ein paar Worten (mindestens 10 Zeichen).")
            )
        return message


class InstitutionProfileForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = [
            "description",
            "street",
            "postcode",
            "city",
            "website",
            "email",
            "phone",
            "contact_person",
            "logo",
            "logo_alt",
            "supplier_id",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean_supplier_id(self) -> str:
        return " ".join(self.cleaned_data["supplier_id"].split())

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not (len(postcode) == 5 and postcode.isdigit()):
            raise forms.ValidationError(_("Eine Postleitzahl hat fünf Ziffern."))
        return postcode
