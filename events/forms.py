"""Forms of the events calendar: announcing an event (back office) and registering for one
(visitors)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import HoneypotField
from events.models import Event, EventRegistrationMode
from offerings.models import TargetGroup

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
# Years a visitor might mean; beyond them a typo (20266) is more likely than a plan.
MAX_YEARS_AHEAD = 5


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as the browser's datetime-local field sends it, read as local time
    (Europe/Berlin); Django makes it aware in the current time zone."""

    widget = DATETIME_WIDGET

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M"])
        super().__init__(**kwargs)


class EventForm(forms.ModelForm):
    starts_at = LocalDateTimeField(label=_("Beginn"), help_text=_("Datum und Uhrzeit."))
    ends_at = LocalDateTimeField(label=_("Ende"), help_text=_("Datum und Uhrzeit."))
    registration_closes_at = LocalDateTimeField(
        label=_("Anmeldeschluss"),
        required=False,
        help_text=_("Leer lassen: Anmeldung bis zum Beginn."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "summary",
            "description",
            "target_groups",
            "audience_notes",
            "starts_at",
            "ends_at",
            "venue_name",
            "street",
            "postcode",
            "city",
            "district",
            "online_url",
            "wheelchair_accessible",
            "accessibility_notes",
            "price",
            "price_notes",
            "registration_mode",
            "registration_url",
            "seats",
            "waiting_list",
            "registration_closes_at",
            "contact_email",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.CheckboxSelectMultiple,
            "registration_mode": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(is_active=True)
        self.fields["postcode"].validators.append(_postcode_validator)
        self.fields["district"].help_text = _("Für den Filter nach Landkreis im Kalender.")
        self.fields["seats"].help_text = _("Nur bei Anmeldung über das Portal.")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("Das Ende darf nicht vor dem Beginn liegen."))
        latest = timezone.now() + timedelta(days=366 * MAX_YEARS_AHEAD)
        if starts and starts > latest:
            self.add_error(
                "starts_at",
                _("Bitte ein Datum in den nächsten %(n)d Jahren angeben.") % {"n": MAX_YEARS_AHEAD},
            )
        if starts and ends and ends - starts > timedelta(days=31):
            self.add_error("ends_at", _("Eine Veranstaltung dauert höchstens 31 Tage."))
        closes = data.get("registration_closes_at")
        if closes and starts and closes > starts:
            self.add_error(
                "registration_closes_at", _("Der Anmeldeschluss muss vor dem Beginn liegen.")
            )
        if not (data.get("city") or data.get("venue_name") or data.get("online_url")):
            self.add_error(
                "city", _("Bitte einen Ort angeben oder unten einen Link zur Online-Teilnahme.")
            )
        if (data.get("venue_name") or data.get("street")) and not data.get("city"):
            self.add_error("city", _("Bitte auch den Ort angeben."))
        mode = data.get("registration_mode")
        if mode == EventRegistrationMode.EXTERNAL and not data.get("registration_url"):
            self.add_error("registration_url", _("Bitte den Link zur Anmeldung angeben."))
        if mode == EventRegistrationMode.PORTAL and not data.get("seats"):
            self.add_error("seats", _("Bitte angeben, wie viele Plätze es gibt."))
        elif mode == EventRegistrationMode.PORTAL and self.instance.pk:
            taken = self.instance.registrations.filter(status="confirmed").count()
            if data["seats"] < taken:
                self.add_error(
                    "seats",
                    _(
                        "Es sind schon %(n)d Plätze vergeben. Stornieren Sie zuerst "
                        "Anmeldungen, wenn es weniger Plätze werden."
                    )
                    % {"n": taken},
                )
        registered = self.instance.pk and (
            self.instance.registrations.exclude(status="cancelled").exclude(email="").exists()
        )
        if mode != EventRegistrationMode.PORTAL and registered:
            self.add_error(
                "registration_mode",
                _(
                    "Es gibt schon Anmeldungen über das Portal. Sagen Sie die "
                    "Veranstaltung ab, statt die Anmeldung umzustellen."
                ),
            )
        return data


def _postcode_validator(value: str) -> None:
    if value and not (len(value) == 5 and value.isdigit()):
        raise forms.ValidationError(_("Bitte fünf Ziffern angeben."))


class EventRegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Ihr Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Dorthin schicken wir die Bestätigung mit dem Link zum Abmelden."),
    )
    website = HoneypotField()

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie Ihren Namen an."))
        return name
