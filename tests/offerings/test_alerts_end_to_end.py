"""A course alert end to end, with a real Celery worker on Redis and a real SMTP server:
save, confirm, a matching offer is published, the digest runs, exactly one mail arrives
with the offer and an unsubscribe link that works."""

import re

import pytest
from django.test import Client

from offerings.alerts.tasks import course_alert_digests_send_task
from offerings.models import CourseAlert
from tests.conftest import requires_redis
from tests.offerings.factories import OfferFactory
from tests.outbox.conftest import real_worker, smtp_server, smtp_sink, wait_for  # noqa: F401

pytestmark = [requires_redis, pytest.mark.django_db(transaction=True)]


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_alert_from_subscription_to_unsubscribe(smtp_sink, real_worker):  # noqa: F811
    client = Client(enforce_csrf_checks=False)
    response = client.post(
        "/kurse/suchauftrag/neu/",
        {"email": "anna@beispiel.de", "frequency": "weekly", "consent": "on", "suche": "q=Excel"},
    )
    assert response.status_code == 302
    assert wait_for(lambda: len(smtp_sink.messages) == 1), "no confirmation mail"
    confirm = re.search(
        r"https://beweqo.test(/kurse/suchauftrag/bestaetigen/\S+/)", plain(smtp_sink.messages[0])
    )
    assert client.post(confirm.group(1)).status_code == 302

    OfferFactory(title="Excel im Büro", summary="Tabellen sicher beherrschen.")
    OfferFactory(title="Gabelstapler-Führerschein")
    course_alert_digests_send_task.delay("weekly")
    course_alert_digests_send_task.delay("weekly")  # beat fired twice, or two workers
    assert wait_for(lambda: len(smtp_sink.messages) >= 2), "no digest"
    assert not wait_for(lambda: len(smtp_sink.messages) > 2, timeout=1.5)

    digest = smtp_sink.messages[1]
    assert digest["To"] == "anna@beispiel.de"
    assert "Excel im Büro" in plain(digest)
    assert "Gabelstapler" not in plain(digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"<https://beweqo.test(/\S+/abmelden/)>", digest["List-Unsubscribe"])
    assert unsubscribe.group(1) in plain(digest)
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe.group(1),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert not CourseAlert.objects.exists()
