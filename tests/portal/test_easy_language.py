"""The portal in Leichte Sprache (issue 20): every page renders in German with its own
content and menu, the old "coming soon" text is gone, the simple search is the
catalogue's, and the short request form lands in the counsellors' queue with the standard
form's checks (consent, honeypot, flood limit, sizes)."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from counselling.intake import RATE_PER_IP
from counselling.models import CounsellingRequest, EventKind
from network.models import District, MembershipRole
from offerings.models import Municipality
from outbox.models import OutboxMessage
from tests.access import with_second_factor
from tests.factories import CounsellingServiceFactory, InstitutionFactory, MembershipFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "portal:easy_language": ["BeWeQO in Leichter Sprache", "Was ist BeWeQO?"],
    "portal:easy_courses": ["Einen Kurs finden", "Schritt für Schritt", "Kurse suchen"],
    "portal:easy_counselling": [
        "Kostenlose Beratung",
        "Was ist Beratung?",
        "Ich bin einverstanden",
    ],
    "portal:easy_funding": [
        "Geld für Weiter-Bildung",
        "Bildungs-Gutschein",
        "Aufstiegs-BAföG",
        "Bildungs-Zeit in Baden-Württemberg",
        "Qualifizierungs-Geld",
        "ESF-Plus Fach-Kurse",
        "Weiter-Bildungs-Stipendium",
        "Förderung für Menschen mit Arbeit",
    ],
    "portal:easy_help": ["So benutzen Sie die Internet-Seite", "Die Schrift größer machen"],
    "portal:easy_accessibility": ["Erklärung zur Barriere-Freiheit", "Schlichtungs-Stelle"],
}


@pytest.mark.parametrize(("name", "texts"), PAGES.items())
def test_each_page_renders_in_german_with_its_content_and_the_menu(client, name, texts):
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="flow easy-language" lang="de">' in page
    for text in texts:
        assert text in page
    # The section's own menu, with this page marked.
    assert "Alle Seiten in Leichter Sprache" in page
    assert f'href="{reverse(name)}" aria-current="page"' in page
    # The header's link (on every page) is marked as the current section.
    assert 'lang="de" aria-current="page">Leichte Sprache</a>' in page


def test_the_old_text_is_gone_and_the_start_page_leads_everywhere(client):
    page = client.get("/leichte-sprache/").content.decode()
    assert "Bald finden Sie hier auch Kurse" not in page
    for name in (
        "portal:easy_courses",
        "portal:easy_counselling",
        "portal:easy_funding",
        "events:event_list",
    ):
        assert f'href="{reverse(name)}"' in page


def test_the_funding_page_links_the_funding_check_and_counselling(client):
    page = client.get(reverse("portal:easy_funding")).content.decode()
    assert f'href="{reverse("counselling:funding_check")}"' in page
    assert f'href="{reverse("portal:easy_counselling")}"' in page


def test_every_page_of_the_portal_links_leichte_sprache_in_the_header(client):
    for url in ("/", "/kurse/", "/beratung/anfrage/", "/impressum/"):
        page = client.get(url).content.decode()
        assert '<a class="kern-link" href="/leichte-sprache/" lang="de"' in page


# --- the simple search ------------------------------------------------------------------


@pytest.fixture
def courses(db):
    aalen = Municipality.objects.create(
        name="Aalen", slug="aalen", district="ostalbkreis", latitude=48.8387, longitude=10.0926
    )
    aalen.postcodes.create(code="73430")
    provider = InstitutionFactory(name="VHS Aalen", slug="vhs-aalen")
    venue = VenueFactory(institution=provider, municipality=aalen)
    explained = OfferFactory(
        title="Excel für Einsteiger",
        institution=provider,
        price=90,
        dates=[],
        easy_language_summary="Sie lernen Excel.\nExcel ist ein Programm für Tabellen.",
    )
    OfferDateFactory(offer=explained, venue=venue)
    plain = OfferFactory(title="Excel für Profis", institution=provider, price=None, dates=[])
    OfferDateFactory(offer=plain, venue=venue)
    OfferFactory(title="Schweißen", institution=provider, price=0, dates=[])
    return {"explained": explained, "plain": plain}


def search(client, **params):
    return client.get(reverse("portal:easy_courses"), params)


def test_without_a_question_the_page_shows_the_steps_and_no_list(client, courses):
    page = search(client).content.decode()
    assert "So geht es: Schritt für Schritt" in page
    assert "Wir haben" not in page


def test_the_search_finds_courses_and_shows_the_plain_summary(client, courses):
    page = search(client, was="Excel", wo="Aalen").content.decode()
    assert "Wir haben 2 Kurse gefunden." in page
    assert "Excel für Einsteiger" in page
    assert "Excel für Profis" in page
    assert "Schweißen" not in page
    assert "Sie lernen Excel.<br>Excel ist ein Programm für Tabellen." in page
    assert page.count('class="easy-box"') == 1
    # The facts in plain words; an unknown price is never "free".
    assert "90 Euro." in page
    assert "Das steht noch nicht fest. Fragen Sie die Schule." in page
    assert f'href="{courses["explained"].get_absolute_url()}"' in page


def test_only_explained_courses_when_asked(client, courses):
    page = search(client, was="Excel", erklaert="on").content.decode()
    assert "Wir haben 1 Kurs gefunden." in page
    assert "Excel für Profis" not in page


def test_nothing_found_says_what_to_do(client, courses):
    page = search(client, was="Raumfahrt").content.decode()
    assert "Wir haben 0 Kurse gefunden." in page
    assert "Versuchen Sie ein anderes Wort." in page


def test_an_unknown_place_gets_a_plain_message(client, courses):
    response = search(client, was="Excel", wo="Atlantis")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Diesen Ort kennen wir nicht." in page
    assert "Wir haben" not in page


def test_oversized_input_gets_a_plain_message(client, courses):
    response = search(client, was="Excel " * 50)
    assert response.status_code == 200
    assert "Der Text ist zu lang." in response.content.decode()


def test_the_list_pages_on(client, courses):
    provider = courses["plain"].institution
    for n in range(11):
        OfferFactory(title=f"Excel Teil {n}", institution=provider)
    page = search(client, was="Excel").content.decode()
    assert "Wir haben 13 Kurse gefunden." in page
    assert "Sie sehen Seite 1 von 2." in page
    assert "seite=2" in page
    second = search(client, was="Excel", seite="2").content.decode()
    assert "Sie sehen Seite 2 von 2." in second


# --- the short request form --------------------------------------------------------------

URL = "/leichte-sprache/beratung/"


@pytest.fixture
def service(institution):
    return CounsellingServiceFactory(
        institution=institution,
        name="Weiterbildungsberatung VHS Aalen",
        districts=[District.OSTALBKREIS],
        languages=["de"],
    )


@pytest.fixture
def counsellor_client(institution, client_for):
    counsellor = MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user
    return client_for(with_second_factor(counsellor))


@pytest.fixture
def local_cache(settings):
    """A cache of this process only for the flood limit (the shared Redis of the test runs
    may be flushed by another process at any moment)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "easy-language-tests",
        },
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def form_data(**overrides):
    return {
        "submission_key": str(uuid.uuid4()),
        "name": "Tom",
        "contact": "07361 55 66 77",
        "district": "ostalbkreis",
        "situation": "job_seeking",
        "topic": "continuing_education",
        "consent": "on",
        "website": "",
    } | overrides


def test_the_short_form_asks_fewer_questions_than_the_standard_one(client):
    easy = client.get(URL).context["form"]
    standard = client.get(reverse("counselling:request")).context["form"]
    assert len(easy.visible_fields()) < len(standard.visible_fields())


def test_a_short_request_lands_in_the_same_queue(client, service):
    response = client.post(URL, form_data(contact="tom@beispiel.de"))
    assert response.status_code == 302
    assert response.url == reverse("portal:easy_counselling_sent")
    request = CounsellingRequest.objects.get()
    assert (request.name, request.email, request.phone) == ("Tom", "tom@beispiel.de", "")
    assert (request.district, request.situation, request.topic) == (
        "ostalbkreis",
        "job_seeking",
        "continuing_education",
    )
    # Not asked, so not invented: the way stays open; the form's language is German.
    assert (request.channel, request.language, request.message) == ("", "de", "")
    assert request.easy_language is True
    assert request.consent_at is not None
    assert request.service == service
    assert list(request.events.values_list("kind", flat=True)) == [EventKind.ROUTED]
    assert OutboxMessage.objects.filter(recipient="tom@beispiel.de").exists()

    page = client.get(response.url).content.decode()
    assert request.reference in page
    assert "Diese Stelle berät Sie: Volkshochschule Aalen." in page
    assert "Sie bekommen auch eine E-Mail mit der Nummer." in page


def test_the_request_shows_in_the_counsellors_queue(client, service, counsellor_client):
    client.post(URL, form_data())
    reference = CounsellingRequest.objects.get().reference
    assert reference in counsellor_client.get(reverse("counselling:queue")).content.decode()
    # The counsellor learns to speak plainly, and that no way was chosen.
    detail = counsellor_client.get(reverse("counselling:request_detail", args=[reference]))
    page = detail.content.decode()
    assert "in Leichter Sprache gesendet" in page
    assert "nicht angegeben" in page


def test_a_standard_request_is_not_marked_as_leichte_sprache(client, service):
    client.post(
        reverse("counselling:request"), form_data(channel="phone", language="de", message="")
    )
    assert CounsellingRequest.objects.get().easy_language is False


def test_the_sent_page_without_a_request_leads_to_the_form(client):
    response = client.get(reverse("portal:easy_counselling_sent"))
    assert response.status_code == 302
    assert response.url == URL


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Bitte schreiben Sie Ihren Namen."),
        ({"name": "\x07\x08"}, "Bitte schreiben Sie Ihren Namen."),
        ({"name": "n" * 101}, "Der Name ist zu lang. Höchstens 100 Zeichen."),
        ({"contact": ""}, "Bitte schreiben Sie Ihre Telefon-Nummer oder Ihre E-Mail-Adresse."),
        ({"contact": "tom@"}, "Das ist keine Telefon-Nummer und keine E-Mail-Adresse."),
        ({"contact": "0736<script>1"}, "Das ist keine Telefon-Nummer und keine E-Mail-Adresse."),
        ({"contact": "1" * 300}, "Das ist zu lang. Höchstens 254 Zeichen."),
        ({"district": "mars"}, "Diese Antwort gibt es nicht."),
        ({"situation": "company"}, "Diese Antwort gibt es nicht."),
        ({"topic": ""}, "Bitte wählen Sie: Wobei brauchen Sie Hilfe?"),
        ({"consent": ""}, "Bitte setzen Sie den Haken bei: Ich bin einverstanden."),
        ({"website": "http://spam.example"}, "automatisch erstellt"),
        ({"submission_key": "kein-schluessel"}, "UUID"),
    ],
)
def test_bad_or_hostile_input_gets_a_clear_message_and_nothing_is_written(
    client, service, data, message
):
    response = client.post(URL, form_data(**data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CounsellingRequest.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_form_posted_twice_makes_one_request(client, service):
    data = form_data()
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, data).status_code == 302
    assert CounsellingRequest.objects.count() == 1


def test_both_forms_share_one_flood_limit(service, local_cache):
    client = Client(REMOTE_ADDR="10.1.2.3")
    for number in range(RATE_PER_IP):
        # Alternating between the forms gains nothing.
        if number % 2:
            url = reverse("counselling:request")
            data = form_data(contact=f"person{number}@beispiel.de", channel="phone", language="de")
        else:
            url, data = URL, form_data(contact=f"person{number}@beispiel.de")
        response = client.post(url, data)
        assert response.status_code == 302
    response = client.post(URL, form_data(contact="noch.jemand@beispiel.de"))
    assert response.status_code == 200
    assert "Bitte warten Sie 1 Stunde." in response.content.decode()
    assert CounsellingRequest.objects.count() == RATE_PER_IP
