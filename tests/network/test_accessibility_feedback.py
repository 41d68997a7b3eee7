"""The feedback channel of the accessibility statement."""

import pytest
from django.core import mail

from network.models import AccessibilityFeedback

pytestmark = pytest.mark.django_db

URL = "/barrierefreiheit/"


def test_feedback_is_stored_and_sent_to_the_network_office(
    client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {
                "page_url": "/mitglieder/",
                "message": "Der Filter lässt sich mit der Tastatur nicht bedienen.",
                "email": "hinweis@beispiel.de",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert "Danke für Ihre Rückmeldung" in response.content.decode()
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.page_url == "/mitglieder/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [settings.NETWORK_OFFICE_EMAIL]
    assert message.reply_to == ["hinweis@beispiel.de"]
    assert "Tastatur" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"message": ""}, "Dieses Feld"),
        ({"message": "kurz"}, "mindestens 10 Zeichen"),
        ({"message": "x" * 10_000}, "höchstens 5000"),
        ({"message": "Eine ordentliche Beschreibung.", "email": "kein-at"}, "E-Mail"),
        ({"message": "Eine ordentliche Beschreibung.", "page_url": "y" * 10_000}, "höchstens 500"),
    ],
)
def test_bad_feedback_is_explained_and_nothing_is_stored(client, data, error):
    response = client.post(URL, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()
    assert mail.outbox == []


def test_a_nul_in_the_message_is_refused_and_nothing_is_stored(client):
    # Refused at the door (common.middleware), before the form sees it.
    response = client.post(URL, {"message": "Null\x00byte in der Nachricht"})
    assert response.status_code == 400
    assert not AccessibilityFeedback.objects.exists()
    assert mail.outbox == []


def test_bots_filling_the_honeypot_are_turned_away(client):
    response = client.post(
        URL,
        {"message": "Billige Uhren hier kaufen, jetzt klicken!", "website": "https://spam.example"},
    )
    assert response.status_code == 200
    assert not AccessibilityFeedback.objects.exists()


def test_feedback_markup_is_escaped_in_the_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"message": "<script>alert('x')</script> Knopf ohne Beschriftung"})
    assert "<script>" in mail.outbox[0].body  # plain text keeps what was written
    assert AccessibilityFeedback.objects.get().message.startswith("<script>")
