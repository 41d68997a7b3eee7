"""Redis stops while someone asks for counselling: the request and its two mails (the
reference to the person, the notice to the counsellors) are saved all the same, the page
answers at once, and each mail arrives exactly once after Redis is back.

A private redis-server (tests/outbox/conftest.py) is the cache and the Celery broker, and a
real worker and a real SMTP server (aiosmtpd) deliver, as in the course alert's half of
this test (tests/offerings/test_alerts_redis.py).
"""

import shutil
import time
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beweqo.celery import app
from counselling.models import CounsellingRequest
from outbox.delivery import messages_requeue
from outbox.models import MessageStatus, OutboxMessage
from tests.outbox.conftest import (  # noqa: F401
    private_redis,
    smtp_server,
    smtp_sink,
    wait_for,
)

pytestmark = [
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
    pytest.mark.django_db(transaction=True),
]


def _form(**overrides):
    return {
        "submission_key": str(uuid.uuid4()),
        "name": "Sabine K.",
        "contact": "sabine@beispiel.de",
        "channel": "phone",
        "language": "de",
        "district": "ostalbkreis",
        "situation": "returning",
        "topic": "continuing_education",
        "message": "Ich möchte nach der Elternzeit wieder einsteigen.",
        "consent": "on",
        "website": "",
    } | overrides


def test_request_submitted_while_redis_is_down_is_saved_and_mailed_once_later(
    private_redis,  # noqa: F811
    smtp_sink,  # noqa: F811
    service,
    counsellor,
):
    private_redis.stop()

    client = Client()
    started = time.monotonic()
    response = client.post(reverse("counselling:request"), _form())
    elapsed = time.monotonic() - started
    # The person gets the confirmation page, not an error, and does not wait for the
    # broker: two mails are queued, and kombu's default retrying would take about six
    # seconds for each. The bound is generous; an answer takes well under a second.
    assert response.status_code == 302
    assert response.url == reverse("counselling:request_sent")
    assert elapsed < 4, f"the form waited {elapsed:.1f} s for the broker"
    request = CounsellingRequest.objects.get()
    assert request.service == service
    page = client.get(response.url).content.decode()
    assert request.reference in page
    assert sorted(OutboxMessage.objects.values_list("recipient", "status")) == sorted(
        [
            ("sabine@beispiel.de", MessageStatus.QUEUED),
            (counsellor.email, MessageStatus.QUEUED),
        ]
    )
    assert smtp_sink.messages == []

    private_redis.start()
    with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False):
        # The sweeper (beat, every five minutes) finds the mails whose tasks never got out.
        assert messages_requeue(now=timezone.now() + timedelta(minutes=11)) == 2
        assert wait_for(lambda: len(smtp_sink.messages) == 2), "no mail after Redis returned"
        assert not wait_for(lambda: len(smtp_sink.messages) > 2, timeout=1.5)

    received = {message["To"]: message for message in smtp_sink.messages}
    assert set(received) == {"sabine@beispiel.de", counsellor.email}
    confirmation = received["sabine@beispiel.de"].get_body(("plain",)).get_content()
    assert request.reference in confirmation
    notice = received[counsellor.email]
    notice_text = notice.get_body(("plain",)).get_content()
    assert request.reference in notice_text
    # The counsellors' mail carries no personal data, Redis outage or not.
    assert "Elternzeit" not in notice_text
    assert "sabine@beispiel.de" not in notice_text
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
