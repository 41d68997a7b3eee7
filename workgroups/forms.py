"""Forms of the workgroups app. They parse and validate input; services do the writing."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Institution
from workgroups.attachments import ALLOWED_LABEL, max_bytes
from workgroups.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    Measure,
    Meeting,
    Milestone,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _person_choices(participants) -> list[tuple[int, str]]:
    return [(p.person.pk, f"{p.person} ({p.institution.display_name})") for p in participants]


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "location", "online_url", "agenda"]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "location": _("Zum Beispiel Raum und Adresse. Ort oder Link, gern auch beides."),
            "agenda": _("Markdown ist möglich: Listen mit „-“ oder „1.“, **fett**, Links."),
        }

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("Das Ende muss nach dem Beginn liegen."))
        if self.instance.pk is None and starts_at and starts_at < timezone.now():
            self.add_error(
                "starts_at", _("Eine neue Sitzung kann nicht in der Vergangenheit beginnen.")
            )
        if not (data.get("location") or data.get("online_url")):
            raise forms.ValidationError(
                _("Bitte geben Sie einen Ort oder einen Link zur Online-Teilnahme an.")
            )
        return data


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Kommen Sie?"), choices=Attendance.choices, widget=forms.RadioSelect
    )


class MinutesForm(forms.Form):
    attendees = forms.MultipleChoiceField(
        label=_("Anwesend"), required=False, widget=forms.CheckboxSelectMultiple
    )
    guests = forms.CharField(
        label=_("Gäste"),
        required=False,
        max_length=500,
        help_text=_("Namen und Einrichtungen weiterer Teilnehmender."),
    )
    text = forms.CharField(
        label=_("Protokoll"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Markdown ist möglich: Überschriften mit „##“, Listen mit „-“, **fett**, Links. "
            "HTML wird nicht übernommen."
        ),
    )
    decisions = forms.CharField(
        label=_("Beschlüsse"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ein Beschluss je Zeile; sie werden in dieser Reihenfolge nummeriert."),
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = _person_choices(participants)

    def clean_decisions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["decisions"].splitlines()]
        lines = [line for line in lines if line]
        if any(len(line) > 2000 for line in lines):
            raise forms.ValidationError(_("Ein Beschluss darf höchstens 2000 Zeichen lang sein."))
        return lines

    def clean_attendees(self):
        ids = [int(pk) for pk in self.cleaned_data["attendees"]]
        return list(get_user_model().objects.filter(pk__in=ids))


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Datei anhängen"),
        help_text=_("%(allowed)s, höchstens %(max)s MB.")
        % {"allowed": ALLOWED_LABEL, "max": max_bytes() // (1024 * 1024)},
        allow_empty_file=True,  # attachment_check says why an empty file is refused
    )


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "assignee", "assignee_institution", "due_date", "meeting"]
        widgets = {"due_date": DateInput()}
        labels = {"assignee": _("Wer? (Person)"), "assignee_institution": _("Wer? (Einrichtung)")}

    def __init__(self, *args, group, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = [p.person.pk for p in participants]
        self.fields["assignee"].queryset = get_user_model().objects.filter(pk__in=people)
        self.fields["assignee_institution"].queryset = Institution.objects.active().filter(
            pk__in=[p.institution.pk for p in participants]
        )
        self.fields["meeting"].queryset = group.meetings.order_by("-starts_at")
        self.fields["meeting"].label = _("Aus der Sitzung")

    def clean(self):
        data = super().clean()
        if not (data.get("assignee") or data.get("assignee_institution")):
            raise forms.ValidationError(_("Bitte nennen Sie eine Person oder eine Einrichtung."))
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "goal",
            "target_group",
            "responsible",
            "status",
            "offers",
            "is_public",
            "result",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 4}),
            "result": forms.Textarea(attrs={"rows": 3}),
            "offers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, participants=(), offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = get_user_model().objects.filter(
            pk__in=[p.person.pk for p in participants]
        )
        self.fields["offers"].queryset = offers
        self.fields["offers"].help_text = _(
            "Veröffentlichte Kurse der Einrichtungen, die in der Gruppe mitarbeiten."
        )


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date"]
        widgets = {"due_date": DateInput()}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)
