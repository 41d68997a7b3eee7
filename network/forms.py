"""Forms of the network app."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.utils.translation import gettext_lazy as _

from common.forms import HoneypotField
from network.models import AccessibilityFeedback, Institution
from network.validators import logo_clean


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


def _logo_field(widget) -> forms.FileField:
    """A plain file field: Django's image field would put the type it detects in place of
    the one the browser declared, and logo_clean compares the two."""
    return forms.FileField(
        label=_("Logo"),
        required=False,
        widget=widget,
        help_text=_("PNG, JPEG oder WebP, höchstens 2 MB."),
    )


class InstitutionProfileForm(forms.ModelForm):
    logo = _logo_field(
        forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})
    )

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

    def clean_logo(self):
        return logo_clean(self.cleaned_data.get("logo"), slug=self.instance.slug)

    def clean_supplier_id(self) -> str:
        return " ".join(self.cleaned_data["supplier_id"].split())

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not (len(postcode) == 5 and postcode.isdigit()):
            raise forms.ValidationError(_("Eine Postleitzahl hat fünf Ziffern."))
        return postcode


class InstitutionAdminForm(forms.ModelForm):
    """The admin's form of an institution: a new logo is judged and re-encoded as in the
    profile form."""

    # Named for screen readers: the admin's fieldset legend labels no input (common.admin).
    logo = _logo_field(AdminFileWidget(attrs={"aria-label": _("Logo")}))

    class Meta:
        model = Institution
        fields = ["logo"]  # the admin's fieldsets add the others

    def clean_logo(self):
        slug = self.cleaned_data.get("slug") or self.instance.slug
        return logo_clean(self.cleaned_data.get("logo"), slug=slug)
