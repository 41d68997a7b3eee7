"""Data protection: closed requests are anonymised after the configured period (the clock
is shifted to prove it), untouched ones are escalated to the network office, and the
office can export and erase one person's data. Requests have no attachments (see the
model's docstring); notes, history details and outbox mails are what else holds data."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from counselling import tasks
from counselling.models import (
    AccessAction,
    CompanyNeed,
    CounsellingRequest,
    EventKind,
    PersonalDataAccess,
    RequestNote,
)
from counselling.services import (
    request_hand_over,
    request_note_add,
    request_set_status,
    requests_anonymise_closed,
    requests_escalate_untouched,
)
from outbox.models import OutboxMessage
from tests.factories import CompanyNeedFactory, CounsellingRequestFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def closed_request(institution, other_institution, service, other_service, counsellor):
    request = CounsellingRequestFactory(
        institution=institution, service=service, phone="07361 1234"
    )
    request_note_add(request=request, user=counsellor, text="Frau Keller ruft Montag zurück.")
    request_hand_over(
        request=request,
        user=counsellor,
        institution=other_institution,
        reason="Frau Keller zieht um.",
    )
    request_set_status(request=request, user=counsellor, status="closed", outcome="counselled")
    return request


def test_closed_requests_are_anonymised_after_the_period_and_not_before(closed_request, settings):
    settings.COUNSELLING_ANONYMISE_AFTER_DAYS = 183
    closed_at = closed_request.closed_at
    assert requests_anonymise_closed(now=closed_at + 182 * DAY) == 0
    closed_request.refresh_from_db()
    assert closed_request.name == "Sabine Keller"

    assert requests_anonymise_closed(now=closed_at + 184 * DAY) == 1
    closed_request.refresh_from_db()
    assert (
        closed_request.name,
        closed_request.email,
        closed_request.phone,
        closed_request.message,
    ) == ("", "", "", "")
    assert closed_request.anonymised_at is not None
    assert not RequestNote.objects.filter(request=closed_request).exists()
    assert not closed_request.events.exclude(detail="").exists()
    # What statistics need stays.
    assert (
        closed_request.district,
        closed_request.situation,
        closed_request.topic,
        closed_request.outcome,
    ) == (
        "ostalbkreis",
        "returning",
        "continuing_education",
        "counselled",
    )
    assert closed_request.created_at
    assert closed_request.closed_at
    # Nothing in the whole database still names the person.
    for text in ("Keller", "07361 1234"):
        assert not CounsellingRequest.objects.filter(name__contains=text).exists()
        assert not RequestNote.objects.filter(text__contains=text).exists()
    assert closed_request.events.filter(kind=EventKind.ANONYMISED).exists()
    # Running again changes nothing.
    assert requests_anonymise_closed(now=closed_at + 200 * DAY) == 0


def test_the_period_comes_from_the_settings(closed_request, settings):
    settings.COUNSELLING_ANONYMISE_AFTER_DAYS = 10
    assert requests_anonymise_closed(now=closed_request.closed_at + 11 * DAY) == 1


def test_open_requests_are_never_anonymised(institution):
    old = CounsellingRequestFactory(institution=institution, created_at=timezone.now() - 900 * DAY)
    requests_anonymise_closed(now=timezone.now())
    old.refresh_from_db()
    assert old.anonymised_at is None
    assert old.name


def test_the_beat_task_uses_the_real_clock(closed_request, settings, monkeypatch):
    later = closed_request.closed_at + 200 * DAY
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.counselling_requests_anonymise_closed() == 1
    assert "counselling-anonymise" in settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"


def test_company_needs_are_anonymised_after_they_were_met(settings):
    met = CompanyNeedFactory(met_at=timezone.now() - 200 * DAY)
    fresh = CompanyNeedFactory()
    requests_anonymise_closed(now=timezone.now())
    met.refresh_from_db()
    fresh.refresh_from_db()
    assert (met.company_name, met.email, met.contact_name) == ("", "", "")
    assert fresh.email


def test_untouched_requests_are_escalated_once(institution, service, settings):
    now = timezone.now()
    stale = CounsellingRequestFactory(institution=institution, last_activity_at=now - 31 * DAY)
    recent = CounsellingRequestFactory(institution=institution, last_activity_at=now - 29 * DAY)
    closed = CounsellingRequestFactory(
        institution=institution, status="closed", last_activity_at=now - 90 * DAY
    )
    assert requests_escalate_untouched(now=now) == 1
    stale.refresh_from_db()
    recent.refresh_from_db()
    closed.refresh_from_db()
    assert stale.escalated_at is not None
    assert recent.escalated_at is None
    assert closed.escalated_at is None
    mail = OutboxMessage.objects.get(recipient=settings.NETWORK_OFFICE_EMAIL)
    assert stale.reference in mail.text
    assert stale.name not in mail.text
    assert stale.email not in mail.text
    assert requests_escalate_untouched(now=now + DAY) == 0
    assert "counselling-escalate" in settings.CELERY_BEAT_SCHEDULE


def test_office_sees_escalated_requests(institution, service, client_for, office):
    stale = CounsellingRequestFactory(
        institution=institution, last_activity_at=timezone.now() - 40 * DAY
    )
    requests_escalate_untouched()
    page = client_for(office).get(reverse("counselling:office")).content.decode()
    assert stale.reference in page


def test_office_exports_one_persons_data(closed_request, client_for, office):
    CompanyNeedFactory(email=closed_request.email)
    CounsellingRequestFactory(email="jemand.anderes@beispiel.de")
    response = client_for(office).post(
        reverse("counselling:person_data"),
        {"contact": closed_request.email.upper(), "aktion": "export"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert [r["vorgangsnummer"] for r in data["beratungsanfragen"]] == [closed_request.reference]
    assert data["beratungsanfragen"][0]["notizen"][0]["text"] == "Frau Keller ruft Montag zurück."
    assert len(data["weiterbildungsbedarfe"]) == 1
    assert PersonalDataAccess.objects.filter(
        action=AccessAction.EXPORT, reference=closed_request.reference
    ).exists()


def test_office_erases_one_persons_data_after_confirming(closed_request, client_for, office):
    CompanyNeedFactory(email=closed_request.email)
    other = CounsellingRequestFactory(email="jemand.anderes@beispiel.de")
    OutboxMessage.objects.create(key="x", recipient=closed_request.email, subject="s", text="t")
    client = client_for(office)
    unconfirmed = client.post(
        reverse("counselling:person_data"), {"contact": closed_request.email, "aktion": "erase"}
    )
    assert unconfirmed.status_code == 200
    assert CounsellingRequest.objects.filter(pk=closed_request.pk).exists()

    response = client.post(
        reverse("counselling:person_data"),
        {"contact": closed_request.email, "aktion": "erase", "bestaetigt": "ja"},
    )
    assert response.status_code == 302
    assert not CounsellingRequest.objects.filter(pk=closed_request.pk).exists()
    assert not RequestNote.objects.exists()
    assert not CompanyNeed.objects.exists()
    assert not OutboxMessage.objects.filter(recipient=closed_request.email).exists()
    assert CounsellingRequest.objects.filter(pk=other.pk).exists()
    log = PersonalDataAccess.objects.get(action=AccessAction.ERASE)
    assert (log.reference, log.user) == (closed_request.reference, office)


def test_office_finds_a_person_by_phone_in_any_notation(institution, client_for, office):
    request = CounsellingRequestFactory(institution=institution, email="", phone="07361 / 55 66 77")
    page = (
        client_for(office)
        .post(reverse("counselling:person_data"), {"contact": "0736155-6677"})
        .content.decode()
    )
    assert request.reference in page
