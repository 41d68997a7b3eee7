"""Celery: a real worker on the Redis broker runs tasks queued with delay_on_commit."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from beweqo.celery import app
from network.services import accessibility_feedback_submit
from tests.conftest import requires_redis


@pytest.fixture
def real_worker():
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@requires_redis
@pytest.mark.django_db(transaction=True)
def test_task_is_queued_on_commit_and_run_by_a_real_worker(real_worker):
    with transaction.atomic():
        feedback = accessibility_feedback_submit(message="Kontrast der Fußzeile zu schwach.")
        time.sleep(0.5)
        assert mail.outbox == []  # nothing leaves before the commit
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker did not send the notification"
    assert "Kontrast der Fußzeile" in mail.outbox[0].body
    assert str(feedback.pk) in mail.outbox[0].body


@requires_redis
@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_queues_nothing(real_worker):
    def submit_then_fail():
        with transaction.atomic():
            accessibility_feedback_submit(message="Wird zurückgerollt und nie gesendet.")
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        submit_then_fail()
    time.sleep(1.5)
    assert mail.outbox == []


@pytest.mark.django_db
def test_without_broker_tasks_run_inline(django_capture_on_commit_callbacks):
    assert app.conf.task_always_eager
    with django_capture_on_commit_callbacks(execute=True):
        accessibility_feedback_submit(message="Inline ausgeführt, ohne Worker.")
    assert len(mail.outbox) == 1
