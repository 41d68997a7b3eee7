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
from tests.offerings.factories import OfferFactory

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


# --- The columns for everything a job seeker filters on (issue 15) -------------------------

FULL_HEADER = [
    "angebot_id",
    "titel",
    "kurzbeschreibung",
    "themen",
    "zielgruppen",
    "niveau",
    "voraussetzungen",
    "abschlussart",
    "sprache",
    "preis",
    "foerderung",
    "massnahmenummer",
    "rollstuhlgerecht",
    "barrierefreiheit",
    "termin_id",
    "beginn",
    "ende",
    "zeitmodell",
    "tageszeit",
    "stunden",
    "plaetze",
    "min_teilnehmende",
    "anmeldeschluss",
    "termin_hinweise",
    "ort_name",
    "ort_stadt",
]
OFFER_CELLS = [
    "CNC-1",
    "CNC-Fräsen",
    "Grundkurs an der Maschine",
    "Technik und Produktion, metall-elektro",
    "Arbeitsuchende, Fachkräfte",
    "DQR 4",
    "Erfahrung in der Metallbearbeitung",
    "Prüfung vor der Kammer (IHK, HWK)",
    "Deutsch",
    "1.450,00",
    "Bildungsgutschein, Bildungszeit BW",
    "962/12/2030",
    "ja",
    "Rampe am Haupteingang",
]


def test_every_column_a_job_seeker_filters_on_arrives(institution, client):
    OfferFactory(institution=institution, published_at="2025-01-01T00:00Z", title="Altbestand")
    content = rows_to_csv(
        [
            FULL_HEADER,
            [
                *OFFER_CELLS,
                "CNC-1-A",
                "02.03.2030",
                "27.03.2030",
                "Vollzeit",
                "vormittags",
                "160",
                "12",
                "5",
                "20.02.2030",
                "Werkstatt 2",
                "Technikum",
                "Aalen",
            ],
            [
                *OFFER_CELLS,
                "CNC-1-B",
                "2030-09-07",
                "2030-12-14",
                "Teilzeit",
                "am Wochenende",
                "160",
                "10",
                "",
                "",
                "",
                "Technikum",
                "Heidenheim an der Brenz",
            ],
        ]
    )
    plan = run(institution, content)
    assert actions_of(plan)["CNC-1"] == "create"
    offer = Offer.objects.get(external_id="CNC-1")
    assert offer.price == Decimal("1450.00")
    assert offer.level == "dqr4"
    assert offer.certificate == "chamber"
    assert offer.language == "de"
    assert offer.entry_requirements == "Erfahrung in der Metallbearbeitung"
    assert offer.wheelchair_accessible is True
    assert offer.accessibility_notes == "Rampe am Haupteingang"
    assert sorted(offer.topics.values_list("slug", flat=True)) == [
        "metall-elektro",
        "technik-produktion",
    ]
    assert sorted(offer.target_groups.values_list("slug", flat=True)) == [
        "arbeitsuchende",
        "fachkraefte",
    ]
    assert sorted(offer.funding_programmes.values_list("slug", flat=True)) == [
        "bildungsgutschein",
        "bildungszeit-bw",
    ]
    assert [
        (
            d.external_id,
            d.schedule,
            d.time_of_day,
            d.hours_total,
            d.seats,
            d.min_participants,
            d.registration_deadline,
            d.notes,
            d.venue.city,
        )
        for d in offer.dates.select_related("venue").order_by("start")
    ] == [
        ("CNC-1-A", "full_time", "morning", 160, 12, 5, date(2030, 2, 20), "Werkstatt 2", "Aalen"),
        (
            "CNC-1-B",
            "part_time",
            "weekend",
            160,
            10,
            None,
            None,
            "",
            "Heidenheim an der Brenz",
        ),
    ]
    page = client.get("/kurse/?foerderung=bildungsgutschein").content.decode()
    assert "CNC-Fräsen" in page
    assert actions_of(run(institution, content, commit=False))["CNC-1"] == "unchanged"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("foerderung", "Bildungsgutschein, Sonderprämie", "Sonderprämie"),
        ("themen", "Astrologie", "Astrologie"),
        ("niveau", "DQR 12", "DQR 12"),
        ("sprache", "Klingonisch", "Klingonisch"),
        ("abschlussart", "Urkunde", "Urkunde"),
        ("rollstuhlgerecht", "vielleicht", "vielleicht"),
        ("preis", "teuer", "teuer"),
        ("tageszeit", "nachts", "nachts"),
        ("min_teilnehmende", "20", "Mindestzahl"),
    ],
)
def test_unknown_values_reject_the_offer_with_their_line(institution, column, value, message):
    header = ["angebot_id", "titel", "kurzbeschreibung", "beginn", "plaetze", column]
    content = rows_to_csv(
        [header, ["A", "Kurs", "Kurz", "2030-01-01", "10", value], ["B", "Gut", "Kurz", "", "", ""]]
    )
    plan = run(institution, content)
    reasons = {e.ref: " ".join(e.reasons) for e in plan.entries}
    assert actions_of(plan) == {"A": "reject", "B": "create"}
    assert message in reasons["A"]
    assert "Zeile 2" in reasons["A"] or "Termin" in reasons["A"]
    assert list(Offer.objects.values_list("external_id", flat=True)) == ["B"]


def test_prices_empty_is_on_request_and_zero_or_kostenlos_is_free(institution):
    content = rows_to_csv(
        [
            ["angebot_id", "titel", "kurzbeschreibung", "preis"],
            ["EMPTY", "Kurs", "Kurz", ""],
            ["ZERO", "Kurs", "Kurz", "0"],
            ["WORD", "Kurs", "Kurz", "kostenlos"],
            ["COMMA", "Kurs", "Kurz", "12,50 €"],
        ]
    )
    run(institution, content)
    assert dict(Offer.objects.values_list("external_id", "price")) == {
        "EMPTY": None,
        "ZERO": Decimal("0"),
        "WORD": Decimal("0"),
        "COMMA": Decimal("12.50"),
    }


def test_columns_the_portal_does_not_know_are_named_on_their_offer(institution):
    content = rows_to_csv(
        [
            ["angebot_id", "titel", "kurzbeschreibung", "beginn", "raumnummer", "dozent"],
            ["A", "Kurs", "Kurz", "2030-01-01", "R 12", ""],
            ["A", "Kurs", "Kurz", "2030-02-01", "R 14", "Frau Kaya"],
        ]
    )
    plan = run(institution, content, commit=False)
    assert plan.entries[0].unused == {"raumnummer": 2, "dozent": 1}
    assert plan.report()["file"]["unused"] == {"dozent": 1, "raumnummer": 2}


def test_bad_dates_and_too_many_of_them_get_a_line(institution):
    rows = [["angebot_id", "titel", "kurzbeschreibung", "termin_id", "beginn", "ende"]]
    rows.append(["BACK", "Kurs", "Kurz", "B1", "2030-05-10", "2030-05-01"])
    rows.append(["PAST", "Kurs", "Kurz", "P1", "2020-05-10", "2020-05-12"])
    rows += [["MANY", "Kurs", "Kurz", f"M{n}", "2030-05-10", ""] for n in range(5000)]
    rows.append(["FINE", "Kurs", "Kurz", "F1", "2030-05-10", ""])
    plan = run(institution, rows_to_csv(rows))
    assert actions_of(plan) == {
        "BACK": "reject",
        "PAST": "create",
        "MANY": "reject",
        "FINE": "create",
    }
    text = {e.ref: " ".join(e.reasons + e.warnings) for e in plan.entries}
    assert "Das Ende liegt vor dem Beginn" in text["BACK"]
    assert "in der Vergangenheit" in text["PAST"]
    assert "5.000 Termine" in text["MANY"]
    assert sorted(Offer.objects.values_list("external_id", flat=True)) == ["FINE", "PAST"]
