"""The public request form: two minutes, no account; routing, confirmation with a
reference, counsellor notification without personal data; and every bad-input and failure
case of the issue: invalid contacts, oversized text, floods, double posts, mail down."""

import uuid

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from counselling.models import CounsellingRequest, EventKind
from counselling.views import RATE_PER_CONTACT, RATE_PER_IP
from outbox.delivery import message_send
from outbox.models import MessageStatus, OutboxMessage
from outbox.tasks import outbox_send

pytestmark = pytest.mark.django_db
URL = reverse("counselling:request")


def form_data(**overrides):
    return {
        "submission_key": str(uuid.uuid4()),
        "name": "Sabine K.",
        "contact": "sabine@beispiel.de",
        "channel": "phone",
        "language": "de",
        "district": "ostalbkreis",
        "situation": "returning",
        "topic": "continuing_education",
        "message": "Ich möchte nach der Elternzeit wieder einsteigen.",
        "consent": "on",
        "website": "",
    } | overrides


def test_the_form_works_without_an_account(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="submission_key"' in response.content.decode()


def test_the_funding_check_preselects_the_topic(client):
    response = client.get(URL + "?thema=funding")
    assert 'value="funding" selected' in response.content.decode()


def test_a_request_is_routed_confirmed_and_notified(client, service, counsellor):
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response.url == reverse("counselling:request_sent")
    request = CounsellingRequest.objects.get()
    assert request.institution == service.institution
    assert request.service == service
    assert request.reference.startswith("BQ-")
    assert request.consent_at is not None
    assert list(request.events.values_list("kind", flat=True)) == [EventKind.ROUTED]

    page = client.get(response.url).content.decode()
    assert request.reference in page
    assert service.institution.name in page

    confirmation = OutboxMessage.objects.get(recipient="sabine@beispiel.de")
    assert request.reference in confirmation.subject + confirmation.text
    notification = OutboxMessage.objects.get(recipient=counsellor.email)
    assert request.reference in notification.text
    # No personal data in the counsellor's mail.
    for secret in ("Sabine", "sabine@beispiel.de", "Elternzeit"):
        assert secret not in notification.subject + notification.text + notification.html


def test_a_phone_number_is_enough_and_no_confirmation_mail_is_sent(client, service, counsellor):
    response = client.post(URL, form_data(contact="07361 / 55 66 77"))
    assert response.status_code == 302
    request = CounsellingRequest.objects.get()
    assert (request.email, request.phone) == ("", "07361 / 55 66 77")
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [counsellor.email]


def test_without_a_fitting_service_the_network_office_is_told(client, settings):
    client.post(URL, form_data())
    request = CounsellingRequest.objects.get()
    assert request.institution is None
    assert OutboxMessage.objects.filter(recipient=settings.NETWORK_OFFICE_EMAIL).exists()


@pytest.mark.parametrize(
    "contact",
    ["sabine@", "keine angabe", "123", "@beispiel.de", "sabine@beispiel", "0736<script>1"],
)
def test_invalid_contacts_get_a_clear_message(client, service, contact):
    response = client.post(URL, form_data(contact=contact))
    assert response.status_code == 200
    assert "E-Mail-Adresse oder eine Telefonnummer" in response.content.decode() or (
        "prüfen Sie die E-Mail-Adresse" in response.content.decode()
    )
    assert not CounsellingRequest.objects.exists()


def test_oversized_text_is_refused_with_the_limit_named(client, service):
    response = client.post(URL, form_data(message="x" * 1001, name="n" * 101))
    assert response.status_code == 200
    body = response.content.decode()
    assert "höchstens 1000 Zeichen" in body
    assert not CounsellingRequest.objects.exists()


def test_consent_is_required(client, service):
    response = client.post(URL, form_data(consent=""))
    assert response.status_code == 200
    assert "Ohne Ihre Einwilligung" in response.content.decode()


def test_the_honeypot_stops_bots(client, service):
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert not CounsellingRequest.objects.exists()


def test_a_form_posted_twice_makes_one_request(client, service, counsellor):
    data = form_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert CounsellingRequest.objects.count() == 1
    assert OutboxMessage.objects.filter(recipient="sabine@beispiel.de").count() == 1


def test_a_flood_from_one_address_is_limited(client, service, local_cache):
    for number in range(RATE_PER_IP):
        response = client.post(URL, form_data(contact=f"person{number}@beispiel.de"))
        assert response.status_code == 302
    response = client.post(URL, form_data(contact="noch.jemand@beispiel.de"))
    assert response.status_code == 200
    assert "Zu viele Anfragen" in response.content.decode()
    assert CounsellingRequest.objects.count() == RATE_PER_IP


def test_a_flood_to_one_contact_is_limited(service, local_cache):
    from django.test import Client

    for number in range(RATE_PER_CONTACT + 1):
        client = Client(REMOTE_ADDR=f"10.0.0.{number + 1}")
        response = client.post(URL, form_data())
    assert response.status_code == 200
    assert CounsellingRequest.objects.count() == RATE_PER_CONTACT


def test_with_the_broker_down_the_request_is_saved_and_the_mail_waits(
    client, service, counsellor, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox_send, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())
    assert response.status_code == 302
    assert CounsellingRequest.objects.count() == 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.QUEUED}


def test_with_the_mail_server_down_the_mail_is_retried_later(client, service, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    client.post(URL, form_data())
    confirmation = OutboxMessage.objects.get(recipient="sabine@beispiel.de")
    assert message_send(message_id=confirmation.pk) == "retry"
    confirmation.refresh_from_db()
    assert confirmation.status == MessageStatus.FAILED_TEMPORARY
    assert CounsellingRequest.objects.count() == 1


def test_the_confirmation_page_needs_a_request_of_this_session(client):
    response = client.get(reverse("counselling:request_sent"))
    assert response.status_code == 302


FUNDING_ANSWERS = (
    "?status=employed&age=35&qualification=older&workplace=bw_private"
    "&company_size=30&hours=200&features=azav"
)


def test_the_funding_checks_result_comes_before_the_questions(client):
    html = client.get(reverse("counselling:funding_check") + FUNDING_ANSWERS).text
    assert html.index('id="ergebnis"') < html.index("Förderung prüfen")
    # The form sends the person to the result, not to the top of the same form.
    assert 'action="/beratung/foerder-check/#ergebnis"' in html
    first = client.get(reverse("counselling:funding_check")).text
    assert 'id="ergebnis"' not in first
    assert "Vier Fragen" in first  # the intro stands above the form
