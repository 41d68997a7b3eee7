"""Import jobs in chunks: the file is read from the database into a temporary table, planned
and committed a few offers at a time, and the report is stored and shown page by page. A file
larger than one chunk must give the same report and result as one planned at once, and a
failure in the last chunk must leave nothing behind."""

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError

from offerings.backoffice import views as backoffice_views
from offerings.imports import jobs, staging
from offerings.imports.csvfile import csv_parse
from offerings.imports.lookups import delivery_form_lookup
from offerings.imports.openqcat import openqcat_parse
from offerings.imports.plan import ImportApplier, import_apply, import_plan
from offerings.imports.report import (
    import_report_counts,
    import_report_entries,
    import_report_file,
)
from offerings.models import (
    ImportJob,
    ImportStatus,
    Offer,
    OfferChange,
    OfferDate,
    OfferStatus,
    Venue,
)
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 4 offers and inserts of 3 rows, so a small file spans many of each."""
    monkeypatch.setattr(staging, "CHUNK_SIZE", 4)
    monkeypatch.setattr(staging, "INSERT_BATCH", 3)


def openqcat_file(offers: int = 14) -> bytes:
    """A catalogue the way large generators write it: all offers first, then all dates,
    with a duplicate PRODUCT_ID, an offer without title, a date that points nowhere and
    deletions."""
    services = []
    for n in range(offers):
        title = "" if n == 9 else f"Kurs {n}"
        services.append(
            f"<SERVICE><PRODUCT_ID>O{n}</PRODUCT_ID><SERVICE_DETAILS><TITLE>{title}</TITLE>"
            f"<DESCRIPTION_SHORT>Kurz {n}</DESCRIPTION_SHORT></SERVICE_DETAILS>"
            f"<SERVICE_PRICE_DETAILS><SERVICE_PRICE><PRICE_AMOUNT>{10 + n}.50</PRICE_AMOUNT>"
            "</SERVICE_PRICE></SERVICE_PRICE_DETAILS></SERVICE>"
        )
    services.append(
        "<SERVICE><PRODUCT_ID>O2</PRODUCT_ID><SERVICE_DETAILS><TITLE>Doppelt</TITLE>"
        "<DESCRIPTION_SHORT>x</DESCRIPTION_SHORT></SERVICE_DETAILS></SERVICE>"
    )
    for n in range(offers):
        for d in range(2):
            services.append(
                f"<SERVICE><PRODUCT_ID>O{n}-{d}</PRODUCT_ID><SERVICE_DETAILS><SERVICE_DATE>"
                f"<START_DATE>2031-0{1 + d}-1{n % 10}T09:00:00+01:00</START_DATE></SERVICE_DATE>"
                f'<SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>O{n}</COURSE_ID>'
                f"<MODULE_COURSE><LOCATION><NAME>Raum {n % 3}</NAME><CITY>Aalen</CITY>"
                "</LOCATION></MODULE_COURSE></EDUCATION></SERVICE_MODULE></SERVICE_DETAILS>"
                "</SERVICE>"
            )
    services.append(
        "<SERVICE><PRODUCT_ID>W1</PRODUCT_ID><SERVICE_DETAILS><SERVICE_MODULE>"
        '<EDUCATION type="false"><COURSE_ID>NIRGENDS</COURSE_ID></EDUCATION>'
        "</SERVICE_MODULE></SERVICE_DETAILS></SERVICE>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><OPENQCAT version="1.1"><UPDATE_CATALOG><NEW>'
        + "".join(services)
        + "</NEW><DELETE><SERVICE><PRODUCT_ID>ALT</PRODUCT_ID></SERVICE>"
        "<SERVICE><PRODUCT_ID>GIBT-ES-NICHT</PRODUCT_ID></SERVICE></DELETE>"
        "</UPDATE_CATALOG></OPENQCAT>"
    ).encode()


def csv_file() -> bytes:
    rows = ["angebot_id;titel;kurzbeschreibung;termin_id;beginn;ort_name;ort_stadt"]
    for n in range(10):
        rows.append(f"C{n};Kurs {n};Kurz;;2031-03-0{1 + n % 9};Saal;Heidenheim")
    # Rows of offers that started chunks earlier: another date, and one that contradicts.
    rows.append("C1;Kurs 1;Kurz;;2031-04-01;Saal;Heidenheim")
    rows.append("C2;Kurs 2 anders;Kurz;;2031-04-02;;")
    rows.append("C3;Kurs 3;Kurz;T-9;2031-04-03;;")
    rows.append(";ohne Kennung;Kurz;;;;")
    return ("\ufeff" + "\r\n".join(rows) + "\r\n").encode()


def existing_offers(institution) -> None:
    OfferFactory(institution=institution, external_id="O3", title="Alt 3", dates=[])
    OfferFactory(institution=institution, external_id="ALT", title="Wird archiviert", dates=[])


def make_job(institution, user, content: bytes, fmt: str = "openqcat") -> ImportJob:
    """A job as an upload leaves it: its file in the private storage."""
    return ImportJob.objects.create(
        institution=institution,
        user=user,
        format=fmt,
        filename="datei",
        file=ContentFile(content, name="datei"),
    )


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def check(job: ImportJob) -> ImportJob:
    jobs.import_job_check(job_id=job.pk)
    job.refresh_from_db()
    return job


def commit(job: ImportJob) -> ImportJob:
    assert jobs.import_job_commit_request(job=job)
    jobs.import_job_commit(job_id=job.pk)
    job.refresh_from_db()
    return job


def stored_report(job: ImportJob) -> tuple[dict, list[dict]]:
    counts = import_report_counts(job=job)
    entries = import_report_entries(job=job, counts=counts)
    return counts, list(entries[0 : len(entries)])


def snapshot(institution) -> list:
    return sorted(
        (
            offer.external_id,
            offer.title,
            offer.status,
            str(offer.price),
            sorted(
                (d.external_id, str(d.start), d.venue.name if d.venue else "")
                for d in offer.dates.select_related("venue")
            ),
        )
        for offer in Offer.objects.filter(institution=institution)
    )


@pytest.mark.parametrize(
    ("fmt", "content", "parse"),
    [("openqcat", openqcat_file(), openqcat_parse), ("csv", csv_file(), csv_parse)],
)
def test_a_file_larger_than_a_chunk_gives_the_same_report_and_result(
    small_chunks, institution, other_institution, member, fmt, content, parse
):
    existing_offers(institution)
    existing_offers(other_institution)
    at_once = import_plan(
        institution=other_institution,
        parsed=parse(io.BytesIO(content), delivery_forms=delivery_form_lookup()),
    )

    job = check(make_job(institution, member, content, fmt))

    assert job.status == ImportStatus.CHECKED
    assert stored_report(job) == (at_once.counts(), at_once.report()["entries"])
    stored_file = import_report_file(job=job)
    assert {key: stored_file[key] for key in at_once.report()["file"]} == at_once.report()["file"]
    assert not Offer.objects.filter(institution=institution, external_id="O0").exists()

    job = commit(job)
    import_apply(institution=other_institution, plan=at_once, user=member)
    assert job.status == ImportStatus.DONE
    assert snapshot(institution) == snapshot(other_institution)
    assert stored_report(job)[0] == at_once.counts()
    # The same file again changes nothing.
    again = check(make_job(institution, member, content, fmt))
    counts = import_report_counts(job=again)
    assert counts["create"] == counts["update"] == counts["archive"] == 0
    assert counts["unchanged"] == at_once.counts()["create"] + at_once.counts()["update"] + (
        at_once.counts()["unchanged"] + at_once.counts()["archive"]
    )


def test_chunked_openqcat_report_says_what_happens_to_each_offer(small_chunks, institution, member):
    existing_offers(institution)
    job = check(make_job(institution, member, openqcat_file()))
    counts, entries = stored_report(job)
    assert counts == {"create": 12, "update": 1, "unchanged": 1, "reject": 3, "archive": 1}
    actions = {entry["ref"]: entry["action"] for entry in entries}
    assert actions["O3"] == "update"
    assert actions["O9"] == "reject"
    assert actions["O2#15"] == "reject"
    assert actions["W1"] == "reject"
    assert actions["ALT"] == "archive"
    reasons = {entry["ref"]: " ".join(entry["reasons"]) for entry in entries}
    assert "mehrfach" in reasons["O2#15"]
    assert "NIRGENDS" in reasons["W1"]
    # Problems first, each group in the file's order.
    assert [e["action"] for e in entries[:3]] == ["reject"] * 3
    assert [e["position"] for e in entries[:3]] == sorted(e["position"] for e in entries[:3])

    job = commit(job)
    offer = Offer.objects.get(institution=institution, external_id="O13")
    assert [d.start for d in offer.dates.order_by("start")] == [
        date(2031, 1, 13),
        date(2031, 2, 13),
    ]
    assert Offer.objects.get(external_id="ALT").status == OfferStatus.ARCHIVED
    assert Venue.objects.filter(institution=institution).count() == 3
    assert OfferChange.objects.filter(offer__institution=institution).count() == 14
    assert bytes(job.content) == b""


def test_csv_rows_of_one_offer_in_different_chunks_are_joined(small_chunks, institution, member):
    job = check(make_job(institution, member, csv_file(), "csv"))
    _counts, entries = stored_report(job)
    reasons = {entry["ref"]: " ".join(entry["reasons"]) for entry in entries}
    assert {e["ref"] for e in entries if e["action"] == "reject"} == {"C2", "#15"}
    assert "Zeile 13" in reasons["C2"]
    assert "Zeile 4" in reasons["C2"]
    commit(job)
    assert [
        (d.external_id, d.start)
        for d in OfferDate.objects.filter(offer__external_id="C1").order_by("start")
    ] == [("C1#1", date(2031, 3, 2)), ("C1#2", date(2031, 4, 1))]
    assert set(
        OfferDate.objects.filter(offer__external_id="C3").values_list("external_id", flat=True)
    ) == {"C3#1", "T-9"}


class Failure(Exception):
    pass


@pytest.mark.parametrize(
    ("error", "message"),
    [(IntegrityError, "gleichzeitig geändert"), (Failure, "Fehler aufgetreten")],
)
def test_a_failure_in_the_last_chunk_leaves_nothing_behind(
    small_chunks, institution, member, monkeypatch, error, message, private_files
):
    existing_offers(institution)
    content = openqcat_file()
    job = check(make_job(institution, member, content))
    dry_run = stored_report(job)
    assert stored_files(private_files)  # kept for the commit
    real_apply = ImportApplier.apply
    calls = []

    def apply_then_fail_at_the_end(self, entries):
        calls.append(len(entries))
        if any(entry.ref == "W1" for entry in entries):  # the orphans come last
            raise error("disk full")
        real_apply(self, entries)

    monkeypatch.setattr(ImportApplier, "apply", apply_then_fail_at_the_end)
    before = snapshot(institution)
    job = commit(job)

    assert len(calls) > 4  # earlier chunks were applied before the failure
    assert job.status == ImportStatus.FAILED
    assert message in job.error
    assert snapshot(institution) == before
    assert not Venue.objects.exists()
    assert not OfferChange.objects.exists()
    assert not OfferDate.objects.filter(offer__institution=institution).exists()
    assert stored_report(job) == dry_run  # the dry run's report stays
    # Issue 15: a failed job's file is deleted (a new upload starts over).
    assert not job.file
    assert not stored_files(private_files)
    assert cache.get(f"offerings:import-commit-progress:{job.pk}") is None


def test_the_stored_file_of_an_earlier_upload_is_read_in_slices(institution, member):
    """Jobs uploaded before files went to storage keep them in the database."""
    content = bytes(range(256)) * 40 + "Größe".encode()
    job = ImportJob.objects.create(
        institution=institution, user=member, format="csv", filename="alt", content=content
    )
    reader = jobs.job_content(job.pk, buffer_size=100)
    parts = []
    while part := reader.read(77):
        parts.append(part)
    assert b"".join(parts) == content
    assert len(parts) == -(-len(content) // 77)


def test_a_broken_file_fails_the_job_and_leaves_no_report(small_chunks, institution, member):
    job = check(make_job(institution, member, openqcat_file()[:-500]))
    assert job.status == ImportStatus.FAILED
    assert "kein vollständiges" in job.error
    assert import_report_counts(job=job) == {}
    assert not Offer.objects.exists()


# --- The report page by page --------------------------------------------------------------


@pytest.fixture
def checked_job(small_chunks, institution, member):
    existing_offers(institution)
    return check(make_job(institution, member, openqcat_file()))


def status_url(job, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/kurse/bereich/{job.institution.slug}/import/{job.pk}/" + (
        f"?{query}" if query else ""
    )


def refs_on(page: str, job) -> list[str]:
    _counts, entries = stored_report(job)
    return [
        e["ref"] for e in entries if f'<th scope="row" class="kern-table__cell">{e["ref"]}<' in page
    ]


def test_a_long_report_pages(checked_job, client_for, member, monkeypatch):
    monkeypatch.setattr(backoffice_views, "IMPORT_REPORT_PAGE_SIZE", 5)
    client = client_for(member)
    _counts, entries = stored_report(checked_job)
    assert len(entries) == 18

    first = client.get(status_url(checked_job)).content.decode()
    assert refs_on(first, checked_job) == [e["ref"] for e in entries[:5]]
    assert "Seite 1 von 4" in first
    assert "Import übernehmen" in first

    last = client.get(status_url(checked_job, seite=4)).content.decode()
    assert refs_on(last, checked_job) == [e["ref"] for e in entries[15:]]
    assert "Vorherige Seite" in last
    assert "Nächste Seite" not in last


def test_the_report_filters_by_result(checked_job, client_for, member, monkeypatch):
    monkeypatch.setattr(backoffice_views, "IMPORT_REPORT_PAGE_SIZE", 5)
    page = client_for(member).get(status_url(checked_job, ergebnis="reject")).content.decode()
    assert sorted(refs_on(page, checked_job)) == ["O2#15", "O9", "W1"]
    assert "Alle Einträge zeigen" in page
    assert "Seite 1" not in page  # three entries fit on one page


@pytest.mark.parametrize(
    "params",
    [
        {"seite": "abc"},
        {"seite": "-3"},
        {"seite": "99999"},
        {"seite": "1" * 400},
        {"ergebnis": "<script>alert(1)</script>"},
        {"ergebnis": "update", "seite": "2"},
        {"ergebnis": "entries"},
    ],
)
def test_wrong_or_hostile_paging_parameters_show_a_sane_page(
    checked_job, client_for, member, monkeypatch, params
):
    monkeypatch.setattr(backoffice_views, "IMPORT_REPORT_PAGE_SIZE", 5)
    response = client_for(member).get(status_url(checked_job, **params))
    assert response.status_code == 200
    page = response.content.decode()
    assert len(refs_on(page, checked_job)) in {1, 3, 5}
    assert "<script>alert" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("member", 200), ("outsider", 404), ("anonymous", 302)],
)
def test_only_the_institutions_editors_see_report_pages(
    checked_job, client_for, owner, member, outsider, who, status
):
    user = {"owner": owner, "member": member, "outsider": outsider, "anonymous": None}[who]
    response = client_for(user).get(status_url(checked_job, seite=2, ergebnis="create"))
    assert response.status_code == status
    if status == 200:
        assert "O0" in response.content.decode()


def test_a_running_commit_shows_its_progress(checked_job, client_for, member):
    ImportJob.objects.filter(pk=checked_job.pk).update(status=ImportStatus.COMMITTING)
    cache.set(f"offerings:import-commit-progress:{checked_job.pk}", 120)
    page = client_for(member).get(status_url(checked_job)).content.decode()
    assert "Bisher 120 Einträge übernommen" in page
    assert 'data-hx-trigger="every 2s"' in page
    assert "Import übernehmen" not in page


def test_the_dry_run_page_shows_a_place_that_cannot_be_found_as_a_warning(
    german_places, institution, member, client_for
):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><OPENQCAT version="1.1"><NEW_CATALOG>'
        "<SERVICE><PRODUCT_ID>P1</PRODUCT_ID><SERVICE_DETAILS><TITLE>Staplerschein</TITLE>"
        "<DESCRIPTION_SHORT>Kurs</DESCRIPTION_SHORT><SERVICE_DATE><START_DATE>2031-02-01"
        '</START_DATE></SERVICE_DATE><SERVICE_MODULE><EDUCATION type="true"><MODULE_COURSE>'
        "<LOCATION><NAME>Lager</NAME><ZIP>73430</ZIP><CITY>Aalne</CITY></LOCATION>"
        "</MODULE_COURSE></EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>"
        "<SERVICE><PRODUCT_ID>P2</PRODUCT_ID><SERVICE_DETAILS><TITLE>Hubarbeitsbühne</TITLE>"
        "<DESCRIPTION_SHORT>Kurs</DESCRIPTION_SHORT><SERVICE_DATE><START_DATE>2031-02-02"
        '</START_DATE></SERVICE_DATE><SERVICE_MODULE><EDUCATION type="true"><MODULE_COURSE>'
        "<LOCATION><NAME>Insel</NAME><ZIP>00000</ZIP><CITY>Atlantis</CITY></LOCATION>"
        "</MODULE_COURSE></EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>"
        "</NEW_CATALOG></OPENQCAT>"
    ).encode()
    job = check(make_job(institution, member, content))

    page = client_for(member).get(status_url(job)).content.decode()

    assert refs_on(page, job) == ["P1", "P2"]
    assert page.count("Warnung:") == 1
    assert (
        "<strong>Warnung:</strong> Ort „Atlantis 00000“ nicht gefunden: Die Kurse dieses "
        "Angebots lassen sich nicht nach Ort finden." in page
    )
    # A guess is named, so that the provider can check it, but it is no warning.
    assert "Ort „Aalne 73430“ als Aalen (Ostalbkreis) erkannt" in page
    # A warning does not reject the offer.
    assert import_report_counts(job=job)["create"] == 2
    commit(job)
    assert Offer.objects.filter(institution=institution, external_id="P2").exists()


# --- A whole catalogue, defaults for the file, what was left out (issue 15) ---------------

WHOLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<OPENQCAT version="1.1"><NEW_CATALOG FULLCATALOG="true">
<SERVICE><PRODUCT_ID>K-1</PRODUCT_ID><SERVICE_DETAILS><TITLE>Bleibt</TITLE>
<DESCRIPTION_SHORT>Kurz</DESCRIPTION_SHORT><TERMS_AND_CONDITIONS>AGB</TERMS_AND_CONDITIONS>
<SERVICE_MODULE><EDUCATION type="true"><EXTENDED_INFO><MEASURE_NUMBER>962/1/2030</MEASURE_NUMBER>
</EXTENDED_INFO></EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>
<SERVICE><PRODUCT_ID>K-1-1</PRODUCT_ID><SERVICE_DETAILS><SERVICE_DATE><START_DATE>2031-03-02</START_DATE>
</SERVICE_DATE><SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>K-1</COURSE_ID><MODULE_COURSE>
<LOCATION><NAME>Saal</NAME><CITY>Aalen</CITY></LOCATION></MODULE_COURSE></EDUCATION></SERVICE_MODULE>
</SERVICE_DETAILS></SERVICE>
<SERVICE><PRODUCT_ID>BROKEN</PRODUCT_ID><SERVICE_DETAILS>
<DESCRIPTION_SHORT>ohne Titel</DESCRIPTION_SHORT></SERVICE_DETAILS></SERVICE>
</NEW_CATALOG></OPENQCAT>"""


@pytest.fixture
def provider_catalogue(institution, other_institution):
    """What the provider has: one offer the file lists, one with a broken entry in the file,
    two it no longer lists (one made in the portal), one archived; and another provider's."""
    return {
        "listed": OfferFactory(institution=institution, external_id="K-1", title="Bleibt"),
        "broken": OfferFactory(institution=institution, external_id="BROKEN", title="Kaputt"),
        "gone": OfferFactory(institution=institution, external_id="ALT-7", title="Entfällt"),
        "manual": OfferFactory(institution=institution, title="Von Hand angelegt"),
        "archived": OfferFactory(
            institution=institution, external_id="ALT-8", title="Längst weg", status="archived"
        ),
        "theirs": OfferFactory(institution=other_institution, external_id="ALT-7", title="Fremd"),
    }


def statuses(offers: dict) -> dict[str, str]:
    return {key: Offer.objects.get(pk=offer.pk).status for key, offer in offers.items()}


def test_a_whole_catalogue_archives_what_it_no_longer_lists_only_when_confirmed(
    provider_catalogue, institution, member, client_for
):
    client = client_for(member)
    job = check(make_job(institution, member, WHOLE))
    counts, entries = stored_report(job)
    assert counts["archive"] == 2
    missing = {e["ref"] for e in entries if e.get("missing")}
    assert missing == {"ALT-7", f"beweqo-{provider_catalogue['manual'].pk}"}
    page = client.get(status_url(job)).content.decode()
    assert "wird archiviert: <strong>2</strong>" in page
    assert "2 Angebote stehen nicht mehr in der Datei." in page
    assert "Ja, Angebote archivieren, die nicht mehr in der Datei stehen" in page

    # Without the confirmation nothing is archived, and the person is told.
    response = client.post(
        f"/kurse/bereich/{institution.slug}/import/{job.pk}/uebernehmen/", follow=True
    )
    assert (
        "werden nicht archiviert, weil Sie das nicht bestätigt haben" in response.content.decode()
    )
    jobs.import_job_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert set(statuses(provider_catalogue).values()) == {"published", "archived"}
    assert statuses(provider_catalogue)["gone"] == "published"
    _counts, entries = stored_report(job)
    told = {e["ref"]: " ".join(e["reasons"]) for e in entries if e.get("missing")}
    assert all("nicht bestätigt" in reason for reason in told.values())
    assert len(told) == 2
    page = client.get(status_url(job)).content.decode()
    assert "2 Angebote, die nicht mehr in der Datei stehen, wurden nicht archiviert" in page

    # With it, exactly the offers the file no longer lists are archived.
    job = check(make_job(institution, member, WHOLE))
    client.post(
        f"/kurse/bereich/{institution.slug}/import/{job.pk}/uebernehmen/",
        {"archive_missing": "on"},
    )
    jobs.import_job_commit(job_id=job.pk)
    page = client.get(status_url(job)).content.decode()
    assert "2 Angebote, die nicht mehr in der Datei standen, wurden archiviert." in page
    assert statuses(provider_catalogue) == {
        "listed": "published",
        "broken": "published",  # its entry was rejected, but the file lists it
        "gone": "archived",
        "manual": "archived",
        "archived": "archived",
        "theirs": "published",
    }


def test_an_update_catalog_never_archives_what_it_does_not_name(
    provider_catalogue, institution, member
):
    job = commit(check(make_job(institution, member, openqcat_file())))
    assert job.status == ImportStatus.DONE
    assert statuses(provider_catalogue) == {
        "listed": "published",
        "broken": "published",
        "gone": "published",
        "manual": "published",
        "archived": "archived",
        "theirs": "published",
    }
    assert import_report_file(job=job)["missing"] == 0


def test_what_a_file_cannot_say_is_set_for_the_file_in_the_dry_run(institution, member, client_for):
    client = client_for(member)
    job = check(make_job(institution, member, WHOLE))
    page = client.get(status_url(job)).content.decode()
    assert "Was die Datei nicht sagen kann" in page
    response = client.post(
        f"/kurse/bereich/{institution.slug}/import/{job.pk}/vorgaben/",
        {"funding_programmes": ["bildungszeit-bw"], "target_groups": ["beschaeftigte"]},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.defaults == {
        "funding_programmes": ["bildungszeit-bw"],
        "target_groups": ["beschaeftigte"],
    }
    commit(job)
    offer = Offer.objects.get(institution=institution, external_id="K-1")
    # The file's own funding (the AZAV measure number) and the defaults.
    assert sorted(offer.funding_programmes.values_list("slug", flat=True)) == [
        "bildungsgutschein",
        "bildungszeit-bw",
    ]
    assert list(offer.target_groups.values_list("slug", flat=True)) == ["beschaeftigte"]


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("anonymous", 302)])
def test_only_the_institutions_editors_set_defaults(
    institution, member, outsider, client_for, who, status
):
    job = check(make_job(institution, member, WHOLE))
    user = {"outsider": outsider, "anonymous": None}[who]
    response = client_for(user).post(
        f"/kurse/bereich/{institution.slug}/import/{job.pk}/vorgaben/",
        {"funding_programmes": ["bildungszeit-bw"]},
    )
    assert response.status_code == status
    job.refresh_from_db()
    assert job.defaults == {}


def test_the_status_page_names_what_was_left_out(institution, member, client_for):
    job = check(make_job(institution, member, WHOLE))
    file = import_report_file(job=job)
    assert file["unused"] == {"TERMS_AND_CONDITIONS": 1}
    page = client_for(member).get(status_url(job)).content.decode()
    assert "1 Angabe nicht übernommen" in page
    assert "allgemeine Regelungen (TERMS_AND_CONDITIONS): 1×" in page
    assert "1 Angabe nicht übernommen: allgemeine Regelungen (TERMS_AND_CONDITIONS)." in page
