"""Forms of joint courses: a provider's quote, the office's choice, the provider's course
for the chosen quote, and a company's number of participants. They parse and validate;
services write."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from counselling.models import JointQuote, JointQuoteStatus
from offerings.models import DeliveryForm, FundingProgramme, Offer, OfferStatus

PRICE_MAX = Decimal("99999.99")
PARTICIPANTS_MAX = 500


def _one_line(value: str) -> str:
    return " ".join("".join(c for c in value if c.isprintable()).split())


class JointQuoteForm(forms.ModelForm):
    price = forms.DecimalField(
        label=_("Preis je Teilnehmerin oder Teilnehmer in Euro"),
        min_value=Decimal("0"),
        max_value=PRICE_MAX,
        decimal_places=2,
        help_text=_("Gesamte Kursgebühr für eine Person, ohne Förderung abgezogen."),
        error_messages={"min_value": _("Der Preis kann nicht negativ sein.")},
        localize=True,
    )
    min_participants = forms.IntegerField(
        label=_("Mindestzahl Teilnehmende"), min_value=1, max_value=PARTICIPANTS_MAX
    )
    max_participants = forms.IntegerField(
        label=_("Höchstzahl Teilnehmende"), min_value=1, max_value=PARTICIPANTS_MAX
    )
    hours = forms.IntegerField(
        label=_("Unterrichtsstunden"),
        required=False,
        min_value=1,
        max_value=5000,
        help_text=_("Davon hängt die Förderung ab (§ 82 SGB III: mehr als 120 Stunden)."),
    )
    starts_on = forms.DateField(
        label=_("Beginn"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Ende"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    dates = forms.CharField(
        label=_("Termine"),
        max_length=300,
        required=False,
        help_text=_("Zum Beispiel „dienstags und donnerstags 17 bis 20 Uhr“."),
    )
    place = forms.CharField(label=_("Ort"), max_length=200, required=False)
    delivery_form = forms.ModelChoiceField(
        label=_("Lernform"), queryset=DeliveryForm.objects.none(), empty_label=None
    )
    funding = forms.ModelMultipleChoiceField(
        label=_("Förderung, die der Kurs ermöglicht"),
        queryset=FundingProgramme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Hinweise"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = JointQuote
        fields = [
            "price",
            "min_participants",
            "max_participants",
            "hours",
            "starts_on",
            "ends_on",
            "dates",
            "place",
            "delivery_form",
            "funding",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_form"].queryset = DeliveryForm.objects.filter(is_active=True)
        self.fields["funding"].queryset = FundingProgramme.objects.filter(is_active=True)

    def clean_dates(self):
        return _one_line(self.cleaned_data["dates"])

    def clean_place(self):
        return _one_line(self.cleaned_data["place"])

    def clean(self):
        data = super().clean()
        low, high = data.get("min_participants"), data.get("max_participants")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_participants",
                _("Die Höchstzahl darf nicht kleiner sein als die Mindestzahl."),
            )
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("Das Ende liegt vor dem Beginn."))
        if not (data.get("dates") or start):
            self.add_error("dates", _("Bitte nennen Sie die Termine oder wenigstens den Beginn."))
        return data

    def _post_clean(self):
        # The instance is written by the service (joint_quote_save), which validates the
        # model; the form's own checks above are the ones a provider sees.
        pass


class ChooseQuoteForm(forms.Form):
    quote = forms.ModelChoiceField(
        label=_("Angebot"), queryset=JointQuote.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].queryset = measure.quotes.filter(status=JointQuoteStatus.SUBMITTED)
        self.fields["quote"].error_messages["invalid_choice"] = _(
            "Dieses Angebot gibt es nicht mehr oder es wurde zurückgezogen."
        )


class QuoteOfferForm(forms.Form):
    """The chosen provider names its course for the measure, published or not yet."""

    offer = forms.ModelChoiceField(label=_("Ihr Kurs im Katalog"), queryset=Offer.objects.none())

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.filter(
            institution=institution,
            status__in=[OfferStatus.DRAFT, OfferStatus.PUBLISHED],
        ).order_by("title")


class ParticipantsForm(forms.Form):
    participants = forms.IntegerField(
        label=_("So viele Beschäftigte schicken wir in den Kurs"),
        min_value=1,
        max_value=PARTICIPANTS_MAX,
        error_messages={"min_value": _("Bitte nennen Sie mindestens eine Person.")},
    )
