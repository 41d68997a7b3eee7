"""Celery: a real worker on the Redis broker runs tasks queued with delay_on_commit."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

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


def test_tasks_renamed_by_the_app_split_still_run_under_their_old_names():
    """A message queued before the deployment names the task the old way."""
    from beweqo.celery import RENAMED_TASKS

    app.loader.import_default_modules()
    app.finalize()
    for old, new in RENAMED_TASKS.items():
        assert new in app.tasks, new
        assert old in app.tasks, old
    # Beat itself uses the new names only.
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
        assert entry["task"] not in RENAMED_TASKS, entry["task"]


@pytest.mark.django_db
def test_an_old_task_name_runs_the_renamed_task():
    from news.models import NewsletterSubscriber

    NewsletterSubscriber.objects.create(
        email="alt@beispiel.de", created_at=timezone.now() - timedelta(days=30)
    )
    app.loader.import_default_modules()  # as a worker does when it starts
    app.finalize()
    result = app.tasks["network.newsletter_purge_unconfirmed"].apply()
    assert result.get() == 1
    assert not NewsletterSubscriber.objects.exists()
