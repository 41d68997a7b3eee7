"""Forms of the counselling app: they parse and validate input; services do the writing."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from common.forms import HoneypotField
from counselling import funding
from counselling.models import (
    Channel,
    Language,
    NeedFormat,
    Outcome,
    RequestStatus,
    Sector,
    ServiceKind,
    Situation,
    SizeBand,
    Topic,
)
from counselling.periods import period_choices
from network.models import District, Institution, InstitutionKind
from offerings.models import Offer
from offerings.models import Topic as CourseTopic

PHONE = re.compile(r"^\+?[0-9 ()/.\-]{6,30}$")
MESSAGE_MAX = 1000


def _blank(label) -> list[tuple[str, str]]:
    return [("", label)]


def contact_split(value: str) -> tuple[str, str]:
    """One contact field: an email address or a phone number. Returns (email, phone)."""
    value = value.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("Bitte prüfen Sie die E-Mail-Adresse, zum Beispiel name@beispiel.de."),
                code="invalid",
            ) from None
        return value, ""
    digits = sum(c.isdigit() for c in value)
    if not PHONE.match(value) or digits < 6:
        raise ValidationError(
            _(
                "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, zum Beispiel "
                "07361 123456."
            ),
            code="invalid",
        )
    return "", value


class SubmissionKeyMixin(forms.Form):
    """A key made when the form is shown: the same form posted twice is one submission."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class CounsellingRequestForm(SubmissionKeyMixin):
    name = forms.CharField(
        label=_("Name oder Pseudonym"),
        max_length=100,
        help_text=_("Wie sollen wir Sie ansprechen? Ein Vorname oder ein Pseudonym genügt."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact = forms.CharField(
        label=_("E-Mail-Adresse oder Telefonnummer"),
        max_length=254,
        help_text=_("Eine Angabe genügt. Mit E-Mail-Adresse bekommen Sie eine Bestätigung."),
    )
    channel = forms.ChoiceField(
        label=_("Wie möchten Sie beraten werden?"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        initial=Channel.PHONE,
    )
    language = forms.ChoiceField(
        label=_("Sprache der Beratung"), choices=Language.choices, initial=Language.GERMAN
    )
    district = forms.ChoiceField(
        label=_("Wo wohnen oder arbeiten Sie?"),
        choices=_blank(_("Bitte wählen")) + District.choices,
    )
    situation = forms.ChoiceField(
        label=_("Ihre Situation"), choices=Situation.choices, widget=forms.RadioSelect
    )
    topic = forms.ChoiceField(
        label=_("Worum geht es?"), choices=_blank(_("Bitte wählen")) + Topic.choices
    )
    message = forms.CharField(
        label=_("Ihre Nachricht"),
        required=False,
        max_length=MESSAGE_MAX,
        help_text=_("Höchstens 1.000 Zeichen. Bitte keine Gesundheitsdaten."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass die Beratungsstelle meine Angaben nutzt, um mich zu "
            "kontaktieren und zu beraten. Nach dem Abschluss der Beratung werden sie "
            "nach sechs Monaten gelöscht. Ich kann die Einwilligung jederzeit widerrufen."
        ),
        error_messages={"required": _("Ohne Ihre Einwilligung können wir Sie nicht kontaktieren.")},
    )
    website = HoneypotField()

    def clean_contact(self):
        self.cleaned_data["email"], self.cleaned_data["phone"] = contact_split(
            self.cleaned_data["contact"]
        )
        return self.cleaned_data["contact"]

    def clean_message(self):
        # Control characters (other than line breaks) have no place in a message.
        return "".join(
            c for c in self.cleaned_data["message"] if c in "\n\t" or c.isprintable()
        ).strip()


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(_("alle offenen")) + RequestStatus.choices
    )
    situation = forms.ChoiceField(
        label=_("Situation"), required=False, choices=_blank(_("alle")) + Situation.choices
    )
    district = forms.ChoiceField(
        label=_("Landkreis"), required=False, choices=_blank(_("alle")) + District.choices
    )
    ansicht = forms.ChoiceField(
        label=_("Anzeigen"),
        required=False,
        choices=[
            ("", _("alle")),
            ("meine", _("von mir übernommen")),
            ("frei", _("noch nicht übernommen")),
            ("gemeldet", _("an die Geschäftsstelle gemeldet")),
        ],
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Neuer Status"), choices=RequestStatus.choices)
    outcome = forms.ChoiceField(
        label=_("Ergebnis (beim Abschließen)"),
        required=False,
        choices=_blank(_("—")) + Outcome.choices,
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == RequestStatus.CLOSED and not data.get("outcome"):
            self.add_error("outcome", _("Bitte geben Sie das Ergebnis an."))
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Interne Notiz"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nur für die Beratung sichtbar; wird mit der Anfrage gelöscht."),
    )


class HandOverForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("An welche Einrichtung?"),
        queryset=Institution.objects.none(),
        empty_label=_("Bitte wählen"),
    )
    reason = forms.CharField(
        label=_("Grund"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["institution"].queryset = targets


class PersonSearchForm(forms.Form):
    contact = forms.CharField(
        label=_("E-Mail-Adresse oder Telefonnummer der Person"), max_length=254
    )

    def clean_contact(self):
        contact_split(self.cleaned_data["contact"])
        return self.cleaned_data["contact"].strip()


class DirectoryFilterForm(forms.Form):
    art = forms.ChoiceField(
        label=_("Art der Beratung"), required=False, choices=_blank(_("alle")) + ServiceKind.choices
    )
    landkreis = forms.ChoiceField(
        label=_("Landkreis"),
        required=False,
        choices=_blank(_("alle")) + [c for c in District.choices if c[0] != District.OUTSIDE],
    )
    sprache = forms.ChoiceField(
        label=_("Sprache"), required=False, choices=_blank(_("alle")) + Language.choices
    )


# --- funding check ------------------------------------------------------------------------


class FundingCheckForm(forms.Form):
    """Seven questions; a GET form, nothing is stored."""

    status = forms.ChoiceField(
        label=_("1. Ihre berufliche Situation"),
        choices=funding.Status.choices,
        widget=forms.RadioSelect,
    )
    age = forms.IntegerField(
        label=_("2. Ihr Alter"),
        min_value=15,
        max_value=70,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    qualification = forms.ChoiceField(
        label=_("3. Ihr Berufsabschluss"),
        choices=funding.Qualification.choices,
        widget=forms.RadioSelect,
    )
    workplace = forms.ChoiceField(
        label=_("4. Wo wohnen oder arbeiten Sie?"),
        choices=funding.Workplace.choices,
        widget=forms.RadioSelect,
    )
    company_size = forms.IntegerField(
        label=_("5. Wie viele Beschäftigte hat Ihr Arbeitgeber?"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Nur wenn Sie angestellt sind. Eine Schätzung genügt."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    hours = forms.IntegerField(
        label=_("6. Wie viele Stunden hat der Kurs?"),
        min_value=1,
        max_value=10_000,
        help_text=_("Unterrichtsstunden insgesamt; eine Schätzung genügt."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    features = forms.MultipleChoiceField(
        label=_("7. Was wissen Sie über den Kurs?"),
        required=False,
        choices=funding.Feature.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == funding.Status.EMPLOYED and not data.get("company_size"):
            self.add_error(
                "company_size", _("Bitte geben Sie an, wie viele Beschäftigte Ihr Arbeitgeber hat.")
            )
        return data

    def answers(self) -> funding.Answers:
        data = self.cleaned_data
        return funding.Answers(
            status=data["status"],
            age=data["age"],
            qualification=data["qualification"],
            workplace=data["workplace"],
            company_size=data.get("company_size"),
            hours=data["hours"],
            features=frozenset(data.get("features") or ()),
        )


# --- company needs -------------------------------------------------------------------------


class CompanyNeedForm(SubmissionKeyMixin):
    topic = forms.ModelChoiceField(
        label=_("Thema der Weiterbildung"), queryset=None, empty_label=_("Bitte wählen")
    )
    description = forms.CharField(
        label=_("Was genau?"),
        max_length=300,
        required=False,
        help_text=_("Zum Beispiel „Schweißen WIG für Einsteiger“. Höchstens 300 Zeichen."),
    )
    participants = forms.IntegerField(
        label=_("Wie viele Beschäftigte sollen teilnehmen?"),
        min_value=1,
        max_value=500,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    period = forms.ChoiceField(label=_("Gewünschter Zeitraum"), choices=[])
    format = forms.ChoiceField(
        label=_("Form"),
        choices=NeedFormat.choices,
        widget=forms.RadioSelect,
        initial=NeedFormat.ANY,
    )
    district = forms.ChoiceField(
        label=_("Ort (Landkreis)"), choices=_blank(_("Bitte wählen")) + District.choices
    )
    size_band = forms.ChoiceField(
        label=_("Größe Ihres Unternehmens"), choices=SizeBand.choices, widget=forms.RadioSelect
    )
    sector = forms.ChoiceField(
        label=_("Branche"), choices=_blank(_("Bitte wählen")) + Sector.choices
    )
    company_name = forms.CharField(
        label=_("Name des Unternehmens"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    contact_name = forms.CharField(
        label=_("Ansprechperson"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    consent = forms.BooleanField(
        label=_(
            "Wir sind einverstanden, dass die Geschäftsstelle des Netzwerks unsere Angaben "
            "nutzt, um gemeinsame Kurse mit anderen Unternehmen zu planen, und uns dazu "
            "kontaktiert. Anderen Unternehmen und Anbietern zeigt sie nur Thema, Ort, "
            "Zeitraum und Anzahl, nie unseren Namen."
        ),
        error_messages={
            "required": _("Ohne Ihre Einwilligung können wir den Bedarf nicht aufnehmen.")
        },
    )
    website = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = CourseTopic.objects.order_by("name")
        self.fields["period"].choices = period_choices()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            contact_split(phone)
        return phone


class JointMeasureForm(forms.Form):
    title = forms.CharField(label=_("Titel der Verbundmaßnahme"), max_length=200)
    note = forms.CharField(
        label=_("Hinweis an die Anbieter"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    providers = forms.ModelMultipleChoiceField(
        label=_("Anbieter um ein Angebot bitten"),
        required=False,
        queryset=Institution.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["providers"].queryset = (
            Institution.objects.members()
            .filter(kind__in=[InstitutionKind.TRAINING_PROVIDER, InstitutionKind.UNIVERSITY])
            .exclude(email="")
            .order_by("name")
        )


class LinkOfferForm(forms.Form):
    offer = forms.IntegerField(
        label=_("Nummer des Kursangebots im Katalog"),
        min_value=1,
        help_text=_("Die Zahl am Ende der Adresse des Angebots, z. B. 123 in /kurse/123/."),
    )

    def clean_offer(self):
        offer = Offer.objects.published().filter(pk=self.cleaned_data["offer"]).first()
        if offer is None:
            raise ValidationError(
                _("Ein veröffentlichtes Kursangebot mit dieser Nummer gibt es nicht.")
            )
        return offer


# --- the person's status page ---------------------------------------------------------------


class StatusLookupForm(forms.Form):
    """Reference and contact: the pair that opens a request's or need's status page."""

    reference = forms.CharField(
        label=_("Vorgangsnummer"),
        max_length=12,
        help_text=_("Sie steht in der Bestätigung, zum Beispiel BQ-7K3M9P."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    contact = forms.CharField(
        label=_("Ihre E-Mail-Adresse oder Telefonnummer"),
        max_length=254,
        help_text=_("So, wie Sie sie in der Anfrage angegeben haben."),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )
    website = HoneypotField()

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()
