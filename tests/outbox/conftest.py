"""A real SMTP server (aiosmtpd) inside the test process, and a real Celery worker thread.

`smtp_sink` accepts everything; `smtp_sink_scripted(replies)` answers DATA with the given
replies in turn (e.g. 451 then 250), and `refuse_rcpt` makes it refuse recipients (550).
"""

import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker

from beweqo.celery import app
from beweqo.outbox import services


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
    services._mailer_close()
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
        services._mailer_close()


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
