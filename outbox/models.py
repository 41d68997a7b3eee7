"""Outgoing mail and the record that a periodic digest went out once."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("wartet")
    SENDING = "sending", _("wird gesendet")
    SENT = "sent", _("gesendet")
    FAILED_TEMPORARY = "failed_temporary", _("vorübergehend fehlgeschlagen")
    FAILED_PERMANENT = "failed_permanent", _("endgültig fehlgeschlagen")


class MessageKind(models.TextChoices):
    NOTIFICATION = "notification", _("Benachrichtigung")
    ACCOUNT = "account", _("Konto")
    CONFIRMATION = "confirmation", _("Bestätigung")
    ALERT = "alert", _("Suchauftrag")
    DIGEST = "digest", _("Zusammenfassung")


class OutboxMessage(models.Model):
    """One mail to one recipient, rendered when it was enqueued.

    The row is the record: the status says whether it left, and `key` makes enqueueing
    idempotent, so a retried caller never produces a second mail.
    """

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    kind = models.CharField(
        _("Art"), max_length=20, choices=MessageKind.choices, default=MessageKind.NOTIFICATION
    )
    recipient = models.CharField(_("Empfänger"), max_length=320)
    subject = models.CharField(_("Betreff"), max_length=300)
    text = models.TextField(_("Text"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("zusätzliche Kopfzeilen"), default=dict, blank=True)
    # Small text files sent along (a calendar entry): [{"filename", "mimetype", "content"}].
    attachments = models.JSONField(_("Anhänge"), default=list, blank=True)
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=MessageStatus.choices,
        default=MessageStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    claimed_at = models.DateTimeField(_("Versand begonnen am"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("E-Mail im Postausgang")
        verbose_name_plural = _("Postausgang")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweeper looks for unsent rows by status and time.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next"),
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class DigestClaim(models.Model):
    """Proof that the digest `kind` for `recipient` and `period` was built once.

    The unique constraint is the lock: of two workers (or two runs of a beat task) only the
    first insert succeeds, the other gets an IntegrityError and skips. Any periodic mail can
    use it: course alerts now, working-group digests and the steering circle summary later.
    """

    kind = models.CharField(_("Art"), max_length=40)
    recipient = models.CharField(
        _("Empfänger"), max_length=200, help_text=_("Wer die Zusammenfassung bekommt.")
    )
    period = models.CharField(_("Zeitraum"), max_length=20, help_text=_("z. B. 2026-W47"))
    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("E-Mail"),
        help_text=_("Leer, wenn es nichts Neues gab."),
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("versandte Zusammenfassung")
        verbose_name_plural = _("versandte Zusammenfassungen")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "period"], name="digest_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.recipient}"
