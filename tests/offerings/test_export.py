"""Export as open-Q-cat 1.1 and CSV, and the round trip: an export imported again yields
identical offers."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring
from django.utils import timezone

from offerings.exporters import export_csv, export_openqcat
from offerings.imports.csvfile import csv_parse
from offerings.imports.lookups import delivery_form_lookup
from offerings.imports.openqcat import openqcat_parse
from offerings.imports.plan import import_apply, import_plan
from offerings.models import (
    CertificateKind,
    DeliveryForm,
    FundingProgramme,
    Language,
    Level,
    Offer,
    Schedule,
    StartKind,
    TargetGroup,
    TimeOfDay,
    Topic,
)
from tests.offerings.factories import OfferDateFactory, OfferFactory

pytestmark = pytest.mark.django_db

OFFER_FIELDS = [
    "title",
    "summary",
    "description",
    "keywords",
    "entry_requirements",
    "level",
    "certificate",
    "certificate_name",
    "language",
    "price",
    "price_notes",
    "azav_measure_number",
    "wheelchair_accessible",
    "accessibility_notes",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
    "delivery_form_id",
]
TERM_FIELDS = ["funding_programmes", "topics", "target_groups"]
DATE_FIELDS = [
    "start_kind",
    "start",
    "end",
    "schedule",
    "time_of_day",
    "hours_total",
    "seats",
    "min_participants",
    "registration_deadline",
    "notes",
]


@pytest.fixture
def catalogue(institution):
    """Offers that use every field the import and export carry, with a known and an unknown
    price, a free course and every kind of start."""
    first = OfferFactory(
        institution=institution,
        title="Schweißen „MAG“ & <WIG>",
        summary="Kurz & bündig",
        description="Zeile 1\nZeile 2 mit €",
        keywords="Schweißen, Metall",
        entry_requirements="Abgeschlossene Ausbildung\nim Metallbereich",
        level=Level.DQR4,
        certificate=CertificateKind.CHAMBER,
        price=Decimal("249.50"),
        price_notes="zahlbar in Raten",
        certificate_name="Schweißerpass",
        azav_measure_number="962/1/2026",
        wheelchair_accessible=True,
        accessibility_notes="Aufzug; Werkbänke höhenverstellbar",
        contact_name="Dr. Eva Maria Muster",
        contact_email="eva@vhs.test",
        contact_phone="+49 7361 1",
        url="https://vhs.test/k",
        external_id="K-1",
        dates=[],
    )
    first.funding_programmes.set(
        FundingProgramme.objects.filter(slug__in=["bildungsgutschein", "bildungszeit-bw"])
    )
    first.topics.set(Topic.objects.filter(slug__in=["metall-elektro", "technik-produktion"]))
    first.target_groups.set(TargetGroup.objects.filter(slug__in=["arbeitsuchende", "fachkraefte"]))
    today = timezone.localdate()
    OfferDateFactory(
        offer=first,
        start=today + timedelta(days=10),
        seats=8,
        min_participants=4,
        schedule=Schedule.FULL_TIME,
        time_of_day=TimeOfDay.MORNING,
        registration_deadline=today + timedelta(days=3),
        notes="8 bis 16 Uhr, Werkstatt im Untergeschoss",
    )
    OfferDateFactory(offer=first, start=today + timedelta(days=100), end=None, hours_total=None)
    second = OfferFactory(
        institution=institution,
        title="Online-Englisch",
        delivery_form=DeliveryForm.objects.get(slug="online-live"),
        language=Language.ENGLISH,
        price=None,
        price_notes="Preis nach Einstufungstest",
        dates=[],
    )
    second.funding_programmes.set(FundingProgramme.objects.filter(slug="weiterbildungsstipendium"))
    OfferDateFactory(
        offer=second,
        start_kind=StartKind.ROLLING,
        start=None,
        end=None,
        venue=None,
        time_of_day=TimeOfDay.FLEXIBLE,
    )
    third = OfferFactory(
        institution=institution,
        title="Bewerbungstraining",
        price=Decimal("0"),
        language=Language.OTHER,
        dates=[],
    )
    OfferDateFactory(
        offer=third, start_kind=StartKind.ON_DEMAND, start=None, end=None, time_of_day="weekend"
    )
    return [first, second, third]


def snapshot(institution):
    result = []
    offers = Offer.objects.filter(institution=institution).prefetch_related(*TERM_FIELDS)
    for offer in offers.order_by("title"):
        dates = sorted(
            (
                (
                    *(getattr(d, f) for f in DATE_FIELDS),
                    (d.venue.name, d.venue.street, d.venue.postcode, d.venue.city)
                    if d.venue
                    else None,
                )
                for d in offer.dates.select_related("venue")
            ),
            key=str,
        )
        terms = tuple(sorted(t.slug for t in getattr(offer, name).all()) for name in TERM_FIELDS)
        result.append((tuple(getattr(offer, f) for f in OFFER_FIELDS), terms, dates))
    return result


@pytest.mark.parametrize(
    ("export", "parse"), [(export_openqcat, openqcat_parse), (export_csv, csv_parse)]
)
def test_round_trip_into_another_institution_and_back(
    german_places, catalogue, institution, other_institution, export, parse
):
    content = export(institution=institution)
    parsed = parse(io.BytesIO(content), delivery_forms=delivery_form_lookup())
    plan = import_plan(institution=other_institution, parsed=parsed)
    assert {e.action for e in plan.entries} == {"create"}
    # The portal's own export says nothing the import has to leave out.
    assert [(e.ref, e.unused, e.warnings) for e in plan.entries if e.unused or e.warnings] == []
    import_apply(institution=other_institution, plan=plan, user=None)
    assert snapshot(other_institution) == snapshot(institution)
    # Imported again into the institution it came from: nothing changes.
    again = import_plan(
        institution=institution,
        parsed=parse(io.BytesIO(content), delivery_forms=delivery_form_lookup()),
    )
    assert {e.action for e in again.entries} == {"unchanged"}


def test_openqcat_export_has_the_outline_the_federal_database_expects(catalogue, institution):
    root = fromstring(export_openqcat(institution=institution))
    assert root.tag == "OPENQCAT"
    assert root.get("version") == "1.1"
    assert root.find("HEADER/CATALOG/CURRENCY").text == "EUR"
    assert root.find("HEADER/SUPPLIER/SUPPLIER_NAME").text == institution.name
    services = root.findall("NEW_CATALOG/SERVICE")
    offers = [s for s in services if s.find(".//EDUCATION").get("type") == "true"]
    dates = [s for s in services if s.find(".//EDUCATION").get("type") == "false"]
    assert len(offers) == 3
    assert len(dates) == 4
    assert {d.find(".//COURSE_ID").text for d in dates} == {
        o.find("PRODUCT_ID").text for o in offers
    }


def test_export_leaves_out_other_institutions_and_archived_offers(
    catalogue, institution, other_institution
):
    OfferFactory(institution=other_institution, title="Fremdes Angebot")
    OfferFactory(institution=institution, title="Altes Angebot", status="archived")
    for content in (export_openqcat(institution=institution), export_csv(institution=institution)):
        text = content.decode("utf-8")
        assert "Fremdes Angebot" not in text
        assert "Altes Angebot" not in text


def test_csv_export_keeps_formulas_from_running_in_spreadsheets(institution):
    OfferFactory(institution=institution, title='=HYPERLINK("https://evil.test")', dates=[])
    text = export_csv(institution=institution).decode("utf-8-sig")
    assert ";\"'=HYPERLINK(" in text
    parsed = csv_parse(io.BytesIO(text.encode()), delivery_forms=delivery_form_lookup())
    assert next(iter(parsed.offers.values())).values["title"].startswith("=HYPERLINK")
