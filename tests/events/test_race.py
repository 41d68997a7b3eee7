"""The last seat under concurrent registrations, on PostgreSQL: two requests at the same
moment, exactly one gets the seat. Each request runs in its own thread with its own
database connection, as two gunicorn workers would."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from events import services as events_services
from events.models import EventRegistration
from tests.conftest import requires_postgres
from tests.events.test_support import portal_event

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def _race(event, *, slow_down, monkeypatch, round_: int = 0) -> list[int]:
    """Two registrations for `event` released together; returns their status codes."""
    if slow_down:
        # Widen the window between reading the free seats and writing the registration, so
        # that without the row lock both requests would see the last seat as free.
        real = events_services.registration_open

        def slow(event, **kwargs):
            time.sleep(0.3)
            return real(event, **kwargs)

        monkeypatch.setattr(events_services, "registration_open", slow)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def visitor(number: int) -> None:
        try:
            client = Client(REMOTE_ADDR=f"192.0.{round_}.{number}")
            barrier.wait()
            response = client.post(
                reverse("events:event_register", args=[event.pk]),
                {"name": f"Person {number}", "email": f"person{round_}-{number}@beispiel.de"},
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=visitor, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(codes)


@pytest.mark.parametrize("slow_down", [True, False])
def test_two_visitors_for_the_last_seat_exactly_one_gets_it(monkeypatch, slow_down):
    event = portal_event(seats=1, waiting_list=False)
    assert _race(event, slow_down=slow_down, monkeypatch=monkeypatch) == [200, 400]
    assert list(EventRegistration.objects.values_list("status", flat=True)) == ["confirmed"]


def test_with_a_waiting_list_the_second_visitor_waits(monkeypatch):
    event = portal_event(seats=1, waiting_list=True)
    assert _race(event, slow_down=True, monkeypatch=monkeypatch) == [200, 200]
    assert sorted(EventRegistration.objects.values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
    ]


def test_many_rounds_never_overbook(monkeypatch):
    """Without the widened window too: twenty events with one seat, two visitors each."""
    for round_ in range(20):
        event = portal_event(seats=1, waiting_list=False)
        codes = _race(event, slow_down=False, monkeypatch=monkeypatch, round_=round_)
        assert codes == [200, 400]
        assert event.registrations.filter(status="confirmed").count() == 1
