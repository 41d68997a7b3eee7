"""The outbox with a real Celery worker on Redis and a real SMTP server."""

import time

import pytest
from django.db import transaction

from network.services import accessibility_feedback_submit
from outbox.models import MessageStatus, OutboxMessage
from outbox.services import message_enqueue
from tests.conftest import requires_redis
from tests.outbox.conftest import wait_for

pytestmark = [requires_redis, pytest.mark.django_db(transaction=True)]


def test_worker_delivers_after_the_commit(smtp_sink, real_worker, settings):
    with transaction.atomic():
        feedback = accessibility_feedback_submit(message="Die Tabelle hat keine Überschriften.")
        time.sleep(0.3)
        assert smtp_sink.messages == []  # nothing leaves before the commit
    assert wait_for(lambda: len(smtp_sink.messages) == 1)
    [received] = smtp_sink.messages
    assert received["To"] == settings.NETWORK_OFFICE_EMAIL
    assert "Überschriften" in received.get_body(("plain",)).get_content()
    assert OutboxMessage.objects.get().status == MessageStatus.SENT
    assert str(feedback.pk) in received.get_body(("plain",)).get_content()


def test_temporary_refusal_then_acceptance_delivers_exactly_once(
    smtp_server, real_worker, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1  # the back-off of a real minute is too slow here
    sink = smtp_server(data_replies=["451 4.7.1 Greylisted, bitte später"])
    message_enqueue(
        to="anna@beispiel.de",
        subject="Test",
        template="network/accessibility_feedback",
        context={"feedback": {"pk": 1, "message": "x"}},
        key="worker:retry",
    )
    assert wait_for(lambda: OutboxMessage.objects.get().status == MessageStatus.SENT)
    message = OutboxMessage.objects.get()
    assert message.attempts == 2
    time.sleep(0.5)
    assert len(sink.messages) == 1


def test_worker_delivers_a_digest_batch_once(smtp_sink, real_worker, settings):
    from outbox.services import message_build, messages_enqueue_many

    settings.OUTBOX_SEND_BATCH = 3
    with transaction.atomic():
        messages_enqueue_many(
            [
                message_build(
                    to=f"person{n}@beispiel.de",
                    subject="Zusammenfassung",
                    text="Neu in dieser Woche",
                    key=f"worker:bulk:{n}",
                )
                for n in range(7)
            ]
        )
    assert wait_for(lambda: len(smtp_sink.messages) == 7)
    assert not wait_for(lambda: len(smtp_sink.messages) > 7, timeout=1)
    assert OutboxMessage.objects.filter(status=MessageStatus.SENT).count() == 7
