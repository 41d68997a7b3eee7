"""CSV import: documented columns, one row per date, UTF-8 with or without BOM, comma or
semicolon; conflicting rows and broken files are reported and change nothing."""

import io
from datetime import date
from decimal import Decimal

import pytest

from offerings.exporters import csv_template
from offerings.imports.csvfile import HEADER, csv_parse
from offerings.imports.lookups import delivery_form_lookup
from offerings.imports.plan import import_apply, import_plan
from offerings.imports.records import ImportFileError
from offerings.models import Offer

pytestmark = pytest.mark.django_db


def rows_to_csv(rows, *, delimiter=";", bom=True) -> bytes:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def run(institution, content: bytes, *, commit=True):
    parsed = csv_parse(io.BytesIO(content), delivery_forms=delivery_form_lookup())
    plan = import_plan(institution=institution, parsed=parsed)
    if commit:
        import_apply(institution=institution, plan=plan, user=None)
    return plan


def test_template_imports_as_one_offer_with_two_dates(institution):
    plan = run(institution, csv_template())
    assert [(e.ref, e.action) for e in plan.entries] == [("EXCEL-1", "create")]
    offer = Offer.objects.get(external_id="EXCEL-1")
    assert offer.price == Decimal("89.00")
    assert offer.contact_email == "kurse@example.org"
    assert [d.start for d in offer.dates.all()] == [date(2026, 3, 2), date(2026, 5, 4)]
    assert actions_of(run(institution, csv_template())) == {"EXCEL-1": "unchanged"}


def actions_of(plan):
    return {e.ref: e.action for e in plan.entries}


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [True, False])
def test_comma_or_semicolon_with_or_without_bom(institution, delimiter, bom):
    content = rows_to_csv(
        [
            ["angebot_id", "titel", "kurzbeschreibung", "beginn", "preis"],
            ["A", "Erste Hilfe", "Kurs am Samstag", "06.04.2030", "0"],
        ],
        delimiter=delimiter,
        bom=bom,
    )
    assert actions_of(run(institution, content)) == {"A": "create"}
    assert Offer.objects.get(external_id="A").dates.get().start == date(2030, 4, 6)


def test_conflicting_repeated_offer_fields_reject_the_offer(institution):
    content = rows_to_csv(
        [
            ["angebot_id", "titel", "kurzbeschreibung", "beginn"],
            ["A", "Erste Hilfe", "Kurs", "2030-04-06"],
            ["A", "Erste Hilfe II", "Kurs", "2030-05-06"],
        ]
    )
    plan = run(institution, content)
    assert actions_of(plan) == {"A": "reject"}
    assert "Zeile 3" in " ".join(plan.entries[0].reasons)
    assert not Offer.objects.exists()


def test_wrong_values_name_their_line(institution):
    content = rows_to_csv(
        [
            ["angebot_id", "titel", "kurzbeschreibung", "beginn", "plaetze", "lernform", "email"],
            ["A", "Kurs A", "Kurz", "31.02.2030", "viele", "Tanz", "kaputt"],
            ["", "ohne Kennung", "Kurz", "", "", "", ""],
            ["B", "x" * 201, "Kurz", "2030-01-01", "", "", ""],
        ]
    )
    plan = run(institution, content, commit=False)
    reasons = {e.ref: " ".join(e.reasons) for e in plan.entries}
    assert {e.action for e in plan.entries} == {"reject"}
    assert "31.02.2030" in reasons["A"]
    assert "viele" in reasons["A"]
    assert "Tanz" in reasons["A"]
    assert "E-Mail" in reasons["A"]
    assert "angebot_id fehlt" in reasons["#3"]
    assert "zu lang" in reasons["B"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "leer"),
        (b"titel;preis\r\nKurs;0\r\n", "angebot_id"),
        ("angebot_id;titel\r\nA;Bürokurs\r\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_broken_files_get_a_clear_message(institution, content, message):
    with pytest.raises(ImportFileError, match=message):
        run(institution, content)
    assert not Offer.objects.exists()


def test_one_hundred_thousand_rows_are_refused_in_seconds(institution):
    row = "A{n};Kurs;Kurz;2030-01-01\r\n"
    content = (
        "angebot_id;titel;kurzbeschreibung;beginn\r\n"
        + "".join(row.format(n=n) for n in range(100_000))
    ).encode()
    with pytest.raises(ImportFileError, match="mehr als"):
        run(institution, content)
    assert not Offer.objects.exists()


def test_header_matches_documented_columns():
    assert HEADER[:2] == ["angebot_id", "titel"]
    assert csv_template().startswith(b"\xef\xbb\xbf" + ";".join(HEADER).encode())


def test_csv_venues_get_their_place_or_a_warning(german_places, institution):
    content = rows_to_csv(
        [
            [
                "angebot_id",
                "titel",
                "kurzbeschreibung",
                "beginn",
                "ort_name",
                "ort_strasse",
                "ort_plz",
                "ort_stadt",
            ],
            ["A", "Schweißen", "Kurs", "06.04.2030", "Halle", "Hauptstr. 3", "89522", "Heidenheim"],
            ["B", "Erste Hilfe", "Kurs", "07.04.2030", "Saal", "", "", "Atlantis"],
        ]
    )

    plan = run(institution, content)

    warnings = {e.ref: e.warnings for e in plan.entries}
    assert warnings["A"] == []
    assert warnings["B"] == [
        "Ort „Atlantis“ nicht gefunden: Die Kurse dieses Angebots lassen sich nicht nach Ort "
        "finden."
    ]
    halle = Offer.objects.get(external_id="A").dates.get().venue
    assert halle.municipality == german_places["heidenheim-an-der-brenz"]
    assert halle.district == "heidenheim"
    assert Offer.objects.get(external_id="B").dates.get().venue.municipality is None
