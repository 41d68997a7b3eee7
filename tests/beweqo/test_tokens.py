"""Every link token in the portal's mail serves one purpose (issue 17): a token made for
one purpose is refused by every other, even where the payloads look alike, and the
confirmation links expire.

What expires: the newsletter's and the course alerts' confirmation links after 48 hours
(a confirmation is asked for once, at once). What does not: the one-click unsubscribe and
manage links (newsletter, course alerts, digests), because mail is read late and such a
link can only ever turn mail off; the cancel link of an event registration, which lives as
long as the registration (its data are erased 30 days after the event).
"""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import signing
from django.urls import resolve
from django.utils import timezone

from events.models import EventRegistrationMode
from events.services import _TOKEN_SALT, event_register, registration_from_token, registration_token
from news.newsletter import services as newsletter
from offerings.alerts import services as alerts
from tests.events.test_support import EventFactory
from tests.factories import UserFactory
from workgroups.digest import services as digest

pytestmark = pytest.mark.django_db

SHARED = "dasselbe-geheimnis-fuer-beide-0123456789"


def link_argument(url: str) -> str:
    return next(iter(resolve(urlparse(url).path).kwargs.values()))


@pytest.fixture
def tokens():
    """One token of every kind. The newsletter subscription and the course alert share
    their stored secret, so only the salt keeps their confirmation links apart."""
    subscriber = newsletter.newsletter_subscribe(email="leser@beispiel.de")
    subscriber.token = SHARED
    subscriber.save(update_fields=["token"])
    alert = alerts.course_alert_subscribe(email="leser@beispiel.de", query="q=Excel")
    alert.token = SHARED
    alert.save(update_fields=["token"])
    event = EventFactory(registration_mode=EventRegistrationMode.PORTAL)
    registration = event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    person = UserFactory()
    return {
        "newsletter-confirm": link_argument(newsletter.newsletter_confirm_url(subscriber)),
        "alert-confirm": link_argument(alerts.alert_confirm_url(alert)),
        "event-cancel": registration_token(registration),
        "digest-unsubscribe": digest.unsubscribe_token(person_id=person.pk, what="workgroup"),
    }


READERS = {
    "newsletter-confirm": lambda t: newsletter.newsletter_subscriber_from_confirmation(signed=t),
    "alert-confirm": lambda t: alerts.course_alert_from_confirmation(signed=t),
    "event-cancel": registration_from_token,
    "digest-unsubscribe": digest.unsubscribe_target,
}


def test_each_token_is_read_by_its_own_reader_only(tokens):
    for made_for, token in tokens.items():
        for reader_name, reader in READERS.items():
            accepted = reader(token) is not None
            assert accepted == (reader_name == made_for), (made_for, reader_name)


def test_the_salts_differ():
    salts = [newsletter.CONFIRM_SALT, alerts.CONFIRM_SALT, _TOKEN_SALT, digest.UNSUBSCRIBE_SALT]
    assert len(set(salts)) == len(salts)


@pytest.mark.parametrize(
    ("module", "reader"),
    [
        (newsletter, newsletter.newsletter_subscriber_from_confirmation),
        (alerts, alerts.course_alert_from_confirmation),
    ],
)
def test_confirmation_links_expire_after_48_hours(monkeypatch, module, reader):
    subscriber = newsletter.newsletter_subscribe(email="leser@beispiel.de")
    alert = alerts.course_alert_subscribe(email="leser@beispiel.de", query="q=Excel")
    token = subscriber.token if module is newsletter else alert.token
    assert timedelta(hours=48) == module.CONFIRM_MAX_AGE

    def signed_at(moment):
        monkeypatch.setattr(signing.time, "time", lambda: moment.timestamp())
        value = signing.dumps({"t": token}, salt=module.CONFIRM_SALT, compress=False)
        monkeypatch.undo()
        return value

    now = timezone.now()
    assert reader(signed=signed_at(now - timedelta(hours=47))) is not None
    assert reader(signed=signed_at(now - timedelta(hours=49))) is None
