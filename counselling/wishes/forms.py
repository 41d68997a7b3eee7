"""The wish form: what course, where, when, how soon, and optionally an address to be
told. It parses and validates; counselling.wishes.services writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import HoneypotField
from counselling.models import WishSchedule, WishSoon, WishTime
from counselling.wishes.selectors import PLACE_MAX, TOPIC_MAX, wish_district_for_place
from counselling.wishes.services import CONSENT_TEXT
from network.models import District
from offerings.models import Offer, Topic


def _one_line(value: str) -> str:
    """Printable characters only, runs of white space as one space."""
    return " ".join("".join(c for c in value if c.isprintable()).split())


class TermChoiceField(forms.ModelChoiceField):
    """A topic by its name in the page's language."""

    def label_from_instance(self, obj) -> str:
        return obj.display_name


class CourseWishForm(forms.Form):
    topic = forms.CharField(
        label=_("Welchen Kurs suchen Sie?"),
        max_length=TOPIC_MAX,
        help_text=_("In Ihren Worten, zum Beispiel „Schweißen für Einsteiger“."),
    )
    course_topic = TermChoiceField(
        label=_("Themenbereich"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label=_("weiß nicht"),
    )
    place = forms.CharField(
        label=_("Ort oder Postleitzahl"),
        max_length=PLACE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    district = forms.ChoiceField(
        label=_("Landkreis"),
        required=False,
        choices=[("", _("bitte wählen")), *District.choices],
        help_text=_("Ort oder Landkreis genügt."),
    )
    times = forms.MultipleChoiceField(
        label=_("Wann hätten Sie Zeit?"),
        choices=WishTime.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    schedule = forms.ChoiceField(
        label=_("Vollzeit oder Teilzeit?"),
        choices=WishSchedule.choices,
        initial=WishSchedule.ANY,
        widget=forms.RadioSelect,
    )
    soon = forms.ChoiceField(
        label=_("Wie bald?"),
        choices=WishSoon.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte sagen Sie uns, wie bald Sie den Kurs brauchen.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        required=False,
        help_text=_(
            "Nur wenn wir Ihnen Bescheid sagen sollen. Sie bekommen zuerst einen Bestätigungslink."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)
    kurs = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )
    website = HoneypotField()

    def clean_topic(self) -> str:
        topic = _one_line(self.cleaned_data["topic"])
        if len(topic) < 3:
            raise ValidationError(_("Bitte beschreiben Sie den Kurs in ein paar Worten."))
        return topic

    def clean_place(self) -> str:
        return _one_line(self.cleaned_data["place"])

    def clean_kurs(self):
        pk = self.cleaned_data.get("kurs")
        if pk is None:
            return None
        # A course that is gone or not public is no error: the wish is still a wish.
        return Offer.objects.published().filter(pk=pk).first()

    def clean(self):
        data = super().clean()
        place, district = data.get("place", ""), data.get("district", "")
        if "place" in data and "district" in data and not district:
            if not place:
                self.add_error("district", _("Bitte geben Sie einen Ort oder den Landkreis an."))
            else:
                found = wish_district_for_place(place)
                if found:
                    data["district"] = found
                else:
                    self.add_error(
                        "district",
                        _("Diesen Ort kennen wir nicht. Bitte wählen Sie den Landkreis."),
                    )
        if data.get("email") and not data.get("consent"):
            self.add_error(
                "consent",
                _("Ohne Ihre Einwilligung können wir Ihnen nicht Bescheid sagen."),
            )
        if not data.get("email"):
            data["consent"] = False
        return data
