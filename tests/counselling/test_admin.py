"""The network office's admin of course wishes: list, filters and search open; the person's
address and consent are shown, never editable; a wish is never added by hand. The joint
quotes: shown, never written (they are the providers', and choosing one is the joint pages')."""

from decimal import Decimal

import pytest

from counselling.models import CourseWish, JointQuote
from tests.access import with_second_factor
from tests.counselling.joint_helpers import measure_for, provider_with_editor, quote_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wish():
    return CourseWish.objects.create(
        topic="CNC-Fräsen am Abend",
        district="ostalbkreis",
        soon="now",
        email="fraesen@example.org",
        consent_version="2026-11",
    )


@pytest.fixture
def office_client(client_for, network_office):
    return client_for(with_second_factor(network_office))


@pytest.mark.parametrize(
    "path",
    [
        "/verwaltung/counselling/coursewish/",
        "/verwaltung/counselling/coursewish/?q=CNC",
        "/verwaltung/counselling/coursewish/?district__exact=ostalbkreis&soon__exact=now",
        "/verwaltung/counselling/coursewish/?confirmed_at__isempty=1",
    ],
)
def test_the_wish_list_opens_and_finds(office_client, wish, path):
    response = office_client.get(path)
    assert response.status_code == 200
    assert "CNC-Fräsen am Abend" in response.content.decode()


def test_the_address_and_consent_are_read_only(office_client, wish):
    url = f"/verwaltung/counselling/coursewish/{wish.pk}/change/"
    page = office_client.get(url).content.decode()
    assert "fraesen@example.org" in page
    assert 'name="email"' not in page
    assert 'name="consent_version"' not in page
    assert 'name="topic"' in page
    response = office_client.post(
        url,
        {
            "topic": "CNC-Fräsen",
            "district": "ostalbkreis",
            "soon": "now",
            "schedule": "any",
            "place": "",
            "email": "fremd@example.org",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    wish.refresh_from_db()
    assert wish.topic == "CNC-Fräsen"
    assert wish.email == "fraesen@example.org"


def test_no_wish_is_added_by_hand(office_client):
    assert office_client.get("/verwaltung/counselling/coursewish/add/").status_code == 403


def test_people_outside_the_office_do_not_reach_it(client_for, member, wish):
    response = client_for(member).get("/verwaltung/counselling/coursewish/")
    assert response.status_code == 302
    assert "/verwaltung/login/" in response.url


# --- joint quotes ----------------------------------------------------------------------


@pytest.fixture
def quote(office):
    provider, editor = provider_with_editor("Bildungswerk Aalen", "bw-aalen")
    measure, _needs = measure_for(office, [provider])
    return quote_for(measure, provider, editor, price=Decimal("950.00"))


@pytest.fixture
def superuser_client(client_for):
    return client_for(with_second_factor(UserFactory(is_superuser=True, is_staff=True)))


def test_the_quotes_list_and_a_quote_open_for_a_superuser(superuser_client, quote):
    listed = superuser_client.get("/verwaltung/counselling/jointquote/")
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "Verbundkurs CNC" in page
    assert "Bildungswerk Aalen" in page
    shown = superuser_client.get(f"/verwaltung/counselling/jointquote/{quote.pk}/change/")
    assert shown.status_code == 200
    page = shown.content.decode()
    assert "950,00" in page
    # Every label German, also of the fields the model names only in English.
    assert "Verbundmaßnahme" in page
    assert "Angelegt von" in page
    assert "Measure" not in page
    assert "Submitted by" not in page


def test_a_quote_is_the_providers_and_not_written_in_the_admin(superuser_client, quote):
    """Price and terms are the provider's; choosing settles the measure too (joint pages)."""
    url = f"/verwaltung/counselling/jointquote/{quote.pk}/change/"
    page = superuser_client.get(url).content.decode()
    for field in ("price", "min_participants", "status"):
        assert f'name="{field}"' not in page
    response = superuser_client.post(url, {"price": "1,00", "status": "chosen"})
    assert response.status_code == 403
    quote.refresh_from_db()
    assert (quote.price, quote.status) == (Decimal("950.00"), "submitted")
    assert superuser_client.get("/verwaltung/counselling/jointquote/add/").status_code == 403
    delete = f"/verwaltung/counselling/jointquote/{quote.pk}/delete/"
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert JointQuote.objects.filter(pk=quote.pk).exists()
