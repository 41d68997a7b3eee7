"""Forms of the newsletter: subscribe (address and consent), and compose an issue."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from common.forms import HoneypotField
from news.newsletter.selectors import (
    NEW_COURSE_DAYS,
    newsletter_course_candidates,
    newsletter_event_candidates,
)
from news.newsletter.services import CONSENT_TEXT
from news.selectors import news_post_list_for_newsletter


class NewsletterSubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Sie bekommen zuerst eine E-Mail mit einem Bestätigungslink."),
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)
    website = HoneypotField()


def _event_label(event) -> str:
    start = formats.date_format(timezone.localtime(event.starts_at), "LONG_DATETIME_FORMAT")
    return f"{event.title} – {start} ({event.institution})"


class NewsletterIssueForm(forms.Form):
    subject = forms.CharField(label=_("Betreff"), max_length=150)
    intro = forms.CharField(
        label=_("Einleitung"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ein paar Sätze zum Anfang; Markdown ist möglich, HTML nicht."),
    )
    news = forms.ModelMultipleChoiceField(
        label=_("Meldungen"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    events = forms.TypedMultipleChoiceField(
        label=_("Kommende Veranstaltungen"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    courses = forms.TypedMultipleChoiceField(
        label=_("Neue Kurse der letzten %(days)d Tage") % {"days": NEW_COURSE_DAYS},
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, issue=None, **kwargs):
        if issue is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "subject": issue.subject,
                "intro": issue.intro,
                "news": list(issue.news.values_list("pk", flat=True)),
                "events": issue.event_ids,
                "courses": issue.offer_ids,
            }
        super().__init__(*args, **kwargs)
        self.fields["news"].queryset = news_post_list_for_newsletter()
        self.fields["news"].label_from_instance = lambda post: (
            f"{post.title} "
            f"({formats.date_format(timezone.localtime(post.published_at), 'DATE_FORMAT')})"
        )
        self.fields["events"].choices = [
            (event.pk, _event_label(event)) for event in newsletter_event_candidates()
        ]
        self.fields["courses"].choices = [
            (offer.pk, f"{offer.title} ({offer.institution.display_name})")
            for offer in newsletter_course_candidates()
        ]
        for name in ("news", "events", "courses"):
            if not self.fields[name].choices:
                self.fields[name].help_text = _("Zurzeit gibt es nichts zur Auswahl.")

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            (data.get("intro") or "").strip()
            or data.get("news")
            or data.get("events")
            or data.get("courses")
        ):
            raise forms.ValidationError(
                _("Eine Ausgabe braucht eine Einleitung oder mindestens einen Beitrag.")
            )
        return data
