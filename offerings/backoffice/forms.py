"""Forms of the provider back office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from offerings.models import (
    DeliveryForm,
    FundingProgramme,
    Offer,
    OfferDate,
    StartKind,
    TargetGroup,
    Topic,
    Venue,
)
from offerings.services import DATE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _term_label(term) -> str:
    """A term in a choice list by its name in the page's language."""
    return term.display_name


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = [
            "title",
            "summary",
            "description",
            "easy_language_summary",
            "keywords",
            "delivery_form",
            "topics",
            "target_groups",
            "level",
            "entry_requirements",
            "certificate",
            "certificate_name",
            "language",
            "price",
            "price_notes",
            "funding_programmes",
            "azav_measure_number",
            "wheelchair_accessible",
            "accessibility_notes",
            "contact_name",
            "contact_email",
            "contact_phone",
            "url",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "easy_language_summary": forms.Textarea(attrs={"rows": 6, "lang": "de"}),
            "topics": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "funding_programmes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_form"].queryset = DeliveryForm.objects.filter(is_active=True)
        self.fields["topics"].queryset = Topic.objects.filter(is_active=True)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(is_active=True)
        self.fields["funding_programmes"].queryset = FundingProgramme.objects.filter(is_active=True)
        for name in ("delivery_form", "topics", "target_groups"):
            self.fields[name].label_from_instance = _term_label


class OfferDateForm(forms.ModelForm):
    """A date; its venue is one of the institution's venues or a new one."""

    new_venue_name = forms.CharField(
        label=_("Neuer Ort: Bezeichnung"), max_length=150, required=False
    )
    new_venue_street = forms.CharField(
        label=_("Neuer Ort: Straße und Hausnummer"), max_length=120, required=False
    )
    new_venue_postcode = forms.RegexField(
        label=_("Neuer Ort: Postleitzahl"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Bitte fünf Ziffern angeben.")},
    )
    new_venue_city = forms.CharField(label=_("Neuer Ort: Ort"), max_length=80, required=False)

    class Meta:
        model = OfferDate
        fields = list(DATE_FIELDS)  # what the services copy, shift and record in the history
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET, "registration_deadline": DATE_WIDGET}

    def __init__(self, *args, offer: Offer, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["venue"].queryset = Venue.objects.filter(institution=offer.institution)
        self.fields["venue"].help_text = _(
            "Ein Ort, den Sie schon genutzt haben, oder unten ein neuer."
        )

    def clean(self):
        data = super().clean()
        if data.get("start_kind") == StartKind.FIXED and not data.get("start"):
            self.add_error("start", _("Ein fester Termin braucht ein Beginndatum."))
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Das Ende darf nicht vor dem Beginn liegen."))
        new = [data.get(f"new_venue_{k}") for k in ("name", "street", "postcode", "city")]
        if any(new):
            if not (new[0] and new[3]):
                self.add_error(
                    "new_venue_city", _("Für einen neuen Ort bitte Bezeichnung und Ort angeben.")
                )
            elif data.get("venue"):
                self.add_error(
                    "venue", _("Bitte entweder einen bekannten oder einen neuen Ort angeben.")
                )
            else:
                data["new_venue"] = {
                    "name": new[0],
                    "street": new[1] or "",
                    "postcode": new[2] or "",
                    "city": new[3],
                }
        elif self.offer.delivery_form.needs_venue and not data.get("venue"):
            self.add_error("venue", _("Für diese Lernform braucht der Termin einen Ort."))
        return data


class ShiftForm(forms.Form):
    days = forms.IntegerField(
        label=_("Um wie viele Tage verschieben?"),
        min_value=-3650,
        max_value=3650,
        help_text=_(
            "Zum Beispiel 364 für dieselben Wochentage im nächsten Jahr; "
            "negative Zahlen verschieben nach vorn."
        ),
    )


class ImportDefaultsForm(forms.Form):
    """What a file cannot say, set for all its offers in the dry run (stored on the job,
    added at the commit)."""

    funding_programmes = forms.ModelMultipleChoiceField(
        label=_("Förderung für alle Angebote der Datei"),
        queryset=FundingProgramme.objects.filter(is_active=True),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Zum Beispiel Bildungszeit, die open-Q-cat nicht kennt. Was die Datei selbst "
            "nennt, bleibt; dies kommt hinzu."
        ),
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Zielgruppen für alle Angebote der Datei"),
        queryset=TargetGroup.objects.filter(is_active=True),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def defaults(self) -> dict[str, list[str]]:
        return {
            name: sorted(term.slug for term in self.cleaned_data[name])
            for name in ("funding_programmes", "target_groups")
        }


class ImportCommitForm(forms.Form):
    archive_missing = forms.BooleanField(
        label=_("Ja, Angebote archivieren, die nicht mehr in der Datei stehen"),
        required=False,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Datei"),
        help_text=_("open-Q-cat 1.1 (XML) oder CSV nach unserer Vorlage, höchstens 64 MB."),
    )


class IdsField(forms.Field):
    """The ids of chosen rows (checkboxes of one name); anything that is not an id is
    dropped. Rendered as hidden inputs, to carry a selection to a second step."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        return [int(item) for item in value or () if str(item).isdigit() and len(str(item)) < 12]


class OfferBulkForm(forms.Form):
    """One action for many offers: those ticked in the list (`offers`) or all offers of a
    committed import (`job`). Adding or removing terms asks for them in a second step
    (`step`), on a page of its own; so does a review, whose page lists each offer's dates."""

    PUBLISH, ARCHIVE, TAXONOMY, REVIEW = "publish", "archive", "taxonomy", "review"

    action = forms.ChoiceField(
        label=_("Aktion"),
        choices=[
            (PUBLISH, _("Veröffentlichen")),
            (ARCHIVE, _("Archivieren")),
            (TAXONOMY, _("Themen, Zielgruppen oder Förderung ändern …")),
            # Issue 22: counts only after a page that lists each offer's dates (`step`).
            (REVIEW, _("Als geprüft bestätigen …")),
        ],
    )
    offers = IdsField(required=False)
    job = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    step = forms.BooleanField(required=False, widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        label=_("Hinzufügen oder entfernen?"),
        choices=[("add", _("hinzufügen")), ("remove", _("entfernen"))],
        initial="add",
        required=False,
        widget=forms.RadioSelect,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Themen"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Zielgruppen"),
        queryset=TargetGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    funding_programmes = forms.ModelMultipleChoiceField(
        label=_("Förderung möglich"),
        queryset=FundingProgramme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    TERMS = ("topics", "target_groups", "funding_programmes")

    def __init__(self, *args, terms_step: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if terms_step or (self.data.get("step") and self.data.get("action") == self.TAXONOMY):
            self.fields["mode"].required = True
        self.fields["topics"].queryset = Topic.objects.filter(is_active=True)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(is_active=True)
        self.fields["funding_programmes"].queryset = FundingProgramme.objects.filter(is_active=True)
        for name in ("topics", "target_groups"):
            self.fields[name].label_from_instance = _term_label

    def clean(self):
        data = super().clean()
        choosing = data.get("action") == self.TAXONOMY and data.get("step")
        if choosing and not any(data.get(name) for name in self.TERMS):
            raise forms.ValidationError(
                _("Bitte wählen Sie mindestens ein Thema, eine Zielgruppe oder eine Förderung.")
            )
        return data

    @property
    def terms_chosen(self) -> bool:
        """Whether the second step has been answered (and is valid)."""
        return self.is_valid() and bool(self.cleaned_data.get("step"))

    def terms(self) -> dict[str, list]:
        return {
            name: list(self.cleaned_data[name]) for name in self.TERMS if self.cleaned_data[name]
        }
