"""Redis stops while someone subscribes to a course alert: the alert and its confirmation
mail are saved all the same, and the mail arrives once Redis is back and the sweeper runs.

The test starts its own redis-server on a free port (tests/outbox/conftest.py) and points
the cache and the Celery broker at it, so stopping it never touches the shared Redis.
"""

import re
import shutil
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.utils import timezone

from beweqo.celery import app
from offerings.models import CourseAlert
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


def test_alert_submitted_while_redis_is_down_is_saved_and_mailed_later(
    private_redis,  # noqa: F811
    smtp_sink,  # noqa: F811
):
    private_redis.stop()

    started = time.monotonic()
    response = Client().post(
        "/kurse/suchauftrag/neu/",
        {"email": "anna@beispiel.de", "frequency": "weekly", "consent": "on", "suche": "q=Excel"},
    )
    # Saved: no error page, and no wait for the broker. Without the broker's transport
    # options (settings) kombu would retry for about six seconds; with them it takes well
    # under one, so the bound is generous and still tells the two apart.
    assert response.status_code == 302
    assert time.monotonic() - started < 4
    alert = CourseAlert.objects.get()
    assert alert.email == "anna@beispiel.de"
    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.QUEUED
    assert smtp_sink.messages == []

    private_redis.start()
    with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False):
        # The sweeper (beat, every five minutes) finds the mail its task never reached.
        assert messages_requeue(now=timezone.now() + timedelta(minutes=11)) == 1
        assert wait_for(lambda: len(smtp_sink.messages) == 1), "no mail after Redis returned"
        assert not wait_for(lambda: len(smtp_sink.messages) > 1, timeout=1)
    [received] = smtp_sink.messages
    assert received["To"] == "anna@beispiel.de"
    body = received.get_body(("plain",)).get_content()
    assert re.search(r"https://beweqo.test/kurse/suchauftrag/bestaetigen/\S+/", body)
    assert OutboxMessage.objects.get().status == MessageStatus.SENT
