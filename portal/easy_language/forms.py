"""The simple course search in Leichter Sprache (the short counselling request is
counselling.forms.EasyCounsellingForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

# The catalogue's limits (offerings.filters.CatalogueFilter: q and ort).
WHAT_MAX = 200
WHERE_MAX = 100


class EasyCourseSearchForm(forms.Form):
    """What and where; the catalogue's filters do the rest."""

    was = forms.CharField(
        label=_("Was möchten Sie lernen?"),
        help_text=_("Schreiben Sie 1 oder 2 Wörter. Zum Beispiel: Computer."),
        max_length=WHAT_MAX,
        required=False,
        error_messages={
            "max_length": _("Der Text ist zu lang. Schreiben Sie bitte nur 1 oder 2 Wörter.")
        },
    )
    wo = forms.CharField(
        label=_("Wo wohnen Sie?"),
        help_text=_("Schreiben Sie den Ort oder die Post-Leitzahl. Zum Beispiel: Aalen."),
        max_length=WHERE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"max_length": _("Der Text ist zu lang. Schreiben Sie bitte nur den Ort.")},
    )
    erklaert = forms.BooleanField(
        label=_("Zeige nur Kurse mit Erklärung in Leichter Sprache."),
        required=False,
    )
