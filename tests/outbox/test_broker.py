"""Queueing a mail while the broker is away costs the caller (a form submit) a moment, not
seconds: the broker's transport options (settings.CELERY_BROKER_TRANSPORT_OPTIONS) bound
kombu's connection retries and redis-py's socket waits. Without them a stopped Redis held
every publish for about six seconds, and a Redis that accepts but never answers held it
for ever. The outbox's sweeper sends what could not be queued.
"""

import shutil
import socket
import threading
import time

import pytest
from kombu import pools
from kombu.exceptions import OperationalError

from beweqo.celery import app
from outbox.models import MessageStatus, OutboxMessage
from outbox.services import message_enqueue_rendered
from outbox.tasks import outbox_send
from tests.outbox.conftest import _reset_broker_pools, private_redis  # noqa: F401

pytestmark = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="redis-server is not installed"
)


def _publish_duration() -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        outbox_send.apply_async((0,), retry=False)
    except Exception as error:
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def test_publishing_to_a_stopped_redis_fails_at_once(private_redis):  # noqa: F811
    private_redis.stop()
    elapsed, error = _publish_duration()
    assert isinstance(error, OperationalError)
    # Refused connections fail in milliseconds; kombu's default retrying took about six
    # seconds. The bound is generous for a busy machine and still tells the two apart.
    assert elapsed < 2.5, f"publishing waited {elapsed:.1f} s"


@pytest.mark.django_db(transaction=True)
def test_a_mail_enqueued_while_redis_is_stopped_waits_for_the_sweeper(private_redis):  # noqa: F811
    private_redis.stop()
    started = time.monotonic()
    message = message_enqueue_rendered(
        to="anna@beispiel.de", subject="Ihre Anfrage", text="Danke.", key="broker-down:1"
    )
    # Not inside a transaction (transaction=True): the task is queued at once, fails, and
    # the caller goes on; the row waits for the sweeper.
    assert time.monotonic() - started < 2.5
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert OutboxMessage.objects.count() == 1


class SilentServer:
    """Accepts TCP connections and never answers: a Redis that hangs (stopped with SIGSTOP,
    swapping) or a firewall that lets the handshake through."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_broker():
    server = SilentServer()
    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{server.port}/0"
    _reset_broker_pools()
    app.conf.task_always_eager = False
    try:
        yield server
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = previous
        _reset_broker_pools()
        pools.reset()
        server.close()


def test_publishing_to_a_redis_that_never_answers_gives_up(silent_broker):
    result = {}

    def publish():
        result["elapsed"], result["error"] = _publish_duration()

    thread = threading.Thread(target=publish, daemon=True)
    thread.start()
    # socket_timeout (2 s) per attempt, two attempts; without it the publish never returns.
    thread.join(timeout=20)
    assert not thread.is_alive(), "the publish is still waiting for a silent Redis"
    assert silent_broker.accepted, f"the publish never reached the silent server: {result}"
    assert isinstance(result["error"], OperationalError)
    assert result["elapsed"] < 10
