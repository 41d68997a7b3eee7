"""Import jobs: the upload is stored, checked (dry run) and committed by Celery tasks, so
large files do not block a request and the status page can show progress."""

import io
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offerings.imports.csvfile import csv_parse
from offerings.imports.openqcat import openqcat_parse
from offerings.imports.plan import delivery_form_lookup, import_apply, import_plan
from offerings.imports.records import MAX_IMPORT_BYTES, ImportFileError, ParsedFile
from offerings.models import ImportFormat, ImportJob, ImportStatus

logger = logging.getLogger(__name__)


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


def _parse(job: ImportJob, on_progress=None) -> ParsedFile:
    parse = openqcat_parse if job.format == ImportFormat.OPENQCAT else csv_parse
    return parse(
        io.BytesIO(bytes(job.content)),
        delivery_forms=delivery_form_lookup(),
        on_progress=on_progress,
    )


def _progress(job_id: int):
    def report(count: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=count)

    return report


def import_job_check(*, job_id: int) -> None:
    """The dry run: parse, compare and store the report; nothing else changes."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).first()
    if job is None:
        logger.info("Import job %s is gone or already checked.", job_id)
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
    try:
        parsed = _parse(job, _progress(job.pk))
        plan = import_plan(institution=job.institution, parsed=parsed)
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(error), content=b"", finished_at=timezone.now()
        )
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKED, report=plan.report(), progress=parsed.entries
    )


def import_job_commit_request(*, job: ImportJob) -> bool:
    """Claim a checked job for its commit (a conditional UPDATE, so a double click or two
    workers commit it once) and queue the commit."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.COMMITTING
    )
    if claimed:
        from offerings.tasks import import_commit_task

        transaction.on_commit(lambda: import_commit_task.delay(job.pk))
    return bool(claimed)


def import_job_commit(*, job_id: int) -> None:
    """Apply the import all-or-nothing. The plan is made again, against the offers as they
    are now; the result is stored as the job's report."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.COMMITTING).first()
    if job is None:
        logger.info("Import job %s is gone or not claimed for commit.", job_id)
        return
    try:
        parsed = _parse(job)
        plan = import_plan(institution=job.institution, parsed=parsed)
        import_apply(institution=job.institution, plan=plan, user=job.user)
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        return
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
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE, report=plan.report(), content=b"", finished_at=timezone.now()
    )
