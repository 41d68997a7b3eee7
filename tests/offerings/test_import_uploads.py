"""Uploads (issue 15): a cheap look at the first bytes refuses junk before anything is
stored, a good file streams to the private storage instead of being read into the web
process, and no file outlives its job: refused, failed, committed or abandoned."""

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import timezone

from offerings.exporters import csv_template
from offerings.imports import jobs
from offerings.imports.records import MAX_IMPORT_BYTES, ImportFileError
from offerings.models import ImportJob, ImportStatus
from offerings.tasks import import_jobs_purge_task

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
# Issue 17: the probe's XML bomb (billion laughs) and external entity, refused at upload.
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<OPENQCAT version="1.1"><NEW_CATALOG><SERVICE><PRODUCT_ID>&lol3;</PRODUCT_ID></SERVICE>
</NEW_CATALOG></OPENQCAT>"""
EXTERNAL_ENTITY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- Export -->\n'
    b'<!DOCTYPE OPENQCAT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b"<OPENQCAT><NEW_CATALOG><SERVICE><PRODUCT_ID>&xxe;</PRODUCT_ID></SERVICE>"
    b"</NEW_CATALOG></OPENQCAT>"
)
GOOD_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- von Hand -->\n<OPENQCAT version="1.1">'
    b"<UPDATE_CATALOG><NEW><SERVICE><PRODUCT_ID>A1</PRODUCT_ID><SERVICE_DETAILS>"
    b"<TITLE>Kurs</TITLE><DESCRIPTION_SHORT>Kurz</DESCRIPTION_SHORT></SERVICE_DETAILS>"
    b"</SERVICE></NEW></UPDATE_CATALOG></OPENQCAT>"
)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def post(client, institution, upload):
    return client.post(f"/kurse/bereich/{institution.slug}/import/", {"file": upload})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("angebote.xml", PNG, "sondern ein Bild (PNG)"),
        (
            "angebote.xml",
            b'<?xml version="1.0"?>\n<!DOCTYPE OPENQCAT SYSTEM "x.dtd"><OPENQCAT/>',
            "Dokumenttyp-Deklaration (DOCTYPE)",
        ),
        ("angebote.xml", b"<!DOCTYPE html>\n<html><body>Anmelden</body></html>", "Webseite (HTML)"),
        ("angebote.xml", BILLION_LAUGHS, "Dokumenttyp-Deklaration (DOCTYPE)"),
        ("angebote.csv", BILLION_LAUGHS, "Dokumenttyp-Deklaration (DOCTYPE)"),
        ("angebote.xml", "\ufeff".encode() + EXTERNAL_ENTITY, "Dokumenttyp-Deklaration (DOCTYPE)"),
        ("angebote.xml", EXTERNAL_ENTITY.replace(b"DOCTYPE", b"doctype"), "(DOCTYPE)"),
        ("angebote.xml", b'<!ENTITY x SYSTEM "file:///etc/passwd"><OPENQCAT/>', "kein XML-Element"),
        ("angebote.xml", b"<?xml version='1.0' encoding='UTF-7'?>+ADw-OPENQCAT+AD4-", "kein XML"),
        ("angebote.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "Binärdaten"),
        ("angebote.csv", b"<html><head><title>Fehler</title></head></html>", "Webseite (HTML)"),
        ("angebote.xml", b"<CATALOG><SERVICE/></CATALOG>", "„CATALOG“ statt „OPENQCAT“"),
        ("angebote.xml", b"angebot_id;titel\nA;B\n", "Am Anfang steht kein XML-Element"),
        ("angebote.csv", b"A1;Excel-Kurs;Kurz\nA2;Word;Kurz\n", "fehlen die Spalten angebot_id"),
        ("angebote.csv", b"titel;preis\n", "fehlen die Spalten angebot_id"),
        ("angebote.csv", b"", "Datei ist leer."),
        ("angebote.xml", b" \r\n\t ", "Die Datei ist leer."),
        ("angebote.csv", b"PK\x03\x04\x14\x00\x06\x00", "als „CSV UTF-8“"),
        ("angebote.csv", "angebot_id;titel".encode("utf-16"), "UTF-16"),
        ("angebote.xml", b"<!-- " + b"x" * 70_000 + b" -->", "In den ersten 64 KB"),
    ],
)
def test_junk_is_refused_at_upload_and_leaves_nothing(
    client_for, institution, member, private_files, on_commit, name, content, message
):
    with on_commit():
        response = post(client_for(member), institution, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert message in error
    assert not ImportJob.objects.exists()
    assert stored_files(private_files) == []


def test_a_file_over_64_mb_is_refused_unread(institution, member, private_files):
    # A sparse temporary file, as Django keeps a large upload: 65 MB, read by nobody.
    upload = TemporaryUploadedFile("gross.xml", "text/xml", 0, None)
    upload.truncate(65 * 1024 * 1024)
    upload.size = os.path.getsize(upload.temporary_file_path())
    assert upload.size > MAX_IMPORT_BYTES
    with pytest.raises(ImportFileError, match="größer als 64 MB"):
        jobs.import_job_create(institution=institution, user=member, upload=upload)
    assert upload.tell() == 0  # not a byte read
    assert not ImportJob.objects.exists()
    assert stored_files(private_files) == []


def test_a_good_upload_streams_to_the_private_storage(institution, member, private_files):
    # Larger than the head that is looked at, arriving as a temporary file: it is moved.
    content = GOOD_XML.replace(
        b"<UPDATE_CATALOG>", b"<!--" + b" " * 100_000 + b"--><UPDATE_CATALOG>"
    )
    reads = []

    class Upload(TemporaryUploadedFile):
        def read(self, *args):
            reads.append(args)
            return self.file.read(*args)

    upload = Upload("angebote.xml", "text/xml", len(content), None)
    upload.write(content)
    upload.size = len(content)
    temporary = upload.temporary_file_path()

    job = jobs.import_job_create(institution=institution, user=member, upload=upload)

    assert reads == [(jobs.HEAD_BYTES,)]  # the head only; the rest was moved, not read
    assert not os.path.exists(temporary)
    [stored] = stored_files(private_files)
    assert stored.read_bytes() == content
    assert stored.name != "angebote.xml"  # never under the sender's name
    assert job.filename == "angebote.xml"
    assert job.format == "openqcat"
    assert bytes(job.content) == b""


def test_the_dry_run_reads_the_stored_file_and_the_commit_deletes_it(
    client_for, institution, member, private_files, on_commit
):
    client = client_for(member)
    with on_commit():
        response = post(client, institution, SimpleUploadedFile("a.csv", csv_template()))
    job = ImportJob.objects.get()
    assert response.url.endswith(f"/import/{job.pk}/")
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert len(stored_files(private_files)) == 1
    with on_commit():
        client.post(f"/kurse/bereich/{institution.slug}/import/{job.pk}/uebernehmen/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert not job.file
    assert stored_files(private_files) == []


def test_a_failed_dry_run_deletes_the_file(
    client_for, institution, member, private_files, on_commit
):
    broken = GOOD_XML[:-40]  # passes the look at its start, fails the parse
    with on_commit():
        post(client_for(member), institution, SimpleUploadedFile("a.xml", broken))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "kein vollständiges" in job.error
    assert not job.file
    assert stored_files(private_files) == []


def test_a_stored_file_that_went_missing_fails_the_job_with_a_message(
    institution, member, private_files
):
    job = jobs.import_job_create(
        institution=institution, user=member, upload=SimpleUploadedFile("a.xml", GOOD_XML)
    )
    for path in stored_files(private_files):
        path.unlink()
    jobs.import_job_check(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "nicht mehr vorhanden" in job.error


def test_abandoned_jobs_are_closed_and_their_files_deleted(
    institution, member, private_files, on_commit
):
    def upload(days_ago: int, status: str) -> ImportJob:
        job = jobs.import_job_create(
            institution=institution, user=member, upload=SimpleUploadedFile("a.xml", GOOD_XML)
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=status, created_at=timezone.now() - timedelta(days=days_ago)
        )
        return job

    abandoned = upload(8, ImportStatus.CHECKED)
    stuck = upload(9, ImportStatus.QUEUED)
    recent = upload(2, ImportStatus.CHECKED)
    committing = upload(8, ImportStatus.COMMITTING)  # a commit is running: left alone
    legacy = ImportJob.objects.create(
        institution=institution,
        user=member,
        format="csv",
        filename="alt.csv",
        content=b"x",
        status=ImportStatus.FAILED,
    )
    assert len(stored_files(private_files)) == 4

    assert import_jobs_purge_task() == 3
    for job in (abandoned, stuck, recent, committing, legacy):
        job.refresh_from_db()
    assert abandoned.status == stuck.status == ImportStatus.FAILED
    assert "nicht innerhalb von 7 Tagen übernommen" in abandoned.error
    assert not abandoned.file
    assert not stuck.file
    assert bytes(legacy.content) == b""
    assert recent.status == ImportStatus.CHECKED
    assert recent.file
    assert committing.status == ImportStatus.COMMITTING
    assert committing.file
    assert sorted(stored_files(private_files)) == sorted(
        private_files / name for name in (recent.file.name, committing.file.name)
    )
    # An abandoned job can no longer be committed.
    assert not jobs.import_job_commit_request(job=abandoned)
    assert import_jobs_purge_task() == 0


def test_files_without_a_job_are_deleted_once_they_are_old(institution, member, private_files):
    """A process that died between storing an upload and creating its job left a file."""
    job = jobs.import_job_create(
        institution=institution, user=member, upload=SimpleUploadedFile("a.xml", GOOD_XML)
    )
    directory = private_files / "imports" / str(institution.pk)
    old, fresh = directory / "verwaist-alt", directory / "verwaist-neu"
    for path in (old, fresh):
        path.write_bytes(GOOD_XML)
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(private_files / job.file.name, (two_days_ago, two_days_ago))

    import_jobs_purge_task()

    assert sorted(stored_files(private_files)) == sorted([private_files / job.file.name, fresh])
