"""Offers ("Angebote") and their dates ("Termine"): what the catalogue shows."""

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.i18n import active_language
from offerings.models.places import Venue
from offerings.models.taxonomy import DeliveryForm, FundingProgramme, TargetGroup, Topic

# Offers not reviewed for this long are flagged to visitors and to their provider.
REVIEW_INTERVAL_DAYS = 183
# "Kurz erklärt in Leichter Sprache": a few short sentences, not a second description.
EASY_LANGUAGE_SUMMARY_MAX = 600


def review_cutoff(today: date) -> date:
    """Issue 22: an offer last reviewed on or before this day is stale (hidden from the
    catalogue), and a rolling or on-demand date last confirmed on or before it has lapsed.
    `OFFER_REVIEW_MONTHS` (12) before `today`."""
    return today - relativedelta(months=settings.OFFER_REVIEW_MONTHS)


def review_deadline(last_reviewed_on: date) -> date:
    """The first day on which an offer reviewed on `last_reviewed_on` is stale."""
    return last_reviewed_on + relativedelta(months=settings.OFFER_REVIEW_MONTHS)


class Level(models.TextChoices):
    NONE = "none", _("ohne Voraussetzungen")
    DQR1 = "dqr1", _("DQR 1")
    DQR2 = "dqr2", _("DQR 2")
    DQR3 = "dqr3", _("DQR 3")
    DQR4 = "dqr4", _("DQR 4 (Berufsausbildung)")
    DQR5 = "dqr5", _("DQR 5")
    DQR6 = "dqr6", _("DQR 6 (Meister, Bachelor)")
    DQR7 = "dqr7", _("DQR 7 (Master)")
    DQR8 = "dqr8", _("DQR 8")


class CertificateKind(models.TextChoices):
    NONE = "none", _("keiner")
    ATTENDANCE = "attendance", _("Teilnahmebescheinigung")
    PROVIDER = "provider", _("Zertifikat des Anbieters")
    CHAMBER = "chamber", _("Prüfung vor der Kammer (IHK, HWK)")
    STATE = "state", _("staatlich anerkannter Abschluss")
    UNIVERSITY = "university", _("Hochschulabschluss oder -zertifikat")
    VENDOR = "vendor", _("Herstellerzertifikat")


class Language(models.TextChoices):
    GERMAN = "de", _("Deutsch")
    ENGLISH = "en", _("Englisch")
    TURKISH = "tr", _("Türkisch")
    ARABIC = "ar", _("Arabisch")
    UKRAINIAN = "uk", _("Ukrainisch")
    RUSSIAN = "ru", _("Russisch")
    OTHER = "other", _("andere Sprache")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("veröffentlicht")
    ARCHIVED = "archived", _("archiviert")


class OfferQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=OfferStatus.PUBLISHED, institution__is_active=True)

    def with_open_dates(self, today=None):
        """Offers that have an upcoming, rolling or on-demand date. Past dates drop out by
        themselves because the test is made against today, not stored."""
        today = today or timezone.localdate()
        return self.filter(
            Exists(OfferDate.objects.filter(OfferDate.open_q(today), offer=OuterRef("pk")))
        )

    def reviewed(self, today=None):
        """Offers reviewed within the last OFFER_REVIEW_MONTHS: the others are stale and
        left out of the catalogue until their provider reviews them (issue 22)."""
        today = today or timezone.localdate()
        return self.filter(last_reviewed_on__gt=review_cutoff(today))

    def in_catalogue(self, today=None):
        return self.published().reviewed(today).with_open_dates(today)


class Offer(models.Model):
    """A course as providers describe it; its dates say when and where it runs."""

    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("Anbieter"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=400)
    description = models.TextField(_("Beschreibung"), max_length=20000, blank=True)
    # Optional (issue 20): what the course is, in Leichte Sprache, written by the provider.
    # Shown in a marked box on the course page and in the Leichte-Sprache search; the
    # catalogue filters on whether an offer has one.
    easy_language_summary = models.TextField(
        _("Kurz erklärt in Leichter Sprache"),
        max_length=EASY_LANGUAGE_SUMMARY_MAX,
        blank=True,
        help_text=_(
            "Freiwillig. Höchstens 600 Zeichen. Schreiben Sie kurze Sätze, einen Gedanken "
            "pro Satz und jeden Satz in eine neue Zeile. Nutzen Sie bekannte Wörter. "
            "Erklären Sie schwere Wörter. Trennen Sie lange Wörter mit Binde-Strich: "
            "Weiter-Bildung. Schreiben Sie Zahlen als Ziffern."
        ),
    )
    keywords = models.CharField(
        _("Schlagwörter"), max_length=500, blank=True, help_text=_("Durch Kommas getrennt.")
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="offers", verbose_name=_("Themen")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="offers", verbose_name=_("Zielgruppen")
    )
    level = models.CharField(_("Niveau"), max_length=10, choices=Level.choices, default=Level.NONE)
    entry_requirements = models.TextField(_("Voraussetzungen"), max_length=3000, blank=True)
    certificate = models.CharField(
        _("Abschluss"),
        max_length=20,
        choices=CertificateKind.choices,
        default=CertificateKind.ATTENDANCE,
    )
    certificate_name = models.CharField(
        _("Bezeichnung des Abschlusses"), max_length=200, blank=True
    )
    language = models.CharField(
        _("Kurssprache"), max_length=10, choices=Language.choices, default=Language.GERMAN
    )
    delivery_form = models.ForeignKey(
        DeliveryForm, on_delete=models.PROTECT, related_name="offers", verbose_name=_("Lernform")
    )
    price = models.DecimalField(
        _("Preis in Euro"),
        max_digits=8,
        decimal_places=2,
        # Unknown is not free: no price means "Preis auf Anfrage" (issue 15).
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99999"))],
        help_text=_(
            "0 für kostenlose Angebote. Leer lassen, wenn der Preis noch nicht feststeht: "
            "Das Angebot zeigt dann „Preis auf Anfrage“."
        ),
    )
    price_notes = models.CharField(_("Hinweise zum Preis"), max_length=500, blank=True)
    funding_programmes = models.ManyToManyField(
        FundingProgramme, blank=True, related_name="offers", verbose_name=_("Förderung möglich")
    )
    azav_measure_number = models.CharField(_("AZAV-Maßnahmenummer"), max_length=40, blank=True)
    wheelchair_accessible = models.BooleanField(_("rollstuhlgerecht"), default=False)
    accessibility_notes = models.TextField(
        _("Hinweise zur Barrierefreiheit"), max_length=2000, blank=True
    )
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    contact_email = models.EmailField(_("E-Mail"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    url = models.URLField(_("Link zum Angebot"), max_length=500, blank=True)
    external_id = models.CharField(_("Externe Kennung"), max_length=100, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    last_reviewed_on = models.DateField(_("zuletzt geprüft am"), default=timezone.localdate)
    # The day the last reminder to review went out (offerings.services.review_reminders_send).
    review_reminded_on = models.DateField(
        _("zuletzt an die Prüfung erinnert am"), null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    # PostgreSQL only: maintained by offerings.search.offer_search_refresh(); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(editable=False, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "external_id"],
                condition=~Q(external_id=""),
                name="unique_external_id_per_institution",
            )
        ]
        indexes = [
            models.Index(fields=["status", "institution"]),
            models.Index(fields=["price"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("offerings:detail", kwargs={"pk": self.pk})

    @property
    def is_free(self) -> bool:
        """Free only when the price is known to be 0; an unknown price is not free."""
        return self.price is not None and self.price == 0

    @property
    def price_known(self) -> bool:
        return self.price is not None

    @property
    def text_lang(self) -> str:
        """The `lang` of the offer's title and texts where it differs from the page's
        (WCAG 3.1.2), else "". The provider writes in the course's language, and in German
        for a course in "andere Sprache", which has no code to give: so a German course on
        an English page is marked "de", an English one on a German page "en"."""
        written = "de" if self.language in (Language.GERMAN, Language.OTHER) else self.language
        return "" if written == active_language() else written

    @property
    def review_overdue(self) -> bool:
        """Not reviewed for six months: the page warns that details may have changed."""
        return self.last_reviewed_on < timezone.localdate() - timedelta(days=REVIEW_INTERVAL_DAYS)

    @property
    def review_deadline(self) -> date:
        """From this day on the offer is out of the catalogue unless reviewed before."""
        return review_deadline(self.last_reviewed_on)

    def is_stale(self, today=None) -> bool:
        return self.last_reviewed_on <= review_cutoff(today or timezone.localdate())

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class StartKind(models.TextChoices):
    FIXED = "fixed", _("fester Termin")
    ROLLING = "rolling", _("laufender Einstieg")
    ON_DEMAND = "on_demand", _("auf Anfrage")


# Dates without a fixed start: they run until their end, or until they lapse.
ONGOING_KINDS = (StartKind.ROLLING, StartKind.ON_DEMAND)


class Schedule(models.TextChoices):
    FULL_TIME = "full_time", _("Vollzeit")
    PART_TIME = "part_time", _("Teilzeit")


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("vormittags")
    AFTERNOON = "afternoon", _("nachmittags")
    EVENING = "evening", _("abends")
    WEEKEND = "weekend", _("am Wochenende")
    FLEXIBLE = "flexible", _("frei einteilbar")


class OfferDate(models.Model):
    """One run of an offer ("Termin", "Durchführung")."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="dates")
    start_kind = models.CharField(
        _("Beginn"), max_length=12, choices=StartKind.choices, default=StartKind.FIXED
    )
    start = models.DateField(_("Beginn am"), null=True, blank=True)
    end = models.DateField(_("Ende am"), null=True, blank=True)
    schedule = models.CharField(
        _("Zeitmodell"), max_length=10, choices=Schedule.choices, default=Schedule.PART_TIME
    )
    # Empty when the provider did not say: unknown, not "abends" (issue 15). Such a date is
    # found by every search but a search for a time of day.
    time_of_day = models.CharField(
        _("Tageszeit"), max_length=10, choices=TimeOfDay.choices, blank=True, default=""
    )
    hours_total = models.PositiveIntegerField(
        _("Unterrichtsstunden insgesamt"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10000)],
    )
    seats = models.PositiveIntegerField(
        _("Plätze"), null=True, blank=True, validators=[MaxValueValidator(10000)]
    )
    min_participants = models.PositiveIntegerField(
        _("Mindestzahl Teilnehmende"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10000)],
        help_text=_("Mit weniger Anmeldungen findet der Termin womöglich nicht statt."),
    )
    registration_deadline = models.DateField(_("Anmeldeschluss"), null=True, blank=True)
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dates",
        verbose_name=_("Veranstaltungsort"),
    )
    notes = models.CharField(_("Hinweise"), max_length=500, blank=True)
    external_id = models.CharField(_("Externe Kennung"), max_length=100, blank=True)
    # Issue 22: a rolling or on-demand date counts as open only while the provider has
    # confirmed it within OFFER_REVIEW_MONTHS: by saving it, or by reviewing the offer.
    confirmed_on = models.DateField(
        _("zuletzt bestätigt am"), default=timezone.localdate, editable=False
    )

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["offer", "start"]), models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_kind="fixed", start__isnull=False) | ~Q(start_kind="fixed"),
                name="fixed_date_has_start",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="date_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} – {self.start or self.get_start_kind_display()}"

    @staticmethod
    def open_q(today) -> Q:
        """Dates a visitor can still join: upcoming, or rolling or on demand and confirmed
        within OFFER_REVIEW_MONTHS (else they lapse: nobody said they still run)."""
        ongoing = (
            Q(start_kind__in=ONGOING_KINDS)
            & (Q(end__isnull=True) | Q(end__gte=today))
            & Q(confirmed_on__gt=review_cutoff(today))
        )
        return ongoing | Q(start__gte=today)

    @property
    def is_ongoing(self) -> bool:
        return self.start_kind in ONGOING_KINDS

    def is_lapsed(self, today=None) -> bool:
        """A rolling or on-demand date nobody confirmed for OFFER_REVIEW_MONTHS."""
        return self.is_ongoing and self.confirmed_on <= review_cutoff(today or timezone.localdate())
