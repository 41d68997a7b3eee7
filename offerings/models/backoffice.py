"""The providers' back office: approval of new providers, the history of changes, imports."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.storage import private_files
from network.models import ApprovalRequest
from offerings.models.offers import Offer


class OfferApproval(ApprovalRequest):
    """A new provider's first publication, an offer, waiting for the network office
    (network.models.ApprovalRequest); later ones go live at once
    (offerings.services.offer_publish)."""

    offer = models.OneToOneField(
        Offer, on_delete=models.CASCADE, related_name="approval", verbose_name=_("Angebot")
    )

    class Meta(ApprovalRequest.Meta):
        verbose_name = _("Freigabe-Anfrage")
        verbose_name_plural = _("Freigabe-Anfragen")

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


IMPORTS_DIRECTORY = "imports"


def import_file_name(job: "ImportJob", filename: str) -> str:
    """Where an uploaded file is stored: never under the name its sender chose."""
    return f"{IMPORTS_DIRECTORY}/{job.institution_id}/{uuid.uuid4().hex}"


class ImportJob(models.Model):
    """An uploaded import file, its dry-run report and, once committed, its result.

    The file is streamed to the private file storage (common.storage), which the web
    process and the workers share; it is bounded by MAX_IMPORT_BYTES and deleted once the
    job is committed, has failed or was abandoned (offerings.imports.jobs). Jobs uploaded
    before issue 15 keep their file in `content` (bytea) until then.
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
    file = models.FileField(
        _("Datei"),
        storage=private_files,
        upload_to=import_file_name,
        max_length=200,
        blank=True,
        editable=False,
    )
    # Earlier uploads were stored here; read as long as such a job is open.
    content = models.BinaryField(editable=False)
    # The file's SUPPLIER_ID and SUPPLIER_NAME (open-Q-cat only), read by the dry run, and
    # whether the person who committed it confirmed that supplier.
    supplier_id = models.CharField(_("Anbieterkennung der Datei"), max_length=100, blank=True)
    supplier_name = models.CharField(_("Anbieter laut Datei"), max_length=200, blank=True)
    supplier_confirmed = models.BooleanField(_("Anbieter bestätigt"), default=False)
    status = models.CharField(
        _("Status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveIntegerField(_("verarbeitete Einträge"), default=0)
    error = models.TextField(_("Fehler"), blank=True)
    report = models.JSONField(_("Bericht"), default=dict, blank=True)
    # What the provider set in the dry run for the whole file, applied at the commit:
    # {"funding_programmes": [slug, ...], "target_groups": [slug, ...]}.
    defaults = models.JSONField(_("Vorgaben für alle Angebote der Datei"), default=dict, blank=True)
    # A whole catalogue archives the offers it no longer lists only when confirmed.
    archive_missing = models.BooleanField(
        _("nicht mehr enthaltene Angebote archivieren"), default=False
    )
    created_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)
    finished_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution}: {self.filename}"
