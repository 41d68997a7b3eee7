"""Attachments: checked by content, limited in size, stored outside the public paths and
served only as a download through the view that checks access."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import MinutesFactory
from tests.workgroups.files import PDF, docx_bytes, odt_bytes, pdf, png_bytes
from workgroups.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def minutes(group):
    return MinutesFactory(meeting__group=group)


def upload(client, minutes, file):
    url = f"{minutes.meeting.get_absolute_url()}anhaenge/"
    return client.post(url, {"file": file}, follow=True)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Anlage.pdf", PDF, "application/pdf"),
        ("Foto.png", png_bytes(), "image/png"),
        (
            "Bericht.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("Bericht.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_allowed_files_are_stored_and_downloadable(
    client_for, lead, group_member, minutes, name, content, content_type
):
    response = upload(client_for(lead), minutes, SimpleUploadedFile(name, content, "text/html"))
    assert f"„{name}“ ist angehängt." in response.content.decode()
    attachment = Attachment.objects.get()
    # The type is what the content is, not what the browser claimed (text/html).
    assert attachment.content_type == content_type

    stored = Path(attachment.file.path)
    assert stored.read_bytes() == content
    assert Path(settings.PRIVATE_FILES_ROOT) in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert Path(settings.STATIC_ROOT) not in stored.parents
    assert name not in stored.name  # stored under a random name

    download = client_for(group_member).get(
        f"{minutes.meeting.get_absolute_url()}anhaenge/{attachment.pk}/"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert name in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Leer.pdf", b"", "Die Datei ist leer."),
        ("Seite.pdf", b"<html><script>alert(1)</script></html>", "Dateityp ist nicht erlaubt"),
        ("Bild.pdf", png_bytes(), "passt nicht zum Inhalt"),
        ("Anlage.png", PDF, "passt nicht zum Inhalt"),
        ("Skript.svg", b'<svg onload="alert(1)"/>', "Dateityp ist nicht erlaubt"),
        ("Programm.exe", b"MZ\x90\x00" + b"\x00" * 100, "Dateityp ist nicht erlaubt"),
        ("Kaputt.docx", b"PK\x03\x04 not really a zip", "Dateityp ist nicht erlaubt"),
        ("Bericht.pdf", b"%PDF-" + b"0" * 2048, "höchstens"),  # over the test's 1 KB limit
    ],
)
def test_bad_files_are_refused_and_leave_nothing(
    client_for, lead, minutes, settings, name, content, message
):
    settings.WORKGROUP_ATTACHMENT_MAX_BYTES = 1024
    response = upload(client_for(lead), minutes, SimpleUploadedFile(name, content))
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    root = Path(settings.PRIVATE_FILES_ROOT)
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_removing_an_attachment_deletes_the_file(
    client_for, lead, minutes, django_capture_on_commit_callbacks
):
    upload(client_for(lead), minutes, pdf())
    attachment = Attachment.objects.get()
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(
            f"{minutes.meeting.get_absolute_url()}anhaenge/{attachment.pk}/entfernen/"
        )
    assert not Attachment.objects.exists()
    assert not path.exists()


def test_a_lead_of_another_group_cannot_attach(client_for, other_lead, minutes):
    response = client_for(other_lead).post(
        f"{minutes.meeting.get_absolute_url()}anhaenge/", {"file": pdf()}
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_attachment_of_another_meeting_is_not_found(client_for, lead, group, minutes):
    other = MinutesFactory(meeting__group=group)
    upload(client_for(lead), other, pdf())
    attachment = Attachment.objects.get()
    url = f"{minutes.meeting.get_absolute_url()}anhaenge/{attachment.pk}/"
    assert client_for(lead).get(url).status_code == 404


def test_private_files_have_no_url(minutes, lead):
    from workgroups.services import attachment_add

    attachment = attachment_add(minutes=minutes, upload=pdf(), uploaded_by=lead)
    with pytest.raises(ValueError, match="no URL"):
        attachment.file.url  # noqa: B018


def test_a_photo_is_stored_without_its_metadata(client_for, lead, minutes):
    """Issue 17: pictures are re-encoded before they are stored; the camera and the place
    where a photo was taken do not travel with the minutes."""
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Kamera GmbH"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 50.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(buffer, "JPEG", exif=exif)
    photo = SimpleUploadedFile("Tafelbild.jpg", buffer.getvalue(), "image/jpeg")
    response = upload(client_for(lead), minutes, photo)
    assert "„Tafelbild.jpg“ ist angehängt." in response.content.decode()
    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path).read_bytes()
    assert b"Kamera GmbH" not in stored
    assert attachment.size == len(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("JPEG", (60, 40))
        assert not image.getexif()
