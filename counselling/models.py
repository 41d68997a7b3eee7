"""Counselling of the network: the services member institutions offer, the requests people
send without an account, what counsellors do with them, company training needs and the
joint measures ("Verbundmaßnahmen") built from them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.i18n import mail_language_field
from counselling.funding import INSTRUMENTS
from network.models import District, Institution


class ServiceKind(models.TextChoices):
    CONTINUING_EDUCATION = "continuing_education", _("Weiterbildungsberatung")
    CAREER = "career", _("Berufsberatung im Erwerbsleben")
    COMPANY = "company", _("Betriebsberatung")
    RECOGNITION = "recognition", _("Anerkennung ausländischer Abschlüsse")


class Situation(models.TextChoices):
    JOB_SEEKING = "job_seeking", _("Ich suche Arbeit")
    RETURNING = "returning", _("Ich kehre in den Beruf zurück")
    EMPLOYED = "employed", _("Ich bin beschäftigt")
    COMPANY = "company", _("Ich frage für ein Unternehmen")


class Channel(models.TextChoices):
    PHONE = "phone", _("Telefon")
    VIDEO = "video", _("Video")
    IN_PERSON = "in_person", _("persönlich vor Ort")


class Language(models.TextChoices):
    GERMAN = "de", _("Deutsch")
    ENGLISH = "en", _("Englisch")
    TURKISH = "tr", _("Türkisch")
    ARABIC = "ar", _("Arabisch")
    RUSSIAN = "ru", _("Russisch")
    UKRAINIAN = "uk", _("Ukrainisch")
    ROMANIAN = "ro", _("Rumänisch")


class Topic(models.TextChoices):
    """What a request is about; it also decides which kind of service fits best."""

    CONTINUING_EDUCATION = "continuing_education", _("Weiterbildung finden")
    FUNDING = "funding", _("Förderung und Kosten")
    CAREER_CHANGE = "career_change", _("Berufliche Neuorientierung")
    RECOGNITION = "recognition", _("Anerkennung eines ausländischen Abschlusses")
    COMPANY_TRAINING = "company_training", _("Weiterbildung im Betrieb")


# The kind of service that fits a topic best; routing prefers it.
TOPIC_KIND = {
    Topic.CONTINUING_EDUCATION: ServiceKind.CONTINUING_EDUCATION,
    Topic.FUNDING: ServiceKind.CONTINUING_EDUCATION,
    Topic.CAREER_CHANGE: ServiceKind.CAREER,
    Topic.RECOGNITION: ServiceKind.RECOGNITION,
    Topic.COMPANY_TRAINING: ServiceKind.COMPANY,
}


class ServiceApproval(models.TextChoices):
    PENDING = "pending", _("wartet auf Freigabe")
    APPROVED = "approved", _("freigegeben")
    REJECTED = "rejected", _("abgelehnt")


# What routing reads: a change of these fields redirects people's requests, so on an
# approved service it waits in `proposed` for the network office (counselling/backoffice/).
SERVICE_ROUTING_FIELDS = ("kind", "situations", "districts", "languages")


class CounsellingServiceQuerySet(models.QuerySet):
    def listed(self):
        """What the public directory shows and routing may choose: approved, active, of an
        active institution."""
        return self.filter(
            approval=ServiceApproval.APPROVED, is_active=True, institution__is_active=True
        )

    def awaiting_approval(self):
        """New services and changes of approved ones that wait for the network office."""
        return self.filter(
            models.Q(approval=ServiceApproval.PENDING)
            | (models.Q(approval=ServiceApproval.APPROVED) & ~models.Q(proposed={}))
        )


class CounsellingService(models.Model):
    """One counselling service of a member institution, as the public directory shows it
    and as routing reads it. The lists hold choice values (districts, situations, …).

    The institution keeps it in its back office; a new service is listed only once the
    network office approved it, and a change of an approved one's routing fields waits in
    `proposed` while the approved values stay in force (counselling/backoffice/README.md).
    """

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="counselling_services",
        verbose_name=_("Einrichtung"),
    )
    name = models.CharField(_("Name"), max_length=150)
    kind = models.CharField(_("Art der Beratung"), max_length=30, choices=ServiceKind.choices)
    description = models.TextField(_("Beschreibung"), max_length=1500, blank=True)
    situations = models.JSONField(_("für wen"), default=list)
    districts = models.JSONField(_("Landkreise"), default=list)
    languages = models.JSONField(_("Sprachen"), default=list)
    channels = models.JSONField(_("Wege"), default=list)
    opening_hours = models.CharField(_("Sprechzeiten"), max_length=300, blank=True)
    contact_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("Rang bei der Zuordnung"),
        default=100,
        help_text=_("Kleinere Zahl: wird bei gleich gut passenden Stellen zuerst gewählt."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    approval = models.CharField(
        _("Freigabe"),
        max_length=20,
        choices=ServiceApproval.choices,
        default=ServiceApproval.PENDING,
    )
    proposed = models.JSONField(
        _("vorgeschlagene Änderung"),
        default=dict,
        blank=True,
        help_text=_("Geänderte Zuordnungsfelder eines freigegebenen Angebots vor der Freigabe."),
    )
    rejection_reason = models.TextField(_("Grund der Ablehnung"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("zur Freigabe vorgelegt"), null=True, blank=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    # The key of the back office's form that created it: the same form posted twice (a
    # double click, a reload) is one service. Empty for services set up in the admin.
    submission_key = models.UUIDField(
        _("Formular-Schlüssel"), null=True, blank=True, unique=True, editable=False
    )

    objects = CounsellingServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Beratungsangebot")
        verbose_name_plural = _("Beratungsangebote")
        ordering = ["kind", "institution__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.institution})"

    def _labels(self, values, choices) -> list[str]:
        labels = dict(choices)
        return [str(labels[v]) for v in values if v in labels]

    @property
    def situation_labels(self) -> list[str]:
        return self._labels(self.situations, Situation.choices)

    @property
    def district_labels(self) -> list[str]:
        return self._labels(self.districts, District.choices)

    @property
    def language_labels(self) -> list[str]:
        return self._labels(self.languages, Language.choices)

    @property
    def channel_labels(self) -> list[str]:
        return self._labels(self.channels, Channel.choices)

    @property
    def has_proposal(self) -> bool:
        return bool(self.proposed)

    @property
    def is_listed(self) -> bool:
        return (
            self.approval == ServiceApproval.APPROVED
            and self.is_active
            and self.institution.is_active
        )


class RequestStatus(models.TextChoices):
    NEW = "new", _("neu")
    IN_CONTACT = "in_contact", _("in Kontakt")
    APPOINTMENT = "appointment", _("Termin vereinbart")
    CLOSED = "closed", _("abgeschlossen")


class Outcome(models.TextChoices):
    COUNSELLED = "counselled", _("beraten")
    COURSE = "course", _("in einen Kurs vermittelt")
    FUNDING = "funding", _("an eine Förderung verwiesen")
    REFERRED = "referred", _("an eine andere Stelle verwiesen")
    NO_CONTACT = "no_contact", _("nicht erreicht")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


# The funding a placement used besides the portal's instruments (counselling.funding): no
# funding at all and "not known" are different answers, and neither is a zero.
FUNDING_NONE = "none"
FUNDING_OTHER = "other"
FUNDING_UNKNOWN = "unknown"


def placement_funding_choices() -> list[tuple[str, str]]:
    """The funding instruments the portal knows (their slugs are the catalogue's funding
    programmes'), then other funding, none and unknown. A callable: the list follows the
    funding table without a migration."""
    return [
        *((i.slug, i.name) for i in INSTRUMENTS),
        (FUNDING_OTHER, _("andere Förderung")),
        (FUNDING_NONE, _("ohne Förderung (selbst oder vom Arbeitgeber bezahlt)")),
        (FUNDING_UNKNOWN, _("nicht bekannt")),
    ]


class CounsellingRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=RequestStatus.CLOSED)

    def with_personal_data(self):
        return self.filter(anonymised_at__isnull=True)


class CounsellingRequest(models.Model):
    """A request for free counselling, sent through the public form.

    Personal data (name, contact, message, notes) is removed by `request_anonymise` some
    months after closing; what stays is what statistics need: district, situation, topic,
    dates and outcome. There are no attachments: the form must take two minutes on a phone,
    and documents (CVs, certificates) belong in the conversation, not in a web form.
    """

    reference = models.CharField(_("Vorgangsnummer"), max_length=12, unique=True)
    submission_key = models.UUIDField(
        _("Formular-Schlüssel"),
        unique=True,
        help_text=_("Ein zweites Absenden desselben Formulars legt keine zweite Anfrage an."),
    )
    name = models.CharField(_("Name oder Pseudonym"), max_length=100, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    channel = models.CharField(_("gewünschter Weg"), max_length=20, blank=True)
    language = models.CharField(_("Sprache"), max_length=5, blank=True)
    district = models.CharField(_("Landkreis"), max_length=20, choices=District.choices)
    situation = models.CharField(_("Situation"), max_length=20, choices=Situation.choices)
    topic = models.CharField(_("Thema"), max_length=30, choices=Topic.choices)
    message = models.TextField(_("Nachricht"), max_length=1000, blank=True)
    # Sent with the short form in Leichter Sprache: the counsellor should speak plainly.
    easy_language = models.BooleanField(_("über das Formular in Leichter Sprache"), default=False)
    consent_at = models.DateTimeField(_("eingewilligt am"), null=True, blank=True)

    institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counselling_requests",
        verbose_name=_("zuständige Einrichtung"),
    )
    service = models.ForeignKey(
        CounsellingService,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("Beratungsangebot"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    outcome = models.CharField(_("Ergebnis"), max_length=20, choices=Outcome.choices, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bearbeitet von"),
    )
    created_at = models.DateTimeField(_("eingegangen am"), default=timezone.now)
    mail_language = mail_language_field()
    last_activity_at = models.DateTimeField(_("zuletzt bearbeitet"), default=timezone.now)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("an Geschäftsstelle gemeldet"), null=True, blank=True)
    # The placement, when closed as "placed in a course" (issue 21): a catalogue course or a
    # description of one elsewhere, and the funding used. Anonymising keeps the course and
    # the funding (they describe no person) and removes the free description.
    placement_offer = models.ForeignKey(
        "offerings.Offer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vermittelter Kurs aus dem Katalog"),
    )
    placement_course = models.CharField(
        _("vermittelter Kurs außerhalb des Katalogs"), max_length=200, blank=True
    )
    placement_funding = models.CharField(
        _("Förderung des Kurses"), max_length=40, blank=True, choices=placement_funding_choices
    )
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    objects = CounsellingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("Beratungsanfrage")
        verbose_name_plural = _("Beratungsanfragen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["institution", "status"]),
            models.Index(fields=["status", "closed_at"]),
            models.Index(fields=["status", "last_activity_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def contact(self) -> str:
        return self.email or self.phone

    @property
    def is_placed(self) -> bool:
        return self.status == RequestStatus.CLOSED and self.outcome == Outcome.COURSE

    @property
    def channel_label(self) -> str:
        if not self.channel:
            return str(_("nicht angegeben"))
        return str(dict(Channel.choices).get(self.channel, self.channel))

    @property
    def language_label(self) -> str:
        return str(dict(Language.choices).get(self.language, self.language))


class RequestNote(models.Model):
    """An internal note of a counsellor; never shown to the person."""

    request = models.ForeignKey(CounsellingRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("Notiz"), max_length=2000)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Interne Notiz")
        verbose_name_plural = _("Interne Notizen")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} – {self.created_at:%d.%m.%Y}"


class EventKind(models.TextChoices):
    ROUTED = "routed", _("zugeordnet")
    CLAIMED = "claimed", _("übernommen")
    STATUS = "status", _("Status geändert")
    HANDED_OVER = "handed_over", _("weitergegeben")
    ESCALATED = "escalated", _("an die Geschäftsstelle gemeldet")
    ANONYMISED = "anonymised", _("anonymisiert")


class RequestEvent(models.Model):
    """The history of a request: routing, claims, status changes, hand-overs."""

    request = models.ForeignKey(CounsellingRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("Art"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    detail = models.CharField(_("Angabe"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("am"), default=timezone.now)

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} – {self.get_kind_display()}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("angesehen")
    EXPORT = "export", _("exportiert")
    ERASE = "erase", _("gelöscht")
    SEARCH = "search", _("gesucht")


class PersonalDataAccess(models.Model):
    """Who saw, exported or erased a request's personal data, and when.

    It keeps the reference as text so that the record outlives the request's erasure; it
    holds no personal data of the requester itself.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    request = models.ForeignKey(
        CounsellingRequest, on_delete=models.SET_NULL, null=True, related_name="accesses"
    )
    reference = models.CharField(_("Vorgangsnummer"), max_length=40, blank=True)
    action = models.CharField(_("Zugriff"), max_length=10, choices=AccessAction.choices)
    at = models.DateTimeField(_("am"), default=timezone.now)

    class Meta:
        verbose_name = _("Zugriff auf personenbezogene Daten")
        verbose_name_plural = _("Zugriffe auf personenbezogene Daten")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.reference} – {self.get_action_display()} – {self.user}"


# --- company training needs ---------------------------------------------------------------


class SizeBand(models.TextChoices):
    LT10 = "lt10", _("unter 10 Beschäftigte")
    LT50 = "lt50", _("10 bis 49 Beschäftigte")
    LT250 = "lt250", _("50 bis 249 Beschäftigte")
    LT500 = "lt500", _("250 bis 499 Beschäftigte")
    GE500 = "ge500", _("500 und mehr Beschäftigte")


class NeedFormat(models.TextChoices):
    ONSITE = "onsite", _("vor Ort")
    IN_HOUSE = "in_house", _("im eigenen Betrieb")
    ONLINE = "online", _("online")
    BLENDED = "blended", _("gemischt")
    ANY = "any", _("egal")


class Sector(models.TextChoices):
    INDUSTRY = "industry", _("Industrie und Produktion")
    CRAFT = "craft", _("Handwerk")
    TRADE = "trade", _("Handel")
    SERVICES = "services", _("Dienstleistung")
    HEALTH = "health", _("Gesundheit und Pflege")
    LOGISTICS = "logistics", _("Logistik")
    OTHER = "other", _("anderes")


class JointMeasureStatus(models.TextChoices):
    INVITING = "inviting", _("Angebote werden eingeholt")
    CHOSEN = "chosen", _("Angebot ausgewählt")
    MET = "met", _("Kurs steht fest")


class JointMeasure(models.Model):
    """A joint course ("Verbundmaßnahme") the network office builds from several companies'
    needs on one topic: it invites providers to offer, or links an existing catalogue
    offer; once a course is fixed the companies are told."""

    title = models.CharField(_("Titel"), max_length=200)
    topic = models.ForeignKey(
        "offerings.Topic", on_delete=models.PROTECT, related_name="+", verbose_name=_("Thema")
    )
    district = models.CharField(_("Landkreis"), max_length=20, choices=District.choices)
    period = models.CharField(_("Zeitraum"), max_length=7)
    note = models.TextField(_("Hinweis an die Anbieter"), max_length=3000, blank=True)
    invited = models.ManyToManyField(
        Institution,
        blank=True,
        related_name="joint_measure_invitations",
        verbose_name=_("eingeladene Anbieter"),
    )
    offer = models.ForeignKey(
        "offerings.Offer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kursangebot im Katalog"),
    )
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=JointMeasureStatus.choices,
        default=JointMeasureStatus.INVITING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    met_at = models.DateTimeField(_("Kurs fest seit"), null=True, blank=True)
    chosen_at = models.DateTimeField(_("Angebot ausgewählt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Verbundmaßnahme")
        verbose_name_plural = _("Verbundmaßnahmen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CompanyNeedQuerySet(models.QuerySet):
    def not_withdrawn(self):
        return self.filter(withdrawn_at__isnull=True)


class CompanyNeed(models.Model):
    """A company's training need, registered without an account.

    Contact data is for the network office only; the demand board shows the rest
    anonymously. The company may withdraw it (reference and contact): its contact data is
    erased at once and it leaves the demand board. Otherwise it is removed like a counselling
    request's: some months after the need was met, or after a year when nothing came of it.
    """

    reference = models.CharField(_("Vorgangsnummer"), max_length=12, unique=True)
    submission_key = models.UUIDField(unique=True)
    topic = models.ForeignKey(
        "offerings.Topic", on_delete=models.PROTECT, related_name="+", verbose_name=_("Thema")
    )
    description = models.CharField(_("Was genau?"), max_length=300, blank=True)
    participants = models.PositiveSmallIntegerField(_("Anzahl Beschäftigte im Kurs"))
    period = models.CharField(_("gewünschter Zeitraum"), max_length=7)
    format = models.CharField(_("Form"), max_length=20, choices=NeedFormat.choices)
    district = models.CharField(_("Ort (Landkreis)"), max_length=20, choices=District.choices)
    size_band = models.CharField(
        _("Größe des Unternehmens"), max_length=10, choices=SizeBand.choices
    )
    sector = models.CharField(_("Branche"), max_length=20, choices=Sector.choices)
    company_name = models.CharField(_("Unternehmen"), max_length=150, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=100, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    consent_at = models.DateTimeField(_("eingewilligt am"), null=True, blank=True)
    joint_measure = models.ForeignKey(
        JointMeasure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("Verbundmaßnahme"),
    )
    created_at = models.DateTimeField(_("eingegangen am"), default=timezone.now)
    mail_language = mail_language_field()
    met_at = models.DateTimeField(_("erfüllt am"), null=True, blank=True)
    # The company's answer to the chosen quote of its joint measure (None: not yet given).
    confirmed_participants = models.PositiveSmallIntegerField(
        _("bestätigte Teilnehmende"), null=True, blank=True
    )
    participants_confirmed_at = models.DateTimeField(
        _("Teilnehmende bestätigt am"), null=True, blank=True
    )
    # The stamp of the one mail "your course is in the catalogue" (joint_measure_tell).
    told_at = models.DateTimeField(_("benachrichtigt am"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    objects = CompanyNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Weiterbildungsbedarf")
        verbose_name_plural = _("Weiterbildungsbedarfe")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["topic", "district", "period"])]

    def __str__(self) -> str:
        return f"{self.topic} ({self.period})"


class JointQuoteStatus(models.TextChoices):
    SUBMITTED = "submitted", _("abgegeben")
    WITHDRAWN = "withdrawn", _("zurückgezogen")
    CHOSEN = "chosen", _("ausgewählt")
    NOT_CHOSEN = "not_chosen", _("nicht ausgewählt")


class JointQuote(models.Model):
    """An invited provider's quote for a joint measure: one per provider and measure, which
    it may revise or withdraw until the network office chooses one (counselling/joint/).

    The price is per participant in euro; the costs per company after funding are computed
    from it (counselling.joint.costs), never stored."""

    measure = models.ForeignKey(JointMeasure, on_delete=models.CASCADE, related_name="quotes")
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="joint_quotes",
        verbose_name=_("Anbieter"),
    )
    price = models.DecimalField(
        _("Preis je Teilnehmerin oder Teilnehmer (Euro)"), max_digits=8, decimal_places=2
    )
    min_participants = models.PositiveSmallIntegerField(_("Mindestzahl Teilnehmende"))
    max_participants = models.PositiveSmallIntegerField(_("Höchstzahl Teilnehmende"))
    hours = models.PositiveSmallIntegerField(_("Unterrichtsstunden"), null=True, blank=True)
    starts_on = models.DateField(_("Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    dates = models.CharField(_("Termine"), max_length=300, blank=True)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    delivery_form = models.ForeignKey(
        "offerings.DeliveryForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Lernform"),
    )
    funding = models.ManyToManyField(
        "offerings.FundingProgramme",
        blank=True,
        related_name="+",
        verbose_name=_("Förderung, die der Kurs ermöglicht"),
    )
    note = models.TextField(_("Hinweise"), max_length=2000, blank=True)
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=JointQuoteStatus.choices,
        default=JointQuoteStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("abgegeben am"), default=timezone.now)
    revised_at = models.DateTimeField(_("zuletzt geändert am"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Angebot für eine Verbundmaßnahme")
        verbose_name_plural = _("Angebote für Verbundmaßnahmen")
        ordering = ["price", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "institution"], name="joint_quote_one_per_provider"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="joint_quote_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(min_participants__gte=1)
                & models.Q(max_participants__gte=models.F("min_participants")),
                name="joint_quote_participants_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} – {self.measure}"


# --- course wishes ("Kurs gewünscht", issue 21) -----------------------------------------------
# A new section: the wish's services, forms and pages are in counselling/wishes/.


class WishTime(models.TextChoices):
    DAYTIME = "daytime", _("tagsüber unter der Woche")
    EVENING = "evening", _("abends")
    WEEKEND = "weekend", _("am Wochenende")


class WishSchedule(models.TextChoices):
    FULL_TIME = "full_time", _("Vollzeit")
    PART_TIME = "part_time", _("Teilzeit")
    ANY = "any", _("egal")


class WishSoon(models.TextChoices):
    NOW = "now", _("so bald wie möglich")
    HALF_YEAR = "half_year", _("in den nächsten sechs Monaten")
    LATER = "later", _("später, ohne Eile")


class CourseWishQuerySet(models.QuerySet):
    def with_email(self):
        return self.exclude(email="")


class CourseWish(models.Model):
    """A person's wish for a course the catalogue does not have, sent without an account.

    The e-mail address is optional and only for being told of a matching course: it is
    proven by double opt-in (`confirmed_at`), `token` is the secret of the withdrawal link,
    and both are removed when the person is told, withdraws, or after a year
    (counselling.wishes.services.course_wishes_retain). The wish itself stays, anonymous, for
    the demand board.
    """

    topic = models.CharField(_("gewünschter Kurs"), max_length=200)
    course_topic = models.ForeignKey(
        "offerings.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Themenbereich"),
    )
    offer = models.ForeignKey(
        "offerings.Offer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kurs ohne Termin"),
    )
    place = models.CharField(_("Ort"), max_length=100, blank=True)
    district = models.CharField(_("Landkreis"), max_length=20, choices=District.choices)
    times = models.JSONField(_("wann"), default=list)
    schedule = models.CharField(
        _("Zeitmodell"), max_length=20, choices=WishSchedule.choices, default=WishSchedule.ANY
    )
    soon = models.CharField(_("wie bald"), max_length=20, choices=WishSoon.choices)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    consent_version = models.CharField(_("Fassung der Einwilligung"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("eingegangen am"), default=timezone.now)
    mail_language = mail_language_field()
    confirmed_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    told_at = models.DateTimeField(_("benachrichtigt am"), null=True, blank=True)
    email_removed_at = models.DateTimeField(_("E-Mail gelöscht am"), null=True, blank=True)

    objects = CourseWishQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kurswunsch")
        verbose_name_plural = _("Kurswünsche")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["course_topic", "district"], name="course_wish_group")]

    def __str__(self) -> str:
        return self.topic

    @property
    def time_labels(self) -> list[str]:
        labels = dict(WishTime.choices)
        return [str(labels[v]) for v in self.times if v in labels]


# The demand board's threshold (issue 21): a group whose demand reaches it is marked as a
# chance for a joint course. The network office sets it on the board.
BOARD_THRESHOLD_DEFAULT = 3
BOARD_THRESHOLD_MIN = 1
BOARD_THRESHOLD_MAX = 50


class BoardSettings(models.Model):
    """The demand board's settings, one row (pk 1); without it the defaults hold."""

    chance_threshold = models.PositiveSmallIntegerField(
        _("Schwelle für eine Chance"),
        default=BOARD_THRESHOLD_DEFAULT,
        validators=[
            MinValueValidator(BOARD_THRESHOLD_MIN),
            MaxValueValidator(BOARD_THRESHOLD_MAX),
        ],
    )
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geändert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Einstellungen der Bedarfsbörse")
        verbose_name_plural = _("Einstellungen der Bedarfsbörse")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chance_threshold__gte=BOARD_THRESHOLD_MIN)
                & models.Q(chance_threshold__lte=BOARD_THRESHOLD_MAX),
                name="board_threshold_range",
            )
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
