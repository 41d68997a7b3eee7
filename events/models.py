"""The events calendar: events member institutions announce, the network office's approval
of a new institution's first event, and registrations through the portal.

The tables keep the names they had in the offerings app (issue 14 moved the models here
without touching the data): hence `db_table`.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.i18n import mail_language_field
from network.models import ApprovalRequest, District


class EventKind(models.TextChoices):
    INFO_DAY = "info_day", _("Infotag")
    WORKSHOP = "workshop", _("Workshop")
    MUNICIPAL_DIALOGUE = "municipal_dialogue", _("Dialog mit Kommunen")
    CITIZEN_DIALOGUE = "citizen_dialogue", _("Dialog mit Bürgerinnen und Bürgern")
    CONFERENCE = "conference", _("Konferenz")
    OPEN_DAY = "open_day", _("Tag der offenen Tür")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("veröffentlicht")
    CANCELLED = "cancelled", _("abgesagt")


class EventRegistrationMode(models.TextChoices):
    NONE = "none", _("keine Anmeldung nötig")
    EXTERNAL = "external", _("Anmeldung über einen Link")
    PORTAL = "portal", _("Anmeldung über das Portal (mit Platzzahl und Warteliste)")


class EventQuerySet(models.QuerySet):
    def public(self):
        """Events visitors may see: published or, once published, cancelled (so that
        people who planned to come learn of the cancellation)."""
        return self.filter(
            status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED],
            published_at__isnull=False,
            institution__is_active=True,
        )

    def published(self):
        return self.filter(status=EventStatus.PUBLISHED, institution__is_active=True)

    def upcoming(self, now=None):
        """Not over yet: an event that is running still counts as upcoming."""
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())


class Event(models.Model):
    """An event a member institution announces: information day, workshop, dialogue,
    conference or open day. Visitors register elsewhere, not at all, or on the portal
    (EventRegistration), which then keeps the seat limit and a waiting list."""

    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("Veranstalter"),
    )
    kind = models.CharField(_("Art"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.CharField(
        _("Kurzbeschreibung"),
        max_length=300,
        blank=True,
        help_text=_("Ein bis zwei Sätze für die Übersicht."),
    )
    description = models.TextField(
        _("Beschreibung"),
        max_length=20000,
        blank=True,
        help_text=_("Einfacher Text oder Markdown (Überschriften, Listen, Links)."),
    )
    target_groups = models.ManyToManyField(
        "offerings.TargetGroup", blank=True, related_name="events", verbose_name=_("Zielgruppen")
    )
    audience_notes = models.CharField(
        _("Weitere Zielgruppen"),
        max_length=300,
        blank=True,
        help_text=_("Zum Beispiel „Personalverantwortliche kleiner Betriebe“."),
    )
    starts_at = models.DateTimeField(_("Beginn"), db_index=True)
    ends_at = models.DateTimeField(_("Ende"))
    venue_name = models.CharField(_("Veranstaltungsort"), max_length=150, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=120, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=80, blank=True)
    district = models.CharField(_("Landkreis"), max_length=20, choices=District.choices, blank=True)
    online_url = models.URLField(_("Link zur Online-Teilnahme"), max_length=500, blank=True)
    wheelchair_accessible = models.BooleanField(_("rollstuhlgerecht"), default=False)
    accessibility_notes = models.TextField(
        _("Hinweise zur Barrierefreiheit"), max_length=2000, blank=True
    )
    price = models.DecimalField(
        _("Kosten in Euro"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99999"))],
        help_text=_("0 für kostenlose Veranstaltungen."),
    )
    price_notes = models.CharField(_("Hinweise zu den Kosten"), max_length=300, blank=True)
    registration_mode = models.CharField(
        _("Anmeldung"),
        max_length=10,
        choices=EventRegistrationMode.choices,
        default=EventRegistrationMode.NONE,
    )
    registration_url = models.URLField(_("Link zur Anmeldung"), max_length=500, blank=True)
    seats = models.PositiveIntegerField(
        _("Plätze"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    waiting_list = models.BooleanField(
        _("Warteliste, wenn alle Plätze vergeben sind"), default=True
    )
    registration_closes_at = models.DateTimeField(_("Anmeldeschluss"), null=True, blank=True)
    contact_email = models.EmailField(_("E-Mail für Rückfragen"), blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    # Set once the registrations' names and addresses have been erased (30 days after).
    registrations_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        "network.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        db_table = "offerings_event"
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "ends_at"], name="event_status_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", kwargs={"pk": self.pk})

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def has_place(self) -> bool:
        return bool(self.venue_name or self.city)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def uses_portal_registration(self) -> bool:
        return self.registration_mode == EventRegistrationMode.PORTAL

    @property
    def seats_free(self) -> int | None:
        """Free seats, where the list annotated `seats_taken` (event_list_public)."""
        taken = getattr(self, "seats_taken", None)
        if taken is None or not self.uses_portal_registration:
            return None
        return max(0, (self.seats or 0) - taken)


class EventApproval(ApprovalRequest):
    """A new institution's first publication, an event, waiting for the network office
    (network.models.ApprovalRequest); later ones go live at once (events.services)."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="approval", verbose_name=_("Veranstaltung")
    )

    class Meta(ApprovalRequest.Meta):
        db_table = "offerings_eventapproval"
        verbose_name = _("Freigabe-Anfrage (Veranstaltung)")
        verbose_name_plural = _("Freigabe-Anfragen (Veranstaltungen)")

    def __str__(self) -> str:
        return str(self.event)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("angemeldet")
    WAITING = "waiting", _("auf der Warteliste")
    CANCELLED = "cancelled", _("abgemeldet")


class EventRegistration(models.Model):
    """A person's registration through the portal. Name and address are erased 30 days
    after the event (events.services.event_registrations_erase)."""

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("Veranstaltung"),
    )
    name = models.CharField(_("Name"), max_length=150)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(_("angemeldet am"), default=timezone.now)
    mail_language = mail_language_field()
    promoted_at = models.DateTimeField(
        _("von der Warteliste nachgerückt am"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)

    class Meta:
        db_table = "offerings_eventregistration"
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "status"], name="event_registration_status")]
        constraints = [
            # One active registration per address and event; erased rows have no address.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled") & ~Q(email=""),
                name="event_registration_unique_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.name or '–'}"
