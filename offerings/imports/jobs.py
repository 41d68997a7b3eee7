"""Import jobs: the upload is checked cheaply and stored, checked (dry run) and committed
by Celery tasks, so large files do not block a request and the status page can show
progress.

The upload streams to the private file storage in chunks (a large one arrives as a
temporary file and is moved there) after `upload.py` has looked at its first bytes; a
refused upload leaves neither a job nor a file. Both tasks read the stored file into a
temporary table (`staging.py`), plan it a chunk of offers at a time and write the report
chunk by chunk (`report.py`): a worker's memory does not grow with the file. The commit
applies every chunk inside one transaction, so it stays all-or-nothing. The stored file is
deleted once the job is committed, has failed, or was abandoned (`import_jobs_purge`).

An open-Q-cat file names its supplier (HEADER/SUPPLIER); a file of another supplier than
the institution's is refused before anything is planned (`SupplierCheck`).
"""

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.storage import private_files
from network.models import Institution
from network.selectors import institution_with_supplier_id
from network.services import institution_supplier_adopt
from offerings.imports.csvfile import csv_read
from offerings.imports.lookups import TERM_MODELS, delivery_form_lookup, term_lookup
from offerings.imports.openqcat import openqcat_read
from offerings.imports.plan import import_run
from offerings.imports.records import MAX_IMPORT_BYTES, ImportFileError
from offerings.imports.report import JobReport
from offerings.imports.staging import TableStage
from offerings.imports.upload import HEAD_BYTES, upload_check
from offerings.models import IMPORTS_DIRECTORY, ImportFormat, ImportJob, ImportStatus
from offerings.services import user_is_office

logger = logging.getLogger(__name__)


GONE = gettext_lazy(
    "Die hochgeladene Datei ist nicht mehr vorhanden. Bitte laden Sie sie erneut hoch."
)
UNEXPECTED = gettext_lazy(
    "Beim Verarbeiten ist ein Fehler aufgetreten. Es wurde nichts übernommen; bitte "
    "versuchen Sie es später erneut oder wenden Sie sich an die Geschäftsstelle."
)


def import_job_create(*, institution, user, upload) -> ImportJob:
    """Check an upload (Django's UploadedFile) cheaply, stream it to storage and queue its
    dry run. Refuses files over the size limit and junk before anything is stored."""
    if upload.size > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("Die Datei ist größer als %(mb)d MB. Bitte teilen Sie sie auf.")
            % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    name = upload.name or "import"
    job = ImportJob(
        institution=institution,
        user=user,
        filename=name[:200],
        format=upload_check(filename=name, head=head, size=upload.size),
    )
    job.file.save(name, upload, save=False)  # in chunks; a temporary file is moved
    try:
        job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
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
    """The file of a job uploaded before files went to storage, from its bytea column."""
    return io.BufferedReader(JobContent(job_id), buffer_size=buffer_size)


@contextmanager
def _job_file(job: ImportJob) -> Iterator[IO[bytes]]:
    if not job.file:
        yield job_content(job.pk)
        return
    try:
        handle = job.file.storage.open(job.file.name, "rb")
    except FileNotFoundError as error:
        raise ImportFileError(str(GONE)) from error
    with handle:
        yield handle


def _read(job: ImportJob, stage: TableStage, on_progress=None) -> None:
    read = openqcat_read if job.format == ImportFormat.OPENQCAT else csv_read
    with _job_file(job) as source:
        read(
            source,
            stage=stage,
            delivery_forms=delivery_form_lookup(),
            terms=term_lookup(),
            on_progress=on_progress,
        )


def _discard_file(job: ImportJob) -> None:
    """Delete the stored file of a job that no longer needs it (committed, failed,
    abandoned); the bytea of older jobs is emptied too."""
    if job.file:
        job.file.storage.delete(job.file.name)
    ImportJob.objects.filter(pk=job.pk).update(file="", content=b"")


def _fail(job: ImportJob, error: str, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error=error, finished_at=timezone.now(), **fields
    )
    _discard_file(job)


# --- The supplier of an open-Q-cat file -----------------------------------------------------


@dataclass(frozen=True)
class SupplierCheck:
    """What a file says about its supplier, against the supplier id the institution has
    stored (network.Institution.supplier_id). `state`: "none" (CSV, or no SUPPLIER_ID),
    "match", "new" (the institution has none yet: its admin may adopt this one) or
    "conflict" (another id is stored, or another institution has this one)."""

    institution: Institution
    file_id: str
    file_name: str
    stored: str
    taken: bool

    @property
    def state(self) -> str:
        if not self.file_id:
            return "none"
        if self.stored:
            return "match" if self.file_id == self.stored else "conflict"
        return "conflict" if self.taken else "new"

    @property
    def label(self) -> str:
        if self.file_name:
            return _("„%(name)s“ (Kennung %(id)s)") % {"name": self.file_name, "id": self.file_id}
        return _("mit der Kennung %(id)s") % {"id": self.file_id}

    @property
    def problem(self) -> str:
        """Why the file may not go into this institution's catalogue ("" if it may)."""
        if self.state != "conflict":
            return ""
        if self.stored:
            return _(
                "Diese Datei stammt von Anbieter %(supplier)s. Für %(institution)s ist die "
                "Anbieterkennung %(stored)s hinterlegt, deshalb nehmen wir die Datei nicht an. "
                "Bitte laden Sie nur Dateien Ihrer eigenen Einrichtung hoch. Ist die hinterlegte "
                "Kennung falsch, ändert die Administration Ihrer Einrichtung sie im Profil."
            ) % {
                "supplier": self.label,
                "institution": self.institution.name,
                "stored": self.stored,
            }
        return _(
            "Diese Datei stammt von Anbieter %(supplier)s. Diese Kennung gehört im Portal zu "
            "einer anderen Einrichtung, deshalb nehmen wir die Datei für %(institution)s nicht an."
        ) % {"supplier": self.label, "institution": self.institution.name}


def import_supplier_check(
    *, institution, supplier_id: str, supplier_name: str = ""
) -> SupplierCheck:
    """Compare a file's supplier with the institution's, as stored now."""
    institution.refresh_from_db(fields=["supplier_id"])
    stored = institution.supplier_id
    taken = (
        bool(supplier_id)
        and not stored
        and (institution_with_supplier_id(supplier_id=supplier_id, exclude=institution) is not None)
    )
    return SupplierCheck(
        institution=institution,
        file_id=supplier_id,
        file_name=supplier_name,
        stored=stored,
        taken=taken,
    )


def import_job_supplier(*, job: ImportJob) -> SupplierCheck:
    """The supplier check of a checked job, for its status page."""
    return import_supplier_check(
        institution=job.institution, supplier_id=job.supplier_id, supplier_name=job.supplier_name
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
            ImportJob.objects.filter(pk=job.pk).update(
                supplier_id=stage.supplier_id, supplier_name=stage.supplier_name
            )
            supplier = import_supplier_check(
                institution=job.institution,
                supplier_id=stage.supplier_id,
                supplier_name=stage.supplier_name,
            )
            # The network office, importing on an institution's behalf, sees the supplier
            # on the status page and must confirm it there instead.
            if supplier.problem and not user_is_office(job.user):
                raise ImportFileError(supplier.problem)
            report.start()
            publish_new = import_run(
                institution=job.institution, stage=stage, commit=False, on_entries=report.add
            )
            report.finish(
                publish_new=publish_new, catalogue=stage.catalogue, technical=stage.technical
            )
    except ImportFileError as error:
        _fail(job, str(error), report={})
        return
    except Exception:
        # A fault of ours, not of the file: say so instead of checking forever.
        logger.exception("Dry run of import job %s failed.", job.pk)
        _fail(job, str(UNEXPECTED), report={})
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


def import_job_commit_request(
    *, job: ImportJob, supplier_confirmed: bool = False, archive_missing: bool = False
) -> bool:
    """Claim a checked job for its commit (a conditional UPDATE, so a double click or two
    workers commit it once) and queue the commit. `supplier_confirmed`: the person
    confirmed the file's supplier (to adopt it as the institution's, or, for the network
    office, to import a file of another supplier). `archive_missing`: the person confirmed
    that a whole catalogue archives the offers it no longer lists."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.COMMITTING,
        supplier_confirmed=supplier_confirmed,
        archive_missing=archive_missing,
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
                # Again, as it is now: another import may have stored a supplier meanwhile.
                supplier = import_supplier_check(
                    institution=job.institution,
                    supplier_id=stage.supplier_id,
                    supplier_name=stage.supplier_name,
                )
                if supplier.problem and not job.supplier_confirmed:
                    raise ImportFileError(supplier.problem)
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
                if supplier.state == "new" and job.supplier_confirmed:
                    institution_supplier_adopt(
                        institution=job.institution, supplier_id=supplier.file_id
                    )
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.DONE, finished_at=timezone.now()
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
        # Committed or failed: the file is not needed again either way.
        _discard_file(job)


ABANDONED_AFTER_DAYS = 7


def import_jobs_purge(*, now: datetime | None = None) -> int:
    """Close the jobs nobody committed within ABANDONED_AFTER_DAYS and delete their files,
    and any file a finished job still holds. Run daily by beat; returns the jobs cleaned."""
    now = now or timezone.now()
    open_states = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.CHECKED)
    abandoned = ImportJob.objects.filter(
        status__in=open_states, created_at__lt=now - timedelta(days=ABANDONED_AFTER_DAYS)
    )
    cleaned = 0
    for job in abandoned.only("pk", "status", "file"):
        # Conditional, so a commit requested at this moment wins or loses as a whole.
        closed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ImportStatus.FAILED,
            error=_(
                "Dieser Import wurde nicht innerhalb von %(days)d Tagen übernommen; die Datei "
                "ist gelöscht. Laden Sie sie bei Bedarf erneut hoch."
            )
            % {"days": ABANDONED_AFTER_DAYS},
            finished_at=now,
        )
        if closed:
            _discard_file(job)
            cleaned += 1
    finished = ImportJob.objects.filter(status__in=(ImportStatus.DONE, ImportStatus.FAILED))
    for job in finished.filter(~Q(file="") | ~Q(content=b"")).only("pk", "file"):
        _discard_file(job)
        cleaned += 1
    _orphans_delete(before=now - timedelta(days=1))
    return cleaned


def _orphans_delete(*, before: datetime) -> None:
    """Files without a job: a process that died between storing an upload and creating its
    job. Only old ones, so that an upload under way keeps its file."""
    storage = private_files()
    if not storage.exists(IMPORTS_DIRECTORY):
        return
    known = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    for directory in storage.listdir(IMPORTS_DIRECTORY)[0]:
        for name in storage.listdir(f"{IMPORTS_DIRECTORY}/{directory}")[1]:
            path = f"{IMPORTS_DIRECTORY}/{directory}/{name}"
            if path not in known and storage.get_modified_time(path) < before:
                logger.warning("Deleting the import file %s, which has no job.", path)
                storage.delete(path)
