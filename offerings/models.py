"""The course catalogue: offers ("Angebote") with their dates ("Termine"), venues, the
region's municipalities, and the taxonomies the network office curates."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import District

# Offers not reviewed for this long are flagged to visitors and to their provider.
REVIEW_INTERVAL_DAYS = 183


class Term(models.Model):
    """An entry of a taxonomy the network office edits in the admin."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=60, unique=True)
    description = models.TextField(_("Erläuterung"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class TargetGroup(Term):
    class Meta(Term.Meta):
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")


class Topic(Term):
    is_future_skill = models.BooleanField(
        _("Zukunftskompetenz"),
        default=False,
        help_text=_("Digitale Kompetenz, Problemlösen, Teamarbeit, Lernfähigkeit …"),
    )

    class Meta(Term.Meta):
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")


class FundingProgramme(Term):
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=120, blank=True)
    short_name = models.CharField(_("Kurzname"), max_length=40, blank=True)

    class Meta(Term.Meta):
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")


class CourseMode(models.TextChoices):
    """How schema.org and open-Q-cat describe the way a course is held."""

    ONSITE = "onsite", _("vor Ort")
    ONLINE = "online", _("online")
    BLENDED = "blended", _("gemischt")


class DeliveryForm(Term):
    course_mode = models.CharField(
        _("Art für schema.org"), max_length=10, choices=CourseMode.choices
    )
    needs_venue = models.BooleanField(_("braucht einen Veranstaltungsort"), default=True)

    class Meta(Term.Meta):
        verbose_name = _("Lernform")
        verbose_name_plural = _("Lernformen")


class Municipality(models.Model):
    """A municipality of the region or its neighbours, from a published gazetteer."""

    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname"), max_length=140, unique=True)
    district = models.CharField(_("Landkreis"), max_length=20, choices=District.choices)
    county_name = models.CharField(_("Kreis"), max_length=120, blank=True)
    latitude = models.FloatField(_("Breitengrad"))
    longitude = models.FloatField(_("Längengrad"))

    class Meta:
        verbose_name = _("Gemeinde")
        verbose_name_plural = _("Gemeinden")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    code = models.CharField(_("Postleitzahl"), max_length=5, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="postcodes"
    )

    class Meta:
        verbose_name = _("Postleitzahl")
        verbose_name_plural = _("Postleitzahlen")
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="unique_postcode_place")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.municipality}"


class Venue(models.Model):
    """A place where dates take place; providers reuse their venues."""

    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.CASCADE,
        related_name="venues",
        verbose_name=_("Einrichtung"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=150)
    street = models.CharField(_("Straße und Hausnummer"), max_length=120, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=80)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("Gemeinde"),
    )
    district = models.CharField(
        _("Landkreis"), max_length=20, choices=District.choices, default=District.OUTSIDE
    )
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    wheelchair_accessible = models.BooleanField(_("rollstuhlgerecht"), default=False)
    accessibility_notes = models.CharField(
        _("Hinweise zur Barrierefreiheit"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("Veranstaltungsort")
        verbose_name_plural = _("Veranstaltungsorte")
        ordering = ["institution__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


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

    def in_catalogue(self, today=None):
        return self.published().with_open_dates(today)


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
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99999"))],
        help_text=_("0 für kostenlose Angebote."),
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
        return self.price == 0

    @property
    def review_overdue(self) -> bool:
        """Not reviewed for six months: the page warns that details may have changed."""
        return self.last_reviewed_on < timezone.localdate() - timedelta(days=REVIEW_INTERVAL_DAYS)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class StartKind(models.TextChoices):
    FIXED = "fixed", _("fester Termin")
    ROLLING = "rolling", _("laufender Einstieg")
    ON_DEMAND = "on_demand", _("auf Anfrage")


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
    time_of_day = models.CharField(
        _("Tageszeit"), max_length=10, choices=TimeOfDay.choices, default=TimeOfDay.EVENING
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
        """Dates a visitor can still join: upcoming, rolling or on demand."""
        ongoing = Q(start_kind__in=[StartKind.ROLLING, StartKind.ON_DEMAND]) & (
            Q(end__isnull=True) | Q(end__gte=today)
        )
        return ongoing | Q(start__gte=today)


class SearchTerm(models.Model):
    """A word that occurs in the catalogue's titles, keywords and topics.

    The vocabulary lets the search correct typos ("Exel" → "Excel") and split compounds
    ("Schweißkurs" → "Schweiß…") against words that really occur, and offer a spelling
    suggestion when nothing is found.
    """

    word = models.CharField(max_length=80, unique=True)
    folded = models.CharField(max_length=100, db_index=True)
    lexeme = models.CharField(max_length=100)
    frequency = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("Suchbegriff")
        verbose_name_plural = _("Suchbegriffe")

    def __str__(self) -> str:
        return self.word


class SearchDay(models.Model):
    """How often one search text was asked on one day, and how often it found nothing.

    The catalogue counts its searches in the shared cache and a beat task adds the counts
    here, so a search writes no row of its own. Nothing about the visitor is kept: no
    address, no account, no time of day. `text` is the normalised free text, empty for a
    search by filters alone.
    """

    day = models.DateField()
    text = models.CharField(max_length=100, blank=True)
    searches = models.PositiveIntegerField(default=0)
    without_result = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Suchtag")
        verbose_name_plural = _("Suchtage")
        constraints = [
            models.UniqueConstraint(fields=["day", "text"], name="search_day_unique_text"),
        ]
        indexes = [models.Index(fields=["day"], name="search_day_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.text or '–'} ({self.searches})"


class AlertFrequency(models.TextChoices):
    WEEKLY = "weekly", _("wöchentlich")
    DAILY = "daily", _("täglich")


class CourseAlert(models.Model):
    """A saved catalogue search ("Suchauftrag") that mails new matching courses.

    Needs no account: the address is proven by double opt-in (confirmed_at stays empty until
    the link in the confirmation mail is used), and `token` is the secret in every link to
    change or end it. Services and the digest live in offerings.alerts.
    """

    email = models.EmailField(_("E-Mail-Adresse"))
    query = models.CharField(_("Suche"), max_length=2000, blank=True)
    frequency = models.CharField(
        _("Häufigkeit"),
        max_length=10,
        choices=AlertFrequency.choices,
        default=AlertFrequency.WEEKLY,
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    consent_version = models.CharField(_("Fassung der Einwilligung"), max_length=20)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    # What the last digest covered: offers published until this time, dates up to this id.
    last_digest_at = models.DateTimeField(_("letzte Zusammenfassung bis"), null=True, blank=True)
    last_date_id = models.BigIntegerField(default=0, editable=False)
    last_sent_at = models.DateTimeField(_("zuletzt gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Suchauftrag")
        verbose_name_plural = _("Suchaufträge")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["email"], name="course_alert_email"),
            models.Index(fields=["frequency", "confirmed_at"], name="course_alert_due"),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.query or '–'}"


# --- Provider back office ("Mein Bereich"): approval, history, imports ------------------


class OfferApproval(models.Model):
    """A first publication of a new provider, waiting for the network office.

    A provider counts as new until one of its offers has been published; its first
    publication waits here, later ones go live at once (offerings.services.offer_publish).
    """

    offer = models.OneToOneField(
        Offer, on_delete=models.CASCADE, related_name="approval", verbose_name=_("Angebot")
    )
    requested_by = models.ForeignKey(
        "network.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("angefragt von"),
    )
    requested_at = models.DateTimeField(_("angefragt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Freigabe-Anfrage")
        verbose_name_plural = _("Freigabe-Anfragen")
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return str(self.offer)


class OfferChange(models.Model):
    """One entry of an offer's change history: who changed which fields when."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="changes", verbose_name=_("Angebot")
    )
    user = models.ForeignKey(
        "network.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    action = models.CharField(_("Vorgang"), max_length=40)
    fields = models.JSONField(_("Felder"), default=list, blank=True)
    created_at = models.DateTimeField(_("am"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Änderung")
        verbose_name_plural = _("Änderungen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.offer}: {self.action}"

    ACTION_LABELS = {
        "create": _("angelegt"),
        "update": _("bearbeitet"),
        "review": _("als aktuell bestätigt"),
        "duplicate": _("als Kopie angelegt"),
        "archive": _("archiviert"),
        "publish": _("veröffentlicht"),
        "approval_requested": _("Freigabe angefragt"),
        "date_add": _("Termin hinzugefügt"),
        "date_update": _("Termin geändert"),
        "date_copy": _("Termin kopiert"),
        "date_delete": _("Termin gelöscht"),
        "dates_shift": _("Termine verschoben"),
        "import_create": _("importiert (neu)"),
        "import_update": _("importiert (geändert)"),
        "import_archive": _("per Import archiviert"),
    }

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))

    @property
    def field_labels(self) -> list[str]:
        labels = []
        for name in self.fields:
            try:
                labels.append(str(Offer._meta.get_field(name).verbose_name))
            except Exception:  # dates, ids and removed fields show as stored
                labels.append(str(_("Termine")) if name == "dates" else name)
        return labels


class ImportFormat(models.TextChoices):
    OPENQCAT = "openqcat", _("open-Q-cat 1.1 (XML)")
    CSV = "csv", _("CSV")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("wartet")
    CHECKING = "checking", _("wird geprüft")
    CHECKED = "checked", _("geprüft")
    COMMITTING = "committing", _("wird übernommen")
    DONE = "done", _("übernommen")
    FAILED = "failed", _("fehlgeschlagen")


class ImportJob(models.Model):
    """An uploaded import file, its dry-run report and, once committed, its result.

    The file is kept in the database (bytea) so that any worker can read it; it is bounded
    by OFFER_IMPORT_MAX_BYTES and removed once the import is committed.
    """

    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("Einrichtung"),
    )
    user = models.ForeignKey("network.User", on_delete=models.SET_NULL, null=True, related_name="+")
    format = models.CharField(_("Format"), max_length=10, choices=ImportFormat.choices)
    filename = models.CharField(_("Dateiname"), max_length=200)
    content = models.BinaryField(editable=False)
    status = models.CharField(
        _("Status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveIntegerField(_("verarbeitete Einträge"), default=0)
    error = models.TextField(_("Fehler"), blank=True)
    report = models.JSONField(_("Bericht"), default=dict, blank=True)
    created_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)
    finished_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution}: {self.filename}"
