"""Forms of course alerts: subscribe (address, consent, the search) and change frequency."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from common.forms import HoneypotField
from offerings.alerts.services import (
    CONSENT_TEXT,
    MAX_QUERY_LENGTH,
    InvalidSearch,
    alert_query_normalize,
)
from offerings.models import AlertFrequency


class CourseAlertSubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Sie bekommen zuerst eine E-Mail mit einem Bestätigungslink."),
    )
    frequency = forms.ChoiceField(
        label=_("Wie oft?"),
        choices=AlertFrequency.choices,
        initial=AlertFrequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)
    suche = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_QUERY_LENGTH)
    website = HoneypotField()

    def clean_suche(self) -> str:
        try:
            return alert_query_normalize(QueryDict(self.cleaned_data["suche"]))
        except InvalidSearch as error:
            raise forms.ValidationError(str(error)) from None
        except Exception:  # too many fields and other unreadable query strings
            raise forms.ValidationError(_("Diese Suche lässt sich nicht speichern.")) from None


class CourseAlertFrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Wie oft möchten Sie E-Mails bekommen?"),
        choices=AlertFrequency.choices,
        widget=forms.RadioSelect,
    )
