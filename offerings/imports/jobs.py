"""Import jobs: the upload is stored, checked (dry run) and committed by Celery tasks, so
large files do not block a request and the status page can show progress.

Both tasks read the stored file from the database a megabyte at a time into a temporary
table (`staging.py`), plan it a chunk of offers at a time and write the report chunk by
chunk (`report.py`): a worker's memory does not grow with the file. The commit applies
every chunk inside one transaction, so it stays all-or-nothing.
"""

import io
import logging

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offerings.imports.csvfile import csv_read
from offerings.imports.lookups import TERM_MODELS, delivery_form_lookup, term_lookup
from offerings.imports.openqcat import openqcat_read
from offerings.imports.plan import import_run
from offerings.imports.records import MAX_IMPORT_BYTES, ImportFileError
from offerings.imports.report import JobReport
from offerings.imports.staging import TableStage
from offerings.models import ImportFormat, ImportJob, ImportStatus

logger = logging.getLogger(__name__)


UNEXPECTED = gettext_lazy(
    "Beim Verarbeiten ist ein Fehler aufgetreten. Es wurde nichts übernommen; bitte "
    "versuchen Sie es später erneut oder wenden Sie sich an die Geschäftsstelle."
)


def import_format_detect(*, filename: str, head: bytes) -> str:
    """open-Q-cat when the file looks like XML, CSV otherwise."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if filename.lower().endswith(".xml") or stripped.startswith(b"<"):
        return ImportFormat.OPENQCAT
    return ImportFormat.CSV


def import_job_create(*, institution, user, upload) -> ImportJob:
    """Store an uploaded file and queue its dry run. Refuses files over the size limit
    before reading them."""
    if upload.size > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("Die Datei ist größer als %(mb)d MB. Bitte teilen Sie sie auf.")
            % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    content = upload.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Die Datei ist zu groß."))
    if not content.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    job = ImportJob.objects.create(
        institution=institution,
        user=user,
        filename=(upload.name or "import")[:200],
        format=import_format_detect(filename=upload.name or "", head=content[:200]),
        content=content,
    )
    from offerings.tasks import import_check_task

    transaction.on_commit(lambda: import_check_task.delay(job.pk))
    return job


class JobContent(io.RawIOBase):
    """The stored file of a job, read from the database a slice at a time."""

    def __init__(self, job_id: int):
        super().__init__()
        self.job_id = job_id
        self.offset = 0
        self.sql = (
            "SELECT substring(content FROM %s FOR %s) FROM {table} WHERE id = %s"
            if connection.vendor == "postgresql"
            else "SELECT substr(content, %s, %s) FROM {table} WHERE id = %s"
        ).replace("{table}", ImportJob._meta.db_table)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [self.offset + 1, len(buffer), self.job_id])
            row = cursor.fetchone()
        data = bytes(row[0]) if row and row[0] is not None else b""
        buffer[: len(data)] = data
        self.offset += len(data)
        return len(data)


def job_content(job_id: int, *, buffer_size: int = 256 * 1024) -> io.BufferedReader:
    return io.BufferedReader(JobContent(job_id), buffer_size=buffer_size)


def _read(job: ImportJob, stage: TableStage, on_progress=None) -> None:
    read = openqcat_read if job.format == ImportFormat.OPENQCAT else csv_read
    read(
        job_content(job.pk),
        stage=stage,
        delivery_forms=delivery_form_lookup(),
        terms=term_lookup(),
        on_progress=on_progress,
    )


def _progress(job_id: int):
    def report(count: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=count)

    return report


def _commit_progress_key(job_id: int) -> str:
    return f"offerings:import-commit-progress:{job_id}"


def import_job_commit_progress(*, job: ImportJob) -> int | None:
    """How many entries the running commit has carried out so far. The commit's own writes
    are invisible until it ends, so it reports through the cache."""
    return cache.get(_commit_progress_key(job.pk))


def _job(job_id: int, status: str) -> ImportJob | None:
    return (
        ImportJob.objects.filter(pk=job_id, status=status)
        .select_related("institution", "user")
        .defer("content", "report")
        .first()
    )


def import_job_check(*, job_id: int) -> None:
    """The dry run: read, compare and store the report; nothing else changes."""
    job = _job(job_id, ImportStatus.QUEUED)
    if job is None:
        logger.info("Import job %s is gone or already checked.", job_id)
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
    report = JobReport(job.pk)
    try:
        with TableStage(merge_rows=job.format == ImportFormat.CSV) as stage:
            _read(job, stage, _progress(job.pk))
            report.start()
            publish_new = import_run(
                institution=job.institution, stage=stage, commit=False, on_entries=report.add
            )
            report.finish(
                publish_new=publish_new, catalogue=stage.catalogue, technical=stage.technical
            )
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            error=str(error),
            report={},
            content=b"",
            finished_at=timezone.now(),
        )
        return
    except Exception:
        # A fault of ours, not of the file: say so instead of checking forever.
        logger.exception("Dry run of import job %s failed.", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(UNEXPECTED), report={}, finished_at=timezone.now()
        )
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKED, progress=stage.entries)


def import_job_defaults_set(*, job: ImportJob, defaults: dict[str, list[str]]) -> bool:
    """Store terms the provider chose for every offer of a checked file (what the file
    cannot say); the commit adds them. Unknown slugs are dropped."""
    known = {
        name: set(model.objects.filter(is_active=True).values_list("slug", flat=True))
        for name, model in TERM_MODELS.items()
        if name in defaults
    }
    cleaned = {name: sorted(set(defaults[name]) & slugs) for name, slugs in known.items()}
    return bool(
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
            defaults={name: slugs for name, slugs in cleaned.items() if slugs}
        )
    )


def import_job_commit_request(*, job: ImportJob, archive_missing: bool = False) -> bool:
    """Claim a checked job for its commit (a conditional UPDATE, so a double click or two
    workers commit it once) and queue the commit. `archive_missing` is the person's
    confirmation that a whole catalogue archives the offers it no longer lists."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.COMMITTING, archive_missing=archive_missing
    )
    if claimed:
        from offerings.tasks import import_commit_task

        transaction.on_commit(lambda: import_commit_task.delay(job.pk))
    return bool(claimed)


def import_job_commit(*, job_id: int) -> None:
    """Apply the import all-or-nothing. The plan is made again, against the offers as they
    are now, and carried out chunk by chunk inside one transaction; the result replaces the
    dry run's report when, and only when, everything succeeded."""
    job = _job(job_id, ImportStatus.COMMITTING)
    if job is None:
        logger.info("Import job %s is gone or not claimed for commit.", job_id)
        return
    key = _commit_progress_key(job.pk)
    report = JobReport(job.pk)
    try:
        with transaction.atomic():
            with TableStage(merge_rows=job.format == ImportFormat.CSV) as stage:
                _read(job, stage)
                report.start()
                publish_new = import_run(
                    institution=job.institution,
                    stage=stage,
                    commit=True,
                    user=job.user,
                    defaults=job.defaults,
                    archive_missing=job.archive_missing,
                    on_entries=report.add,
                    on_progress=lambda done: cache.set(key, done, timeout=3600),
                )
                report.finish(
                    publish_new=publish_new, catalogue=stage.catalogue, technical=stage.technical
                )
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.DONE, content=b"", finished_at=timezone.now()
            )
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
    except IntegrityError:
        # Another import or an editor created the same PRODUCT_ID meanwhile; the
        # transaction was rolled back as a whole.
        logger.warning("Import job %s collided with a concurrent change.", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            error=_(
                "Während des Imports wurden dieselben Angebote gleichzeitig geändert. "
                "Es wurde nichts übernommen; bitte laden Sie die Datei erneut hoch."
            ),
            finished_at=timezone.now(),
        )
    except Exception:
        # Rolled back as a whole; the dry run's report stays.
        logger.exception("Commit of import job %s failed.", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(UNEXPECTED), finished_at=timezone.now()
        )
    finally:
        cache.delete(key)
