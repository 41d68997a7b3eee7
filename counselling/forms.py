"""Forms of the counselling app: they parse and validate input; services do the writing."""

import re
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from common.forms import HoneypotField
from counselling import funding
from counselling.models import (
    BOARD_THRESHOLD_MAX,
    BOARD_THRESHOLD_MIN,
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
    placement_funding_choices,
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


# The choices of the standard form, in Leichter Sprache. A company asks through the
# standard form: its questions need more than a short form.
SITUATIONS = [
    (Situation.JOB_SEEKING.value, _("Ich suche Arbeit.")),
    (Situation.RETURNING.value, _("Ich möchte wieder arbeiten.")),
    (Situation.EMPLOYED.value, _("Ich habe Arbeit.")),
]
TOPICS = [
    (Topic.CONTINUING_EDUCATION.value, _("Ich suche einen Kurs.")),
    (Topic.FUNDING.value, _("Ich brauche Geld für einen Kurs.")),
    (Topic.CAREER_CHANGE.value, _("Ich möchte einen anderen Beruf.")),
    (Topic.RECOGNITION.value, _("Ich habe einen Abschluss aus einem anderen Land.")),
]
DISTRICTS = [
    (District.OSTALBKREIS.value, _("im Ostalb-Kreis")),
    (District.HEIDENHEIM.value, _("im Land-Kreis Heidenheim")),
    (District.OUTSIDE.value, _("woanders")),
]


EASY_INVALID_CHOICE = _("Diese Antwort gibt es nicht. Bitte wählen Sie eine Antwort aus.")


class EasyCounsellingForm(SubmissionKeyMixin):
    """The short request in Leichter Sprache (portal's /leichte-sprache/beratung/): 5
    questions instead of 8, the same checks and the same cleaned data as
    CounsellingRequestForm, so it goes the same way into the queue."""

    name = forms.CharField(
        label=_("Wie heißen Sie?"),
        help_text=_("Der Vor-Name reicht."),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={
            "required": _("Bitte schreiben Sie Ihren Namen."),
            "max_length": _("Der Name ist zu lang. Höchstens 100 Zeichen."),
        },
    )
    contact = forms.CharField(
        label=_("Wie erreichen wir Sie?"),
        help_text=_("Schreiben Sie Ihre Telefon-Nummer. Oder schreiben Sie Ihre E-Mail-Adresse."),
        max_length=254,
        error_messages={
            "required": _("Bitte schreiben Sie Ihre Telefon-Nummer oder Ihre E-Mail-Adresse."),
            "max_length": _("Das ist zu lang. Höchstens 254 Zeichen."),
        },
    )
    district = forms.ChoiceField(
        label=_("Wo wohnen Sie?"),
        choices=DISTRICTS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie: Wo wohnen Sie?"),
            "invalid_choice": EASY_INVALID_CHOICE,
        },
    )
    situation = forms.ChoiceField(
        label=_("Haben Sie Arbeit?"),
        choices=SITUATIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie: Haben Sie Arbeit?"),
            "invalid_choice": EASY_INVALID_CHOICE,
        },
    )
    topic = forms.ChoiceField(
        label=_("Wobei brauchen Sie Hilfe?"),
        choices=TOPICS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie: Wobei brauchen Sie Hilfe?"),
            "invalid_choice": EASY_INVALID_CHOICE,
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden: Die Beratungs-Stelle bekommt meine Angaben. "
            "Die Beratungs-Stelle ruft mich an oder schreibt mir. "
            "6 Monate nach der Beratung löscht sie meine Angaben. "
            "Ich kann jederzeit sagen: Ich will das nicht mehr."
        ),
        error_messages={
            "required": _(
                "Bitte setzen Sie den Haken bei: Ich bin einverstanden. "
                "Wir brauchen Ihr Einverständnis. Dann dürfen wir Sie anrufen."
            )
        },
    )
    website = HoneypotField()

    def clean_name(self):
        # Control characters have no place in a name (the standard form's message rule).
        name = "".join(c for c in self.cleaned_data["name"] if c.isprintable()).strip()
        if not name:
            raise forms.ValidationError(_("Bitte schreiben Sie Ihren Namen."), code="required")
        return name

    def clean_contact(self):
        try:
            email, phone = contact_split(self.cleaned_data["contact"])
        except forms.ValidationError:
            raise forms.ValidationError(
                _(
                    "Das ist keine Telefon-Nummer und keine E-Mail-Adresse. "
                    "Bitte prüfen Sie Ihre Angabe. Eine Telefon-Nummer sieht so aus: "
                    "07361 123456. Eine E-Mail-Adresse sieht so aus: name@beispiel.de"
                ),
                code="invalid",
            ) from None
        self.cleaned_data["email"], self.cleaned_data["phone"] = email, phone
        return self.cleaned_data["contact"]

    def clean(self):
        data = super().clean()
        # Not asked: the way (phone, video, in person) stays open for the counsellor to
        # agree on; the language is German, the language of the form; no free text.
        data.update(channel="", language=Language.GERMAN, message="")
        return data


class BoardThresholdForm(forms.Form):
    """The office's threshold on the demand board: from this much demand (companies plus
    course wishes) a group is marked as a chance for a joint course."""

    # The bounds are the model's; the messages name them in words, so change both together.
    threshold = forms.IntegerField(
        label=_("Schwelle für eine Chance (Unternehmen und Kurswünsche)"),
        min_value=BOARD_THRESHOLD_MIN,
        max_value=BOARD_THRESHOLD_MAX,
        # A number of at most two digits: KERN's narrow input, not the form's full width.
        widget=forms.NumberInput(
            attrs={"class": "kern-form-input__input--width-4", "inputmode": "numeric"}
        ),
        error_messages={
            "required": _("Bitte geben Sie eine Zahl zwischen 1 und 50 ein."),
            "invalid": _("Bitte geben Sie eine ganze Zahl zwischen 1 und 50 ein."),
            "min_value": _("Die Schwelle muss mindestens 1 sein."),
            "max_value": _("Die Schwelle darf höchstens 50 sein."),
        },
    )


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


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} – {obj.institution.name} (Nr. {obj.pk})"


class StatusForm(forms.Form):
    """The status, and on closing the outcome; "placed in a course" names the course (one of
    `candidates`, the catalogue picker's results, or a description) and its funding. The
    service checks the combination, so a bad one is refused the same way from anywhere."""

    status = forms.ChoiceField(label=_("Neuer Status"), choices=RequestStatus.choices)
    outcome = forms.ChoiceField(
        label=_("Ergebnis (beim Abschließen)"),
        required=False,
        choices=_blank(_("—")) + Outcome.choices,
    )
    placement_offer = OfferChoiceField(
        label=_("Vermittelter Kurs aus dem Katalog"),
        queryset=Offer.objects.none(),
        required=False,
        empty_label=_("keiner davon"),
        blank=True,  # the "none of these" radio: a choice can be taken back without script
        widget=forms.RadioSelect,
        help_text=_("Nur beim Ergebnis „in einen Kurs vermittelt“."),
    )
    placement_course = forms.CharField(
        label=_("oder: Kurs außerhalb des Katalogs"),
        max_length=200,
        required=False,
        help_text=_(
            "Kursname und Anbieter, z. B. „Staplerschein, Fahrschule Muster, Aalen“. "
            "Bitte keine Angaben zur Person."
        ),
    )
    placement_funding = forms.ChoiceField(
        label=_("Förderung des Kurses"),
        required=False,
        choices=_blank(_("—")) + placement_funding_choices(),
        help_text=_("Nur beim Ergebnis „in einen Kurs vermittelt“."),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = {offer.pk for offer in candidates}
        posted = self.data.get("placement_offer", "") if self.is_bound else ""
        if isinstance(posted, str) and posted.isdigit() and len(posted) < 12:
            ids.add(int(posted))
        field = self.fields["placement_offer"]
        field.queryset = (
            Offer.objects.published().filter(pk__in=ids).select_related("institution")
            if ids
            else Offer.objects.none()
        )
        if not ids:
            field.widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("status") == RequestStatus.CLOSED and not data.get("outcome"):
            self.add_error("outcome", _("Bitte geben Sie das Ergebnis an."))
        return data


class PlacementSearchForm(forms.Form):
    """The catalogue picker of a placement: a GET form beside the status form, whose results
    come back as the status form's choices (it works without JavaScript)."""

    kurs_suche = forms.CharField(
        label=_("Vermittelten Kurs im Katalog suchen"),
        max_length=100,
        required=False,
        help_text=_("Titel, Anbieter oder Nummer des Kurses."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


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


YES = "ja"
NO = "nein"
YES_NO_UNKNOWN = [(YES, _("ja")), (NO, _("nein")), ("", _("weiß nicht"))]


def _yes_no(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


class FundingCheckForm(forms.Form):
    """Four questions about the person, then optional groups of questions that matter only
    for some instruments (FIELDSETS); a GET form, nothing is stored. An unanswered optional
    question leaves a verdict at "vielleicht" and is named there."""

    status = forms.ChoiceField(
        label=_("Ihre berufliche Situation"),
        choices=funding.Status.choices,
        widget=forms.RadioSelect,
    )
    age = forms.IntegerField(
        label=_("Ihr Alter"),
        min_value=15,
        max_value=70,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    qualification = forms.ChoiceField(
        label=_("Ihr Berufsabschluss"),
        choices=funding.Qualification.choices,
        widget=forms.RadioSelect,
    )
    workplace = forms.ChoiceField(
        label=_("Wo wohnen oder arbeiten Sie?"),
        choices=funding.Workplace.choices,
        widget=forms.RadioSelect,
    )
    # Employees
    company_size = forms.IntegerField(
        label=_("Wie viele Beschäftigte hat Ihr Arbeitgeber?"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Nur wenn Sie angestellt sind. Eine Schätzung genügt."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    months_employed = forms.IntegerField(
        label=_("Seit wie vielen Monaten sind Sie bei Ihrem Arbeitgeber?"),
        required=False,
        min_value=0,
        max_value=720,
        help_text=_("Für die Bildungszeit: Sie braucht 12 Monate im Betrieb."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    severely_disabled = forms.BooleanField(
        label=_("Ich bin schwerbehindert."),
        required=False,
        help_text=_(
            "Dann muss sich ein Betrieb unter 500 Beschäftigten nicht an den Kosten beteiligen."
        ),
    )
    affected_share = forms.IntegerField(
        label=_("Wie viel Prozent der Belegschaft sind vom Strukturwandel betroffen?"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_(
            "Für das Qualifizierungsgeld: Arbeitsplätze, die sich durch neue Technik oder "
            "Umbau des Betriebs stark verändern oder wegfallen. Eine Schätzung genügt."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    agreement = forms.ChoiceField(
        label=_(
            "Gibt es dazu eine Betriebsvereinbarung oder einen Tarifvertrag (unter 10 "
            "Beschäftigten: eine schriftliche Erklärung des Arbeitgebers)?"
        ),
        required=False,
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
    )
    # Young skilled workers
    exam_points = forms.IntegerField(
        label=_("Punkte in der Abschlussprüfung Ihrer Ausbildung"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Für das Weiterbildungsstipendium: 87 Punkte oder mehr."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    exam_grade = forms.DecimalField(
        label=_("oder Durchschnittsnote der Abschlussprüfung"),
        required=False,
        min_value=Decimal("1.0"),
        max_value=Decimal("6.0"),
        max_digits=2,
        decimal_places=1,
        localize=True,
        help_text=_("Zum Beispiel 1,9. Eine der beiden Angaben genügt."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    # The course
    hours = forms.IntegerField(
        label=_("Wie viele Stunden hat der Kurs?"),
        required=False,
        min_value=1,
        max_value=10_000,
        help_text=_(
            "Unterrichtsstunden insgesamt; eine Schätzung genügt. Wenn Sie es nicht wissen, "
            "nennt das Ergebnis die Stunden, die jede Förderung verlangt."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    price = forms.DecimalField(
        label=_("Was kostet der Kurs (in Euro)?"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("99999"),
        max_digits=7,
        decimal_places=2,
        localize=True,
        help_text=_("Dann rechnen wir Ihren Anteil aus. Leer lassen, wenn Sie es nicht wissen."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    features = forms.MultipleChoiceField(
        label=_("Was wissen Sie über den Kurs?"),
        required=False,
        choices=funding.Feature.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    cross_company = forms.ChoiceField(
        label=_("Ist der Kurs offen für Beschäftigte verschiedener Betriebe?"),
        required=False,
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        help_text=_("Für ESF-Fachkurse: Kurse nur für einen Betrieb werden nicht gefördert."),
    )
    kurs = forms.CharField(required=False, widget=forms.HiddenInput)

    BASICS = ("status", "age", "qualification", "workplace")
    # (anchor, legend, fields): each group is optional and only matters for some instruments.
    FIELDSETS = (
        (
            "fragen-arbeitsplatz",
            _("Wenn Sie angestellt sind: Ihr Arbeitsplatz"),
            (
                "company_size",
                "months_employed",
                "severely_disabled",
                "affected_share",
                "agreement",
            ),
        ),
        (
            "fragen-pruefung",
            _("Wenn Sie jünger als 25 sind und eine Ausbildung haben: Ihre Abschlussprüfung"),
            ("exam_points", "exam_grade"),
        ),
        (
            "fragen-kurs",
            _("Der Kurs: Stunden, Preis, Anerkennungen"),
            ("hours", "price", "features", "cross_company"),
        ),
    )

    def basics(self):
        return [self[name] for name in self.BASICS]

    def fieldsets(self):
        """The optional groups, each open when it holds an answer or an error."""
        groups = []
        for anchor, legend, names in self.FIELDSETS:
            fields = [self[name] for name in names]
            answered = any(f.errors or (f.value() not in (None, "", [], False)) for f in fields)
            groups.append({"anchor": anchor, "legend": legend, "fields": fields, "open": answered})
        return groups

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
            hours=data.get("hours"),
            features=frozenset(data.get("features") or ()),
            price=data.get("price"),
            months_employed=data.get("months_employed"),
            affected_share=data.get("affected_share"),
            agreement=_yes_no(data.get("agreement") or ""),
            exam_points=data.get("exam_points"),
            exam_grade=data.get("exam_grade"),
            severely_disabled=bool(data.get("severely_disabled")),
            cross_company=_yes_no(data.get("cross_company") or ""),
        )


def funding_check_initial(course) -> dict:
    """The form's answers about a catalogue course (offerings CourseFundingFacts). A course
    in the public catalogue is open to people of any company."""
    features = funding.course_features(
        course.funding_slugs, azav_measure_number=course.azav_measure_number
    )
    return {
        "kurs": str(course.pk),
        "hours": course.hours,
        "price": course.price,
        "features": sorted(features),
        "cross_company": YES,
    }


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
