"""News posts ("Aktuelles") and the newsletter: the network's public voice.

The tables keep the names they had in the network app (issue 14 moved the models here
without touching the data): hence `db_table`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.i18n import mail_language_field


class NewsTag(models.Model):
    """A topic of news posts; the public list filters by it."""

    name = models.CharField(_("Name"), max_length=60, unique=True)
    slug = models.SlugField(_("Kurzadresse"), max_length=70, unique=True)

    class Meta:
        db_table = "network_newstag"
        verbose_name = _("Thema einer Meldung")
        verbose_name_plural = _("Themen der Meldungen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SCHEDULED = "scheduled", _("geplant")
    PUBLISHED = "published", _("veröffentlicht")


class NewsPostQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public sees: posts whose publication time has come. A scheduled post
        appears by itself once its time passes; no task has to flip it."""
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())


class NewsPost(models.Model):
    """A news post ("Meldung") of the network, written by the public-relations group or the
    network office. No publication time: a draft; one in the future: scheduled."""

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzadresse"), max_length=220, unique=True)
    teaser = models.CharField(
        _("Anreißer"),
        max_length=400,
        help_text=_("Ein bis zwei Sätze für die Übersicht, den Feed und den Newsletter."),
    )
    body = models.TextField(
        _("Text"), max_length=20000, help_text=_("Markdown: **fett**, *kursiv*, Listen, Links.")
    )
    image = models.ImageField(_("Bild"), upload_to="news/", blank=True)
    image_alt = models.CharField(_("Alternativtext des Bildes"), max_length=300, blank=True)
    tags = models.ManyToManyField(
        NewsTag, blank=True, related_name="posts", verbose_name=_("Themen")
    )
    published_at = models.DateTimeField(
        _("veröffentlichen am"), null=True, blank=True, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = NewsPostQuerySet.as_manager()

    class Meta:
        db_table = "network_newspost"
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = [models.F("published_at").desc(nulls_first=True), "-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:news_detail", kwargs={"slug": self.slug})

    @property
    def status(self) -> str:
        if self.published_at is None:
            return NewsStatus.DRAFT
        if self.published_at > timezone.now():
            return NewsStatus.SCHEDULED
        return NewsStatus.PUBLISHED

    def get_status_display(self) -> str:
        return NewsStatus(self.status).label


class NewsletterSubscriber(models.Model):
    """An address that asked for the newsletter. It gets issues only once `confirmed_at`
    is set (double opt-in); unsubscribing deletes the row."""

    email = models.EmailField(_("E-Mail-Adresse"), max_length=254, unique=True)
    token = models.CharField(_("Schlüssel"), max_length=64, unique=True, editable=False)
    consent_version = models.CharField(_("Fassung der Einwilligung"), max_length=20)
    created_at = models.DateTimeField(_("angemeldet am"), default=timezone.now)
    mail_language = mail_language_field()
    confirmed_at = models.DateTimeField(
        _("Einwilligung bestätigt am"), null=True, blank=True, db_index=True
    )

    class Meta:
        db_table = "network_newslettersubscriber"
        verbose_name = _("Newsletter-Abonnement")
        verbose_name_plural = _("Newsletter-Abonnements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class NewsletterIssueStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SENDING = "sending", _("wird versendet")
    SENT = "sent", _("versendet")


class NewsletterIssue(models.Model):
    """One issue of the newsletter: an introduction and the news, events and courses the
    public-relations group picked. When sending starts, what it shows is frozen in
    `content`, so every subscriber and the archive see the same issue."""

    subject = models.CharField(_("Betreff"), max_length=150)
    intro = models.TextField(
        _("Einleitung"), max_length=5000, blank=True, help_text=_("Markdown, ein paar Sätze.")
    )
    news = models.ManyToManyField(
        NewsPost, blank=True, related_name="newsletter_issues", verbose_name=_("Meldungen")
    )
    # Events and courses live in the offerings app: their ids, not foreign keys, so that
    # an issue does not hold them (the frozen content keeps what was sent).
    event_ids = models.JSONField(_("Veranstaltungen"), default=list, blank=True)
    offer_ids = models.JSONField(_("Kurse"), default=list, blank=True)
    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=NewsletterIssueStatus.choices,
        default=NewsletterIssueStatus.DRAFT,
    )
    content = models.JSONField(_("versendeter Inhalt"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    sending_started_at = models.DateTimeField(_("Versand begonnen am"), null=True, blank=True)
    sent_at = models.DateTimeField(_("versendet am"), null=True, blank=True, db_index=True)
    recipients = models.PositiveIntegerField(_("Empfänger"), default=0)

    class Meta:
        db_table = "network_newsletterissue"
        verbose_name = _("Newsletter-Ausgabe")
        verbose_name_plural = _("Newsletter-Ausgaben")
        ordering = [models.F("sent_at").desc(nulls_first=True), "-created_at"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("news:newsletter_archive_detail", kwargs={"pk": self.pk})


class NewsletterDelivery(models.Model):
    """Proof that an issue went to an address once. The unique constraint is the lock,
    claimed (INSERT … ON CONFLICT DO NOTHING) before the mail is written, as with the
    outbox's DigestClaim. The address is kept as a hash: it must stay unique after its
    subscriber unsubscribed, but need not be readable."""

    issue = models.ForeignKey(
        NewsletterIssue,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("Ausgabe"),
    )
    address_hash = models.CharField(_("Adresse (Hash)"), max_length=64)
    message = models.ForeignKey(
        "outbox.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("E-Mail"),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        db_table = "network_newsletterdelivery"
        verbose_name = _("Newsletter-Zustellung")
        verbose_name_plural = _("Newsletter-Zustellungen")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "address_hash"], name="newsletter_once_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.address_hash[:12]}"
