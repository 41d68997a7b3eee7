"""Editing an institution's profile: the access cast, and hostile uploads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from network.models import Institution
from tests.access import view_names

pytestmark = pytest.mark.django_db

EDIT = "/mitglieder/vhs-aalen/profil/"
# The URL names TestAccess decides (tests/beweqo/test_url_access.py reads them).
COVERS = {"network:institution_edit"}


def png_bytes(size=(120, 60), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 90, 160)).save(buffer, fmt)
    return buffer.getvalue()


def profile_data(**overrides) -> dict:
    data = {
        "description": "Sprachkurse, EDV und Grundbildung für alle im Raum Aalen.",
        "street": "Marktplatz 1",
        "postcode": "73430",
        "city": "Aalen",
        "website": "https://vhs-aalen.example.org",
        "email": "info@vhs-aalen.example.org",
        "phone": "07361 000-0",
        "contact_person": "Kursbüro",
        "logo_alt": "",
    }
    return data | overrides


class TestAccess:
    """Owner (admin) and the network office may edit; member 403; outsider 404; anonymous
    to login — for GET and POST alike."""

    def test_the_matrix_covers_what_it_declares(self):
        assert view_names([EDIT]) == COVERS

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_owner_may_edit(self, client_for, owner, institution, method):
        response = getattr(client_for(owner), method)(EDIT, profile_data())
        assert response.status_code == (200 if method == "get" else 302)
        if method == "post":
            institution.refresh_from_db()
            assert institution.street == "Marktplatz 1"

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_network_office_may_edit(self, client_for, network_office, institution, method):
        response = getattr(client_for(network_office), method)(EDIT, profile_data())
        assert response.status_code == (200 if method == "get" else 302)

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_member_without_admin_role_is_forbidden(self, client_for, member, institution, method):
        response = getattr(client_for(member), method)(EDIT, profile_data(city="Geändert"))
        assert response.status_code == 403
        institution.refresh_from_db()
        assert institution.city == "Aalen"

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_outsider_gets_404(self, client_for, outsider, institution, method):
        response = getattr(client_for(outsider), method)(EDIT, profile_data(city="Geändert"))
        assert response.status_code == 404
        institution.refresh_from_db()
        assert institution.city == "Aalen"

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_anonymous_is_sent_to_login(self, client_for, institution, method):
        response = getattr(client_for(None), method)(EDIT, profile_data(city="Geändert"))
        assert response.status_code == 302
        assert response.url.startswith("/konto/login/")
        institution.refresh_from_db()
        assert institution.city == "Aalen"

    @pytest.mark.parametrize("method", ["put", "delete", "patch"])
    def test_other_methods_are_refused(self, client_for, owner, institution, method):
        assert getattr(client_for(owner), method)(EDIT).status_code == 405

    def test_edit_link_only_for_those_who_may_edit(self, client_for, owner, member, outsider):
        page = "/mitglieder/vhs-aalen/"
        assert EDIT in client_for(owner).get(page).content.decode()
        for user in (member, outsider, None):
            assert EDIT not in client_for(user).get(page).content.decode()


def test_logo_upload_and_public_delivery(client_for, owner, institution, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = client_for(owner).post(EDIT, profile_data(logo=logo, logo_alt="VHS Aalen"))
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.logo.name.startswith("logos/")
    delivered = client_for(None).get("/mitglieder/vhs-aalen/logo")
    assert delivered.status_code == 200
    assert delivered["Content-Type"] == "image/png"
    assert b"".join(delivered.streaming_content) == png_bytes()


def test_no_logo_is_404(client, institution):
    assert client.get("/mitglieder/vhs-aalen/logo").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"this is not an image at all", "Bild"),
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Bild",
        ),
        ("logo.gif", None, "GIF"),
        ("logo.png", "huge", "4000"),
        ("logo.png", "heavy", "2"),
        ("../../etc/passwd.png", b"\x89PNG\r\n\x1a\n broken", "Bild"),
        # Issue 17: a PNG named .pdf was stored and served as a download.
        ("logo.pdf", "png", "passt nicht zum Inhalt"),
        ("logo.jpg", "png", "passt nicht zum Inhalt"),
        ("logo.png", b"Hallo, ich bin ein Text und kein Bild.\n", "Bild"),
        ("logo", "png", "passt nicht zum Inhalt"),
    ],
)
def test_hostile_logo_uploads_are_refused_and_change_nothing(
    client_for, owner, institution, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    if content is None:
        content = png_bytes(fmt="GIF")
    elif content == "png":
        content = png_bytes()
    elif content == "huge":
        content = png_bytes(size=(5000, 4100))
    elif content == "heavy":
        # Random noise does not compress: well over the 2 MB limit.
        import os

        content = png_bytes()[:-12] + os.urandom(3 * 1024 * 1024)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client_for(owner).post(EDIT, profile_data(city="Neu", logo=upload))
    assert response.status_code == 200
    assert message in response.content.decode()
    institution.refresh_from_db()
    assert institution.city == "Aalen"
    assert not institution.logo
    assert list(tmp_path.iterdir()) == []


def test_a_png_declared_as_a_pdf_is_refused(client_for, owner, institution, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("logo.png", png_bytes(), content_type="application/pdf")
    response = client_for(owner).post(EDIT, profile_data(logo=upload))
    assert response.status_code == 200
    assert "passt nicht zum Inhalt" in response.content.decode()
    institution.refresh_from_db()
    assert not institution.logo
    assert list(tmp_path.rglob("*")) == []


def test_a_logo_is_stored_re_encoded_without_its_metadata(
    client_for, owner, institution, settings, tmp_path
):
    """A photo's EXIF (here: a camera and a GPS position) does not reach the public logo."""
    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif[0x010F] = "Kamera GmbH"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 50.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 30, 30)).save(buffer, "JPEG", exif=exif)
    assert b"Kamera GmbH" in buffer.getvalue()
    upload = SimpleUploadedFile("Mein Logo.JPEG", buffer.getvalue(), content_type="image/jpeg")
    response = client_for(owner).post(EDIT, profile_data(logo=upload))
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.logo.name == "logos/vhs-aalen.jpg"
    stored = institution.logo.read()
    assert b"Kamera GmbH" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.size == (200, 100)
        assert not image.getexif()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["vhs-aalen.jpg"]
    delivered = client_for(None).get("/mitglieder/vhs-aalen/logo")
    assert delivered["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postcode", "7343"),
        ("postcode", "ABCDE"),
        ("website", "javascript:alert(1)"),
        ("email", "kein-at"),
        ("description", "x" * 10_000),
        ("phone", "1" * 10_000),
    ],
)
def test_bad_profile_fields_are_explained(client_for, owner, institution, field, value):
    response = client_for(owner).post(EDIT, profile_data(**{field: value}))
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert Institution.objects.get(pk=institution.pk).street == ""


def test_a_nul_in_a_profile_field_is_refused_and_nothing_is_stored(client_for, owner, institution):
    # Refused at the door (common.middleware), before the form sees it.
    response = client_for(owner).post(EDIT, profile_data(city="Aalen\x00"))
    assert response.status_code == 400
    assert Institution.objects.get(pk=institution.pk).street == ""


def test_the_admin_sees_and_changes_the_supplier_id_of_imports(
    client_for, owner, institution, other_institution
):
    """Issue 15: the id an institution's open-Q-cat files carry, on its profile page; not
    public, and no two institutions share one."""
    Institution.objects.filter(pk=institution.pk).update(supplier_id="12345")
    page = client_for(owner).get(EDIT).content.decode()
    assert "Anbieterkennung in open-Q-cat-Dateien" in page
    assert 'value="12345"' in page
    assert "12345" not in client_for(None).get(institution.get_absolute_url()).content.decode()

    response = client_for(owner).post(EDIT, profile_data(supplier_id="  DE 777 "))
    assert response.status_code == 302
    assert Institution.objects.get(pk=institution.pk).supplier_id == "DE 777"

    Institution.objects.filter(pk=other_institution.pk).update(supplier_id="99999")
    response = client_for(owner).post(EDIT, profile_data(supplier_id="99999"))
    assert response.status_code == 200
    assert "bereits für eine andere Einrichtung hinterlegt" in response.content.decode()
    assert Institution.objects.get(pk=institution.pk).supplier_id == "DE 777"
