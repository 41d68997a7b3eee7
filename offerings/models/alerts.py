"""Course alerts ("Suchauftrag"): saved searches mailed as digests."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.i18n import mail_language_field


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
    mail_language = mail_language_field()
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
