"""Whole public pages shared between anonymous visitors (common.pagecache, issue 19)."""

import datetime
import gzip
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.services import news_post_save
from offerings.bookmarks import SESSION_KEY
from offerings.models import OfferStatus
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
AN_HOUR_AGO = timezone.now() - datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def offer(institution, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return OfferFactory(institution=institution, title="Excel für Einsteiger")


def vary(response) -> set[str]:
    return {value.strip().lower() for value in response.get("Vary", "").split(",") if value}


def test_second_anonymous_visitor_gets_the_shared_page_with_public_headers(offer):
    first = Client().get("/kurse/")
    second = Client().get("/kurse/")

    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Excel für Einsteiger" in second.text
    assert second["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert second["ETag"] == first["ETag"]
    assert second["ETag"].startswith('W/"')
    assert "accept-encoding" in vary(second)
    assert "cookie" not in vary(second)
    assert not second.cookies  # no session, no CSRF cookie
    # Nothing in it belongs to one visitor: no token, no nonce.
    assert "csrfmiddlewaretoken" not in second.text
    assert "nonce" not in second.text
    assert "nonce" not in second["Content-Security-Policy"]


def test_course_page_hit_asks_the_database_nothing(offer, django_assert_num_queries):
    url = offer.get_absolute_url()
    Client().get(url)
    with django_assert_num_queries(0):
        response = Client().get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "Excel für Einsteiger" in response.text


def test_if_none_match_gets_304_without_body(offer):
    etag = Client().get(offer.get_absolute_url())["ETag"]

    for _ in range(2):  # from a fresh render and from the cache
        response = Client().get(offer.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert "cookie" not in vary(response)

    other = Client().get(offer.get_absolute_url(), HTTP_IF_NONE_MATCH='W/"something-else"')
    assert other.status_code == 200


def test_gzip_clients_get_the_stored_compressed_bytes(offer):
    plain = Client().get("/kurse/")
    zipped = Client().get("/kurse/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["ETag"] == plain["ETag"]


def test_parameter_order_and_utm_share_one_page(offer):
    first = Client().get("/kurse/?q=Excel&kostenlos=on&utm_source=newsletter")
    again = Client().get("/kurse/?kostenlos=on&utm_campaign=x&q=Excel")

    assert again["X-Page-Cache"] == "hit"
    assert "utm_" not in first.text  # the page is rendered from the normalised URL
    assert again.content == first.content


def test_one_visitors_merkliste_never_reaches_another(offer):
    keeper, stranger = Client(), Client()
    keeper.get(offer.get_absolute_url())  # stored while the keeper had no bookmarks yet

    keeper.post(
        reverse("offerings:bookmark_toggle", args=[offer.pk]), {"aktion": "merken"}, **ORIGIN
    )
    own = keeper.get(offer.get_absolute_url())
    other = stranger.get(offer.get_absolute_url())

    assert "X-Page-Cache" not in own  # rendered for the keeper, with the bookmark
    assert "Von der Merkliste entfernen" in own.text
    assert "private" in own["Cache-Control"]
    assert other["X-Page-Cache"] == "hit"
    assert "Von der Merkliste entfernen" not in other.text
    assert 'name="aktion" value="merken"' in other.text
    assert keeper.session[SESSION_KEY] == [offer.pk]
    # A shared page's buttons learn the keeper's state from a small request of its own.
    state = keeper.get(reverse("offerings:bookmark_state"))
    assert state.json()["ids"] == [offer.pk]
    assert state["Cache-Control"] == "private, no-store"
    assert stranger.get(reverse("offerings:bookmark_state")).json()["ids"] == []


def test_a_pending_message_is_shown_once_and_never_stored(offer):
    keeper = Client()
    keeper.post(
        reverse("offerings:bookmark_toggle", args=[offer.pk]), {"aktion": "merken"}, **ORIGIN
    )
    keeper.post(
        reverse("offerings:bookmark_toggle", args=[offer.pk]), {"aktion": "entfernen"}, **ORIGIN
    )  # the session now holds messages but no bookmark

    with_message = keeper.get("/kurse/")
    after = Client().get("/kurse/")

    assert "von Ihrer Merkliste entfernt" in with_message.text
    assert "X-Page-Cache" not in with_message
    assert after["X-Page-Cache"] == "miss"
    assert "Merkliste entfernt" not in after.text


def test_logged_in_visitors_are_never_served_from_the_cache(client_for, owner, offer):
    Client().get("/kurse/")
    Client().get("/kurse/")  # stored and served

    response = client_for(owner).get("/kurse/")

    assert "X-Page-Cache" not in response
    assert "Abmelden" in response.text
    assert "Anmelden</a>" not in response.text
    assert "private" in response["Cache-Control"]
    assert "cookie" in vary(response)


def test_posts_are_never_answered_from_the_cache(offer):
    Client().get("/kurse/")
    refused = Client().post("/kurse/")
    assert refused.status_code == 405
    assert "X-Page-Cache" not in refused


def test_a_back_office_edit_shows_at_the_next_request(
    client_for, member, institution, offer, django_capture_on_commit_callbacks
):
    Client().get(offer.get_absolute_url())
    assert Client().get("/kurse/")["X-Page-Cache"] == "miss"
    assert Client().get("/kurse/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        client_for(member).post(f"/kurse/bereich/{institution.slug}/{offer.pk}/archivieren/")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ARCHIVED

    catalogue = Client().get("/kurse/")
    assert catalogue["X-Page-Cache"] == "miss"
    assert "Excel für Einsteiger" not in catalogue.text
    assert Client().get(offer.get_absolute_url()).status_code == 404


def test_a_news_edit_shows_at_the_next_request(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        news_post_save(
            title="Erster Beitrag", teaser="Kurz.", body="Text.", tags=[], published_at=AN_HOUR_AGO
        )
    assert "Erster Beitrag" in Client().get("/aktuelles/").text
    assert Client().get("/aktuelles/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        news_post_save(
            title="Zweiter Beitrag", teaser="Kurz.", body="Text.", tags=[], published_at=AN_HOUR_AGO
        )

    assert "Zweiter Beitrag" in Client().get("/aktuelles/").text


@pytest.mark.parametrize("path", ["/kurse/feed/?q=Excel", "/kurse/api/angebote/?q=Excel"])
def test_feed_and_api_are_shared_without_vary_cookie(offer, path):
    Client().get(path)
    response = Client().get(path)

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    assert "cookie" not in vary(response)
    assert "public" in response["Cache-Control"]
    assert "Excel für Einsteiger" in response.text


def test_a_shared_search_is_still_counted(offer, monkeypatch):
    counted = []
    monkeypatch.setattr(
        "offerings.searchlog.search_log_record",
        lambda *, text, found, day=None: counted.append((text, found)),
    )
    Client().get("/kurse/?q=Excel")
    hit = Client().get("/kurse/?q=Excel")

    assert hit["X-Page-Cache"] == "hit"
    assert counted == [("Excel", 1), ("Excel", 1)]


def test_home_events_and_news_are_shared(db):
    for path in ("/", "/veranstaltungen/", "/aktuelles/"):
        Client().get(path)
        response = Client().get(path)
        assert response.status_code == 200, path
        assert response["X-Page-Cache"] == "hit", path


def test_switched_off_nothing_is_shared(settings, offer):
    settings.PAGE_CACHE = False
    Client().get("/kurse/")
    response = Client().get("/kurse/")
    assert "X-Page-Cache" not in response
    assert "ETag" not in response


def test_bookmark_toggle_needs_a_request_from_this_site(offer):
    visitor = Client()
    url = reverse("offerings:bookmark_toggle", args=[offer.pk])

    for headers in ({}, {"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}):
        assert visitor.post(url, {"aktion": "merken"}, **headers).status_code == 403
    assert SESSION_KEY not in visitor.session
    assert (
        visitor.post(url, {"aktion": "merken"}, HTTP_REFERER="https://evil.example/").status_code
        == 403
    )

    assert visitor.post(url, {"aktion": "merken"}, **ORIGIN).status_code == 302
    assert visitor.session[SESSION_KEY] == [offer.pk]
    referer = visitor.post(url, {"aktion": "entfernen"}, HTTP_REFERER="http://testserver/kurse/")
    assert referer.status_code == 302
    assert visitor.session[SESSION_KEY] == []


def test_no_shared_page_loads_a_script_inline(offer):
    html = Client().get(offer.get_absolute_url()).text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, body in scripts:
        assert "src=" in attributes or 'type="application/ld+json"' in attributes
        assert "src=" not in attributes or not body.strip()


def test_a_shared_api_answer_revalidates_with_its_cross_origin_headers(offer):
    path = "/kurse/api/angebote/?q=Excel"
    etag = Client().get(path)["ETag"]

    response = Client().get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "license" in response["Link"]


def test_an_htmx_redirect_is_never_stored_as_an_empty_page(offer):
    """Words understood as a filter send htmx to the canonical URL (offerings.understanding)
    with an empty 200 and HX-Redirect: a shared copy without the header would be blank."""
    for _ in range(2):
        response = Client().get("/kurse/?q=kostenlos", headers={"HX-Request": "true"})
        assert response["HX-Redirect"].startswith("/kurse/?")
        assert "X-Page-Cache" not in response


def response_headers(response) -> dict[str, str]:
    """The headers a visitor's browser acts on: all but the ones of one transfer."""
    skipped = {"date", "x-page-cache", "content-length", "content-encoding"}
    return {name.lower(): value for name, value in response.items() if name.lower() not in skipped}


@pytest.fixture
def sessions_opened(monkeypatch):
    """How often the session middleware ran: a hit for a visitor without a session cookie
    is answered above it, without the rest of the stack."""
    from django.contrib.sessions.middleware import SessionMiddleware

    opened = []
    original = SessionMiddleware.process_request

    def counting(self, request):
        opened.append(request.path)
        return original(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", counting)
    return opened


@pytest.mark.parametrize("path", ["/kurse/?q=Excel", "/en/kurse/", "/", "/kurse/feed/?q=Excel"])
def test_a_hit_without_session_skips_the_stack_and_keeps_every_header(offer, sessions_opened, path):
    rendered = Client().get(path)
    sessions_opened.clear()
    hit = Client().get(path)

    assert hit["X-Page-Cache"] == "hit"
    assert sessions_opened == []
    assert hit.content == rendered.content
    assert hit["Content-Length"] == str(len(hit.content))
    # Security policy, frame options, language and Vary exactly as the rendered answer had.
    assert response_headers(hit) == response_headers(rendered)
    assert "content-security-policy" in response_headers(hit)
    assert "cookie" not in vary(hit)


def test_german_and_english_addresses_keep_their_own_pages(offer):
    for _ in range(2):
        german = Client().get("/kurse/")
        english = Client().get("/en/kurse/")
    assert german["X-Page-Cache"] == english["X-Page-Cache"] == "hit"
    assert german["Content-Language"] == "de"
    assert english["Content-Language"] == "en"
    assert '<html lang="de"' in german.text
    assert '<html lang="en"' in english.text


def test_a_visitor_with_an_empty_session_is_served_the_same_page(offer, sessions_opened):
    rendered = Client().get("/kurse/")
    visitor = Client()
    visitor.cookies["sessionid"] = "no-such-session"

    hit = visitor.get("/kurse/")

    assert hit["X-Page-Cache"] == "hit"
    assert sessions_opened  # answered by the view's decorator, below the session
    assert hit.content == rendered.content
    assert response_headers(hit)["content-security-policy"] == rendered["Content-Security-Policy"]


def test_a_host_that_is_not_allowed_gets_400_even_for_a_stored_page(offer):
    Client().get("/kurse/")
    assert Client().get("/kurse/")["X-Page-Cache"] == "hit"

    response = Client().get("/kurse/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "X-Page-Cache" not in response


def test_refused_text_gets_its_400_even_when_a_page_shares_the_key(offer):
    """%FF is read as U+FFFD, so both queries have one key; the broken one still gets the
    page that says what is wrong, never the stored page."""
    Client().get("/kurse/?q=%EF%BF%BD")
    assert Client().get("/kurse/?q=%EF%BF%BD")["X-Page-Cache"] == "hit"

    response = Client().get("/kurse/?q=%FF")

    assert response.status_code == 400
    assert "X-Page-Cache" not in response
    assert "Zeichen, die wir nicht verarbeiten können" in response.text


def test_an_answer_that_sets_a_cookie_below_the_view_is_neither_stored_nor_public(
    offer, monkeypatch
):
    from django.contrib.sessions.middleware import SessionMiddleware

    original = SessionMiddleware.process_response

    def with_cookie(self, request, response):
        response = original(self, request, response)
        response.set_cookie("tracking", "one-visitor")
        return response

    monkeypatch.setattr(SessionMiddleware, "process_response", with_cookie)
    first = Client().get("/kurse/")
    monkeypatch.setattr(SessionMiddleware, "process_response", original)
    second = Client().get("/kurse/")

    assert first.cookies["tracking"].value == "one-visitor"
    assert first["Cache-Control"] == "private"
    assert second["X-Page-Cache"] == "miss"
    assert "tracking" not in second.cookies


def test_a_page_stored_before_an_edit_is_not_served_without_session(
    client_for, member, institution, offer, django_capture_on_commit_callbacks
):
    url = offer.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        client_for(member).post(f"/kurse/bereich/{institution.slug}/{offer.pk}/archivieren/")

    assert Client().get(url).status_code == 404


def test_a_cache_that_is_down_is_tried_once_and_the_page_still_shows(offer, monkeypatch):
    from common import pagecache

    tries = []

    def down(keys):
        tries.append(keys)
        raise ConnectionError("Redis is gone")

    monkeypatch.setattr(pagecache.cache, "get_many", down)
    response = Client().get("/kurse/")

    assert response.status_code == 200
    assert "Excel für Einsteiger" in response.text
    assert len([keys for keys in tries if keys[0].startswith(pagecache.KEY_PREFIX)]) == 1


def test_every_stored_page_expires_so_redis_may_evict_it(offer):
    """docker-compose's Redis evicts only keys with an expiry (volatile-lru): pages must
    have one, or a crawler walking every filter would fill Redis for good."""
    from django.core.cache import caches

    from common.cache import RedisCache
    from common.pagecache import KEY_PREFIX

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("Redis is not configured")  # .ci/run always configures it
    for path in ("/kurse/", "/kurse/?q=Excel", offer.get_absolute_url(), "/aktuelles/"):
        Client().get(path)
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.make_key(KEY_PREFIX)}*"))

    assert len(keys) == 4
    assert all(0 < client.ttl(key) <= 3600 for key in keys)


def test_a_new_release_never_gets_the_pages_of_the_previous_one(settings, tmp_path):
    """Pages name the static files by their hashed addresses, which are gone after a
    deploy; a changed template or code renders differently. Either starts fresh keys."""
    from common.pagecache import _release

    (tmp_path / "app" / "templates").mkdir(parents=True)
    template = tmp_path / "app" / "templates" / "page.html"
    template.write_text("<p>eins</p>")
    (tmp_path / "var").mkdir()
    manifest = tmp_path / "var" / "staticfiles.json"
    manifest.write_text('{"paths": {"css/portal.css": "css/portal.aaa.css"}}')
    (tmp_path / "node_modules").mkdir()
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "var"

    def release() -> str:
        _release.cache_clear()
        return _release()

    try:
        first = release()
        (tmp_path / "node_modules" / "other.py").write_text("x = 1")  # not the portal's
        assert release() == first
        template.write_text("<p>zwei</p>")
        second = release()
        manifest.write_text('{"paths": {"css/portal.css": "css/portal.bbb.css"}}')
        third = release()
    finally:
        _release.cache_clear()

    assert len({first, second, third}) == 3


def test_a_page_not_yet_stored_is_looked_up_once(offer, monkeypatch):
    """The middleware's read serves the view's decorator too: no second round trip."""
    from common import pagecache

    reads = []
    original = pagecache.cache.get_many

    def counting(keys):
        reads.append(keys)
        return original(keys)

    monkeypatch.setattr(pagecache.cache, "get_many", counting)
    response = Client().get("/kurse/")

    assert response["X-Page-Cache"] == "miss"
    assert len([keys for keys in reads if keys[0].startswith(pagecache.KEY_PREFIX)]) == 1
    assert Client().get("/kurse/")["X-Page-Cache"] == "hit"
