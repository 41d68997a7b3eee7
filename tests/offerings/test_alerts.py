"""Course alerts ("Suchauftrag"): double opt-in, links without an account, the account's
list, hostile input, rate limits, and the digest of new matching courses."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from offerings.alerts import services as alerts
from offerings.alerts.services import (
    CONSENT_VERSION,
    MAX_ALERTS_PER_ADDRESS,
    AlertLimitReached,
    alert_confirm_url,
    alert_links,
    course_alert_confirm,
    course_alert_digests_send,
    course_alert_from_confirmation,
    course_alert_subscribe,
    course_alerts_purge_unconfirmed,
    digest_period,
)
from offerings.models import AlertFrequency, CourseAlert, Offer, OfferStatus
from outbox.models import DigestClaim, OutboxMessage
from tests.factories import UserFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/kurse/suchauftrag/neu/"


def subscribe(
    client, email="anna@beispiel.de", suche="q=Excel&kostenlos=on", remote_addr="127.0.0.1", **extra
):
    data = {"email": email, "frequency": "weekly", "consent": "on", "suche": suche}
    return client.post(SUBSCRIBE, data | extra, REMOTE_ADDR=remote_addr)


def path_of(url: str) -> str:
    return url.split("beweqo.test", 1)[-1]


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the outbox's send, the catalogue index's refresh)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def confirmed_alert(on_commit):
    with on_commit():
        alert = course_alert_subscribe(email="anna@beispiel.de", query="q=Excel")
    mail.outbox.clear()
    return course_alert_confirm(alert=alert, now=timezone.now() - timedelta(days=8))


# --- subscribe and confirm -------------------------------------------------------------------


def test_subscribe_page_shows_the_search_and_keeps_it(client):
    response = client.get(SUBSCRIBE + "?q=Excel&kostenlos=on&seite=3&sortierung=price")
    assert response.status_code == 200
    content = response.content.decode()
    assert "„Excel“" in content
    assert "nur kostenlose Angebote" in content
    assert 'value="q=Excel&amp;kostenlos=on"' in content  # page and order are not saved


def test_catalogue_links_to_the_subscribe_page_with_its_search(client):
    content = client.get("/kurse/?q=Excel&seite=1").content.decode()
    assert f'href="{SUBSCRIBE}?q=Excel"' in content


def test_double_opt_in_sends_only_the_confirmation_until_confirmed(client, on_commit):
    with on_commit():
        response = subscribe(client)
    assert response.status_code == 302
    assert response.url == "/kurse/suchauftrag/gesendet/"
    alert = CourseAlert.objects.get()
    assert (alert.email, alert.query, alert.confirmed_at) == (
        "anna@beispiel.de",
        "kostenlos=on&q=Excel",
        None,
    )
    assert alert.consent_version == CONSENT_VERSION
    [message] = mail.outbox
    assert message.to == ["anna@beispiel.de"]
    assert message.subject == "Bitte bestätigen Sie Ihren Suchauftrag"
    assert "List-Unsubscribe" not in message.extra_headers
    link = re.search(r"https://beweqo.test/kurse/suchauftrag/bestaetigen/\S+/", message.body)

    # Unconfirmed: no digest, whatever is new.
    with on_commit():
        OfferFactory(title="Excel für Einsteiger", price=0)
    with on_commit():
        assert course_alert_digests_send(frequency="weekly").alerts == 0
    assert len(mail.outbox) == 1

    # Opening the link asks; only the button confirms (mail scanners open links too).
    page = client.get(path_of(link.group(0)))
    assert page.status_code == 200
    assert "Ja, Suchauftrag bestätigen" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    response = client.post(path_of(link.group(0)))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    assert response.url == f"/kurse/suchauftrag/{alert.token}/"


def test_the_confirmation_mail_says_how_to_change_or_end_the_alert(client, on_commit):
    with on_commit():
        subscribe(client)
    alert = CourseAlert.objects.get()
    [message] = mail.outbox
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert f"https://beweqo.test/kurse/suchauftrag/{alert.token}/" in body
        assert f"https://beweqo.test/kurse/suchauftrag/{alert.token}/abmelden/" in body
    # Ending it from the confirmation mail works before the alert is confirmed.
    response = client.post(f"/kurse/suchauftrag/{alert.token}/abmelden/")
    assert response.status_code == 200
    assert not CourseAlert.objects.exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda signed: signed[:-2] + "xx",
        lambda signed: "abc",
        lambda signed: signed.replace(":", "", 1),
        lambda signed: "x" * 500,
    ],
)
def test_tampered_confirmation_link_is_refused(client, confirmed_alert, mangle):
    confirmed_alert.confirmed_at = None
    confirmed_alert.save()
    signed = path_of(alert_confirm_url(confirmed_alert)).split("/")[-2]
    response = client.post(f"/kurse/suchauftrag/bestaetigen/{mangle(signed)}/")
    assert response.status_code == 404
    assert "Dieser Link gilt nicht mehr" in response.content.decode()
    confirmed_alert.refresh_from_db()
    assert confirmed_alert.confirmed_at is None


def test_expired_confirmation_link_is_refused(client, confirmed_alert, monkeypatch):
    url = alert_confirm_url(confirmed_alert)
    monkeypatch.setattr(alerts, "CONFIRM_MAX_AGE", timedelta(seconds=-1))
    assert course_alert_from_confirmation(signed=path_of(url).split("/")[-2]) is None
    assert client.get(path_of(url)).status_code == 404


def test_unconfirmed_alerts_are_deleted_after_seven_days(on_commit):
    with on_commit():
        old = course_alert_subscribe(email="alt@beispiel.de", query="q=Excel")
        fresh = course_alert_subscribe(email="neu@beispiel.de", query="q=Excel")
        kept = course_alert_subscribe(email="bestaetigt@beispiel.de", query="q=Excel")
    course_alert_confirm(alert=kept)
    CourseAlert.objects.filter(pk__in=[old.pk, kept.pk]).update(
        created_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    assert course_alerts_purge_unconfirmed() == 1
    assert set(CourseAlert.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}


def test_the_same_search_twice_is_one_alert(client, on_commit):
    with on_commit():
        subscribe(client, suche="kostenlos=on&q=Excel")
        subscribe(client, suche="q=Excel&kostenlos=on&seite=2")
    assert CourseAlert.objects.count() == 1
    assert len(mail.outbox) == 2  # a second confirmation link, no second alert


def test_a_logged_in_user_with_a_verified_address_needs_no_second_proof(client_for, on_commit):
    user = UserFactory(email="konto@beispiel.de")
    client = client_for(user)
    with on_commit():
        response = subscribe(client, email="konto@beispiel.de")
    assert response.status_code == 302
    assert response.url == "/kurse/suchauftrag/meine/"
    assert CourseAlert.objects.get().confirmed_at is not None
    assert mail.outbox == []
    # Another address still needs its confirmation.
    with on_commit():
        subscribe(client, email="fremd@beispiel.de")
    assert CourseAlert.objects.get(email="fremd@beispiel.de").confirmed_at is None
    assert len(mail.outbox) == 1


# --- hostile input and limits ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": ""}, "Dieses Feld"),
        ({"email": "kein-at-zeichen"}, "gültige E-Mail"),
        ({"email": "anna@beispiel.de\r\nBcc: alle@beispiel.de"}, "gültige E-Mail"),
        ({"email": "jürgen@beispiel.de"}, "gültige E-Mail"),
        ({"email": "a" * 250 + "@beispiel.de"}, "höchstens 254"),
        ({"email": "nul\x00@beispiel.de"}, "Null"),
        ({"consent": ""}, "Dieses Feld"),
        ({"frequency": "hourly"}, "gültige Auswahl"),
        ({"suche": "beginn=gestern"}, "nicht kennt"),
        ({"suche": "thema=gibt-es-nicht"}, "nicht kennt"),
        ({"suche": "q=" + "x" * 3000}, "höchstens 2000"),
        ({"website": "https://spam.example"}, "automatisch erstellt"),
    ],
)
def test_bad_subscriptions_are_explained_and_nothing_is_stored(client, data, error):
    response = subscribe(client, **data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not CourseAlert.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_unknown_parameters_are_dropped_from_the_saved_search(client):
    subscribe(client, suche="q=Excel&utm_source=newsletter&seite=4&%3Cscript%3E=1")
    assert CourseAlert.objects.get().query == "q=Excel"


def test_words_taken_back_as_text_stay_text_when_the_alert_link_is_followed(client):
    # "Teilzeit" was understood as a filter, and the person took it back as a search word.
    subscribe(client, suche="q=Teilzeit+Pflege&als_text=Teilzeit")
    alert = CourseAlert.objects.get()
    assert alert.query == "als_text=Teilzeit&q=Teilzeit+Pflege"
    response = client.get(path_of(alert_links(alert)["results_url"]))
    assert response.status_code == 200  # no redirect that turns "Teilzeit" into a filter
    assert response.context["result"].query == "Teilzeit Pflege"


def test_internationalised_domain_is_accepted(client, on_commit):
    with on_commit():
        assert subscribe(client, email="info@müller-bildung.de").status_code == 302
    assert mail.outbox[0].to == ["info@müller-bildung.de"]


@pytest.fixture
def private_cache(settings):
    """Rate limits count in the cache; the shared test Redis is flushed by other test runs."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "alerts",
        }
    }


def test_a_thousand_alerts_from_one_address_are_stopped(client, on_commit, private_cache):
    with on_commit():
        responses = [
            subscribe(client, suche=f"q=Kurs{n}", remote_addr=f"10.0.{n // 250}.{n % 250}")
            for n in range(1000)
        ]
    assert sum(r.status_code == 302 for r in responses) == 3
    assert "Zu viele Suchaufträge" in responses[-1].content.decode()
    assert CourseAlert.objects.count() == 3
    assert len(mail.outbox) == 3


def test_one_network_address_cannot_subscribe_many_addresses(client, private_cache):
    responses = [subscribe(client, email=f"person{n}@beispiel.de") for n in range(15)]
    assert sum(r.status_code == 302 for r in responses) == 10
    assert CourseAlert.objects.count() == 10


def test_one_address_has_at_most_ten_alerts(on_commit):
    with on_commit():
        for n in range(MAX_ALERTS_PER_ADDRESS):
            course_alert_subscribe(email="viel@beispiel.de", query=f"q=Kurs{n}")
        with pytest.raises(AlertLimitReached):
            course_alert_subscribe(email="viel@beispiel.de", query="q=noch+einer")


# --- managing without an account ------------------------------------------------------------


def test_frequency_is_changed_through_the_link(client, confirmed_alert):
    url = f"/kurse/suchauftrag/{confirmed_alert.token}/"
    page = client.get(url + "?haeufigkeit=daily")
    assert page.status_code == 200
    assert "„Excel“" in page.content.decode()
    response = client.post(url, {"frequency": "daily"})
    assert response.status_code == 302
    confirmed_alert.refresh_from_db()
    assert confirmed_alert.frequency == AlertFrequency.DAILY
    assert client.post(url, {"frequency": "<script>"}).status_code == 400


@pytest.mark.parametrize("token", ["x" * 43, "a" * 64, "../" * 10])
def test_unknown_tokens_find_nothing(client, confirmed_alert, token):
    assert client.get(f"/kurse/suchauftrag/{token}/").status_code == 404
    assert client.get(f"/kurse/suchauftrag/{token}/abmelden/").status_code == 404
    assert CourseAlert.objects.filter(pk=confirmed_alert.pk).exists()


def test_unsubscribe_asks_on_get_and_ends_on_post(confirmed_alert):
    client = Client(enforce_csrf_checks=True)
    url = f"/kurse/suchauftrag/{confirmed_alert.token}/abmelden/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Ja, Suchauftrag beenden" in page.content.decode()
    assert CourseAlert.objects.exists()
    # RFC 8058: the mail provider posts this body, without cookie or CSRF token.
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not CourseAlert.objects.exists()
    assert client.post(url).status_code == 200  # once more: same answer


def test_account_lists_the_alerts_of_its_verified_addresses(client_for, confirmed_alert):
    owner = UserFactory(email="anna@beispiel.de")
    stranger = UserFactory(email="fremd@beispiel.de")
    unverified = UserFactory(email="ANNA@beispiel.de".lower() + ".de", verified=False)
    mine = client_for(owner).get("/kurse/suchauftrag/meine/").content.decode()
    assert confirmed_alert.token in mine
    assert (
        confirmed_alert.token
        not in client_for(stranger).get("/kurse/suchauftrag/meine/").content.decode()
    )
    assert (
        confirmed_alert.token
        not in client_for(unverified).get("/kurse/suchauftrag/meine/").content.decode()
    )
    response = client_for(None).get("/kurse/suchauftrag/meine/")
    assert response.status_code == 302
    assert "/konto/login/" in response.url
    assert "/kurse/suchauftrag/meine/" in client_for(owner).get("/mein-bereich/").content.decode()


# --- the digest ------------------------------------------------------------------------------


def test_digest_sends_new_matching_courses_once(confirmed_alert, on_commit):
    with on_commit():
        OfferFactory(title="Excel für Einsteiger", published_at=timezone.now())
        OfferFactory(title="Schweißen Grundkurs", published_at=timezone.now())
        OfferFactory(title="Excel Entwurf", status=OfferStatus.DRAFT)
    with on_commit():
        run = course_alert_digests_send(frequency="weekly")
    assert (run.sent, run.nothing_new) == (1, 0)
    [message] = mail.outbox
    assert message.to == ["anna@beispiel.de"]
    assert message.subject == "Ein neuer Kurs zu Ihrer Suche"
    assert "Excel für Einsteiger" in message.body
    assert "Schweißen" not in message.body
    assert "Entwurf" not in message.body
    token = confirmed_alert.token
    unsubscribe = f"https://beweqo.test/kurse/suchauftrag/{token}/abmelden/"
    assert unsubscribe in message.body
    assert f"https://beweqo.test/kurse/suchauftrag/{token}/" in message.body
    assert "https://beweqo.test/kurse/?q=Excel" in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0][1] == "text/html"

    # The beat task runs again (or on a second worker): nothing more.
    with on_commit():
        again = course_alert_digests_send(frequency="weekly")
    assert (again.sent, again.already_claimed) == (0, 1)
    assert len(mail.outbox) == 1
    claim = DigestClaim.objects.get()
    assert claim.period == digest_period("weekly", timezone.now())
    assert claim.message.recipient == "anna@beispiel.de"


def test_no_mail_when_nothing_new_matches(confirmed_alert, on_commit):
    with on_commit():
        OfferFactory(title="Schweißen Grundkurs")
        run = course_alert_digests_send(frequency="weekly")
    assert (run.sent, run.nothing_new) == (0, 1)
    assert mail.outbox == []
    assert DigestClaim.objects.get().message is None


def test_a_new_date_of_an_old_offer_is_news(confirmed_alert, on_commit):
    with on_commit():
        old = OfferFactory(title="Excel Aufbaukurs", dates=[])
    # An update, not save(): save() would write back the instance's empty search vector.
    Offer.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    with on_commit():
        course_alert_digests_send(frequency="weekly", now=timezone.now() - timedelta(days=7))
    assert mail.outbox == []
    with on_commit():
        OfferDateFactory(offer=old)
    with on_commit():
        run = course_alert_digests_send(frequency="weekly")
    assert run.sent == 1
    assert "Excel Aufbaukurs (neuer Termin)" in mail.outbox[0].body


def test_what_was_in_one_digest_is_not_in_the_next(confirmed_alert, on_commit):
    with on_commit():
        OfferFactory(title="Excel für Einsteiger")
    with on_commit():
        assert course_alert_digests_send(frequency="weekly").sent == 1
    next_week = timezone.now() + timedelta(days=7)
    with on_commit():
        assert course_alert_digests_send(frequency="weekly", now=next_week).sent == 0
    assert len(mail.outbox) == 1


def test_daily_alerts_are_not_in_the_weekly_run(confirmed_alert, on_commit):
    confirmed_alert.frequency = AlertFrequency.DAILY
    confirmed_alert.save()
    with on_commit():
        OfferFactory(title="Excel für Einsteiger")
    with on_commit():
        assert course_alert_digests_send(frequency="weekly").alerts == 0
        assert course_alert_digests_send(frequency="daily").sent == 1


def test_queries_per_digest_do_not_grow_with_the_number_of_alerts(on_commit):
    confirmed_at = timezone.now() - timedelta(days=2)
    with on_commit():
        OfferFactory(title="Excel für Einsteiger")
        OfferFactory(title="Pflege Basiskurs")

    def queries_for(count: int, period_offset: int) -> int:
        CourseAlert.objects.all().delete()
        for n in range(count):
            alert = course_alert_subscribe(
                email=f"p{n}@beispiel.de", query=["q=Excel", "q=Pflege", ""][n % 3]
            )
            course_alert_confirm(alert=alert, now=confirmed_at)
        now = timezone.now() + timedelta(weeks=period_offset)
        with CaptureQueriesContext(connection) as captured:
            run = course_alert_digests_send(frequency="weekly", now=now)
        assert run.sent == count
        return len(captured)

    # The same three searches for 3 and for 30 alerts: the same queries. A batch of alerts
    # costs a fixed handful (claims, mails, watermarks); a search costs its offers once.
    assert queries_for(3, 1) == queries_for(30, 2)


def test_digests_are_written_in_batches_and_each_alert_once(
    confirmed_alert, on_commit, monkeypatch
):
    monkeypatch.setattr(alerts, "DIGEST_BATCH", 2)
    for n in range(4):
        alert = course_alert_subscribe(email=f"p{n}@beispiel.de", query="q=Excel")
        course_alert_confirm(alert=alert, now=timezone.now() - timedelta(days=8))
    with on_commit():
        OfferFactory(title="Excel für Einsteiger")
    with on_commit():
        run = course_alert_digests_send(frequency="weekly")
    assert (run.alerts, run.sent) == (5, 5)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["anna@beispiel.de", *(f"p{n}@beispiel.de" for n in range(4))]
    )
    # Each mail carries its own alert's links, though the search was rendered once.
    for message in mail.outbox:
        token = CourseAlert.objects.get(email=message.to[0]).token
        assert f"/kurse/suchauftrag/{token}/abmelden/" in message.body
        assert f"/kurse/suchauftrag/{token}/abmelden/" in message.alternatives[0].content
        assert message.extra_headers["List-Unsubscribe"].endswith(f"/{token}/abmelden/>")
        assert alerts._TOKEN_STANDIN not in message.body + message.alternatives[0].content


def test_a_crash_in_a_batch_leaves_no_half_state(confirmed_alert, on_commit, monkeypatch):
    with on_commit():
        OfferFactory(title="Excel für Einsteiger")
    before = CourseAlert.objects.values_list("last_digest_at", "last_date_id").get()

    def crash(**kwargs):
        raise RuntimeError("worker lost its database connection")

    monkeypatch.setattr(alerts, "digest_claims_attach", crash)
    with pytest.raises(RuntimeError), on_commit():
        course_alert_digests_send(frequency="weekly")
    # Claims, mails and the watermark are written together or not at all.
    assert not DigestClaim.objects.exists()
    assert not OutboxMessage.objects.filter(kind="digest").exists()
    assert CourseAlert.objects.values_list("last_digest_at", "last_date_id").get() == before
    assert mail.outbox == []
    monkeypatch.undo()
    with on_commit():
        assert course_alert_digests_send(frequency="weekly").sent == 1  # the rerun sends
    assert len(mail.outbox) == 1


def test_a_stored_bad_address_does_not_hold_up_the_others(confirmed_alert, on_commit):
    broken = course_alert_subscribe(email="zweite@beispiel.de", query="q=Excel")
    course_alert_confirm(alert=broken, now=timezone.now() - timedelta(days=8))
    CourseAlert.objects.filter(pk=broken.pk).update(email="kaputt\r\nBcc: x@beispiel.de")
    with on_commit():
        OfferFactory(title="Excel für Einsteiger")
    with on_commit():
        run = course_alert_digests_send(frequency="weekly")
    assert (run.sent, run.undeliverable) == (1, 1)
    assert [m.to for m in mail.outbox] == [["anna@beispiel.de"]]


def test_broker_down_while_subscribing_saves_and_sends_later(client, on_commit, monkeypatch):
    from kombu.exceptions import OperationalError

    from outbox.delivery import messages_requeue
    from outbox.tasks import outbox_send

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(outbox_send, "apply_async", broker_down)
    with on_commit():
        response = subscribe(client)
    assert response.status_code == 302
    assert CourseAlert.objects.exists()
    assert mail.outbox == []
    monkeypatch.undo()
    messages_requeue(now=timezone.now() + timedelta(minutes=11))
    assert len(mail.outbox) == 1
