"""A course whose provider gave no price is "Preis auf Anfrage": unknown, never free.

Issue 15: a file without a price element made such courses free, so "nur kostenlose
Angebote" listed courses that cost thousands of euros.
"""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from offerings.exporters import export_csv, export_openqcat
from offerings.imports.csvfile import csv_parse
from offerings.imports.plan import delivery_form_lookup
from offerings.selectors import catalogue_search
from tests.factories import InstitutionFactory
from tests.offerings.factories import OfferFactory
from tests.offerings.test_formats import rendered_jsonld

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_prices(places):
    provider = InstitutionFactory(name="VHS Aalen", slug="vhs-aalen")
    return {
        "free": OfferFactory(institution=provider, title="Kostenloser Kurs", price=Decimal("0")),
        "paid": OfferFactory(institution=provider, title="Teurer Kurs", price=Decimal("2400")),
        "unknown": OfferFactory(institution=provider, title="Kurs ohne Preis", price=None),
    }


def titles(query: str) -> list[str]:
    return [o.title for o in catalogue_search(QueryDict(query)).page.object_list]


def test_only_a_known_zero_is_free(three_prices):
    assert three_prices["free"].is_free
    assert not three_prices["unknown"].is_free
    assert not three_prices["unknown"].price_known
    assert titles("kostenlos=on") == ["Kostenloser Kurs"]


def test_a_price_limit_does_not_claim_unknown_prices(three_prices):
    assert titles("preis_bis=100") == ["Kostenloser Kurs"]
    assert set(titles("preis_bis=5000")) == {"Kostenloser Kurs", "Teurer Kurs"}


def test_unknown_prices_sort_after_every_known_one(three_prices):
    assert titles("sortierung=price") == ["Kostenloser Kurs", "Teurer Kurs", "Kurs ohne Preis"]


def test_the_free_facet_counts_only_known_zeros(client, three_prices):
    page = client.get(reverse("offerings:catalogue")).content.decode()
    assert '<span class="facet-count" id="n-kostenlos-on">(1)</span>' in page


def test_card_and_page_say_price_on_request(client, three_prices):
    catalogue = client.get(reverse("offerings:catalogue")).content.decode()
    assert "Preis auf Anfrage" in catalogue
    detail = client.get(three_prices["unknown"].get_absolute_url()).content.decode()
    assert "Preis auf Anfrage" in detail
    assert "kostenlos" not in detail.split("Das Wichtigste", 1)[1].split("</dl>", 1)[0]


def test_api_and_jsonld_leave_an_unknown_price_out(client, three_prices):
    data = json.loads(client.get(reverse("offerings:api_offers")).content)
    by_title = {item["title"]: item for item in data["results"]}
    assert by_title["Kurs ohne Preis"]["price"] is None
    assert by_title["Kurs ohne Preis"]["is_free"] is False
    assert by_title["Kostenloser Kurs"]["price"] == "0.00"
    _html, [jsonld] = rendered_jsonld(three_prices["unknown"])
    assert "price" not in jsonld["offers"]
    assert "isAccessibleForFree" not in jsonld
    _html, [jsonld] = rendered_jsonld(three_prices["free"])
    assert jsonld["isAccessibleForFree"] is True


def test_exports_keep_unknown_apart_from_free_and_read_back_the_same(three_prices):
    provider = three_prices["unknown"].institution
    exported = export_csv(institution=provider)
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    prices = {row["titel"]: row["preis"] for row in rows}
    assert prices == {"Kostenloser Kurs": "0.00", "Teurer Kurs": "2400.00", "Kurs ohne Preis": ""}
    parsed = csv_parse(io.BytesIO(exported), delivery_forms=delivery_form_lookup())
    assert {o.values["title"]: o.values["price"] for o in parsed.offers.values()} == {
        "Kostenloser Kurs": Decimal("0"),
        "Teurer Kurs": Decimal("2400"),
        "Kurs ohne Preis": None,
    }
    xml = export_openqcat(institution=provider).decode()
    assert xml.count("<PRICE_AMOUNT>") == 2


def test_a_date_without_a_time_of_day_is_unknown_not_evening(client, three_prices):
    from offerings.models import OfferDate

    # A date entered or imported without a time of day has none, instead of "abends".
    assert OfferDate(offer=three_prices["unknown"]).time_of_day == ""
    OfferDate.objects.filter(offer=three_prices["unknown"]).update(time_of_day="")
    assert titles("tageszeit=evening") == ["Kostenloser Kurs", "Teurer Kurs"]
    page = client.get(three_prices["unknown"].get_absolute_url()).content.decode()
    assert "abends" not in page
    data = json.loads(client.get(reverse("offerings:api_offers")).content)
    unknown = next(i for i in data["results"] if i["title"] == "Kurs ohne Preis")
    assert all(d["time_of_day"] is None for d in unknown["dates"])
