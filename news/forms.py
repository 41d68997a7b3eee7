"""The form in which the public-relations group writes a news post."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from news.models import NewsPost
from news.services import MAX_TAGS, news_image_check, news_tags_parse

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class PublishChoice:
    DRAFT = "draft"
    PUBLISH = "publish"
    CHOICES = [
        (DRAFT, _("Als Entwurf speichern (nicht öffentlich)")),
        (PUBLISH, _("Veröffentlichen – sofort oder zum angegebenen Zeitpunkt")),
    ]


class NewsPostForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    teaser = forms.CharField(
        label=_("Anreißer"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ein bis zwei Sätze für die Übersicht, den Feed und den Newsletter."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Markdown: **fett**, *kursiv*, ## Zwischenüberschrift, Listen mit „- “, "
            "Links als [Text](https://…). HTML wird nicht übernommen."
        ),
    )
    image = forms.FileField(
        label=_("Bild"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG oder WebP, höchstens 5 MB und 6000 Pixel je Seite."),
    )
    remove_image = forms.BooleanField(label=_("Bisheriges Bild entfernen"), required=False)
    image_alt = forms.CharField(
        label=_("Alternativtext des Bildes"),
        max_length=300,
        required=False,
        help_text=_(
            "Was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen. "
            "Pflicht, wenn es ein Bild gibt."
        ),
    )
    tags = forms.CharField(
        label=_("Themen"),
        max_length=500,
        required=False,
        help_text=_("Durch Kommas getrennt, z. B. „Förderung, Unternehmen“."),
    )
    publish = forms.ChoiceField(
        label=_("Veröffentlichung"),
        choices=PublishChoice.CHOICES,
        initial=PublishChoice.DRAFT,
        widget=forms.RadioSelect,
    )
    published_at = forms.DateTimeField(
        label=_("Veröffentlichen am (deutsche Zeit)"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Leer lassen für sofort. Ein Zeitpunkt in der Zukunft plant die Meldung."),
    )

    def __init__(self, *args, post: NewsPost | None = None, **kwargs):
        self.post = post
        if post is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": post.title,
                "teaser": post.teaser,
                "body": post.body,
                "image_alt": post.image_alt,
                "tags": ", ".join(tag.name for tag in post.tags.all()),
                "publish": PublishChoice.PUBLISH if post.published_at else PublishChoice.DRAFT,
                "published_at": timezone.localtime(post.published_at)
                if post.published_at
                else None,
            }
        super().__init__(*args, **kwargs)
        if post is None or not post.image:
            del self.fields["remove_image"]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        return news_image_check(upload)

    def clean_tags(self) -> list[str]:
        names = news_tags_parse(self.cleaned_data["tags"])
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(_("Höchstens %(n)d Themen je Meldung.") % {"n": MAX_TAGS})
        return names

    def clean(self):
        data = super().clean()
        has_image = bool(data.get("image")) or bool(
            self.post is not None and self.post.image and not data.get("remove_image")
        )
        if has_image and not (data.get("image_alt") or "").strip():
            self.add_error(
                "image_alt",
                _("Bitte beschreiben Sie, was auf dem Bild zu sehen ist (Alternativtext)."),
            )
        if data.get("publish") == PublishChoice.PUBLISH:
            data["published_at"] = data.get("published_at") or timezone.now()
        else:
            data["published_at"] = None
        return data
