"""Mail in the language the person used: a request sent from the English form is confirmed
in English, with links to the English pages; the counsellors' notice stays German."""

import pytest

from counselling.models import CounsellingRequest
from outbox.models import OutboxMessage
from tests.counselling.test_request_form import form_data

pytestmark = pytest.mark.django_db


def test_a_request_from_the_english_form_is_confirmed_in_english(client, service, counsellor):
    response = client.post("/en/beratung/anfrage/", form_data(contact="sam@example.org"))
    assert response.status_code == 302
    assert response.url == "/en/beratung/anfrage/gesendet/"
    request = CounsellingRequest.objects.get()
    assert request.mail_language == "en"

    confirmation = OutboxMessage.objects.get(recipient="sam@example.org")
    assert confirmation.subject == f"Your counselling request {request.reference}"
    assert f"Thank you for your request. Your reference number is {request.reference}." in (
        confirmation.text
    )
    assert "https://beweqo.test/en/beratung/status/?nummer=" in confirmation.text
    assert "Guten Tag" not in confirmation.text + confirmation.html
    assert 'lang="en"' in confirmation.html

    # The counsellors work in German, whatever the person's language.
    notice = OutboxMessage.objects.get(recipient=counsellor.email)
    assert "Beratungsanfrage" in notice.subject


def test_a_request_from_the_german_form_stays_german(client, service, counsellor):
    client.post("/beratung/anfrage/", form_data())
    request = CounsellingRequest.objects.get()
    assert request.mail_language == "de"
    confirmation = OutboxMessage.objects.get(recipient="sabine@beispiel.de")
    assert confirmation.subject == f"Ihre Beratungsanfrage {request.reference}"
    assert "https://beweqo.test/beratung/status/?nummer=" in confirmation.text
