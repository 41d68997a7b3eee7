"""Course alerts in the language they were set up in: the confirmation and every digest."""

import re

import pytest
from django.core import mail

from offerings.alerts.services import course_alert_digests_send
from offerings.models import CourseAlert
from tests.offerings.factories import OfferDateFactory, OfferFactory
from tests.offerings.test_alerts import path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def subscribe(client, prefix: str, email: str):
    data = {"email": email, "frequency": "weekly", "consent": "on", "suche": "q=Excel"}
    return client.post(f"{prefix}/kurse/suchauftrag/neu/", data)


def test_an_alert_set_up_in_english_is_confirmed_and_sent_in_english(client, on_commit):
    with on_commit():
        response = subscribe(client, "/en", "sam@example.org")
    assert response.url == "/en/kurse/suchauftrag/gesendet/"
    alert = CourseAlert.objects.get()
    assert alert.mail_language == "en"
    [message] = mail.outbox
    assert message.subject == "Please confirm your search alert"
    link = re.search(r"https://beweqo.test/en/kurse/suchauftrag/bestaetigen/\S+/", message.body)
    assert link, message.body
    client.post(path_of(link.group(0)))

    with on_commit():
        OfferDateFactory(offer=OfferFactory(title="Excel für Einsteiger", price=0))
    with on_commit():
        assert course_alert_digests_send(frequency="weekly").sent == 1
    digest = mail.outbox[-1]
    assert "Excel für Einsteiger" in digest.body
    assert "https://beweqo.test/en/kurse/" in digest.body
    assert "Guten Tag" not in digest.body


def test_english_and_german_alerts_on_one_search_each_get_their_own_language(client, on_commit):
    with on_commit():
        subscribe(client, "/en", "sam@example.org")
        subscribe(client, "", "anna@beispiel.de")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "sam@example.org": "Please confirm your search alert",
        "anna@beispiel.de": "Bitte bestätigen Sie Ihren Suchauftrag",
    }
    CourseAlert.objects.update(confirmed_at="2026-01-01T00:00:00Z")
    with on_commit():
        OfferDateFactory(offer=OfferFactory(title="Excel kompakt", price=0))
    mail.outbox.clear()
    with on_commit():
        assert course_alert_digests_send(frequency="weekly").sent == 2
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "https://beweqo.test/en/kurse/" in bodies["sam@example.org"]
    assert "https://beweqo.test/en/kurse/" not in bodies["anna@beispiel.de"]
