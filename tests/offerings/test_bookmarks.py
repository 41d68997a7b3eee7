"""The Merkliste: bookmarks in the session, for visitors without an account."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from offerings.bookmarks import MAX_BOOKMARKS, SESSION_KEY
from offerings.models import DeliveryForm, Offer, OfferDate, OfferStatus, StartKind

pytestmark = pytest.mark.django_db
SAME_SITE = {"Origin": "http://testserver"}
TODAY = timezone.localdate()


def make_offer(institution, title="Excel für Einsteiger", **fields) -> Offer:
    offer = Offer.objects.create(
        institution=institution,
        title=title,
        summary="Tabellen anlegen, rechnen und auswerten.",
        delivery_form=DeliveryForm.objects.get(slug="praesenz"),
        price=Decimal("90"),
        status=fields.pop("status", OfferStatus.PUBLISHED),
        **fields,
    )
    OfferDate.objects.create(offer=offer, start=TODAY + datetime.timedelta(days=14))
    return offer


@pytest.fixture
def offer(institution):
    return make_offer(institution)


def toggle(client, offer_or_pk, **data):
    pk = getattr(offer_or_pk, "pk", offer_or_pk)
    # Browsers send Origin with every POST; the toggle checks it instead of a CSRF token.
    return client.post(reverse("offerings:bookmark_toggle", args=[pk]), data, headers=SAME_SITE)


def listing(client) -> str:
    """The Merkliste page from its heading on (without the messages above it)."""
    page = client.get(reverse("offerings:bookmarks"))
    assert page.status_code == 200
    return page.text[page.text.index("<h1") :]


def stored(client) -> list[int]:
    return client.session.get(SESSION_KEY, [])


def test_anonymous_visitor_bookmarks_and_unbookmarks_an_offer(client, offer):
    response = toggle(client, offer)

    assert response.status_code == 302
    assert response["Location"] == offer.get_absolute_url()
    assert stored(client) == [offer.pk]
    assert "Excel für Einsteiger" in listing(client)

    toggle(client, offer)

    assert stored(client) == []
    page = listing(client)
    assert "Ihre Merkliste ist leer" in page
    assert "Excel für Einsteiger" not in page


def test_explicit_action_makes_repeated_clicks_harmless(client, offer):
    toggle(client, offer, aktion="merken")
    toggle(client, offer, aktion="merken")
    assert stored(client) == [offer.pk]

    toggle(client, offer, aktion="entfernen")
    toggle(client, offer, aktion="entfernen")
    assert stored(client) == []


def test_newest_bookmark_comes_first(client, institution):
    first, second = make_offer(institution, "Erster Kurs"), make_offer(institution, "Zweiter Kurs")
    toggle(client, first)
    toggle(client, second)

    assert stored(client) == [second.pk, first.pk]
    page = listing(client)
    assert page.index("Zweiter Kurs") < page.index("Erster Kurs")


def test_get_on_the_toggle_url_is_not_allowed(client, offer):
    response = client.get(reverse("offerings:bookmark_toggle", args=[offer.pk]))

    assert response.status_code == 405
    assert stored(client) == []


@pytest.mark.parametrize(
    "unsafe",
    [
        "https://boese.example/",
        "//boese.example/kurse/",
        "javascript:alert(1)",
        "http://testserver/kurse/",  # right host, but not the scheme of a secure request
        "\\\\boese.example",
    ],
)
def test_unsafe_next_urls_are_ignored(offer, unsafe):
    client = Client()
    response = client.post(
        reverse("offerings:bookmark_toggle", args=[offer.pk]),
        {"next": unsafe},
        secure=True,
        headers={"Origin": "https://testserver"},
    )

    assert response.status_code == 302
    assert response["Location"] == offer.get_absolute_url()


def test_safe_next_url_is_followed(client, offer):
    response = toggle(client, offer, next="/kurse/?q=Excel&seite=2")

    assert response["Location"] == "/kurse/?q=Excel&seite=2"


def test_only_catalogue_offers_can_be_added(client, institution):
    draft = make_offer(institution, "Entwurf", status=OfferStatus.DRAFT)
    past = make_offer(institution, "Vorbei")
    past.dates.update(start=TODAY - datetime.timedelta(days=3))

    assert toggle(client, draft).status_code == 404
    assert toggle(client, past).status_code == 404
    assert toggle(client, 999999).status_code == 404
    assert stored(client) == []


def test_list_shows_only_offers_still_in_the_catalogue_and_says_so(client, institution):
    kept = make_offer(institution, "Bleibt im Katalog")
    archived = make_offer(institution, "Wird archiviert")
    expired = make_offer(institution, "Termin vorbei")
    for offer in (kept, archived, expired):
        toggle(client, offer)
    Offer.objects.filter(pk=archived.pk).update(status=OfferStatus.ARCHIVED)
    expired.dates.update(start=TODAY - datetime.timedelta(days=1))

    page = listing(client)

    assert "Bleibt im Katalog" in page
    assert "Wird archiviert" not in page
    assert "Termin vorbei" not in page
    assert "2 Angebote haben wir von Ihrer Merkliste genommen" in page
    assert stored(client) == [kept.pk]
    # The note appears once; the list has been cleaned.
    assert "von Ihrer Merkliste genommen" not in listing(client)


def test_removing_works_for_offers_that_left_the_catalogue(client, offer):
    toggle(client, offer)
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.ARCHIVED)

    response = toggle(client, offer, aktion="entfernen", next=reverse("offerings:bookmarks"))

    assert response["Location"] == reverse("offerings:bookmarks")
    assert stored(client) == []


def test_list_keeps_at_most_100_bookmarks_dropping_the_oldest(client, institution):
    delivery = DeliveryForm.objects.get(slug="praesenz")
    offers = Offer.objects.bulk_create(
        Offer(
            institution=institution,
            title=f"Kurs {n:03}",
            summary="Kurz.",
            delivery_form=delivery,
            status=OfferStatus.PUBLISHED,
        )
        for n in range(MAX_BOOKMARKS + 1)
    )
    OfferDate.objects.bulk_create(
        OfferDate(offer=o, start_kind=StartKind.ON_DEMAND) for o in offers
    )
    for offer in offers:
        toggle(client, offer)

    ids = stored(client)
    assert len(ids) == MAX_BOOKMARKS
    assert ids[0] == offers[-1].pk
    assert offers[0].pk not in ids
    page = client.get(reverse("offerings:bookmarks")).text
    assert page.count('name="aktion" value="entfernen"') == MAX_BOOKMARKS


def test_toggle_is_protected_against_other_sites(offer):
    """The button sits on pages shared between visitors, which carry no CSRF token
    (issue 19): a request from another site (or naming none) is refused instead."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("offerings:bookmark_toggle", args=[offer.pk])

    for headers in ({}, {"Origin": "https://evil.example"}, {"Referer": "https://evil.example/"}):
        refused = client.post(url, headers=headers)
        assert refused.status_code == 403
    assert stored(client) == []
    accepted = client.post(url, headers=SAME_SITE)
    assert accepted.status_code == 302
    assert stored(client) == [offer.pk]


def test_htmx_gets_the_button_in_its_new_state(client, offer):
    response = client.post(
        reverse("offerings:bookmark_toggle", args=[offer.pk]),
        {"next": "/kurse/"},
        headers={"HX-Request": "true", **SAME_SITE},
    )

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith("<form")
    assert "<html" not in html
    assert "Von der Merkliste entfernen" in html
    assert 'name="aktion" value="entfernen"' in html
    assert f'id="merken-{offer.pk}"' in html
    assert 'name="csrfmiddlewaretoken"' not in html  # same for every visitor
    assert stored(client) == [offer.pk]

    again = client.post(
        reverse("offerings:bookmark_toggle", args=[offer.pk]),
        headers={"HX-Request": "true", **SAME_SITE},
    )
    assert 'name="aktion" value="merken"' in again.text
    assert stored(client) == []


def test_bookmark_button_tag_shows_the_current_state(client, offer):
    toggle(client, offer)
    request = RequestFactory().get("/kurse/?q=Excel")
    request.session = client.session
    template = Template("{% load offerings_bookmarks %}{% bookmark_button offer %}")

    html = template.render(Context({"request": request, "offer": offer}))

    assert "Von der Merkliste entfernen" in html
    assert 'name="next" value="/kurse/?q=Excel"' in html
    request.session[SESSION_KEY] = []
    assert "Merken" in template.render(Context({"request": request, "offer": offer}))


def test_list_page_is_accessible_markup(client, offer):
    toggle(client, offer)

    html = client.get(reverse("offerings:bookmarks")).text

    assert html.count("<h1") == 1
    assert '<ul class="card-grid' in html
    # Each button says what it does to which course.
    assert (
        '<span class="kern-label"><span class="bookmark-form__label">'
        "Von der Merkliste entfernen</span>"
        '<span class="kern-sr-only">: Excel für Einsteiger</span></span>'
    ) in html


def test_empty_list_does_not_start_a_session(client):
    response = client.get(reverse("offerings:bookmarks"))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_garbage_in_the_session_is_ignored(client, offer):
    session = client.session
    session[SESSION_KEY] = ["1", None, True, offer.pk, offer.pk, {"x": 1}]
    session.save()

    assert "Excel für Einsteiger" in listing(client)
    assert stored(client) == [offer.pk]
