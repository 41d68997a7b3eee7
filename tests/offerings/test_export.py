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
from offerings.imports.openqcat import openqcat_parse
from offerings.imports.plan import delivery_form_lookup, import_apply, import_plan
from offerings.models import DeliveryForm, Offer, Schedule, StartKind
from tests.offerings.factories import OfferDateFactory, OfferFactory

pytestmark = pytest.mark.django_db

OFFER_FIELDS = [
    "title",
    "summary",
    "description",
    "keywords",
    "price",
    "certificate_name",
    "azav_measure_number",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
    "delivery_form_id",
]
DATE_FIELDS = ["start_kind", "start", "end", "schedule", "hours_total", "seats"]


@pytest.fixture
def catalogue(institution):
    first = OfferFactory(
        institution=institution,
        title="Schweißen „MAG“ & <WIG>",
        summary="Kurz & bündig",
        description="Zeile 1\nZeile 2 mit €",
        keywords="Schweißen, Metall",
        price=Decimal("249.50"),
        certificate_name="Schweißerpass",
        azav_measure_number="962/1/2026",
        contact_name="Eva Muster",
        contact_email="eva@vhs.test",
        contact_phone="+49 7361 1",
        url="https://vhs.test/k",
        external_id="K-1",
        dates=[],
    )
    today = timezone.localdate()
    OfferDateFactory(
        offer=first, start=today + timedelta(days=10), seats=8, schedule=Schedule.FULL_TIME
    )
    OfferDateFactory(offer=first, start=today + timedelta(days=100), end=None, hours_total=None)
    second = OfferFactory(
        institution=institution,
        title="Online-Englisch",
        delivery_form=DeliveryForm.objects.get(slug="online-live"),
        dates=[],
    )
    OfferDateFactory(offer=second, start_kind=StartKind.ROLLING, start=None, end=None, venue=None)
    return [first, second]


def snapshot(institution):
    result = []
    for offer in Offer.objects.filter(institution=institution).order_by("title"):
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
        result.append((tuple(getattr(offer, f) for f in OFFER_FIELDS), dates))
    return result


@pytest.mark.parametrize(
    ("export", "parse"), [(export_openqcat, openqcat_parse), (export_csv, csv_parse)]
)
def test_round_trip_into_another_institution_and_back(
    catalogue, institution, other_institution, export, parse
):
    content = export(institution=institution)
    parsed = parse(io.BytesIO(content), delivery_forms=delivery_form_lookup())
    plan = import_plan(institution=other_institution, parsed=parsed)
    assert {e.action for e in plan.entries} == {"create"}
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
    assert len(offers) == 2
    assert len(dates) == 3
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
