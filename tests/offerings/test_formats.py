"""The catalogue's open formats, read back by real parsers: iCalendar files (icalendar), the
Atom feed (feedparser), the JSON-LD in the page (an HTML parser, then json) and the partner
API (json)."""

import datetime
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import feedparser
import icalendar
import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from offerings.models import (
    CertificateKind,
    DeliveryForm,
    FundingProgramme,
    Offer,
    OfferDate,
    OfferStatus,
    StartKind,
    Venue,
)
from offerings.search import offer_search_refresh
from offerings.selectors import offer_get_public

SITE = "https://beweqo.test"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


def make_offer(institution, **fields) -> Offer:
    defaults = {
        "title": "Excel für Einsteiger",
        "summary": "Tabellen anlegen, rechnen und auswerten.",
        "delivery_form": DeliveryForm.objects.get(slug="praesenz"),
        "price": Decimal("120.00"),
        "status": OfferStatus.PUBLISHED,
        "certificate": CertificateKind.ATTENDANCE,
    }
    return Offer.objects.create(institution=institution, **{**defaults, **fields})


def add_date(offer, *, days=30, length=4, **fields) -> OfferDate:
    start = TODAY + datetime.timedelta(days=days)
    defaults = {
        "start": start,
        "end": start + datetime.timedelta(days=length),
        "hours_total": 40,
        "time_of_day": "evening",
    }
    return OfferDate.objects.create(offer=offer, **{**defaults, **fields})


@pytest.fixture
def venue(institution):
    return Venue.objects.create(
        institution=institution,
        name="Volkshochschule Aalen",
        street="Gmünder Straße 9",
        postcode="73430",
        city="Aalen",
        latitude=48.8365,
        longitude=10.0928,
    )


@pytest.fixture
def offer(institution, venue):
    """A course with two upcoming dates, one rolling start and one that is over."""
    offer = make_offer(institution)
    offer.first = add_date(offer, days=10, length=2, venue=venue)
    offer.second = add_date(offer, days=40, length=0, end=None, venue=venue)
    offer.rolling = add_date(offer, start=None, end=None, start_kind=StartKind.ROLLING)
    offer.past = add_date(offer, days=-30, length=3, venue=venue)
    return offer


# --- JSON-LD -----------------------------------------------------------------------------


class ScriptCollector(HTMLParser):
    """Collects the text of each <script> element the way a browser's parser splits it."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def rendered_jsonld(offer) -> tuple[str, list[dict]]:
    html = Template("{% load offerings_formats %}<p>x</p>{% offer_jsonld offer %}").render(
        Context({"offer": offer_get_public(pk=offer.pk)})
    )
    collector = ScriptCollector()
    collector.feed(html)
    collector.close()
    return html, [
        json.loads(text)
        for attrs, text in collector.scripts
        if attrs.get("type") == "application/ld+json"
    ]


def test_jsonld_is_a_course_with_one_instance_per_open_date(offer, venue):
    _html, [data] = rendered_jsonld(offer)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == "Excel für Einsteiger"
    assert data["description"] == offer.summary
    assert data["url"] == f"{SITE}/kurse/{offer.pk}/"
    assert data["inLanguage"] == "de"
    assert data["educationalCredentialAwarded"] == "Teilnahmebescheinigung"
    assert data["provider"] == {
        "@type": "Organization",
        "name": "Volkshochschule Aalen",
        "url": f"{SITE}/mitglieder/vhs-aalen/",
    }
    assert data["offers"]["price"] == "120.00"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["isAccessibleForFree"] is False

    instances = data["hasCourseInstance"]
    assert [i["@type"] for i in instances] == ["CourseInstance"] * 3  # the past date is gone
    first, second, rolling = instances
    assert first["courseMode"] == "onsite"
    assert first["startDate"] == offer.first.start.isoformat()
    assert first["endDate"] == offer.first.end.isoformat()
    assert first["courseWorkload"] == "PT40H"
    assert first["location"]["@type"] == "Place"
    assert first["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Gmünder Straße 9",
        "postalCode": "73430",
        "addressLocality": "Aalen",
        "addressCountry": "DE",
    }
    assert first["location"]["geo"]["latitude"] == pytest.approx(48.8365)
    assert second["startDate"] == offer.second.start.isoformat()
    assert "endDate" not in second
    assert "startDate" not in rolling
    assert "jederzeit" in rolling["description"]


def test_jsonld_for_a_free_online_course(institution):
    offer = make_offer(
        institution,
        title="Online-Sprechstunde Bewerbung",
        price=0,
        delivery_form=DeliveryForm.objects.get(slug="online-live"),
        certificate=CertificateKind.NONE,
    )
    add_date(offer, days=3, length=0)

    _html, [data] = rendered_jsonld(offer)

    assert data["isAccessibleForFree"] is True
    assert data["offers"]["category"] == "Free"
    assert "educationalCredentialAwarded" not in data
    [instance] = data["hasCourseInstance"]
    assert instance["courseMode"] == "online"
    assert instance["location"]["@type"] == "VirtualLocation"


def test_jsonld_course_modes_follow_the_delivery_form(institution):
    offer = make_offer(institution, delivery_form=DeliveryForm.objects.get(slug="blended-learning"))
    add_date(offer)

    _html, [data] = rendered_jsonld(offer)

    assert data["hasCourseInstance"][0]["courseMode"] == "blended"


def test_jsonld_cannot_break_out_of_its_script_element(institution):
    title = 'Kurs </script><script>alert("x")</script> <!-- & "Zitat" \u2028'
    offer = make_offer(institution, title=title, summary="a < b & c > d")
    add_date(offer)

    html, [data] = rendered_jsonld(offer)

    # One script element, closed once, and the parser sees no second one.
    assert html.count("</script>") == 1
    assert "<script>" not in html
    body = re.search(r'<script type="application/ld\+json">(.*)</script>', html, re.S).group(1)
    assert not set("<>&") & set(body)
    assert data["name"] == title
    assert data["description"] == "a < b & c > d"


# --- iCalendar ---------------------------------------------------------------------------


def parse_calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename")
    return icalendar.Calendar.from_ical(response.content)


def test_offer_calendar_has_an_all_day_event_per_fixed_open_date(client, offer, venue):
    response = client.get(reverse("offerings:offer_ical", args=[offer.pk]))
    calendar = parse_calendar(response)

    assert response["Content-Disposition"] == 'attachment; filename="excel-fuer-einsteiger.ics"'
    assert str(calendar["PRODID"]).startswith("-//BeWeQO//")
    events = calendar.events
    assert [str(e["UID"]) for e in events] == [
        f"offer-{offer.pk}-date-{offer.first.pk}@beweqo",
        f"offer-{offer.pk}-date-{offer.second.pk}@beweqo",
    ]
    first, second = events
    assert first.start == offer.first.start
    assert type(first.start) is datetime.date  # all-day, not a time
    assert first.end == offer.first.end + DAY  # DTEND is exclusive
    assert second.start == offer.second.start
    assert second.end == offer.second.start + DAY  # no end date: one day
    assert str(first["SUMMARY"]) == "Excel für Einsteiger"
    assert str(first["LOCATION"]) == "Volkshochschule Aalen, Gmünder Straße 9, 73430 Aalen"
    assert f"{SITE}/kurse/{offer.pk}/" in str(first["DESCRIPTION"])
    assert offer.summary in str(first["DESCRIPTION"])
    assert str(first["URL"]) == f"{SITE}/kurse/{offer.pk}/"


def test_calendar_files_are_stable_between_downloads(client, offer):
    url = reverse("offerings:offer_ical", args=[offer.pk])
    first, again = client.get(url), client.get(url)

    assert first.content == again.content


def test_date_calendar_has_the_one_date(client, offer):
    response = client.get(reverse("offerings:date_ical", args=[offer.pk, offer.second.pk]))
    calendar = parse_calendar(response)

    [event] = calendar.events
    assert str(event["UID"]) == f"offer-{offer.pk}-date-{offer.second.pk}@beweqo"
    assert event.start == offer.second.start
    expected = f"excel-fuer-einsteiger-{offer.second.start:%Y-%m-%d}.ics"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


def test_offer_with_only_rolling_dates_gives_an_empty_calendar_that_says_why(client, institution):
    offer = make_offer(institution, title="Deutsch für den Beruf")
    add_date(offer, start=None, end=None, start_kind=StartKind.ROLLING)
    add_date(offer, start=None, end=None, start_kind=StartKind.ON_DEMAND)

    calendar = parse_calendar(client.get(reverse("offerings:offer_ical", args=[offer.pk])))

    assert calendar.events == []
    assert "keinen festen Termin" in str(calendar["X-WR-CALDESC"])


def test_calendar_filename_keeps_non_ascii_titles_readable(client, institution):
    offer = make_offer(institution, title="Schweißen – Grundkurs")
    add_date(offer)

    response = client.get(reverse("offerings:offer_ical", args=[offer.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="schweissen-grundkurs.ics"'


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.ARCHIVED])
def test_calendars_of_unpublished_offers_are_404(client, institution, status):
    offer = make_offer(institution, status=status)
    date = add_date(offer)

    assert client.get(reverse("offerings:offer_ical", args=[offer.pk])).status_code == 404
    assert client.get(reverse("offerings:date_ical", args=[offer.pk, date.pk])).status_code == 404


def test_date_calendar_is_404_for_another_offers_date_and_for_past_dates(
    client, offer, institution
):
    other = make_offer(institution, title="Word kompakt")
    other_date = add_date(other)

    assert (
        client.get(reverse("offerings:date_ical", args=[offer.pk, other_date.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("offerings:date_ical", args=[offer.pk, offer.past.pk])).status_code
        == 404
    )
    assert client.get(reverse("offerings:date_ical", args=[offer.pk, 999999])).status_code == 404


def test_calendar_views_refuse_post(client, offer):
    assert client.post(reverse("offerings:offer_ical", args=[offer.pk])).status_code == 405


# --- Atom feed ---------------------------------------------------------------------------


def read_feed(client, query: str = ""):
    response = client.get(reverse("offerings:catalogue_feed") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def catalogue(institution, other_institution, venue):
    """Three offers created on different days; two are free."""
    now = timezone.now()
    offers = {}
    for days_ago, title, price, provider in [
        (30, "Excel für Einsteiger", Decimal("120"), institution),
        (20, "Bewerbungstraining kompakt", Decimal("0"), other_institution),
        (10, "Deutsch im Beruf B1", Decimal("0"), institution),
    ]:
        offer = make_offer(
            institution=provider, title=title, price=price, summary=f"{title}: Kurzbeschreibung."
        )
        Offer.objects.filter(pk=offer.pk).update(created_at=now - datetime.timedelta(days_ago))
        offer.refresh_from_db()
        add_date(offer, venue=venue if provider == institution else None)
        offers[title] = offer
    draft = make_offer(institution, title="Excel Entwurf", status=OfferStatus.DRAFT)
    add_date(draft)
    offer_search_refresh(Offer.objects.all())
    return offers


def test_feed_lists_catalogue_offers_newest_first_with_stable_ids(client, catalogue):
    feed = read_feed(client, "?sortierung=price")

    assert [e.title for e in feed.entries] == [
        "Deutsch im Beruf B1",
        "Bewerbungstraining kompakt",
        "Excel für Einsteiger",
    ]
    entry = feed.entries[0]
    offer = catalogue["Deutsch im Beruf B1"]
    assert entry.link == f"{SITE}/kurse/{offer.pk}/"
    assert entry.id == f"tag:beweqo.test,{offer.created_at:%Y-%m-%d}:offer-{offer.pk}"
    assert entry.summary == offer.summary
    assert entry.author == "Volkshochschule Aalen"
    assert entry.updated_parsed is not None
    assert read_feed(client).entries[0].id == entry.id  # same id from another URL
    assert feed.feed.title == "BeWeQO: neue Kurse im Katalog"
    assert feed.feed.link == f"{SITE}/kurse/?sortierung=price"


def test_feed_of_a_filtered_search_has_only_matching_offers(client, catalogue):
    feed = read_feed(client, "?kostenlos=on")

    assert {e.title for e in feed.entries} == {"Deutsch im Beruf B1", "Bewerbungstraining kompakt"}
    assert "nur kostenlose Angebote" in feed.feed.title
    assert feed.feed.link == f"{SITE}/kurse/?kostenlos=on"


def test_feed_of_a_text_search_names_the_search(client, catalogue):
    feed = read_feed(client, "?q=Excel")

    assert [e.title for e in feed.entries] == ["Excel für Einsteiger"]
    assert feed.feed.title == "BeWeQO-Kurse: „Excel“"


def test_feed_has_at_most_50_entries(client, institution):
    offers = Offer.objects.bulk_create(
        make_offer_unsaved(institution, title=f"Kurs {n}") for n in range(51)
    )
    OfferDate.objects.bulk_create(
        OfferDate(offer=o, start=TODAY + DAY, end=TODAY + DAY) for o in offers
    )

    assert len(read_feed(client).entries) == 50


def test_feed_is_the_document_djangos_atom_writer_makes(client, catalogue, institution):
    """The feed is written directly for speed (issue 19); it must stay the document that
    Django's Atom1Feed writes for the same entries, markup characters included."""
    from django.utils.feedgenerator import Atom1Feed

    from offerings import formats

    odd = make_offer(
        institution, title='Löten <& "Schweißen"> ', summary="A & B < C\tüber > \"D\" 'E'"
    )
    add_date(odd)
    offer_search_refresh(Offer.objects.filter(pk=odd.pk))
    response = client.get(reverse("offerings:catalogue_feed") + "?kostenlos=&x=%C3%A4+%3C")
    offers = list(Offer.objects.in_catalogue().order_by("-published_at", "-pk"))
    feed_url = f"{SITE}/kurse/feed/?kostenlos=&x=%C3%A4+%3C"
    expected = Atom1Feed(
        title="BeWeQO: neue Kurse im Katalog",
        link=f"{SITE}/kurse/?kostenlos=&x=%C3%A4+%3C",
        description="",
        subtitle="Die 50 neuesten passenden Kurse aus dem Weiterbildungskatalog.",
        feed_url=feed_url,
        language="de",
        feed_guid=feed_url,
        feed_copyright=opendata_rights(),
    )
    for offer in offers:
        expected.add_item(
            title=offer.title,
            link=f"{SITE}/kurse/{offer.pk}/",
            description=offer.summary,
            unique_id=formats.offer_tag_uri(offer),
            unique_id_is_permalink=False,
            pubdate=offer.published_at or offer.created_at,
            updateddate=offer.updated_at,
            author_name=offer.institution.name,
            author_link=SITE + offer.institution.get_absolute_url(),
            categories=[offer.delivery_form.name],
        )
    assert len(offers) == 4
    assert response.content.decode() == expected.writeString("utf-8")
    entry = feedparser.parse(response.content).entries[0]
    assert (entry.title, entry.summary) == (odd.title.strip(), odd.summary)
    assert entry.tags[0].term == "Präsenz"
    assert entry.author_detail.href == SITE + institution.get_absolute_url()


def opendata_rights() -> str:
    from offerings.opendata import rights_statement

    return rights_statement()


def test_feed_costs_the_same_queries_for_one_entry_and_for_many(client, institution):
    """The entries read nothing beyond the one query for the page of offers."""
    counts = []
    for n in (1, 3):
        Offer.objects.all().delete()
        offers = Offer.objects.bulk_create(
            make_offer_unsaved(institution, title=f"Kurs {i}") for i in range(n)
        )
        OfferDate.objects.bulk_create(
            OfferDate(offer=o, start=TODAY + DAY, end=TODAY + DAY) for o in offers
        )
        client.get(reverse("offerings:catalogue_feed"))  # the catalogue index for this data
        with CaptureQueriesContext(connection) as captured:
            assert len(read_feed(client).entries) == n
        counts.append(len(captured))
    assert counts[0] == counts[1]


def make_offer_unsaved(institution, **fields) -> Offer:
    return Offer(
        institution=institution,
        summary="Kurzbeschreibung.",
        delivery_form=DeliveryForm.objects.get(slug="praesenz"),
        status=OfferStatus.PUBLISHED,
        **fields,
    )


BAD_QUERIES = [
    "?q=" + "x" * 10_000,
    "?q=%00%00Excel%00",
    "?q=%ZZ%E2%28%A1&lernform=%ZZ",
    "?q=Excel+%26+%7C+%21+%3A+*+(+)+%27",
    "?seite=-1",
    "?seite=99999999999999999999",
    "?seite=abc&pro_seite=-5",
    "?pro_seite=1000000",
    "?lernform=gibt-es-nicht&niveau=dqr99&beginn=gestern&sortierung=zufall",
    "?preis_bis=-1",
    "?preis_bis=1e999",
    "?preis_bis=NaN",
    "?ort=%01%02Atlantis&umkreis=10000",
    "?ort=Aalen&umkreis=25",
    "?kostenlos=vielleicht&rollstuhl=%00",
    "?anbieter=%00&anbieter=x&zielgruppe=",
    "?%00=%00&=&&==&q",
    "?landkreis=mars&tageszeit=nachts&dauer=ewig&zeitmodell=",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_feed_survives_bad_query_strings(client, catalogue, query):
    if "%00" in query or "%E2%28" in query:
        # NUL and broken UTF-8 are refused at the door (common.middleware), as on every
        # page but the partner API, which names them in its own JSON.
        response = client.get(reverse("offerings:catalogue_feed") + query)
        assert response.status_code == 400
        return
    read_feed(client, query)


# --- partner API -------------------------------------------------------------------------


def api(client, query: str = "", status: int = 200) -> dict:
    response = client.get(reverse("offerings:api_offers") + query)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    assert not response.cookies
    return json.loads(response.content)


def test_api_returns_the_catalogue_in_pages(client, catalogue, venue):
    data = api(client, "?pro_seite=2&sortierung=price")

    assert data["count"] == 3
    assert data["pages"] == 2
    assert data["page"] == 1
    assert data["previous"] is None
    assert data["next"] == f"{SITE}/kurse/api/angebote/?pro_seite=2&sortierung=price&seite=2"
    assert "errors" not in data
    assert [r["price"] for r in data["results"]] == ["0.00", "0.00"]

    second = api(client, "?pro_seite=2&sortierung=price&seite=2")
    assert second["page"] == 2
    assert second["next"] is None
    assert second["previous"] == f"{SITE}/kurse/api/angebote/?pro_seite=2&sortierung=price&seite=1"
    [excel] = second["results"]
    offer = catalogue["Excel für Einsteiger"]
    assert excel == {
        "id": offer.pk,
        "url": f"{SITE}/kurse/{offer.pk}/",
        "title": "Excel für Einsteiger",
        "summary": offer.summary,
        "provider": {"name": "Volkshochschule Aalen", "url": f"{SITE}/mitglieder/vhs-aalen/"},
        "price": "120.00",
        "is_free": False,
        "delivery_form": "praesenz",
        "funding_programmes": [],
        "level": "none",
        "language": "de",
        "dates": [
            {
                "start_kind": "fixed",
                "start": (TODAY + datetime.timedelta(days=30)).isoformat(),
                "end": (TODAY + datetime.timedelta(days=34)).isoformat(),
                "schedule": "part_time",
                "time_of_day": "evening",
                "hours_total": 40,
                "venue": {
                    "name": "Volkshochschule Aalen",
                    "street": "Gmünder Straße 9",
                    "postcode": "73430",
                    "city": "Aalen",
                    "latitude": pytest.approx(48.8365),
                    "longitude": pytest.approx(10.0928),
                },
            }
        ],
        "updated_at": offer.updated_at.isoformat(),
    }


def test_api_applies_the_catalogue_filters(client, catalogue):
    data = api(client, "?kostenlos=on")

    assert {r["title"] for r in data["results"]} == {
        "Deutsch im Beruf B1",
        "Bewerbungstraining kompakt",
    }
    assert all(r["is_free"] for r in data["results"])
    assert "Excel Entwurf" not in {r["title"] for r in api(client, "?q=Excel")["results"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?pro_seite=0", "pro_seite"),
        ("?pro_seite=101", "pro_seite"),
        ("?pro_seite=-5", "pro_seite"),
        ("?seite=0", "seite"),
        ("?seite=abc", "seite"),
        ("?lernform=gibt-es-nicht", "lernform"),
        ("?niveau=dqr99", "niveau"),
        ("?q=" + "x" * 10_000, "q"),
        ("?q=Excel%00", "q"),
    ],
)
def test_api_names_invalid_parameters_with_400(client, catalogue, query, field):
    data = api(client, query, status=400)

    assert list(data["errors"]) == [field]
    assert all(isinstance(message, str) and message for message in data["errors"][field])
    assert isinstance(data["results"], list)


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_api_survives_bad_query_strings(client, catalogue, query):
    response = client.get(reverse("offerings:api_offers") + query)

    assert response.status_code in (200, 400)
    data = json.loads(response.content)
    assert set(data) >= {"count", "page", "pages", "next", "previous", "results"}
    assert ("errors" in data) == (response.status_code == 400)


def test_api_page_beyond_the_end_gives_the_last_page(client, catalogue):
    data = api(client, "?pro_seite=2&seite=50")

    assert data["page"] == 2
    assert len(data["results"]) == 1


def test_api_needs_a_constant_number_of_queries_whatever_the_page_size(client, institution):
    venue = Venue.objects.create(institution=institution, name="Haus", city="Aalen")
    programmes = list(FundingProgramme.objects.all()[:2])
    for n in range(20):
        offer = make_offer(institution, title=f"Kurs {n:02}")
        offer.funding_programmes.set(programmes)
        add_date(offer, days=5 + n, venue=venue)
        add_date(offer, start=None, end=None, start_kind=StartKind.ON_DEMAND)

    def count(query):
        with CaptureQueriesContext(connection) as queries:
            data = api(client, query)
        return len(queries), data

    api(client, "")  # builds the catalogue index: once per process and change of data
    one, data_one = count("?pro_seite=1")
    twenty, data_twenty = count("?pro_seite=20")

    assert len(data_one["results"]) == 1
    assert len(data_twenty["results"]) == 20
    assert data_twenty["results"][0]["funding_programmes"] == [p.name for p in programmes]
    assert len(data_twenty["results"][0]["dates"]) == 2
    assert one == twenty
