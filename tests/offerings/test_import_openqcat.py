# ruff: noqa: E501 (the fixtures keep the long lines real generators write)
"""open-Q-cat 1.1 import: files shaped the way different generators write them, the dry
run, the commit, idempotence (upsert by PRODUCT_ID) and hostile or broken files."""

import io
from datetime import date
from decimal import Decimal

import pytest

from offerings.imports.lookups import delivery_form_lookup
from offerings.imports.openqcat import openqcat_parse
from offerings.imports.plan import import_apply, import_plan
from offerings.imports.records import ImportFileError
from offerings.imports.report import unused_summary
from offerings.models import Offer, OfferChange, OfferDate, OfferStatus, Venue
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db

# A KURSNET-style full catalogue: UTF-8, offer and dates as separate SERVICEs, times with
# a zone, price, contact, keywords.
FULL = """<?xml version="1.0" encoding="UTF-8"?>
<OPENQCAT version="1.1">
  <HEADER>
    <CATALOG><LANGUAGE>deu</LANGUAGE><CATALOG_ID>vhs-1</CATALOG_ID><CATALOG_VERSION>7</CATALOG_VERSION>
      <CATALOG_NAME>VHS</CATALOG_NAME><GENERATION_DATE>2026-11-01T10:00:00+01:00</GENERATION_DATE><CURRENCY>EUR</CURRENCY></CATALOG>
    <SUPPLIER><SUPPLIER_ID>4711</SUPPLIER_ID><SUPPLIER_NAME>VHS Aalen</SUPPLIER_NAME></SUPPLIER>
  </HEADER>
  <NEW_CATALOG>
    <SERVICE>
      <PRODUCT_ID>K-100</PRODUCT_ID>
      <SERVICE_DETAILS>
        <TITLE>Schweißen für Einsteiger</TITLE>
        <DESCRIPTION_SHORT>MAG- und WIG-Schweißen an drei Samstagen.</DESCRIPTION_SHORT>
        <DESCRIPTION_LONG>Grundlagen des Schweißens.
Mit Übungen in der Werkstatt.</DESCRIPTION_LONG>
        <CONTACT><FIRST_NAME>Eva</FIRST_NAME><SURNAME>Muster</SURNAME><EMAIL>eva@vhs.test</EMAIL><PHONE>07361 1</PHONE><URL>https://vhs.test/k100</URL></CONTACT>
        <KEYWORD>Schweißen</KEYWORD><KEYWORD>Metall</KEYWORD>
        <SERVICE_MODULE><EDUCATION type="true">
          <DEGREE>Schweißerpass</DEGREE>
          <EXTENDED_INFO><EXECUTION_FORM>Präsenzveranstaltung</EXECUTION_FORM><MEASURE_NUMBER>962/1/2026</MEASURE_NUMBER></EXTENDED_INFO>
        </EDUCATION></SERVICE_MODULE>
      </SERVICE_DETAILS>
      <SERVICE_PRICE_DETAILS><SERVICE_PRICE><PRICE_AMOUNT>249.50</PRICE_AMOUNT></SERVICE_PRICE></SERVICE_PRICE_DETAILS>
    </SERVICE>
    <SERVICE>
      <PRODUCT_ID>K-100-1</PRODUCT_ID>
      <SERVICE_DETAILS>
        <TITLE>Schweißen für Einsteiger</TITLE>
        <SERVICE_DATE><START_DATE>2030-03-02T08:00:00+01:00</START_DATE><END_DATE>2030-03-16T16:00:00+01:00</END_DATE></SERVICE_DATE>
        <SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>K-100</COURSE_ID>
          <EXTENDED_INFO><INSTRUCTION_FORM>Teilzeit</INSTRUCTION_FORM></EXTENDED_INFO>
          <MODULE_COURSE><MAX_PARTICIPANTS>8</MAX_PARTICIPANTS><DURATION type="hours">24</DURATION>
            <LOCATION><NAME>Werkstatt Nord</NAME><STREET>Ulmer Straße 5</STREET><ZIP>73431</ZIP><CITY>Aalen</CITY></LOCATION>
          </MODULE_COURSE>
        </EDUCATION></SERVICE_MODULE>
      </SERVICE_DETAILS>
    </SERVICE>
    <SERVICE>
      <PRODUCT_ID>K-100-2</PRODUCT_ID>
      <SERVICE_DETAILS>
        <SERVICE_DATE><START_DATE>2030-09-07T23:30:00Z</START_DATE></SERVICE_DATE>
        <SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>K-100</COURSE_ID>
          <MODULE_COURSE><LOCATION><NAME>Werkstatt Nord</NAME><STREET>Ulmer Straße 5</STREET><ZIP>73431</ZIP><CITY>Aalen</CITY></LOCATION></MODULE_COURSE>
        </EDUCATION></SERVICE_MODULE>
      </SERVICE_DETAILS>
    </SERVICE>
  </NEW_CATALOG>
</OPENQCAT>
"""

# A small generator's export: ISO-8859-15 (the euro sign is byte 0xA4), a namespace,
# dates before their offer, no time zone, no short description, no contact, no price.
SLOPPY = """<?xml version="1.0" encoding="ISO-8859-15"?>
<oqc:OPENQCAT xmlns:oqc="http://www.openqcat.org/1.1" version="1.1">
<oqc:NEW_CATALOG>
<oqc:SERVICE><oqc:PRODUCT_ID>T1</oqc:PRODUCT_ID><oqc:SERVICE_DETAILS>
<oqc:SERVICE_DATE><oqc:START_DATE>2030-01-10T09:00:00</oqc:START_DATE><oqc:END_DATE>2030-01-11</oqc:END_DATE></oqc:SERVICE_DATE>
<oqc:SERVICE_MODULE><oqc:EDUCATION type="false"><oqc:COURSE_ID>A1</oqc:COURSE_ID></oqc:EDUCATION></oqc:SERVICE_MODULE>
</oqc:SERVICE_DETAILS></oqc:SERVICE>
<oqc:SERVICE><oqc:PRODUCT_ID>A1</oqc:PRODUCT_ID><oqc:SERVICE_DETAILS>
<oqc:TITLE>Bürokommunikation für Rückkehrerinnen</oqc:TITLE>
<oqc:DESCRIPTION_LONG>Kosten: 0 € dank Förderung. Größere Gruppen möglich.</oqc:DESCRIPTION_LONG>
<oqc:SERVICE_MODULE><oqc:EDUCATION type="true"/></oqc:SERVICE_MODULE>
</oqc:SERVICE_DETAILS></oqc:SERVICE>
</oqc:NEW_CATALOG>
</oqc:OPENQCAT>
"""

# One SERVICE that is offer and date at once, dates in German notation, plus a date whose
# COURSE_ID points nowhere and an offer without title.
COMBINED = """<?xml version="1.0"?>
<OPENQCAT version="1.1"><NEW_CATALOG>
<SERVICE><PRODUCT_ID>C1</PRODUCT_ID><SERVICE_DETAILS><TITLE>Deutsch im Beruf B2</TITLE>
<DESCRIPTION_SHORT>Sprachkurs</DESCRIPTION_SHORT>
<SERVICE_DATE><START_DATE>01.02.2030</START_DATE><END_DATE>30.06.2030</END_DATE></SERVICE_DATE>
</SERVICE_DETAILS></SERVICE>
<SERVICE><PRODUCT_ID>X9</PRODUCT_ID><SERVICE_DETAILS><SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>NIRGENDS</COURSE_ID></EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>
<SERVICE><PRODUCT_ID>C2</PRODUCT_ID><SERVICE_DETAILS><DESCRIPTION_SHORT>ohne Titel</DESCRIPTION_SHORT></SERVICE_DETAILS></SERVICE>
</NEW_CATALOG></OPENQCAT>
"""


def run(institution, content: bytes | str, *, commit: bool = True, user=None):
    if isinstance(content, str):
        content = content.encode("utf-8")
    parsed = openqcat_parse(io.BytesIO(content), delivery_forms=delivery_form_lookup())
    plan = import_plan(institution=institution, parsed=parsed)
    if commit:
        import_apply(institution=institution, plan=plan, user=user)
    return plan


def actions(plan) -> dict[str, str]:
    return {entry.ref: entry.action for entry in plan.entries}


def test_full_catalogue_creates_offer_with_linked_dates(institution, member):
    plan = run(institution, FULL, user=member)
    assert actions(plan) == {"K-100": "create"}
    offer = Offer.objects.get(institution=institution, external_id="K-100")
    assert offer.title == "Schweißen für Einsteiger"
    assert offer.summary == "MAG- und WIG-Schweißen an drei Samstagen."
    assert offer.description == "Grundlagen des Schweißens.\nMit Übungen in der Werkstatt."
    assert offer.keywords == "Schweißen, Metall"
    assert offer.contact_name == "Eva Muster"
    assert offer.contact_email == "eva@vhs.test"
    assert offer.url == "https://vhs.test/k100"
    assert offer.price == Decimal("249.50")
    assert offer.certificate_name == "Schweißerpass"
    assert offer.azav_measure_number == "962/1/2026"
    assert offer.delivery_form.slug == "praesenz"
    # A new provider's first import waits as drafts.
    assert offer.status == OfferStatus.DRAFT
    dates = list(offer.dates.order_by("start"))
    assert [(d.external_id, d.start, d.end) for d in dates] == [
        ("K-100-1", date(2030, 3, 2), date(2030, 3, 16)),
        # 23:30 UTC is already the next day in Berlin.
        ("K-100-2", date(2030, 9, 8), None),
    ]
    assert dates[0].seats == 8
    assert dates[0].hours_total == 24
    assert Venue.objects.filter(institution=institution).count() == 1  # reused for both
    assert OfferChange.objects.get(offer=offer).user == member
    assert "schweissen" in Offer.objects.get(pk=offer.pk).search_text


def test_importing_the_same_file_twice_changes_nothing(institution):
    run(institution, FULL)
    before = list(OfferDate.objects.values_list("pk", "start", "end", "venue_id"))
    plan = run(institution, FULL)
    assert actions(plan) == {"K-100": "unchanged"}
    assert list(OfferDate.objects.values_list("pk", "start", "end", "venue_id")) == before
    assert Offer.objects.count() == 1
    assert Venue.objects.count() == 1


def test_published_provider_imports_go_live_and_updates_name_their_fields(institution):
    OfferFactory(institution=institution, published_at="2025-01-01T00:00Z")
    run(institution, FULL)
    offer = Offer.objects.get(external_id="K-100")
    assert offer.status == OfferStatus.PUBLISHED
    changed = FULL.replace("249.50", "199").replace("<MAX_PARTICIPANTS>8<", "<MAX_PARTICIPANTS>10<")
    plan = run(institution, changed, commit=False)
    entry = next(e for e in plan.entries if e.ref == "K-100")
    assert entry.action == "update"
    assert entry.fields == ["price", "dates"]
    assert Offer.objects.get(pk=offer.pk).price == Decimal("249.50")  # dry run wrote nothing
    run(institution, changed)
    assert Offer.objects.get(pk=offer.pk).price == Decimal("199")
    assert offer.dates.get(external_id="K-100-1").seats == 10


def test_iso_8859_15_namespaced_file_with_dates_first(institution):
    plan = run(institution, SLOPPY.encode("iso-8859-15"))
    assert actions(plan) == {"A1": "create"}
    offer = Offer.objects.get(external_id="A1")
    assert offer.description == "Kosten: 0 € dank Förderung. Größere Gruppen möglich."
    assert offer.summary == offer.description  # derived from the long text
    assert offer.contact_email == ""
    assert offer.price is None  # no price element: on request, not free (issue 15)
    assert [(d.start, d.end) for d in offer.dates.all()] == [(date(2030, 1, 10), date(2030, 1, 11))]


def test_combined_service_orphan_dates_and_missing_title(institution):
    plan = run(institution, COMBINED, commit=False)
    assert actions(plan) == {"C1": "create", "X9": "reject", "C2": "reject"}
    reasons = {e.ref: " ".join(e.reasons) for e in plan.entries}
    assert "NIRGENDS" in reasons["X9"]
    assert "Titel" in reasons["C2"]
    run(institution, COMBINED)
    offer = Offer.objects.get(external_id="C1")
    assert [(d.start, d.end) for d in offer.dates.all()] == [(date(2030, 2, 1), date(2030, 6, 30))]
    assert not Offer.objects.filter(external_id="C2").exists()


def test_update_catalog_with_new_and_delete(institution):
    run(institution, FULL)
    update = """<?xml version="1.0" encoding="UTF-8"?>
<OPENQCAT version="1.1"><UPDATE_CATALOG>
<NEW><SERVICE><PRODUCT_ID>K-200</PRODUCT_ID><SERVICE_DETAILS><TITLE>CNC-Fräsen</TITLE>
<DESCRIPTION_SHORT>Grundkurs</DESCRIPTION_SHORT></SERVICE_DETAILS></SERVICE></NEW>
<DELETE><SERVICE><PRODUCT_ID>K-100</PRODUCT_ID></SERVICE><SERVICE><PRODUCT_ID>GIBT-ES-NICHT</PRODUCT_ID></SERVICE></DELETE>
</UPDATE_CATALOG></OPENQCAT>"""
    plan = run(institution, update)
    assert actions(plan) == {"K-200": "create", "K-100": "archive", "GIBT-ES-NICHT": "unchanged"}
    assert Offer.objects.get(external_id="K-100").status == OfferStatus.ARCHIVED
    assert actions(run(institution, update)) == {
        "K-200": "unchanged",
        "K-100": "unchanged",
        "GIBT-ES-NICHT": "unchanged",
    }


def test_import_touches_only_its_own_institution(institution, other_institution):
    theirs = OfferFactory(institution=other_institution, external_id="K-100", title="Fremd")
    run(institution, FULL)
    theirs.refresh_from_db()
    assert theirs.title == "Fremd"
    assert Offer.objects.filter(external_id="K-100").count() == 2


def test_invalid_values_reject_the_offer_with_reasons(institution):
    bad = FULL.replace("eva@vhs.test", "keine-adresse").replace("249.50", "abc")
    bad = bad.replace("<END_DATE>2030-03-16T16:00:00+01:00", "<END_DATE>2020-01-01")
    plan = run(institution, bad)
    entry = plan.entries[0]
    assert entry.action == "reject"
    text = " ".join(entry.reasons)
    assert "E-Mail" in text
    assert "Preis" in text
    assert "Ende" in text
    assert not Offer.objects.exists()


HOSTILE = {
    "billion laughs": """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<OPENQCAT version="1.1"><NEW_CATALOG><SERVICE><PRODUCT_ID>&lol2;</PRODUCT_ID></SERVICE></NEW_CATALOG></OPENQCAT>""",
    "external entity": """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<OPENQCAT version="1.1"><NEW_CATALOG><SERVICE><PRODUCT_ID>&xxe;</PRODUCT_ID></SERVICE></NEW_CATALOG></OPENQCAT>""",
    "wrong root": "<?xml version='1.0'?><BMECAT><NEW_CATALOG/></BMECAT>",
    "wrong version": "<?xml version='1.0'?><OPENQCAT version='2.0'/>",
    "truncated": FULL[: len(FULL) // 2],
    "not xml": "<html><body>Fehler 500",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_or_broken_files_get_a_message_and_change_nothing(institution, name):
    with pytest.raises(ImportFileError) as caught:
        run(institution, HOSTILE[name])
    assert str(caught.value)
    assert not Offer.objects.exists()


def test_wrong_encoding_is_reported():
    latin = FULL.encode("iso-8859-15")  # declared UTF-8, but umlauts in Latin-9
    with pytest.raises(ImportFileError, match="Zeichenkodierung"):
        openqcat_parse(io.BytesIO(latin), delivery_forms={})


def test_too_many_entries_are_refused_quickly():
    service = b"<SERVICE><PRODUCT_ID>x</PRODUCT_ID></SERVICE>"
    content = (
        b"<OPENQCAT version='1.1'><NEW_CATALOG>" + service * 100_000 + b"</NEW_CATALOG></OPENQCAT>"
    )
    with pytest.raises(ImportFileError, match="mehr als"):
        openqcat_parse(io.BytesIO(content), delivery_forms={})


def test_a_commit_that_fails_halfway_leaves_nothing_behind(institution, monkeypatch):
    parsed = openqcat_parse(io.BytesIO(FULL.encode()), delivery_forms=delivery_form_lookup())
    plan = import_plan(institution=institution, parsed=parsed)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # The history is written last: offers, venues and dates exist by then.
    monkeypatch.setattr(OfferChange.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        import_apply(institution=institution, plan=plan, user=None)
    assert not Offer.objects.exists()
    assert not Venue.objects.exists()
    assert not OfferDate.objects.exists()


# --- Places: every venue is found by place, or the dry run says why not ------------------------


def located(*locations: str) -> str:
    """A catalogue with one offer per LOCATION (name, street, zip, city), each with one date,
    dates inside the offer's SERVICE as small generators write them."""
    services = []
    for n, location in enumerate(locations):
        name, street, zip_code, city = location.split("|")
        services.append(f"""<SERVICE><PRODUCT_ID>P{n}</PRODUCT_ID><SERVICE_DETAILS>
<TITLE>Kurs an Ort {n}</TITLE><DESCRIPTION_SHORT>Kurs</DESCRIPTION_SHORT>
<SERVICE_DATE><START_DATE>2030-05-0{n + 1}</START_DATE></SERVICE_DATE>
<SERVICE_MODULE><EDUCATION type="true"><MODULE_COURSE><LOCATION><NAME>{name}</NAME>
<STREET>{street}</STREET><ZIP>{zip_code}</ZIP><CITY>{city}</CITY></LOCATION></MODULE_COURSE>
</EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>""")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><OPENQCAT version="1.1"><NEW_CATALOG>'
        + "".join(services)
        + "</NEW_CATALOG></OPENQCAT>"
    )


@pytest.fixture
def known_provider(institution):
    """A provider that has published before, so that its imported offers go live. Its
    earlier offer is archived: the files here are whole catalogues (NEW_CATALOG), which
    would otherwise plan to archive it."""
    OfferFactory(
        institution=institution, published_at="2025-01-01T00:00Z", dates=[], status="archived"
    )
    return institution


def catalogue_titles(client, query: str) -> set[str]:
    page = client.get(f"/kurse/?{query}").content.decode()
    return {title for title in ("Kurs an Ort 0", "Kurs an Ort 1") if title in page}


def test_imported_venues_get_their_place_and_a_radius_search_finds_them(
    german_places, known_provider, member, client
):
    plan = run(
        known_provider,
        located(
            "Werkhalle|Dreißentalstraße 2|73447|Oberkochen",
            "Bildungszentrum Ries|Marktplatz 1|86720|Nördlingen",
        ),
        user=member,
    )

    assert actions(plan) == {"P0": "create", "P1": "create"}
    assert all(entry.warnings == [] for entry in plan.entries)
    oberkochen = Venue.objects.get(name="Werkhalle")
    assert oberkochen.municipality == german_places["oberkochen"]
    assert oberkochen.district == "ostalbkreis"
    assert (oberkochen.latitude, oberkochen.longitude) == (
        german_places["oberkochen"].latitude,
        german_places["oberkochen"].longitude,
    )
    noerdlingen = Venue.objects.get(name="Bildungszentrum Ries")
    assert noerdlingen.municipality == german_places["noerdlingen"]
    assert noerdlingen.district == "outside"
    assert noerdlingen.latitude == pytest.approx(48.85, abs=0.01)

    # Oberkochen lies about 6 km from Aalen, Nördlingen about 30 km (as the crow flies).
    assert catalogue_titles(client, "ort=Aalen") == set()
    assert catalogue_titles(client, "ort=Aalen&umkreis=10") == {"Kurs an Ort 0"}
    assert catalogue_titles(client, "ort=Aalen&umkreis=50") == {"Kurs an Ort 0", "Kurs an Ort 1"}
    assert catalogue_titles(client, "ort=Oberkochen") == {"Kurs an Ort 0"}
    assert catalogue_titles(client, "ort=73447") == {"Kurs an Ort 0"}
    assert catalogue_titles(client, "landkreis=ostalbkreis") == {"Kurs an Ort 0"}
    # A town outside the region, typed by a visitor.
    assert catalogue_titles(client, "ort=Nördlingen") == {"Kurs an Ort 1"}


def test_an_unknown_or_ambiguous_place_is_a_warning_and_the_offer_is_imported_all_the_same(
    german_places, known_provider
):
    plan = run(
        known_provider,
        located("Insel|Hafen 1|00000|Atlantis", "Schloss||| Lorch"),
        commit=False,
    )

    entries = {entry.ref: entry for entry in plan.entries}
    assert entries["P0"].action == entries["P1"].action == "create"
    assert entries["P0"].warnings == [
        "Ort „Atlantis 00000“ nicht gefunden: Die Kurse dieses Angebots lassen sich nicht "
        "nach Ort finden."
    ]
    assert "Ort „Lorch“ ist nicht eindeutig" in entries["P1"].warnings[0]
    assert "Rheingau-Taunus-Kreis" in entries["P1"].warnings[0]

    run(institution=known_provider, content=located("Insel|Hafen 1|00000|Atlantis"))
    venue = Venue.objects.get(name="Insel")
    assert Offer.objects.filter(external_id="P0").exists()
    assert (venue.municipality, venue.district, venue.latitude) == (None, "outside", None)


def test_a_guessed_place_is_named_in_the_report(german_places, known_provider):
    plan = run(known_provider, located("Haus|Münsterplatz 9|73525|Gmünd"), commit=False)

    entry = plan.entries[0]
    assert entry.warnings == []
    assert (
        "Ort „Gmünd 73525“ als Schwäbisch Gmünd (Ostalbkreis) erkannt, nach der Postleitzahl "
        "und ähnlicher Schreibweise." in entry.reasons
    )


def test_a_second_import_reuses_the_venue_at_the_same_address_spelled_differently(
    german_places, known_provider
):
    run(known_provider, located("Werkstatt Nord|Ulmer Straße 5|73431|Aalen"))
    venue = Venue.objects.get(institution=known_provider)
    assert venue.municipality == german_places["aalen"]

    respelled = located("werkstatt nord|Ulmer Str. 5|73431|AALEN")
    plan = run(known_provider, respelled)

    # The same place: nothing to change, no second venue.
    assert actions(plan) == {"P0": "unchanged"}
    assert Venue.objects.filter(institution=known_provider).count() == 1
    assert OfferDate.objects.get(external_id__startswith="P0").venue == venue
    # Another offer of another file at that address uses it too.
    other = located(
        "Raum 1|Bahnhofstraße 1|73430|Aalen", "Werkstatt Nord|Ulmer Strasse 5|73431|Aalen"
    )
    run(known_provider, other.replace("P0", "Q0").replace("P1", "Q1"))
    assert Venue.objects.filter(institution=known_provider).count() == 2
    assert OfferDate.objects.get(offer__external_id="Q1").venue == venue


def test_an_old_venue_without_place_is_placed_by_the_next_import(german_places, known_provider):
    # Imported before imports placed venues.
    old = Venue.objects.create(
        institution=known_provider,
        name="Werkhalle",
        street="Dreißentalstraße 2",
        postcode="73447",
        city="Oberkochen",
    )
    plan = run(known_provider, located("Werkhalle|Dreißentalstraße 2|73447|Oberkochen"))

    assert plan.entries[0].warnings == []
    old.refresh_from_db()
    assert old.municipality == german_places["oberkochen"]
    assert old.district == "ostalbkreis"
    assert Venue.objects.filter(institution=known_provider).count() == 1


# --- Everything a job seeker filters on (issue 15) -----------------------------------------

HEADER = """<HEADER><CATALOG><LANGUAGE>deu</LANGUAGE><CATALOG_ID>bz-1</CATALOG_ID>
<CATALOG_VERSION>3</CATALOG_VERSION><CURRENCY>EUR</CURRENCY></CATALOG>
<SUPPLIER><SUPPLIER_ID type="supplier_specific">4711</SUPPLIER_ID><SUPPLIER_NAME>BZ Süd</SUPPLIER_NAME></SUPPLIER></HEADER>"""

# The offer's own part, the way KURSNET's export writes it: contact with SURNAME, codes in
# type attributes, Kurssystematik, funding, price.
OFFER = """<SERVICE mode="new"><PRODUCT_ID>M-1</PRODUCT_ID><COURSE_TYPE>5</COURSE_TYPE>
<SERVICE_DETAILS><TITLE>Fachlagerist (Teilqualifizierung)</TITLE>
<DESCRIPTION_LONG>Lagerlogistik in Modulen, mit Staplerschein.</DESCRIPTION_LONG>
<CONTACT><CONTACT_ROLE type="1">Ansprechpartner</CONTACT_ROLE><SALUTATION>w</SALUTATION>
<ACADEMIC_TITLE>Dr.</ACADEMIC_TITLE><FIRST_NAME>Jana</FIRST_NAME><SURNAME>Özdemir</SURNAME>
<PHONE>+49.7321.555</PHONE><EMAILS><EMAIL>jana@bz.test</EMAIL></EMAILS></CONTACT>
<REQUIREMENTS>Deutsch auf Niveau B1</REQUIREMENTS>
<KEYWORD>Lager</KEYWORD><KEYWORD>Logistik</KEYWORD>
<TARGET_GROUP><TARGET_GROUP_TEXT>Arbeitsuchende, An- und Ungelernte</TARGET_GROUP_TEXT></TARGET_GROUP>
<SERVICE_MODULE><EDUCATION type="true"><COURSE_ID>M-1</COURSE_ID>
<DEGREE type="0"><DEGREE_TITLE>Fachlagerist/in (Teilqualifikation)</DEGREE_TITLE>
<DEGREE_EXAM type="IHK-Prüfung"><EXAMINER>IHK Ostwürttemberg</EXAMINER></DEGREE_EXAM></DEGREE>
<CERTIFICATE><CERTIFICATE_STATUS>1</CERTIFICATE_STATUS></CERTIFICATE>
<EXTENDED_INFO><INSTITUTION type="102">Berufsbildende Einrichtung</INSTITUTION>
<INSTRUCTION_FORM type="101">Präsenzunterricht</INSTRUCTION_FORM>
<INSTRUCTION_TIME type="1">Vollzeit</INSTRUCTION_TIME>
<FUNDING_TYPES_FEDERAL type="2">Bildungsgutschein</FUNDING_TYPES_FEDERAL>
<FUNDING_TYPES_REGIONAL type="53">Bildungszeit</FUNDING_TYPES_REGIONAL>
<DIGITAL_ACCESSIBILITY>true</DIGITAL_ACCESSIBILITY>
<TEACHING_LANGUAGES>deu</TEACHING_LANGUAGES>
<EDUCATION_TYPE type="109">Umschulung</EDUCATION_TYPE>
<MEASURE_NUMBER>955/77/2030</MEASURE_NUMBER></EXTENDED_INFO>
{courses}
</EDUCATION></SERVICE_MODULE>{period}</SERVICE_DETAILS>
<SERVICE_CLASSIFICATION><REFERENCE_CLASSIFICATION_SYSTEM_NAME>Kurssystematik</REFERENCE_CLASSIFICATION_SYSTEM_NAME>
<FEATURE><FNAME>C 1615-15</FNAME><FVALUE>Lagerwirtschaft</FVALUE></FEATURE></SERVICE_CLASSIFICATION>
<SERVICE_PRICE_DETAILS><SERVICE_PRICE><PRICE_AMOUNT>3980.0</PRICE_AMOUNT><PRICE_CURRENCY>EUR</PRICE_CURRENCY></SERVICE_PRICE>
<REMARKS>inkl. 120 € Prüfungsgebühr</REMARKS></SERVICE_PRICE_DETAILS>
<MIME_INFO><MIME_ELEMENT><MIME_SOURCE>https://bz.test/lager</MIME_SOURCE></MIME_ELEMENT></MIME_INFO></SERVICE>"""

# Three runs: two at different places with their own period, one with a rolling start.
COURSES = [
    """<MODULE_COURSE><MIN_PARTICIPANTS>6</MIN_PARTICIPANTS><MAX_PARTICIPANTS>12</MAX_PARTICIPANTS>
<LOCATION><NAME>Bildungszentrum Süd</NAME><STREET>Hauptstraße 3</STREET><ZIP>89518</ZIP>
<CITY>Heidenheim an der Brenz</CITY><BARRIER_FREE_LOCATION>true</BARRIER_FREE_LOCATION></LOCATION>
<DURATION type="3"><START_DATE>2030-03-04T00:00:00+01:00</START_DATE><END_DATE>2030-03-29T00:00:00+01:00</END_DATE></DURATION>
<INSTRUCTION_REMARKS>08.00 - 15.00 Uhr</INSTRUCTION_REMARKS><FLEXIBLE_START>false</FLEXIBLE_START>
<EXTENDED_INFO><SEGMENT_TYPE type="0"/></EXTENDED_INFO></MODULE_COURSE>""",
    """<MODULE_COURSE><MIN_PARTICIPANTS>4</MIN_PARTICIPANTS><MAX_PARTICIPANTS>10</MAX_PARTICIPANTS>
<LOCATION><NAME>Werkhalle Aalen</NAME><STREET>Ulmer Straße 5</STREET><ZIP>73431</ZIP>
<CITY>Aalen</CITY><BARRIER_FREE_LOCATION>true</BARRIER_FREE_LOCATION></LOCATION>
<DURATION type="3"><START_DATE>2030-06-03</START_DATE><END_DATE>2030-06-28</END_DATE></DURATION>
<INSTRUCTION_REMARKS>13:00 bis 18:30 Uhr</INSTRUCTION_REMARKS><FLEXIBLE_START>false</FLEXIBLE_START>
<EXTENDED_INFO><SEGMENT_TYPE type="0"/></EXTENDED_INFO></MODULE_COURSE>""",
    """<MODULE_COURSE><MAX_PARTICIPANTS>8</MAX_PARTICIPANTS>
<LOCATION><NAME>Lernwerkstatt</NAME><ZIP>73479</ZIP><CITY>Ellwangen</CITY></LOCATION>
<DURATION type="6"/><FLEXIBLE_START>true</FLEXIBLE_START></MODULE_COURSE>""",
]
PERIOD = """<SERVICE_DATE><START_DATE>2030-03-04T00:00:00+01:00</START_DATE>
<END_DATE>2030-12-20T00:00:00+01:00</END_DATE></SERVICE_DATE>"""


def dates_inside(encoding: str) -> bytes:
    """Shape 1: the dates are MODULE_COURSEs inside the offer's own SERVICE."""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><OPENQCAT version="1.1">{HEADER}'
        f'<NEW_CATALOG FULLCATALOG="true">{OFFER.format(courses="".join(COURSES), period=PERIOD)}'
        "</NEW_CATALOG></OPENQCAT>"
    ).encode(encoding)


def dates_linked(encoding: str) -> bytes:
    """Shape 2: the offer has no date; one SERVICE of its own holds the MODULE_COURSEs and
    points to the offer through COURSE_ID."""
    date = (
        "<SERVICE><PRODUCT_ID>M-1-T</PRODUCT_ID><SERVICE_DETAILS><TITLE/>"
        f'{PERIOD}<SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>M-1</COURSE_ID>'
        '<EXTENDED_INFO><INSTRUCTION_TIME type="1">Vollzeit</INSTRUCTION_TIME>'
        '<FUNDING_TYPES_FEDERAL type="2">Bildungsgutschein</FUNDING_TYPES_FEDERAL>'
        "</EXTENDED_INFO>"
        f"{''.join(COURSES)}</EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>"
    )
    offer = OFFER.format(courses="", period="").replace(
        "<COURSE_ID>M-1</COURSE_ID>",
        "<COURSE_ID>M-1</COURSE_ID>"
        "<REGISTRATION_DATE>2030-02-20T00:00:00+01:00</REGISTRATION_DATE>",
    )
    # Dates first, as large generators write them.
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><OPENQCAT version="1.1">{HEADER}'
        f"<UPDATE_CATALOG><NEW>{date}{offer}</NEW></UPDATE_CATALOG></OPENQCAT>"
    ).encode(encoding)


SHAPES = {
    "inside, ISO-8859-15": (dates_inside, "ISO-8859-15"),
    "inside, UTF-8": (dates_inside, "UTF-8"),
    "linked, ISO-8859-15": (dates_linked, "ISO-8859-15"),
    "linked, UTF-8": (dates_linked, "UTF-8"),
}


def published_before(institution) -> None:
    """A provider that has published before: its imported offers go live at once."""
    OfferFactory(institution=institution, published_at="2025-01-01T00:00Z", title="Altbestand")


def shape_content(name: str) -> bytes:
    build, encoding = SHAPES[name]
    if build is dates_inside:
        # The registration deadline of the offer's entry, read for all its dates.
        return build(encoding).replace(
            b"<COURSE_ID>M-1</COURSE_ID>",
            b"<COURSE_ID>M-1</COURSE_ID><REGISTRATION_DATE>2030-02-20T00:00:00+01:00"
            b"</REGISTRATION_DATE>",
        )
    return build(encoding)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_module_course_becomes_a_date_with_its_own_values(institution, client, shape):
    published_before(institution)
    plan = run(institution, shape_content(shape))
    entry = next(e for e in plan.entries if e.ref == "M-1")
    assert entry.action == "create"
    # The one full-time run whose time of day is nowhere in the file: the guess is said.
    guessed = [w for w in entry.warnings if "als Vollzeitkurs „vormittags“" in w]
    assert len(guessed) == 1
    offer = Offer.objects.get(external_id="M-1")
    dates = list(offer.dates.select_related("venue").order_by("start", "pk"))
    seen = [
        (
            d.start_kind,
            d.start,
            d.end,
            d.venue.city,
            d.seats,
            d.min_participants,
            d.schedule,
            d.time_of_day,
            d.registration_deadline,
            d.notes,
        )
        for d in dates
    ]
    assert seen == [
        (
            "fixed",
            date(2030, 3, 4),
            date(2030, 3, 29),
            "Heidenheim an der Brenz",
            12,
            6,
            "full_time",
            "morning",
            date(2030, 2, 20),
            "08.00 - 15.00 Uhr",
        ),
        # The period of the SERVICE holds for a run that names none of its own.
        (
            "rolling",
            date(2030, 3, 4),
            date(2030, 12, 20),
            "Ellwangen",
            8,
            None,
            "full_time",
            "morning",
            date(2030, 2, 20),
            "",
        ),
        (
            "fixed",
            date(2030, 6, 3),
            date(2030, 6, 28),
            "Aalen",
            10,
            4,
            "full_time",
            "afternoon",
            date(2030, 2, 20),
            "13:00 bis 18:30 Uhr",
        ),
    ]
    # Every date is on the course's page.
    page = client.get(offer.get_absolute_url()).content.decode()
    for text in (
        "4. März 2030 bis 29. März 2030",
        "3. Juni 2030 bis 28. Juni 2030",
        "laufender Einstieg",
        "Heidenheim an der Brenz",
        "Werkhalle Aalen",
        "Lernwerkstatt",
        "ab 4 Anmeldungen",
    ):
        assert text in page
    # Importing the same file again changes nothing.
    again = run(institution, shape_content(shape), commit=False)
    assert next(e for e in again.entries if e.ref == "M-1").action == "unchanged"


@pytest.mark.parametrize("shape", SHAPES)
def test_what_a_job_seeker_filters_on_arrives(institution, client, shape):
    published_before(institution)
    run(institution, shape_content(shape))
    offer = Offer.objects.get(external_id="M-1")
    assert offer.status == OfferStatus.PUBLISHED
    assert offer.contact_name == "Dr. Jana Özdemir"
    assert offer.contact_phone == "+49 7321 555"
    assert offer.contact_email == "jana@bz.test"
    assert offer.url == "https://bz.test/lager"
    assert offer.price == Decimal("3980.00")
    assert offer.price_notes == "inkl. 120 € Prüfungsgebühr"
    assert offer.entry_requirements == "Deutsch auf Niveau B1"
    assert offer.certificate == "chamber"
    assert offer.certificate_name == "Fachlagerist/in (Teilqualifikation)"
    assert offer.level == "dqr4"  # EDUCATION_TYPE 109: Umschulung
    assert offer.language == "de"
    assert offer.azav_measure_number == "955/77/2030"
    assert offer.delivery_form.slug == "praesenz"
    assert offer.wheelchair_accessible is False  # one of the three places is not
    assert offer.accessibility_notes == "Digital barrierefrei."
    assert sorted(offer.funding_programmes.values_list("slug", flat=True)) == [
        "bildungsgutschein",
        "bildungszeit-bw",
    ]
    assert list(offer.topics.values_list("slug", flat=True)) == ["logistik"]
    assert sorted(offer.target_groups.values_list("slug", flat=True)) == [
        "an-und-ungelernte",
        "arbeitsuchende",
    ]
    # The Bildungsgutschein filter and the place filter of the catalogue find it.
    page = client.get("/kurse/?foerderung=bildungsgutschein").content.decode()
    assert "Fachlagerist (Teilqualifizierung)" in page
    page = client.get("/kurse/?foerderung=aufstiegs-bafoeg").content.decode()
    assert "Fachlagerist (Teilqualifizierung)" not in page


def test_parts_of_one_run_stay_one_date(institution):
    """KURSNET's own example file: the MODULE_COURSEs of a date are its internship, block
    teaching and exam (SEGMENT_TYPE), not dates of their own."""
    parts = "".join(
        f'<MODULE_COURSE><MAX_PARTICIPANTS>20</MAX_PARTICIPANTS><DURATION type="1">'
        f"<START_DATE>{start}</START_DATE><END_DATE>{end}</END_DATE></DURATION>"
        f'<MODULE_ORDER>{n}</MODULE_ORDER><EXTENDED_INFO><SEGMENT_TYPE type="{kind}"/>'
        "</EXTENDED_INFO></MODULE_COURSE>"
        for n, (start, end, kind) in enumerate(
            [
                ("2030-02-01", "2030-03-01", "2"),
                ("2030-03-01", "2030-03-15", "1"),
                ("2030-03-16", "2030-04-16", "4"),
            ],
            start=1,
        )
    )
    content = (
        '<OPENQCAT version="1.1"><NEW_CATALOG><SERVICE><PRODUCT_ID>P</PRODUCT_ID>'
        "<SERVICE_DETAILS><TITLE>Pflegehilfe</TITLE><DESCRIPTION_SHORT>Mit Praktikum"
        '</DESCRIPTION_SHORT><SERVICE_MODULE><EDUCATION type="true"/></SERVICE_MODULE>'
        "</SERVICE_DETAILS></SERVICE><SERVICE><PRODUCT_ID>P-1</PRODUCT_ID><SERVICE_DETAILS>"
        '<SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>P</COURSE_ID>'
        f"{parts}</EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>"
        "</NEW_CATALOG></OPENQCAT>"
    )
    plan = run(institution, content)
    entry = next(e for e in plan.entries if e.ref == "P")
    assert any("3 Abschnitte des Ablaufs" in w for w in entry.warnings)
    only = Offer.objects.get(external_id="P").dates.get()
    assert (only.external_id, only.start, only.end, only.seats) == (
        "P-1",
        date(2030, 2, 1),
        date(2030, 4, 16),
        20,
    )


def one_offer(ref: str, price_details: str = "", extra: str = "", dates: str = "") -> str:
    return (
        f"<SERVICE><PRODUCT_ID>{ref}</PRODUCT_ID><SERVICE_DETAILS><TITLE>Kurs {ref}</TITLE>"
        f"<DESCRIPTION_SHORT>Kurz</DESCRIPTION_SHORT>{extra}"
        '<SERVICE_MODULE><EDUCATION type="true"/></SERVICE_MODULE></SERVICE_DETAILS>'
        f"{price_details}</SERVICE>{dates}"
    )


def linked_date(ref: str, parent: str, start: str, end: str = "", price: str = "") -> str:
    end_element = f"<END_DATE>{end}</END_DATE>" if end else ""
    return (
        f"<SERVICE><PRODUCT_ID>{ref}</PRODUCT_ID><SERVICE_DETAILS><SERVICE_DATE>"
        f"<START_DATE>{start}</START_DATE>{end_element}</SERVICE_DATE>"
        f'<SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>{parent}</COURSE_ID>'
        "<MODULE_COURSE><LOCATION><NAME>Saal</NAME><CITY>Aalen</CITY></LOCATION>"
        "</MODULE_COURSE></EDUCATION></SERVICE_MODULE></SERVICE_DETAILS>"
        f"{price}</SERVICE>"
    )


def catalogue_of(*services: str, kind: str = "UPDATE_CATALOG") -> str:
    inner = "".join(services)
    if kind == "UPDATE_CATALOG":
        inner = f"<NEW>{inner}</NEW>"
    return f'<OPENQCAT version="1.1"><{kind}>{inner}</{kind}></OPENQCAT>'


def price(amount: str = "", remarks: str = "", currency: str = "") -> str:
    amount_element = f"<PRICE_AMOUNT>{amount}</PRICE_AMOUNT>" if amount else ""
    currency_element = f"<PRICE_CURRENCY>{currency}</PRICE_CURRENCY>" if currency else ""
    remarks_element = f"<REMARKS>{remarks}</REMARKS>" if remarks else ""
    return (
        f"<SERVICE_PRICE_DETAILS><SERVICE_PRICE>{amount_element}{currency_element}"
        f"</SERVICE_PRICE>{remarks_element}</SERVICE_PRICE_DETAILS>"
    )


def test_a_missing_price_is_unknown_and_free_needs_a_zero_or_a_free_marker(institution, client):
    published_before(institution)
    content = catalogue_of(
        one_offer("NONE", dates=linked_date("NONE-1", "NONE", "2030-05-01")),
        one_offer("ZERO", price("0.00"), dates=linked_date("ZERO-1", "ZERO", "2030-05-01")),
        one_offer("WORD", price("kostenlos"), dates=linked_date("WORD-1", "WORD", "2030-05-01")),
        one_offer(
            "REMARK",
            price(remarks="Die Teilnahme ist kostenfrei."),
            dates=linked_date("REMARK-1", "REMARK", "2030-05-01"),
        ),
        one_offer(
            "CONDITION",
            price(remarks="Für Arbeitsuchende mit Bildungsgutschein kostenlos"),
            dates=linked_date("CONDITION-1", "CONDITION", "2030-05-01"),
        ),
        one_offer(
            "REQUEST",
            price("0.0", "Lehrgangsgebühr: auf Anfrage"),
            dates=linked_date("REQUEST-1", "REQUEST", "2030-05-01"),
        ),
        one_offer(
            "DOLLAR",
            price("99", currency="USD"),
            dates=linked_date("DOLLAR-1", "DOLLAR", "2030-05-01"),
        ),
    )
    plan = run(institution, content)
    prices = dict(Offer.objects.filter(institution=institution).values_list("external_id", "price"))
    assert prices == {
        "": Decimal("0"),  # the provider's earlier offer
        "NONE": None,
        "ZERO": Decimal("0"),
        "WORD": Decimal("0"),
        "REMARK": Decimal("0"),
        "CONDITION": None,
        "REQUEST": None,
        "DOLLAR": None,
    }
    warnings = {e.ref: " ".join(e.warnings) for e in plan.entries}
    assert "auf Anfrage" in warnings["REQUEST"]
    assert "USD" in warnings["DOLLAR"]
    # "nur kostenlose Angebote" lists the free courses and not the ones on request.
    page = client.get("/kurse/?kostenlos=1").content.decode()
    assert "Kurs ZERO" in page
    assert "Kurs NONE" not in page
    assert "Kurs REQUEST" not in page


def test_contradicting_prices_make_the_price_unknown_with_a_notice(institution):
    content = catalogue_of(
        one_offer(
            "A",
            price("100"),
            dates=linked_date("A-1", "A", "2030-05-01", price=price("120")),
        ),
        # The dates name a price the offer does not: taken when they agree.
        one_offer(
            "B",
            dates=linked_date("B-1", "B", "2030-05-01", price=price("80"))
            + linked_date("B-2", "B", "2030-06-01", price=price("80,00")),
        ),
        one_offer(
            "C",
            dates=linked_date("C-1", "C", "2030-05-01", price=price("80"))
            + linked_date("C-2", "C", "2030-06-01", price=price("95")),
        ),
    )
    plan = run(institution, content)
    entries = {e.ref: e for e in plan.entries}
    assert {ref: e.action for ref, e in entries.items()} == {
        "A": "create",
        "B": "create",
        "C": "create",
    }
    assert "Widersprüchliche Preise" in " ".join(entries["A"].warnings)
    assert "120,00 €" in " ".join(entries["A"].warnings)
    assert "verschiedene Preise" in " ".join(entries["C"].warnings)
    prices = dict(Offer.objects.values_list("external_id", "price"))
    assert prices == {"A": None, "B": Decimal("80.00"), "C": None}


def test_bad_input_gets_a_line_on_its_offer_and_the_rest_still_imports(institution):
    many_courses = "".join(
        f'<MODULE_COURSE><DURATION type="1"><START_DATE>2031-01-{1 + n % 28:02d}</START_DATE>'
        "</DURATION></MODULE_COURSE>"
        for n in range(5000)
    )
    huge_inside = (
        "<SERVICE><PRODUCT_ID>HUGE-IN-T</PRODUCT_ID><SERVICE_DETAILS><SERVICE_MODULE>"
        f'<EDUCATION type="false"><COURSE_ID>HUGE-IN</COURSE_ID>{many_courses}</EDUCATION>'
        "</SERVICE_MODULE></SERVICE_DETAILS></SERVICE>"
    )
    huge_linked = "".join(
        linked_date(f"HUGE-LI-{n}", "HUGE-LI", f"2031-02-{1 + n % 28:02d}") for n in range(5000)
    )
    codes = (
        '<SERVICE_MODULE><EDUCATION type="true"><EXTENDED_INFO>'
        '<INSTRUCTION_FORM type="999">Tanz</INSTRUCTION_FORM>'
        '<FUNDING_TYPES_FEDERAL type="99">Sonderförderung</FUNDING_TYPES_FEDERAL>'
        '<FUNDING_TYPES_FEDERAL type="10">KOMPASS</FUNDING_TYPES_FEDERAL>'
        "</EXTENDED_INFO></EDUCATION></SERVICE_MODULE>"
    )
    content = catalogue_of(
        one_offer("GOOD", price("50"), dates=linked_date("GOOD-1", "GOOD", "2030-05-01")),
        one_offer("CODES", dates=linked_date("CODES-1", "CODES", "2030-05-01")).replace(
            '<SERVICE_MODULE><EDUCATION type="true"/></SERVICE_MODULE>', codes
        ),
        one_offer(
            "BACKWARDS",
            dates=linked_date("BACKWARDS-1", "BACKWARDS", "2030-05-10", "2030-05-01"),
        ),
        one_offer("OLD", dates=linked_date("OLD-1", "OLD", "2020-05-01", "2020-05-03")),
        one_offer("HUGE-IN") + huge_inside,
        one_offer("HUGE-LI") + huge_linked,
        one_offer("TWICE", dates=linked_date("TWICE-1", "TWICE", "2030-07-01")),
        one_offer("TWICE"),
    ).replace(
        "<TITLE>Kurs CODES</TITLE>",
        "<TITLE>Kurs CODES</TITLE><KEYWORD>Z 99</KEYWORD>",
    )
    content = content.replace(
        "</SERVICE_DETAILS></SERVICE><SERVICE><PRODUCT_ID>CODES-1",
        "</SERVICE_DETAILS><SERVICE_CLASSIFICATION><FEATURE><FNAME>C  8968-g32</FNAME>"
        "<FVALUE>Wirtschaftsenglisch</FVALUE></FEATURE></SERVICE_CLASSIFICATION></SERVICE>"
        "<SERVICE><PRODUCT_ID>CODES-1",
    )
    plan = run(institution, content)
    entries = {e.ref: e for e in plan.entries}
    assert {ref: e.action for ref, e in entries.items()} == {
        "GOOD": "create",
        "CODES": "create",
        "BACKWARDS": "reject",
        "OLD": "create",
        "HUGE-IN": "reject",
        "HUGE-LI": "reject",
        "TWICE": "create",
        f"TWICE#{entries['TWICE'].position + 2}": "reject",
    }
    text = {ref: " ".join(e.reasons + e.warnings) for ref, e in entries.items()}
    assert "Sonderförderung" in text["CODES"]
    assert "KOMPASS" in text["CODES"]
    assert "Tanz" in text["CODES"]
    assert "8968-g32" in text["CODES"]
    assert "Z 99" in text["CODES"]
    # Nothing in EXTENDED_INFO could be used: it is named as a whole.
    assert entries["CODES"].unused == {
        "EXTENDED_INFO": 1,
        "KEYWORD": 1,
        "SERVICE_CLASSIFICATION/FEATURE/FNAME": 1,
    }
    assert "Das Ende liegt vor dem Beginn" in text["BACKWARDS"]
    assert "in der Vergangenheit" in text["OLD"]
    assert "MODULE_COURSE" in text["HUGE-IN"]
    assert "5.000 Termine" in text["HUGE-LI"]
    assert "weiteres Mal" in text["TWICE"]
    assert "mehrfach" in text[f"TWICE#{entries['TWICE'].position + 2}"]
    # Valid offers arrived, nothing of the rejected ones did.
    assert sorted(Offer.objects.values_list("external_id", flat=True)) == [
        "CODES",
        "GOOD",
        "OLD",
        "TWICE",
    ]
    assert OfferDate.objects.filter(offer__external_id__startswith="HUGE").count() == 0
    assert (
        list(
            Offer.objects.get(external_id="CODES").funding_programmes.values_list("slug", flat=True)
        )
        == []
    )
    assert Offer.objects.get(external_id="CODES").delivery_form.slug == "praesenz"


# --- Every element the format documents is used or reported ----------------------------------
# The elements of open-Qcat.V1.1.xsd (with the BA's additions up to 2025: FUNDING_TYPES_*,
# DIGITAL_ACCESSIBILITY*, BARRIER_FREE_LOCATION, TEACHING_LANGUAGES*) in a header, an offer
# and a date with two runs.

ADDRESS_ALL = (
    "<NAME>Bildungszentrum</NAME><NAME2>Haus B</NAME2><NAME3>2. Stock</NAME3>"
    "<STREET>Hauptstraße 3</STREET><ZIP>89518</ZIP><BOXNO>12</BOXNO><ZIPBOX>89501</ZIPBOX>"
    "<CITY>Heidenheim an der Brenz</CITY><DISTRICT>Mitte</DISTRICT><STATE>Baden-Württemberg</STATE>"
    "<COUNTRY_CODED>DE</COUNTRY_CODED><COUNTRY>DE</COUNTRY><PHONE>+49.7321.1</PHONE>"
    "<MOBILE>+49.170.1</MOBILE><FAX>+49.7321.2</FAX>"
    "<EMAILS><EMAIL>ort@bz.test</EMAIL><PUBLIC_KEY>key</PUBLIC_KEY></EMAILS>"
    "<URL>https://bz.test/ort</URL><ADDRESS_REMARKS>Bus 7 bis Rathaus</ADDRESS_REMARKS>"
    "<BARRIER_FREE_LOCATION>true</BARRIER_FREE_LOCATION><ID_DB>adr:1</ID_DB>"
)
CONTACT_ALL = (
    '<CONTACT_ROLE type="1">Ansprechpartner</CONTACT_ROLE><SALUTATION>w</SALUTATION>'
    "<ACADEMIC_TITLE>Dr.</ACADEMIC_TITLE><FIRST_NAME>Jana</FIRST_NAME>"
    "<LAST_NAME>Özdemir</LAST_NAME><NAME_PREFIX>von</NAME_PREFIX>"
    "<JOB_TITLE>Kursleitung</JOB_TITLE><PHONE>+49.7321.555</PHONE><MOBILE>+49.170.2</MOBILE>"
    "<FAX>+49.7321.556</FAX><EMAILS><EMAIL>jana@bz.test</EMAIL><PUBLIC_KEY>k</PUBLIC_KEY>"
    "</EMAILS><URL>https://bz.test/lager</URL><ID_DB>1148177</ID_DB>"
    f"<ADDRESS>{ADDRESS_ALL}</ADDRESS><CONTACT_REMARKS>Montags nicht erreichbar</CONTACT_REMARKS>"
)
MIME_ALL = (
    "<MIME_INFO><MIME_ELEMENT><MIME_TYPE>text/html</MIME_TYPE>"
    "<MIME_SOURCE>https://bz.test/lager</MIME_SOURCE><MIME_DESCR>Kursseite</MIME_DESCR>"
    "<MIME_ALT>Kurs</MIME_ALT><MIME_PURPOSE>others</MIME_PURPOSE><MIME_ORDER>1</MIME_ORDER>"
    "</MIME_ELEMENT></MIME_INFO>"
)
REFERENCE_ALL = (
    '<SERVICE_REFERENCE type="accessories" quantity="1"><PRODUCT_ID_REF>M-0</PRODUCT_ID_REF>'
    "<CATALOG_ID_REF>bz-1</CATALOG_ID_REF><CATALOG_VERSION_REF>3</CATALOG_VERSION_REF>"
    "<SUPPLIER_ID_REF>4711</SUPPLIER_ID_REF><REFERENCE_DESCRIPTION>Vorkurs</REFERENCE_DESCRIPTION>"
    "</SERVICE_REFERENCE>"
)
PERIOD_ALL = (
    "<START_DATE>2030-03-04T00:00:00+01:00</START_DATE><END_DATE>2030-12-20T00:00:00+01:00"
    "</END_DATE><DATE_REMARKS>ohne Schulferien</DATE_REMARKS>"
)
CBT_ALL = (
    "<MARKETINGTEXT>Lernen am Rechner</MARKETINGTEXT><METHOD>Selbststudium</METHOD>"
    "<MEDIA>DVD</MEDIA><EST_DURATION>P2D</EST_DURATION><LICENCE>Einzelplatz</LICENCE>"
    "<TECH_REQUIREMENTS_MIN><REQ_CPU>1 GHz</REQ_CPU><REQ_MEMORY>2 GB</REQ_MEMORY>"
    "<REQ_OPERATINGSYSTEM>Linux</REQ_OPERATINGSYSTEM></TECH_REQUIREMENTS_MIN>"
)
HEADER_ALL = (
    "<HEADER><GENERATOR_INFO>Export OpenQ 3.52.0</GENERATOR_INFO><CATALOG><LANGUAGE>deu</LANGUAGE>"
    "<CATALOG_ID>bz-1</CATALOG_ID><CATALOG_VERSION>3</CATALOG_VERSION><CATALOG_NAME>BZ</CATALOG_NAME>"
    "<GENERATION_DATE>2030-01-01T10:00:00+01:00</GENERATION_DATE><TERRITORY>DE</TERRITORY>"
    "<CURRENCY>EUR</CURRENCY><MIME_ROOT>bilder/</MIME_ROOT></CATALOG>"
    "<AGREEMENT><AGREEMENT_ID>R-1</AGREEMENT_ID><VALIDITY><START_DATE>2030-01-01</START_DATE>"
    "</VALIDITY></AGREEMENT>"
    f'<DOCUMENT_CREATOR type="x">{CONTACT_ALL}</DOCUMENT_CREATOR>'
    "<RECIPIENT><RECIPIENT_ID>BA</RECIPIENT_ID><RECIPIENT_NAME>KURSNET</RECIPIENT_NAME>"
    f"<ADDRESS>{ADDRESS_ALL}</ADDRESS></RECIPIENT>"
    '<SUPPLIER><SUPPLIER_ID type="supplier_specific">4711</SUPPLIER_ID>'
    f"<SUPPLIER_NAME>BZ Süd</SUPPLIER_NAME><ADDRESS>{ADDRESS_ALL}</ADDRESS>"
    f"<CONTACT>{CONTACT_ALL}</CONTACT><KEYWORD>BZ</KEYWORD>{MIME_ALL}"
    "<CERTIFICATE><CERTIFICATE_STATUS>1</CERTIFICATE_STATUS></CERTIFICATE>"
    '<EXTENDED_INFO input_type="0"><INSTITUTION_NUMBER>922/464</INSTITUTION_NUMBER>'
    '<ORGANIZATIONAL_FORM type="2">Private Bildungseinrichtung</ORGANIZATIONAL_FORM>'
    "<STANDARD_COMPANY_NUMBER>08157632</STANDARD_COMPANY_NUMBER><FUNDING_BODY>Land</FUNDING_BODY>"
    "<BANKING><BANK_CODE>1</BANK_CODE><ACCOUNT_NUMBER>2</ACCOUNT_NUMBER></BANKING>"
    "<CUSTOMER_NUMBER>3</CUSTOMER_NUMBER></EXTENDED_INFO></SUPPLIER></HEADER>"
)
OFFER_ALL = (
    '<SERVICE mode="new"><PRODUCT_ID>ALL</PRODUCT_ID><COURSE_TYPE>5</COURSE_TYPE>'
    '<SUPPLIER_ID_REF type="supplier_specific">4711</SUPPLIER_ID_REF><SERVICE_DETAILS>'
    "<TITLE>Alles drin</TITLE><DESCRIPTION_LONG>Lang.</DESCRIPTION_LONG>"
    "<DESCRIPTION_SHORT>Kurz.</DESCRIPTION_SHORT><SERVICE_ORDER>1</SERVICE_ORDER>"
    "<SUPPLIER_ALT_PID>A-1</SUPPLIER_ALT_PID><RECIPIENT_PID>R-1</RECIPIENT_PID>"
    f'<CONTACT type="x">{CONTACT_ALL}</CONTACT>'
    '<SERVICE_STATUS type="bargain">Sonderangebot</SERVICE_STATUS>'
    "<REQUIREMENTS>Deutsch B1</REQUIREMENTS><KEYWORD>Lager</KEYWORD><KEYWORD>C 1410-10</KEYWORD>"
    "<SEGMENT>Weiterbildung</SEGMENT><TARGET_GROUP>"
    "<TARGET_GROUP_TEXT>Arbeitsuchende</TARGET_GROUP_TEXT>"
    "<TARGET_GROUP_HIERARCHY>Sachbearbeitung</TARGET_GROUP_HIERARCHY>"
    '<TARGET_GROUP_INDUSTRY type="WZ" version="2008"><INDUSTRY_GROUP_ID>H</INDUSTRY_GROUP_ID>'
    "<INDUSTRY_GROUP_NAME>Verkehr und Lagerei</INDUSTRY_GROUP_NAME></TARGET_GROUP_INDUSTRY>"
    "<TARGET_GROUP_DEPARTMENT>Lager</TARGET_GROUP_DEPARTMENT></TARGET_GROUP>"
    "<TIME_TO_HANDLE>14</TIME_TO_HANDLE><TERMS_AND_CONDITIONS>AGB gelten</TERMS_AND_CONDITIONS>"
    "<STUDY_COURSE><STUDY_TYPE>1</STUDY_TYPE><REGULAR_STUDY_PERIOD>6</REGULAR_STUDY_PERIOD>"
    "</STUDY_COURSE>"
    '<SERVICE_MODULE><EDUCATION type="true"><COURSE_ID>ALL</COURSE_ID>'
    '<DEGREE type="0"><DEGREE_TITLE>Fachlagerist/in</DEGREE_TITLE>'
    "<DEGREE_DESCRIPTION>Teilqualifikation</DEGREE_DESCRIPTION>"
    '<DEGREE_EXAM type="IHK-Prüfung"><EXAMINER>IHK</EXAMINER><EXAM_TITLE>TQ 1</EXAM_TITLE>'
    "<EXAM_DESCRIPTION>schriftlich</EXAM_DESCRIPTION><EXAM_DATE>2030-12-19T00:00:00+01:00"
    "</EXAM_DATE><EXAM_LOCATION><CITY>Aalen</CITY></EXAM_LOCATION></DEGREE_EXAM>"
    "<DEGREE_ADD_QUALIFICATION>Staplerschein</DEGREE_ADD_QUALIFICATION>"
    "<DEGREE_ENTITLED>Zulassung zur Externenprüfung</DEGREE_ENTITLED></DEGREE>"
    f'<MODULE_ORGANIZER type="x">{CONTACT_ALL}</MODULE_ORGANIZER>'
    "<LANGUAGE>deu</LANGUAGE><CREDITS>Module anrechenbar</CREDITS>"
    '<HANDICAP type="4"><HAND_NAME>Sehbehinderung</HAND_NAME>'
    "<HAND_DESCRIPTION>Großdruck</HAND_DESCRIPTION><HAND_ORDER>1</HAND_ORDER>"
    "<HAND_CATEGORY>1</HAND_CATEGORY></HANDICAP>"
    "<SUBSIDY><SUBSIDY_INSTITUTION>Agentur für Arbeit</SUBSIDY_INSTITUTION>"
    "<SUBSIDY_DESCRIPTION>Förderung möglich</SUBSIDY_DESCRIPTION></SUBSIDY>"
    f"<REGISTRATION_DATE>2030-02-20T00:00:00+01:00</REGISTRATION_DATE>{MIME_ALL}"
    "<CERTIFICATE><CERTIFICATE_STATUS>1</CERTIFICATE_STATUS><CERTIFIER_NUMBER>69</CERTIFIER_NUMBER>"
    "<CERTIFICATE_NUMBER>Z-1</CERTIFICATE_NUMBER><CERT_VALIDITY><START_DATE>2029-01-01"
    "</START_DATE></CERT_VALIDITY><CERT_DESCRIPTION>AZAV-zertifiziert</CERT_DESCRIPTION>"
    "</CERTIFICATE><EXTENDED_INFO>"
    '<INSTITUTION type="102">Berufsbildende Einrichtung</INSTITUTION>'
    '<INSTRUCTION_FORM type="101">Präsenzunterricht</INSTRUCTION_FORM>'
    "<INSTRUCTION_FORM_NAME>Präsenz</INSTRUCTION_FORM_NAME>"
    '<INSTRUCTION_TIME type="1">Vollzeit</INSTRUCTION_TIME>'
    "<INHOUSE_SEMINAR>true</INHOUSE_SEMINAR><EXTRA_OCCUPATIONAL>true</EXTRA_OCCUPATIONAL>"
    "<PRACTICAL_PART>true</PRACTICAL_PART><TRAINEE_SUITABLE>true</TRAINEE_SUITABLE>"
    "<EMPLOYEE_SUITABLE>true</EMPLOYEE_SUITABLE>"
    '<EXECUTION_FORM type="1">Präsenzveranstaltung</EXECUTION_FORM>'
    '<FUNDING_TYPES_FEDERAL type="1">Aufstiegs-BAföG (AFBG)</FUNDING_TYPES_FEDERAL>'
    '<FUNDING_TYPES_REGIONAL type="20">ESF-Plus Fachkurse</FUNDING_TYPES_REGIONAL>'
    "<FUNDING_TYPES_REMARKS>Antrag vor Kursbeginn</FUNDING_TYPES_REMARKS>"
    "<DIGITAL_ACCESSIBILITY>true</DIGITAL_ACCESSIBILITY>"
    "<DIGITAL_ACCESSIBILITY_REMARKS>Screenreader-tauglich</DIGITAL_ACCESSIBILITY_REMARKS>"
    "<TEACHING_LANGUAGES>deu</TEACHING_LANGUAGES>"
    "<TEACHING_LANGUAGES_REMARKS>Fachbegriffe auf Englisch</TEACHING_LANGUAGES_REMARKS>"
    '<EDUCATION_TYPE type="109">Umschulung</EDUCATION_TYPE>'
    "<MEASURE_NUMBER>955/77/2030</MEASURE_NUMBER>"
    "<LECTURE_PERIOD>1</LECTURE_PERIOD><ADM_RESTRICTION>1</ADM_RESTRICTION>"
    "<ADM_RESTRICTION_DESC>NC</ADM_RESTRICTION_DESC><SEM_RESTRICTION>1</SEM_RESTRICTION>"
    "<MINOR_COURSE>false</MINOR_COURSE><MANDATORY_COURSE_COMBINATION>false"
    "</MANDATORY_COURSE_COMBINATION><COMBINATION_DESCRIPTION>keine</COMBINATION_DESCRIPTION>"
    "</EXTENDED_INFO>"
    f"<MODULE_CBT>{CBT_ALL}</MODULE_CBT><MODULE_WBT>{CBT_ALL}</MODULE_WBT>"
    "</EDUCATION></SERVICE_MODULE>"
    "<ANNOUNCEMENT><START_DATE>2030-01-01</START_DATE><END_DATE>2030-12-31</END_DATE></ANNOUNCEMENT>"
    "</SERVICE_DETAILS>"
    "<SERVICE_CLASSIFICATION><REFERENCE_CLASSIFICATION_SYSTEM_NAME>Kurssystematik"
    "</REFERENCE_CLASSIFICATION_SYSTEM_NAME><REFERENCE_CLASSIFICATION_GROUP_ID>C"
    "</REFERENCE_CLASSIFICATION_GROUP_ID><REFERENCE_CLASSIFICATION_GROUP_NAME>Weiterbildung"
    "</REFERENCE_CLASSIFICATION_GROUP_NAME><FEATURE><FNAME>C 1615-15</FNAME>"
    "<FVALUE>Lagerwirtschaft</FVALUE><FUNIT>-</FUNIT><FORDER>1</FORDER><FDESCR>Thema</FDESCR>"
    "<FVALUE_DETAILS>Lager</FVALUE_DETAILS></FEATURE></SERVICE_CLASSIFICATION>"
    "<SERVICE_PRICE_DETAILS><VALIDITY><START_DATE>2030-01-01</START_DATE></VALIDITY>"
    '<DAILY_PRICE>false</DAILY_PRICE><SERVICE_PRICE type="net_list">'
    "<PRICE_AMOUNT>3980.0</PRICE_AMOUNT><PRICE_CURRENCY>EUR</PRICE_CURRENCY><TAX>0.19</TAX>"
    "<PRICE_FACTOR>1</PRICE_FACTOR><LOWER_BOUND>1</LOWER_BOUND><TERRITORY>DE</TERRITORY>"
    "</SERVICE_PRICE><REMARKS>inkl. Prüfung</REMARKS></SERVICE_PRICE_DETAILS>"
    "<HS_INFO><STUDICHECK_PROVIDED>false</STUDICHECK_PROVIDED></HS_INFO>"
    f"{MIME_ALL}{REFERENCE_ALL}</SERVICE>"
)
COURSE_ALL = (
    "<MODULE_COURSE><MARKETINGTEXT>Im Lager lernen</MARKETINGTEXT>"
    f'<INSTRUCTOR type="x">{CONTACT_ALL}</INSTRUCTOR>'
    "<MIN_PARTICIPANTS>6</MIN_PARTICIPANTS><MAX_PARTICIPANTS>12</MAX_PARTICIPANTS>"
    f'<LOCATION>{ADDRESS_ALL}</LOCATION><DURATION type="3">{{period}}</DURATION>'
    f"{REFERENCE_ALL}<MODULE_ORDER>1</MODULE_ORDER><METHOD>Praxis</METHOD><MEDIA>Tafel</MEDIA>"
    f"{MIME_ALL}<INSTRUCTION_REMARKS>08.00 - 15.00 Uhr</INSTRUCTION_REMARKS>"
    '<FLEXIBLE_START>false</FLEXIBLE_START><EXTENDED_INFO><SEGMENT_TYPE type="0"/>'
    "</EXTENDED_INFO></MODULE_COURSE>"
)
DATE_ALL = (
    "<SERVICE><PRODUCT_ID>ALL-T</PRODUCT_ID><COURSE_TYPE>5</COURSE_TYPE><SERVICE_DETAILS>"
    f"<TITLE>Alles drin</TITLE><SERVICE_DATE>{PERIOD_ALL}</SERVICE_DATE>"
    '<SERVICE_MODULE><EDUCATION type="false"><COURSE_ID>ALL</COURSE_ID>'
    "<REGISTRATION_DATE>2030-02-20T00:00:00+01:00</REGISTRATION_DATE><EXTENDED_INFO>"
    '<INSTRUCTION_TIME type="1">Vollzeit</INSTRUCTION_TIME>'
    '<FUNDING_TYPES_FEDERAL type="2">Bildungsgutschein</FUNDING_TYPES_FEDERAL>'
    "<TEACHING_LANGUAGES>deu</TEACHING_LANGUAGES></EXTENDED_INFO>"
    + COURSE_ALL.format(
        period="<START_DATE>2030-03-04</START_DATE><END_DATE>2030-03-29</END_DATE>"
        "<DATE_REMARKS>4 Wochen</DATE_REMARKS>"
    )
    + COURSE_ALL.format(period="<START_DATE>2030-06-03</START_DATE><END_DATE>2030-06-28</END_DATE>")
    + "</EDUCATION></SERVICE_MODULE></SERVICE_DETAILS></SERVICE>"
)
EVERYTHING = (
    f'<?xml version="1.0" encoding="ISO-8859-15"?><OPENQCAT version="1.1">{HEADER_ALL}'
    f"<UPDATE_CATALOG><NEW>{OFFER_ALL}{DATE_ALL}</NEW></UPDATE_CATALOG></OPENQCAT>"
).encode("iso-8859-15")

# The elements the import takes over (paths as the report names them, below SERVICE,
# without the wrappers SERVICE_DETAILS, SERVICE_MODULE and EDUCATION).
USED = {
    "PRODUCT_ID",
    "COURSE_ID",
    "TITLE",
    "DESCRIPTION_LONG",
    "DESCRIPTION_SHORT",
    "REQUIREMENTS",
    "KEYWORD",
    "CONTACT/ACADEMIC_TITLE",
    "CONTACT/FIRST_NAME",
    "CONTACT/NAME_PREFIX",
    "CONTACT/LAST_NAME",
    "CONTACT/PHONE",
    "CONTACT/EMAILS/EMAIL",
    "CONTACT/URL",
    "TARGET_GROUP/TARGET_GROUP_TEXT",
    "DEGREE",
    "DEGREE/DEGREE_TITLE",
    "DEGREE/DEGREE_EXAM",
    "DEGREE/DEGREE_EXAM/EXAMINER",
    "HANDICAP",
    "LANGUAGE",
    "HANDICAP/HAND_NAME",
    "REGISTRATION_DATE",
    "MIME_INFO/MIME_ELEMENT/MIME_SOURCE",
    "CERTIFICATE/CERTIFICATE_STATUS",
    "EXTENDED_INFO/INSTRUCTION_FORM",
    "EXTENDED_INFO/INSTRUCTION_TIME",
    "EXTENDED_INFO/INHOUSE_SEMINAR",
    "EXTENDED_INFO/EXTRA_OCCUPATIONAL",
    "EXTENDED_INFO/TRAINEE_SUITABLE",
    "EXTENDED_INFO/EMPLOYEE_SUITABLE",
    "EXTENDED_INFO/EXECUTION_FORM",
    "EXTENDED_INFO/FUNDING_TYPES_FEDERAL",
    "EXTENDED_INFO/FUNDING_TYPES_REGIONAL",
    "EXTENDED_INFO/DIGITAL_ACCESSIBILITY",
    "EXTENDED_INFO/DIGITAL_ACCESSIBILITY_REMARKS",
    "EXTENDED_INFO/TEACHING_LANGUAGES",
    "EXTENDED_INFO/EDUCATION_TYPE",
    "EXTENDED_INFO/MEASURE_NUMBER",
    "SERVICE_DATE/START_DATE",
    "SERVICE_DATE/END_DATE",
    "SERVICE_DATE/DATE_REMARKS",
    "MODULE_COURSE/MIN_PARTICIPANTS",
    "MODULE_COURSE/MAX_PARTICIPANTS",
    "MODULE_COURSE/LOCATION/NAME",
    "MODULE_COURSE/LOCATION/STREET",
    "MODULE_COURSE/LOCATION/ZIP",
    "MODULE_COURSE/LOCATION/CITY",
    "MODULE_COURSE/LOCATION/BARRIER_FREE_LOCATION",
    "MODULE_COURSE/DURATION/START_DATE",
    "MODULE_COURSE/DURATION/END_DATE",
    "MODULE_COURSE/DURATION/DATE_REMARKS",
    "MODULE_COURSE/INSTRUCTION_REMARKS",
    "MODULE_COURSE/FLEXIBLE_START",
    "MODULE_COURSE/EXTENDED_INFO/SEGMENT_TYPE",
    "SERVICE_CLASSIFICATION/REFERENCE_CLASSIFICATION_SYSTEM_NAME",
    "SERVICE_CLASSIFICATION/FEATURE/FNAME",
    "SERVICE_CLASSIFICATION/FEATURE/FVALUE",
    "SERVICE_PRICE_DETAILS/SERVICE_PRICE/PRICE_AMOUNT",
    "SERVICE_PRICE_DETAILS/SERVICE_PRICE/PRICE_CURRENCY",
    "SERVICE_PRICE_DETAILS/REMARKS",
    "HEADER/CATALOG/LANGUAGE",
    "HEADER/CATALOG/CATALOG_ID",
    "HEADER/CATALOG/CATALOG_VERSION",
    "HEADER/CATALOG/CATALOG_NAME",
    "HEADER/CATALOG/GENERATION_DATE",
    "HEADER/CATALOG/CURRENCY",
    # Read for the supplier check (offerings/imports/jobs.py).
    "HEADER/SUPPLIER/SUPPLIER_ID",
    "HEADER/SUPPLIER/SUPPLIER_NAME",
}
WRAPPING = {"SERVICE_DETAILS", "SERVICE_MODULE", "EDUCATION"}


def element_paths(element, path: str = "") -> set[str]:
    """The paths of the elements with content, as the import names them."""
    found = set()
    has_content = bool((element.text or "").strip()) or any(v for v in element.attrib.values())
    if has_content and path:
        found.add(path)
    for child in element:
        tag = child.tag
        child_path = path if tag in WRAPPING else (f"{path}/{tag}" if path else tag)
        found |= element_paths(child, child_path)
    return found


def test_every_documented_element_is_used_or_reported(institution):
    from defusedxml.ElementTree import fromstring

    root = fromstring(EVERYTHING)
    paths = element_paths(root.find("HEADER"), "HEADER")
    for service in root.iter("SERVICE"):
        paths |= element_paths(service)
    plan = run(institution, EVERYTHING)
    entry = next(e for e in plan.entries if e.ref == "ALL")
    assert entry.action == "create"
    reported = set(entry.unused) | set(plan.technical)

    def is_reported(path: str) -> bool:
        return any(
            path == r or path.startswith(r + "/") or r.startswith(path + "@") for r in reported
        )

    assert paths >= USED  # the list names nothing the fixture lacks
    assert sorted(p for p in USED if is_reported(p)) == []
    assert sorted(p for p in paths - USED if not is_reported(p)) == []
    # What the person is told on the entry, in words.
    total, text = unused_summary(entry.unused)
    assert total == sum(entry.unused.values())
    assert "allgemeine Regelungen (TERMS_AND_CONDITIONS)" in text
    assert "Zusatzinfo Förderart (EXTENDED_INFO/FUNDING_TYPES_REMARKS)" in text
    # And what was used arrived.
    offer = Offer.objects.get(external_id="ALL")
    assert offer.contact_name == "Dr. Jana von Özdemir"
    assert offer.accessibility_notes == (
        "Digital barrierefrei.\nScreenreader-tauglich\nGeeignet für Menschen mit: Sehbehinderung."
    )
    assert sorted(offer.funding_programmes.values_list("slug", flat=True)) == [
        "aufstiegs-bafoeg",
        "bildungsgutschein",
        "esf-fachkurse-bw",
    ]
    assert sorted(offer.target_groups.values_list("slug", flat=True)) == [
        "arbeitsuchende",
        "auszubildende",
        "beschaeftigte",
        "unternehmen-fuehrungskraefte",
    ]
    assert sorted(offer.topics.values_list("slug", flat=True)) == [
        "it-digitalisierung",
        "logistik",
    ]
    assert offer.wheelchair_accessible is True
    assert [(d.start, d.notes, d.min_participants) for d in offer.dates.order_by("start")] == [
        (date(2030, 3, 4), "ohne Schulferien · 08.00 - 15.00 Uhr · 4 Wochen", 6),
        (date(2030, 6, 3), "ohne Schulferien · 08.00 - 15.00 Uhr", 6),
    ]
