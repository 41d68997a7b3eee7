"""The person's status page: with reference and contact a person sees the stage of their
request (a company that of its need) and nothing a counsellor wrote; a wrong reference and a
wrong contact get the same answer; attempts are limited; withdrawing asks first, then
erases the personal data at once and tells the counsellors by reference only."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from counselling.models import (
    AccessAction,
    CompanyNeed,
    CounsellingRequest,
    Outcome,
    PersonalDataAccess,
    RequestNote,
    RequestStatus,
)
from counselling.selectors import demand_board
from counselling.services import REFERENCE_ALPHABET, joint_measure_create, request_submit
from counselling.views import STATUS_RATE_PER_IP, STATUS_RATE_PER_REFERENCE
from outbox.models import OutboxMessage
from tests.factories import CompanyNeedFactory, CounsellingRequestFactory

pytestmark = pytest.mark.django_db
STATUS = reverse("counselling:status")
WITHDRAW = reverse("counselling:withdraw")
NOT_FOUND = "finden wir keine offene Anfrage"


def look_up(client, reference, contact, url=STATUS, **extra):
    return client.post(url, {"reference": reference, "contact": contact, "website": ""} | extra)


def stage_of(response) -> str:
    match = re.search(r'data-stage="([a-z_]+)">([^<]+)<', response.content.decode())
    return match.group(2) if match else ""


def without_tokens(response) -> str:
    """The page without what changes on every response (CSRF token, CSP nonce)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'nonce="[^"]+"', "", page)


def submit(service, **overrides) -> CounsellingRequest:
    fields = {
        "submission_key": uuid.uuid4(),
        "name": "Sabine Keller",
        "email": "sabine@beispiel.de",
        "phone": "",
        "channel": "phone",
        "language": "de",
        "district": "ostalbkreis",
        "situation": "returning",
        "topic": "continuing_education",
        "message": "Ich möchte nach der Elternzeit wieder einsteigen.",
    }
    return request_submit(**(fields | overrides))


# --- seeing the status -----------------------------------------------------------------------


def test_the_page_asks_for_reference_and_contact_and_takes_the_reference_from_the_mail_link(
    client,
):
    response = client.get(STATUS + "?nummer=BQ-ABC234")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="reference"' in page
    assert 'name="contact"' in page
    assert 'value="BQ-ABC234"' in page


@pytest.mark.parametrize(
    ("status", "outcome", "label"),
    [
        (RequestStatus.NEW, "", "eingegangen"),
        (RequestStatus.IN_CONTACT, "", "in Bearbeitung"),
        (RequestStatus.APPOINTMENT, "", "in Bearbeitung"),
        (RequestStatus.CLOSED, Outcome.COURSE, "abgeschlossen"),
        (RequestStatus.CLOSED, Outcome.NO_CONTACT, "abgeschlossen"),
    ],
)
def test_the_person_sees_the_stage_of_the_request(client, status, outcome, label):
    request = CounsellingRequestFactory(status=status, outcome=outcome)
    response = look_up(client, request.reference, request.email)
    assert response.status_code == 200
    assert stage_of(response) == label
    assert request.reference in response.content.decode()


def test_nothing_the_counsellor_wrote_is_shown(client, counsellor):
    request = CounsellingRequestFactory(status=RequestStatus.CLOSED, outcome=Outcome.FUNDING)
    RequestNote.objects.create(request=request, author=counsellor, text="Vertraulich: Schulden")
    page = look_up(client, request.reference, request.email).content.decode()
    assert stage_of(look_up(client, request.reference, request.email)) == "abgeschlossen"
    assert "Vertraulich" not in page
    assert str(Outcome.FUNDING.label) not in page
    # Nor what the person wrote: the page is no way to read a request's personal data.
    assert request.message not in page
    assert request.name not in page


def test_the_reference_and_contact_are_forgiving_about_case_and_phone_spelling(client):
    request = CounsellingRequestFactory(email="", phone="+49 7361 123456")
    for contact in ("07361 123456", "07361/123456", "0049 7361 123456", "+497361123456"):
        assert stage_of(look_up(client, request.reference.lower(), contact)) == "eingegangen"
    by_mail = CounsellingRequestFactory(email="sabine@beispiel.de")
    assert stage_of(look_up(client, by_mail.reference, " Sabine@Beispiel.DE ")) == "eingegangen"


@pytest.mark.parametrize(
    ("setup", "label"),
    [("open", "eingegangen"), ("measure", "in Bearbeitung"), ("met", "abgeschlossen")],
)
def test_a_company_sees_the_stage_of_its_need(client, network_office, setup, label):
    need = CompanyNeedFactory()
    if setup in ("measure", "met"):
        measure = joint_measure_create(
            topic=need.topic,
            district=need.district,
            period=need.period,
            title="Verbundkurs",
            note="",
            providers=[],
            user=network_office,
        )
        need.refresh_from_db()
        assert need.joint_measure == measure
    if setup == "met":
        CompanyNeed.objects.filter(pk=need.pk).update(met_at=need.created_at)
    response = look_up(client, need.reference, need.email)
    assert stage_of(response) == label
    assert need.company_name not in response.content.decode()


# --- giving nothing away -------------------------------------------------------------------


def test_a_wrong_reference_and_a_wrong_contact_get_the_same_answer(client):
    request = CounsellingRequestFactory(email="sabine@beispiel.de", phone="07361 123456")
    wrong_contact = look_up(client, request.reference, "jemand@beispiel.de")
    wrong_reference = look_up(client, "BQ-ZZZZZZ", "sabine@beispiel.de")
    need_prefix = look_up(client, "BD-ZZZZZZ", "sabine@beispiel.de")
    for response in (wrong_contact, wrong_reference, need_prefix):
        assert response.status_code == 200
        assert NOT_FOUND in response.content.decode()
        assert stage_of(response) == ""
    # Byte for byte the same page, but for what was typed in (echoed in the form).
    typed = (
        without_tokens(wrong_reference)
        .replace("BQ-ZZZZZZ", request.reference)
        .replace("sabine@beispiel.de", "jemand@beispiel.de")
    )
    assert typed == without_tokens(wrong_contact)


def test_a_contact_of_another_request_opens_nothing(client):
    mine = CounsellingRequestFactory(email="sabine@beispiel.de")
    CounsellingRequestFactory(email="other@beispiel.de")
    assert NOT_FOUND in look_up(client, mine.reference, "other@beispiel.de").content.decode()


def test_a_request_with_no_phone_is_not_opened_by_an_empty_or_odd_contact(client):
    request = CounsellingRequestFactory(email="sabine@beispiel.de", phone="")
    for contact in ("", "   ", "---", "+"):
        response = look_up(client, request.reference, contact)
        assert stage_of(response) == "", contact


def test_an_anonymised_request_is_not_found(client, service):
    request = submit(service)
    CounsellingRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.CLOSED, outcome=Outcome.COURSE
    )
    from counselling.services import request_anonymise

    request_anonymise(request=request)
    response = look_up(client, request.reference, "sabine@beispiel.de")
    assert NOT_FOUND in response.content.decode()


def test_guessing_is_limited_per_client(local_cache):
    request = CounsellingRequestFactory()
    client = Client(REMOTE_ADDR="10.1.1.1")
    for number in range(STATUS_RATE_PER_IP):
        response = look_up(client, f"BQ-AAAA{REFERENCE_ALPHABET[number]}A", request.email)
        assert NOT_FOUND in response.content.decode()
    # Now even the right pair gets only the "too many" answer.
    response = look_up(client, request.reference, request.email)
    assert "Zu viele Anfragen" in response.content.decode()
    assert stage_of(response) == ""
    # Another client is not blocked.
    assert stage_of(look_up(Client(REMOTE_ADDR="10.1.1.2"), request.reference, request.email))


def test_guessing_the_contact_of_one_reference_is_limited_across_clients(local_cache):
    request = CounsellingRequestFactory()
    for number in range(STATUS_RATE_PER_REFERENCE):
        client = Client(REMOTE_ADDR=f"10.2.0.{number + 1}")
        look_up(client, request.reference, f"rate{number}@beispiel.de")
    response = look_up(Client(REMOTE_ADDR="10.2.1.1"), request.reference, request.email)
    assert "Zu viele Anfragen" in response.content.decode()


def test_a_bot_filling_the_honeypot_learns_nothing(client):
    request = CounsellingRequestFactory()
    response = look_up(client, request.reference, request.email, website="spam")
    assert stage_of(response) == ""


def test_new_references_are_random_not_sequential(service, client):
    first = submit(service)
    second = submit(service)
    pattern = re.compile(rf"^BQ-[{REFERENCE_ALPHABET}]{{6}}$")
    assert pattern.match(first.reference)
    assert pattern.match(second.reference)


# --- withdrawing -------------------------------------------------------------------------


def test_withdrawing_is_post_only(client):
    assert client.get(WITHDRAW).status_code == 405


def test_withdrawing_asks_first_and_changes_nothing_yet(client, service):
    request = submit(service)
    response = look_up(client, request.reference, "sabine@beispiel.de", url=WITHDRAW)
    assert response.status_code == 200
    assert 'name="bestaetigt" value="ja"' in response.content.decode()
    request.refresh_from_db()
    assert request.email == "sabine@beispiel.de"
    assert request.anonymised_at is None


def test_withdrawing_erases_the_personal_data_and_reads_withdrawn(client, service, counsellor):
    request = submit(service, phone="07361 123456")
    RequestNote.objects.create(request=request, author=counsellor, text="Rückruf Montag")
    assert OutboxMessage.objects.filter(recipient="sabine@beispiel.de").exists()

    response = look_up(
        client, request.reference, "sabine@beispiel.de", url=WITHDRAW, bestaetigt="ja"
    )
    assert response.status_code == 200
    assert stage_of(response) == "zurückgezogen"

    row = CounsellingRequest.objects.get(pk=request.pk)
    assert (row.name, row.email, row.phone, row.message, row.channel) == ("", "", "", "", "")
    assert row.anonymised_at is not None
    assert (row.status, row.outcome) == (RequestStatus.CLOSED, Outcome.WITHDRAWN)
    assert row.closed_at is not None
    # What statistics need stays.
    assert (row.district, row.topic) == ("ostalbkreis", "continuing_education")
    assert not row.notes.exists()
    # The confirmation mail (it carries the address) is gone from the outbox too.
    assert not OutboxMessage.objects.filter(recipient="sabine@beispiel.de").exists()
    assert PersonalDataAccess.objects.filter(
        reference=request.reference, action=AccessAction.ERASE, user=None
    ).exists()
    # Afterwards the pair opens nothing: there is nothing left to match the contact.
    assert NOT_FOUND in look_up(client, request.reference, "sabine@beispiel.de").content.decode()


def test_the_counsellors_are_told_without_personal_data(client, service, counsellor):
    request = submit(service, phone="07361 123456")
    look_up(client, request.reference, "sabine@beispiel.de", url=WITHDRAW, bestaetigt="ja")
    mail = OutboxMessage.objects.get(key__startswith="counselling-withdrawn-")
    assert mail.recipient == counsellor.email
    assert request.reference in mail.subject
    for body in (mail.text, mail.html, mail.subject):
        for personal in ("Sabine", "sabine@beispiel.de", "7361", "Elternzeit"):
            assert personal not in body


def test_the_counsellor_who_took_it_over_is_the_one_told(client, service, counsellor):
    from counselling.services import request_claim
    from network.models import MembershipRole
    from tests.counselling.conftest import with_mfa
    from tests.factories import MembershipFactory

    colleague = with_mfa(
        MembershipFactory(institution=service.institution, role=MembershipRole.COUNSELLOR).user
    )
    request = submit(service)
    request_claim(request=request, user=colleague)
    look_up(client, request.reference, "sabine@beispiel.de", url=WITHDRAW, bestaetigt="ja")
    recipients = list(
        OutboxMessage.objects.filter(key__startswith="counselling-withdrawn-").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == [colleague.email]


def test_a_request_with_no_institution_tells_the_network_office(client, settings):
    request = CounsellingRequestFactory(institution=None)
    look_up(client, request.reference, request.email, url=WITHDRAW, bestaetigt="ja")
    mail = OutboxMessage.objects.get(key__startswith="counselling-withdrawn-")
    assert mail.recipient == settings.NETWORK_OFFICE_EMAIL


def test_withdrawing_with_a_wrong_contact_changes_nothing(client, service):
    request = submit(service)
    response = look_up(
        client, request.reference, "fremd@beispiel.de", url=WITHDRAW, bestaetigt="ja"
    )
    assert NOT_FOUND in response.content.decode()
    request.refresh_from_db()
    assert request.email == "sabine@beispiel.de"
    assert request.anonymised_at is None
    assert not OutboxMessage.objects.filter(key__startswith="counselling-withdrawn-").exists()


def test_a_company_withdraws_its_need(client, settings):
    need = CompanyNeedFactory(phone="07361 98765", description="WIG-Schweißen")
    CompanyNeedFactory(topic=need.topic, district=need.district, period=need.period)
    assert sum(len(g.needs) for g in demand_board()) == 2

    response = look_up(client, need.reference, need.email, url=WITHDRAW, bestaetigt="ja")
    assert stage_of(response) == "zurückgezogen"
    row = CompanyNeed.objects.get(pk=need.pk)
    assert (row.company_name, row.contact_name, row.email, row.phone, row.description) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert row.withdrawn_at is not None
    assert row.anonymised_at is not None
    # It leaves the demand board.
    remaining = [n.pk for g in demand_board() for n in g.needs]
    assert len(remaining) == 1
    assert need.pk not in remaining
    mail = OutboxMessage.objects.get(key=f"counselling-need-withdrawn-{need.pk}")
    assert mail.recipient == settings.NETWORK_OFFICE_EMAIL
    for personal in (need.company_name, need.email, "98765", "WIG"):
        assert personal not in mail.text
        assert personal not in mail.html


# --- where the person learns of the page ----------------------------------------------------


def test_the_sent_page_and_the_mail_name_the_reference_and_link_the_status_page(client, service):
    response = client.post(
        reverse("counselling:request"),
        {
            "submission_key": str(uuid.uuid4()),
            "name": "Sabine K.",
            "contact": "sabine@beispiel.de",
            "channel": "phone",
            "language": "de",
            "district": "ostalbkreis",
            "situation": "returning",
            "topic": "continuing_education",
            "message": "",
            "consent": "on",
            "website": "",
        },
    )
    request = CounsellingRequest.objects.get()
    link = f"{STATUS}?nummer={request.reference}"
    assert link in client.get(response.url).content.decode()
    mail = OutboxMessage.objects.get(recipient="sabine@beispiel.de")
    assert request.reference in mail.text
    assert link in mail.text
    assert link in mail.html


def test_the_need_sent_page_and_mail_name_the_reference(client):
    from tests.counselling.test_needs import need_data

    response = client.post(reverse("counselling:need"), need_data())
    need = CompanyNeed.objects.get()
    assert re.match(rf"^BD-[{REFERENCE_ALPHABET}]{{6}}$", need.reference)
    link = f"{STATUS}?nummer={need.reference}"
    assert link in client.get(response.url).content.decode()
    mail = OutboxMessage.objects.get(recipient=need.email)
    assert link in mail.text
    assert link in mail.html


def test_a_withdrawn_need_joins_no_measure_and_is_not_told_of_a_course(client, network_office):
    from counselling.services import joint_measure_link_offer
    from tests.offerings.factories import OfferFactory

    kept = CompanyNeedFactory()
    withdrawn = CompanyNeedFactory(topic=kept.topic, district=kept.district, period=kept.period)
    look_up(client, withdrawn.reference, withdrawn.email, url=WITHDRAW, bestaetigt="ja")
    measure = joint_measure_create(
        topic=kept.topic,
        district=kept.district,
        period=kept.period,
        title="Verbundkurs",
        note="",
        providers=[],
        user=network_office,
    )
    assert list(measure.needs.all()) == [kept]

    # Withdrawn after it joined a measure: it stays listed, marked, and is not told.
    late = CompanyNeedFactory(topic=kept.topic, district=kept.district, period=kept.period)
    CompanyNeed.objects.filter(pk=late.pk).update(joint_measure=measure)
    look_up(client, late.reference, late.email, url=WITHDRAW, bestaetigt="ja")
    assert joint_measure_link_offer(measure=measure, offer=OfferFactory()) == 1
    late.refresh_from_db()
    assert late.met_at is None
    assert stage_of(look_up(client, kept.reference, kept.email)) == "abgeschlossen"
