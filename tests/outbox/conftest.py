"""A real SMTP server (aiosmtpd) inside the test process, a real Celery worker thread, and
a private redis-server that a test may stop and start.

`smtp_sink` accepts everything; `smtp_sink_scripted(replies)` answers DATA with the given
replies in turn (e.g. 451 then 250), and `refuse_rcpt` makes it refuse recipients (550).
`private_redis` points the cache and the Celery broker at a redis-server of the test alone,
so stopping it never touches the Redis that other tests and people share.
"""

import socket
import subprocess
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from kombu import pools

from beweqo.celery import app
from outbox import smtp


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SinkHandler:
    def __init__(self, data_replies=(), rcpt_reply: str = ""):
        self.data_replies = list(data_replies)
        self.rcpt_reply = rcpt_reply
        self.messages = []
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class Sink:
    def __init__(self, handler: SinkHandler, port: int):
        self.handler = handler
        self.port = port

    @property
    def messages(self):
        return self.handler.messages

    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }


def _start(handler: SinkHandler):
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, Sink(handler, port)


@pytest.fixture
def smtp_server(settings):
    """`smtp_server(data_replies=..., rcpt_reply=...)` starts a sink and points MAILERS at it."""
    controllers = []

    def start(**kwargs) -> Sink:
        controller, sink = _start(SinkHandler(**kwargs))
        controllers.append(controller)
        settings.MAILERS = sink.mailers()
        return sink

    yield start
    smtp.mailer_close()
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_sink(smtp_server) -> Sink:
    return smtp_server()


@pytest.fixture
def real_worker():
    """A Celery worker thread on the Redis broker, as in tests/beweqo/test_celery.py."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False):
            yield
    finally:
        app.conf.task_always_eager = True
        smtp.mailer_close()


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class PrivateRedis:
    """A redis-server of this test alone: no persistence, stopped and started at will."""

    def __init__(self, directory):
        self.port = _free_port()
        self.dir = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.dir)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, timeout=10), "private redis-server did not start"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        assert not self.answers()


def _reset_broker_pools() -> None:
    """Make the app take its connections from the pools of the current broker URL (kombu
    keeps one pool per URL; closing one would leave it closed for good)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path, settings):
    """A running private redis-server as the cache and the broker; tasks are queued for
    real (not run inline), so a test starts a worker (`start_worker`) to run them."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    previous = app.conf.broker_url
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.url,
        },
    }
    app.conf.broker_url = redis.url
    _reset_broker_pools()
    app.conf.task_always_eager = False
    try:
        yield redis
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = previous
        _reset_broker_pools()
        pools.reset()  # drop the private broker's pools with the rest; they come back lazily
        smtp.mailer_close()
        if redis.process.poll() is None:
            redis.stop()
