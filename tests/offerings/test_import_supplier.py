"""The supplier of an open-Q-cat file (HEADER/SUPPLIER) must be the uploading institution
(issue 15): its first import offers the file's SUPPLIER_ID as the institution's, its admin
confirms; later a file of another supplier is refused before anything is planned. The
network office may import on an institution's behalf, seeing the supplier and confirming
it. CSV files name no supplier and are not checked."""

import io

import pytest
from defusedxml.ElementTree import fromstring
from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import Institution
from offerings.exporters import csv_template, export_openqcat
from offerings.imports.jobs import import_job_commit
from offerings.imports.openqcat import openqcat_read
from offerings.imports.plan import delivery_form_lookup
from offerings.imports.staging import MemoryStage
from offerings.models import ImportJob, ImportStatus, Offer
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def openqcat(supplier_id: str = "12345", name: str = "Bildungswerk Muster", refs=("S1", "S2")):
    header = (
        "<HEADER><CATALOG><LANGUAGE>deu</LANGUAGE><CATALOG_ID>K</CATALOG_ID>"
        "<CATALOG_VERSION>1</CATALOG_VERSION></CATALOG><SUPPLIER>"
        f"<SUPPLIER_ID>{supplier_id}</SUPPLIER_ID><SUPPLIER_NAME>{name}</SUPPLIER_NAME>"
        "<ADDRESS><NAME>Bildungswerk Muster gGmbH</NAME></ADDRESS></SUPPLIER></HEADER>"
    )
    services = "".join(
        f"<SERVICE><PRODUCT_ID>{ref}</PRODUCT_ID><SERVICE_DETAILS><TITLE>Kurs {ref}</TITLE>"
        "<DESCRIPTION_SHORT>Kurz und gut.</DESCRIPTION_SHORT></SERVICE_DETAILS></SERVICE>"
        for ref in refs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><OPENQCAT version="1.1">'
        f"{header}<UPDATE_CATALOG><NEW>{services}</NEW></UPDATE_CATALOG></OPENQCAT>"
    ).encode()


def base(institution) -> str:
    return f"/kurse/bereich/{institution.slug}/"


def upload(client, institution, on_commit, content: bytes, name="angebote.xml") -> ImportJob:
    with on_commit():
        response = client.post(
            f"{base(institution)}import/", {"file": SimpleUploadedFile(name, content)}
        )
    assert response.status_code == 302, response.content[:600]
    job = ImportJob.objects.latest("pk")
    assert response.url == f"{base(institution)}import/{job.pk}/"
    return job


def commit(client, job, on_commit, **data):
    with on_commit():
        response = client.post(f"{base(job.institution)}import/{job.pk}/uebernehmen/", data)
    job.refresh_from_db()
    return response


def status_page(client, job) -> str:
    return client.get(f"{base(job.institution)}import/{job.pk}/").content.decode()


def supplier_of(institution) -> str:
    return Institution.objects.get(pk=institution.pk).supplier_id


def test_the_header_names_the_supplier(institution):
    stage = MemoryStage()
    content = openqcat(supplier_id="  DE-" + "9" * 200 + " ", name="Bildungswerk Muster")
    openqcat_read(io.BytesIO(content), stage=stage, delivery_forms=delivery_form_lookup())
    assert stage.supplier_id == "DE-" + "9" * 97  # trimmed to what is stored
    assert stage.supplier_name == "Bildungswerk Muster"
    assert stage.entries == 2
    # Only HEADER/SUPPLIER counts, not an ADDRESS/NAME or a SUPPLIER_ID elsewhere.
    stray = openqcat().replace(b"<HEADER>", b"<X><SUPPLIER_ID>falsch</SUPPLIER_ID></X><HEADER>")
    stage = MemoryStage()
    openqcat_read(io.BytesIO(stray), stage=stage, delivery_forms=delivery_form_lookup())
    assert stage.supplier_id == "12345"


def test_first_import_offers_the_supplier_and_the_admin_confirms_it(
    client_for, institution, owner, on_commit
):
    client = client_for(owner)
    job = upload(client, institution, on_commit, openqcat())
    assert job.status == ImportStatus.CHECKED
    assert (job.supplier_id, job.supplier_name) == ("12345", "Bildungswerk Muster")
    page = status_page(client, job)
    assert (
        "Diese Datei stammt von Anbieter „Bildungswerk Muster“ (Kennung 12345). "
        "Als Ihre Kennung übernehmen?" in page
    )
    assert 'name="supplier" value="confirmed"' in page

    # Not confirmed: the offers come in, the id is not stored.
    commit(client, job, on_commit)
    assert job.status == ImportStatus.DONE
    assert Offer.objects.filter(institution=institution).count() == 2
    assert supplier_of(institution) == ""

    again = upload(client, institution, on_commit, openqcat(refs=("S3",)))
    commit(client, again, on_commit, supplier="confirmed")
    assert again.status == ImportStatus.DONE
    assert supplier_of(institution) == "12345"
    assert "Das ist die hinterlegte Kennung Ihrer Einrichtung." in status_page(
        client, upload(client, institution, on_commit, openqcat(refs=("S4",)))
    )


def test_an_editor_sees_the_supplier_but_only_the_admin_may_adopt_it(
    client_for, institution, member, on_commit
):
    client = client_for(member)
    job = upload(client, institution, on_commit, openqcat())
    page = status_page(client, job)
    assert "Diese Datei stammt von Anbieter „Bildungswerk Muster“ (Kennung 12345)." in page
    assert "Die Administration Ihrer Einrichtung kann diese Kennung" in page
    assert 'name="supplier"' not in page
    commit(client, job, on_commit, supplier="confirmed")
    assert job.status == ImportStatus.DONE
    assert supplier_of(institution) == ""


def test_a_file_of_another_supplier_is_refused_before_anything_is_planned(
    client_for, institution, owner, on_commit, private_files
):
    Institution.objects.filter(pk=institution.pk).update(supplier_id="12345")
    client = client_for(owner)
    job = upload(client, institution, on_commit, openqcat(supplier_id="99999", name="Fremd"))
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith(
        "Diese Datei stammt von Anbieter „Fremd“ (Kennung 99999). Für Volkshochschule Aalen "
        "ist die Anbieterkennung 12345 hinterlegt, deshalb nehmen wir die Datei nicht an."
    )
    assert job.report == {}  # nothing planned
    assert not Offer.objects.exists()
    assert not job.file
    assert not list(private_files.rglob("*.*"))
    assert "deshalb nehmen wir die Datei nicht an" in status_page(client, job)
    # A commit cannot be forced either.
    commit(client, job, on_commit, supplier="confirmed")
    assert job.status == ImportStatus.FAILED
    assert not Offer.objects.exists()


def test_the_supplier_id_of_another_institution_is_refused(
    client_for, institution, other_institution, owner, on_commit
):
    Institution.objects.filter(pk=other_institution.pk).update(supplier_id="12345")
    client = client_for(owner)
    job = upload(client, institution, on_commit, openqcat())
    assert job.status == ImportStatus.FAILED
    assert "Diese Kennung gehört im Portal zu einer anderen Einrichtung" in job.error
    # The portal's own export of an institution without a stored id names it by its slug.
    Institution.objects.filter(pk=other_institution.pk).update(supplier_id="")
    theirs = export_openqcat(institution=Institution.objects.get(slug="bz-heidenheim"))
    job = upload(client, institution, on_commit, theirs)
    assert job.status == ImportStatus.FAILED
    assert "(Kennung bz-heidenheim)" in job.error
    assert not Offer.objects.exists()
    assert supplier_of(institution) == ""


def test_a_supplier_stored_meanwhile_is_checked_again_at_commit(
    client_for, institution, owner, on_commit
):
    client = client_for(owner)
    job = upload(client, institution, on_commit, openqcat())
    Institution.objects.filter(pk=institution.pk).update(supplier_id="77777")
    commit(client, job, on_commit, supplier="confirmed")
    assert job.status == ImportStatus.CHECKED  # the view refused, as the page now warns
    page = status_page(client, job)
    assert "Bitte bestätigen Sie, dass Sie die Datei dieses Anbieters" in page
    assert "Anbieterkennung 77777 hinterlegt" in page
    # Claimed before the id was stored: the commit itself checks again.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTING)
    import_job_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "Anbieterkennung 77777" in job.error
    assert not Offer.objects.exists()
    assert supplier_of(institution) == "77777"


def test_the_network_office_imports_on_behalf_and_confirms_the_supplier(
    client_for, institution, owner, network_office, on_commit
):
    office = client_for(network_office)
    job = upload(office, institution, on_commit, openqcat())
    assert "Als Kennung von Volkshochschule Aalen übernehmen?" in status_page(office, job)
    commit(office, job, on_commit, supplier="confirmed")
    assert job.status == ImportStatus.DONE
    assert supplier_of(institution) == "12345"

    # A file of another supplier: the office sees it and must confirm explicitly.
    other = openqcat(supplier_id="99999", name="Fremd", refs=("F1",))
    job = upload(office, institution, on_commit, other)
    assert job.status == ImportStatus.CHECKED
    page = status_page(office, job)
    assert "Die Datei stammt von einem anderen Anbieter" in page
    assert "trotzdem für Volkshochschule Aalen, im Auftrag der Einrichtung" in page
    # The institution's own admin may not push it through, even with the box's value.
    owner_page = status_page(client_for(owner), job)
    assert "Import übernehmen" not in owner_page
    commit(client_for(owner), job, on_commit, supplier="confirmed")
    assert job.status == ImportStatus.CHECKED
    commit(office, job, on_commit)  # not confirmed
    assert job.status == ImportStatus.CHECKED
    commit(office, job, on_commit, supplier="confirmed")
    assert job.status == ImportStatus.DONE
    assert Offer.objects.filter(institution=institution, external_id="F1").exists()
    assert supplier_of(institution) == "12345"  # on behalf, not a new id


def test_csv_files_name_no_supplier_and_are_not_checked(client_for, institution, owner, on_commit):
    Institution.objects.filter(pk=institution.pk).update(supplier_id="12345")
    client = client_for(owner)
    job = upload(client, institution, on_commit, csv_template(), name="angebote.csv")
    assert job.status == ImportStatus.CHECKED
    assert job.supplier_id == ""
    assert "Anbieter laut Datei" not in status_page(client, job)
    commit(client, job, on_commit, supplier="confirmed")
    assert job.status == ImportStatus.DONE
    assert supplier_of(institution) == "12345"


def test_an_export_carries_the_stored_supplier_id_and_imports_again(
    client_for, institution, owner, on_commit
):
    OfferFactory(institution=institution, external_id="E1")
    Institution.objects.filter(pk=institution.pk).update(supplier_id="12345")
    institution.refresh_from_db()
    exported = export_openqcat(institution=institution)
    assert fromstring(exported).find("HEADER/SUPPLIER/SUPPLIER_ID").text == "12345"
    client = client_for(owner)
    job = upload(client, institution, on_commit, exported)
    assert job.status == ImportStatus.CHECKED
    commit(client, job, on_commit)
    assert job.status == ImportStatus.DONE
