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
    """A provider that has published before, so that its imported offers go live."""
    OfferFactory(institution=institution, published_at="2025-01-01T00:00Z", dates=[])
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
