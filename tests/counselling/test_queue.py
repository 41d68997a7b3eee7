"""What counsellors do with a request: claim, status with outcome, notes, hand-over with a
reason; and the filters of the queue."""

import pytest
from django.urls import reverse

from counselling.models import EventKind, RequestStatus
from outbox.models import OutboxMessage
from tests.factories import CounsellingRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_request(institution, service):
    return CounsellingRequestFactory(
        institution=institution, service=service, reference="BQ-QUEUE1"
    )


def url(name, ref="BQ-QUEUE1"):
    return reverse(f"counselling:{name}", args=[ref])


def test_claim_status_note_and_close(client_for, counsellor, open_request):
    client = client_for(counsellor)
    assert client.post(url("request_claim")).status_code == 302
    open_request.refresh_from_db()
    assert open_request.claimed_by == counsellor

    client.post(url("request_status"), {"status": "appointment"})
    client.post(url("request_note"), {"text": "Termin am Dienstag, 10 Uhr."})
    response = client.post(
        url("request_status"),
        {
            "status": "closed",
            "outcome": "course",
            "placement_course": "Staplerschein, Fahrschule Muster",
            "placement_funding": "unknown",
        },
    )
    assert response.status_code == 302
    open_request.refresh_from_db()
    assert (open_request.status, open_request.outcome) == (RequestStatus.CLOSED, "course")
    assert open_request.closed_at is not None
    assert open_request.notes.get().text == "Termin am Dienstag, 10 Uhr."
    page = client.get(url("request_detail")).content.decode()
    assert "Termin am Dienstag" in page


def test_closing_needs_an_outcome(client_for, counsellor, open_request):
    response = client_for(counsellor).post(url("request_status"), {"status": "closed"})
    assert response.status_code == 200
    assert "Bitte geben Sie das Ergebnis an." in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.NEW


def test_an_oversized_note_is_refused(client_for, counsellor, open_request):
    response = client_for(counsellor).post(url("request_note"), {"text": "x" * 2001})
    assert response.status_code == 200
    assert not open_request.notes.exists()


def test_hand_over_moves_the_request_with_its_reason(
    client_for, counsellor, other_counsellor, other_institution, other_service, open_request
):
    response = client_for(counsellor).post(
        url("request_hand_over"),
        {"institution": other_institution.pk, "reason": "Wohnt in Giengen."},
    )
    assert response.status_code == 302
    open_request.refresh_from_db()
    assert open_request.institution == other_institution
    assert open_request.claimed_by is None
    assert open_request.status == RequestStatus.NEW
    event = open_request.events.get(kind=EventKind.HANDED_OVER)
    assert event.detail == "Wohnt in Giengen."
    mail = OutboxMessage.objects.get(recipient=other_counsellor.email)
    assert open_request.reference in mail.text
    assert open_request.name not in mail.text
    # The old institution's counsellor has lost it, the new one has it.
    assert client_for(counsellor).get(url("request_detail")).status_code == 404
    assert client_for(other_counsellor).get(url("request_detail")).status_code == 200


def test_hand_over_needs_a_reason_and_a_target(
    client_for, counsellor, other_institution, other_service, open_request
):
    client = client_for(counsellor)
    assert (
        client.post(url("request_hand_over"), {"institution": other_institution.pk}).status_code
        == 200
    )
    assert (
        client.post(url("request_hand_over"), {"institution": 999999, "reason": "x"}).status_code
        == 200
    )
    open_request.refresh_from_db()
    assert open_request.institution_id != other_institution.pk


def test_queue_filters(client_for, counsellor, institution, service):
    mine = CounsellingRequestFactory(
        institution=institution, reference="BQ-MINE01", claimed_by=counsellor
    )
    free = CounsellingRequestFactory(
        institution=institution, reference="BQ-FREE01", situation="employed"
    )
    closed = CounsellingRequestFactory(
        institution=institution, reference="BQ-DONE01", status="closed"
    )
    client = client_for(counsellor)
    queue = reverse("counselling:queue")

    def refs(query):
        page = client.get(queue + query).content.decode()
        return {r.reference for r in (mine, free, closed) if r.reference in page}

    assert refs("") == {"BQ-MINE01", "BQ-FREE01"}
    assert refs("?ansicht=meine") == {"BQ-MINE01"}
    assert refs("?ansicht=frei") == {"BQ-FREE01"}
    assert refs("?situation=employed") == {"BQ-FREE01"}
    assert refs("?status=closed") == {"BQ-DONE01"}
    assert client.get(queue + "?status=unsinn").status_code == 200


def test_the_queue_costs_the_same_queries_for_one_and_three_requests(
    client_for, counsellor, institution, service
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(counsellor)
    queue = reverse("counselling:queue")
    CounsellingRequestFactory(institution=institution, claimed_by=counsellor)
    client.get(queue)  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(queue)
    for _ in range(2):
        CounsellingRequestFactory(institution=institution, claimed_by=counsellor)
    with CaptureQueriesContext(connection) as three:
        assert client.get(queue).content.decode().count(">BQ-T") == 3
    assert len(three) == len(one)


def test_a_form_error_on_the_detail_page_is_a_logged_access(client_for, counsellor, open_request):
    from counselling.models import PersonalDataAccess

    client_for(counsellor).post(url("request_status"), {"status": "closed"})
    assert PersonalDataAccess.objects.filter(request=open_request, action="view").count() == 1
