"""Forms of the institution's counselling services and of the office's decision: they parse
and validate; counselling.backoffice.services writes."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from counselling.forms import PHONE, SubmissionKeyMixin
from counselling.models import Channel, CounsellingService, Language, ServiceKind, Situation
from network.models import District

# Bidirectional overrides and isolates can make a name read differently from what it is.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
REASON_MAX = 1000


def _has_hidden_characters(value: str, *, multiline: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return bool(_BIDI_CONTROLS.search(value)) or any(
        unicodedata.category(c) == "Cc" and c not in allowed for c in value
    )


def _plain_text(value: str, *, multiline: bool = False) -> str:
    value = value.strip()
    if _has_hidden_characters(value, multiline=multiline):
        raise ValidationError(
            _("Bitte entfernen Sie Steuerzeichen (unsichtbare Zeichen) aus dem Text."),
            code="control_characters",
        )
    return value


def _field_max(name: str) -> int:
    return CounsellingService._meta.get_field(name).max_length


def _choices_field(label, choices, required_message):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": required_message,
            "invalid_choice": _(
                "„%(value)s“ steht nicht zur Auswahl. Bitte wählen Sie aus der Liste."
            ),
        },
    )


class CounsellingServiceForm(forms.Form):
    """Everything the directory shows of a service, as the institution keeps it (the rank
    in routing stays the office's, in the admin)."""

    name = forms.CharField(
        label=_("Name des Angebots"),
        max_length=_field_max("name"),
        help_text=_("So steht es im Verzeichnis, zum Beispiel „Weiterbildungsberatung Aalen“."),
    )
    kind = forms.ChoiceField(
        label=_("Art der Beratung"),
        choices=ServiceKind.choices,
        error_messages={
            "invalid_choice": _("Bitte wählen Sie eine Art der Beratung aus der Liste.")
        },
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        required=False,
        max_length=_field_max("description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Höchstens 1500 Zeichen."),
    )
    situations = _choices_field(
        _("Für wen ist das Angebot?"),
        Situation.choices,
        _("Bitte wählen Sie mindestens eine Situation."),
    )
    districts = _choices_field(
        _("In welchen Landkreisen beraten Sie?"),
        District.choices,
        _("Bitte wählen Sie mindestens einen Landkreis."),
    )
    languages = _choices_field(
        _("In welchen Sprachen beraten Sie?"),
        Language.choices,
        _("Bitte wählen Sie mindestens eine Sprache."),
    )
    channels = _choices_field(
        _("Auf welchen Wegen beraten Sie?"),
        Channel.choices,
        _("Bitte wählen Sie mindestens einen Weg."),
    )
    opening_hours = forms.CharField(
        label=_("Sprechzeiten"),
        required=False,
        max_length=_field_max("opening_hours"),
        help_text=_("Zum Beispiel „Mo–Do 9–12 Uhr, Di 14–17 Uhr“."),
    )
    contact_email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        required=False,
        max_length=254,
        help_text=_("Eine E-Mail-Adresse, eine Telefonnummer oder beides."),
        error_messages={
            "invalid": _("Bitte prüfen Sie die E-Mail-Adresse, zum Beispiel name@beispiel.de.")
        },
    )
    contact_phone = forms.CharField(
        label=_("Telefonnummer"),
        required=False,
        max_length=_field_max("contact_phone"),
        help_text=_("Zum Beispiel 07361 123456."),
    )

    def clean_name(self) -> str:
        return _plain_text(self.cleaned_data["name"])

    def clean_description(self) -> str:
        return _plain_text(self.cleaned_data["description"], multiline=True)

    def clean_opening_hours(self) -> str:
        return _plain_text(self.cleaned_data["opening_hours"])

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
            raise ValidationError(
                _("Bitte prüfen Sie die Telefonnummer, zum Beispiel 07361 123456."),
                code="invalid",
            )
        return phone

    def _in_choice_order(self, name: str) -> list[str]:
        # Stored in the order of the choices, so that the same selection is the same list.
        chosen = set(self.cleaned_data[name])
        return [value for value, _label in self.fields[name].choices if value in chosen]

    def clean_situations(self) -> list[str]:
        return self._in_choice_order("situations")

    def clean_districts(self) -> list[str]:
        return self._in_choice_order("districts")

    def clean_languages(self) -> list[str]:
        return self._in_choice_order("languages")

    def clean_channels(self) -> list[str]:
        return self._in_choice_order("channels")

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("contact_email") and not data.get("contact_phone"):
            raise ValidationError(
                _("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an."),
                code="no_contact",
            )
        return data


class CounsellingServiceCreateForm(SubmissionKeyMixin, CounsellingServiceForm):
    """The form for a new service carries a key made when it is shown: posted twice, it
    creates one service (counselling.backoffice.services.service_create)."""


class ServiceDecisionForm(forms.Form):
    """The office's decision carries the version it saw (see README.md)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class ServiceRejectForm(ServiceDecisionForm):
    reason = forms.CharField(
        label=_("Grund der Ablehnung"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Die Einrichtung liest ihn, so wie Sie ihn schreiben. Höchstens 1000 Zeichen."),
        error_messages={"required": _("Bitte nennen Sie der Einrichtung einen Grund.")},
    )

    def clean_reason(self) -> str:
        return _plain_text(self.cleaned_data["reason"], multiline=True)
