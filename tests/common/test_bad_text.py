"""Bad text stops at the door (common.middleware.RejectBadTextMiddleware, issue 17): a NUL
byte or text that is not UTF-8, in the path, a query parameter or a form field, is a 400
with a German message on every URL, never a 500 from PostgreSQL."""

from urllib.parse import urlencode

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Zeichen, die wir nicht verarbeiten können"

# Converters get a placeholder: the check runs before the URL is resolved, so the object
# behind a page does not change the answer; real objects would only slow the walk down.
PLACEHOLDERS = {"int": 1, "slug": "beispiel", "str": "beispiel", "path": "beispiel"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _walk(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern, f"{prefix}{pattern.name}"


def get_urls() -> tuple[list[str], list[str]]:
    """A path for every named URL pattern, and the names of those that could not be built
    (regular-expression patterns of the admin whose groups take only certain words)."""
    urls, unbuilt = set(), []
    for pattern, name in _walk(get_resolver().url_patterns):
        converters = getattr(pattern.pattern, "converters", {})
        # Groups of regular-expression patterns (tokens) take a short or a long word.
        for word in ("beispiel", "beispiel-beispiel-beispiel"):
            kwargs = {}
            for key in pattern.pattern.regex.groupindex:
                kind = type(converters.get(key)).__name__.removesuffix("Converter").lower()
                kwargs[key] = PLACEHOLDERS.get(kind, word)
            try:
                urls.add(reverse(name, kwargs=kwargs))
                break
            except NoReverseMatch:
                continue
        else:
            unbuilt.append(name)
    return sorted(urls), unbuilt


URLS, UNBUILT = get_urls()


# Views that validate every parameter themselves and name bad ones in their own format.
CHECKS_ITS_OWN_TEXT = {"/kurse/api/angebote/"}


def test_the_walk_covers_the_portal():
    assert len(URLS) > 100
    # Only admin patterns written as regular expressions (e.g. app_list with its
    # app_label alternatives, the view-on-site redirect) cannot take a placeholder.
    assert all(name.startswith("admin:") for name in UNBUILT), UNBUILT


def assert_refused(response):
    assert response.status_code == 400, response.status_code
    assert MESSAGE in response.content.decode()
    # The 400 leaves the security headers in place.
    assert "Content-Security-Policy" in response.headers


DOOR_URLS = [url for url in URLS if url not in CHECKS_ITS_OWN_TEXT]


@pytest.mark.parametrize("url", DOOR_URLS)
def test_a_nul_in_any_query_parameter_is_a_400_everywhere(client, url):
    assert_refused(client.get(f"{url}?x=%00"))


@pytest.mark.parametrize("url", DOOR_URLS)
def test_a_nul_in_the_query_is_a_400_for_a_logged_in_person_too(client, url):
    client.force_login(_user())
    assert_refused(client.get(f"{url}?seite=1&x=a%00b"))


@pytest.mark.parametrize("url", sorted(CHECKS_ITS_OWN_TEXT))
def test_views_that_check_their_own_text_answer_in_their_format(client, url):
    response = client.get(f"{url}?q=Excel%00")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["q"]
    # Undecodable text arrives as U+FFFD, an unknown parameter is ignored: no harm done.
    for query in ["q=%FF", "%00=%00"]:
        response = client.get(f"{url}?{query}")
        assert response.status_code in {200, 400}
        assert response["Content-Type"] == "application/json"


def _user():
    return UserFactory(email="nutzer@beispiel.de")


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("news:news_list", "thema"),  # reached PostgreSQL and failed there: the probe's 500
        ("offerings:catalogue", "q"),
        ("offerings:catalogue", "ort"),
        ("offerings:catalogue", "anbieter"),
        ("network:directory", "q"),
        ("events:event_list", "landkreis"),
        ("events:event_month", "monat"),
        ("counselling:request", "thema"),
        ("counselling:funding_check", "thema"),
        ("workgroups:search", "q"),
    ],
)
@pytest.mark.parametrize("value", ["%00", "Excel%00", "%FF", "%ED%A0%80", "%C3"])
def test_bad_text_in_a_filter_is_a_400(client, name, param, value):
    assert_refused(client.get(f"{reverse(name)}?{param}={value}"))


def test_a_nul_in_the_path_is_a_400(client):
    client.force_login(_user())
    assert_refused(client.get("/beratung/anfragen/AB%00CD/"))
    # A path that matches no pattern stays a 404.
    assert client.get("/aktuelles/beispiel%00/").status_code == 404


def test_good_text_passes(client):
    response = client.get(reverse("offerings:catalogue"), {"q": "Müller – Grundkurs ✓"})
    assert response.status_code == 200
    assert client.get(f"{reverse('news:news_list')}?thema=gibt-es-nicht").status_code in {
        200,
        404,
    }


FORMS = [
    ("news:newsletter_subscribe", {"email": "a\x00@beispiel.de", "consent": "on"}),
    ("counselling:request", {"name": "Anna\x00", "email": "anna@beispiel.de"}),
    ("account_signup", {"email": "neu@beispiel.de", "password1": "x\x00" * 6}),
    ("account_login", {"login": "x\x00@beispiel.de", "password": "geheim"}),
    ("account_reset_password", {"email": "x\x00@beispiel.de"}),
    ("offerings:alert_subscribe", {"email": "a@beispiel.de", "suche": "q=\x00"}),
]


@pytest.mark.parametrize(("name", "data"), FORMS)
def test_a_nul_in_a_form_field_is_a_400(client, name, data):
    url = reverse(name)
    assert_refused(client.post(url, data))  # multipart, as the test client sends it
    body = urlencode(data)
    assert_refused(client.post(url, body, content_type="application/x-www-form-urlencoded"))


def test_undecodable_form_data_is_a_400(client):
    assert_refused(
        client.post(
            reverse("news:newsletter_subscribe"),
            "email=anna%FF%40beispiel.de&consent=on",
            content_type="application/x-www-form-urlencoded",
        )
    )


def test_a_form_with_good_text_still_works(client):
    response = client.post(
        reverse("news:newsletter_subscribe"), {"email": "jörg@beispiel.de", "consent": "on"}
    )
    assert response.status_code in {302, 400}
    assert MESSAGE not in response.content.decode()
