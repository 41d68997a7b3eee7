"""Closing a request as "placed in a course" (issue 21): the counsellor finds the course in
the catalogue with the picker (a GET search, no JavaScript) or describes one elsewhere, and
names the funding used; bad combinations are refused with a message and change nothing;
anonymising keeps what the figures need and drops the free text."""

import json

import pytest
from django.urls import reverse

from counselling.models import RequestStatus
from counselling.services import person_data_export, request_anonymise
from offerings.models import OfferStatus
from tests.factories import CounsellingRequestFactory, InstitutionFactory
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db

REF = "BQ-PLACE1"


@pytest.fixture
def open_request(institution, service):
    return CounsellingRequestFactory(
        institution=institution, service=service, reference=REF, status=RequestStatus.IN_CONTACT
    )


@pytest.fixture
def welding():
    return OfferFactory(
        title="Schweißen MAG für Einsteiger",
        institution=InstitutionFactory(name="Bildungszentrum Ostalb"),
    )


def detail(query: str = "") -> str:
    url = reverse("counselling:request_detail", args=[REF])
    return f"{url}?kurs_suche={query}" if query else url


def close(client, **data):
    return client.post(
        reverse("counselling:request_status", args=[REF]),
        {"status": "closed", "outcome": "course", **data},
    )


def test_the_picker_finds_a_catalogue_course_and_the_placement_is_recorded(
    client_for, counsellor, open_request, welding
):
    OfferFactory(title="Buchhaltung kompakt")
    client = client_for(counsellor)
    page = client.get(detail("schweißen ostalb")).content.decode()
    assert "1 Kurs gefunden" in page
    assert f'value="{welding.pk}"' in page
    assert "Buchhaltung kompakt" not in page
    response = close(client, placement_offer=welding.pk, placement_funding="bildungsgutschein")
    assert response.status_code == 302
    open_request.refresh_from_db()
    assert open_request.is_placed
    assert open_request.placement_offer == welding
    assert open_request.placement_funding == "bildungsgutschein"
    page = client.get(detail()).content.decode()
    assert "Schweißen MAG für Einsteiger" in page
    assert "Bildungsgutschein" in page


def test_the_picker_finds_a_course_by_its_number_and_says_when_it_finds_none(
    client_for, counsellor, open_request, welding
):
    client = client_for(counsellor)
    assert f'value="{welding.pk}"' in client.get(detail(str(welding.pk))).content.decode()
    page = client.get(detail("Unterwasserkorbflechten")).content.decode()
    assert "Kein veröffentlichter Kurs gefunden" in page


def test_a_course_elsewhere_is_described_and_none_and_unknown_are_distinct(
    client_for, counsellor, open_request
):
    client = client_for(counsellor)
    close(client, placement_course="  Staplerschein, Fahrschule Muster  ", placement_funding="none")
    open_request.refresh_from_db()
    assert open_request.placement_course == "Staplerschein, Fahrschule Muster"
    assert open_request.placement_funding == "none"
    assert open_request.placement_offer is None
    page = client.get(detail()).content.decode()
    assert "ohne Förderung" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"placement_funding": "unknown"}, "Bitte wählen Sie den Kurs aus dem Katalog"),
        ({"placement_course": "Staplerschein"}, "Bitte geben Sie die Förderung an"),
        ({"placement_course": "x" * 201, "placement_funding": "none"}, "höchstens 200 Zeichen"),
        ({"placement_course": "Kurs", "placement_funding": "lottogewinn"}, "gültige Auswahl"),
        ({"placement_offer": "999999", "placement_funding": "none"}, "gültige Auswahl"),
        ({"placement_offer": "<script>", "placement_funding": "none"}, "gültige Auswahl"),
    ],
)
def test_bad_placements_are_refused_and_change_nothing(
    client_for, counsellor, open_request, data, message
):
    response = close(client_for(counsellor), **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.IN_CONTACT
    assert (open_request.outcome, open_request.placement_course) == ("", "")


def test_a_course_and_a_description_together_are_refused(
    client_for, counsellor, open_request, welding
):
    response = close(
        client_for(counsellor),
        placement_offer=welding.pk,
        placement_course="Staplerschein",
        placement_funding="none",
    )
    assert "nicht beides" in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.IN_CONTACT


def test_an_unpublished_course_cannot_be_chosen(client_for, counsellor, open_request):
    draft = OfferFactory(title="Entwurf", status=OfferStatus.DRAFT)
    response = close(client_for(counsellor), placement_offer=draft.pk, placement_funding="none")
    assert response.status_code == 200
    open_request.refresh_from_db()
    assert open_request.placement_offer is None


def test_another_outcome_with_a_course_is_refused(client_for, counsellor, open_request):
    response = client_for(counsellor).post(
        reverse("counselling:request_status", args=[REF]),
        {"status": "closed", "outcome": "counselled", "placement_course": "Staplerschein"},
    )
    assert "nur beim Ergebnis" in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.IN_CONTACT


def test_reopening_clears_the_placement(client_for, counsellor, open_request, welding):
    client = client_for(counsellor)
    close(client, placement_offer=welding.pk, placement_funding="unknown")
    client.post(reverse("counselling:request_status", args=[REF]), {"status": "in_contact"})
    open_request.refresh_from_db()
    assert (open_request.outcome, open_request.placement_offer, open_request.placement_funding) == (
        "",
        None,
        "",
    )


def test_anonymising_keeps_the_course_and_funding_and_drops_the_free_text(
    client_for, counsellor, open_request, welding
):
    close(
        client_for(counsellor),
        placement_course="Staplerschein bei Herrn Maier, Nachbar von Frau Keller",
        placement_funding="esf-fachkurse-bw",
    )
    other = CounsellingRequestFactory(
        status=RequestStatus.CLOSED,
        outcome="course",
        placement_offer=welding,
        placement_funding="bildungsgutschein",
    )
    for request in (open_request, other):
        request_anonymise(request=request)
    open_request.refresh_from_db()
    other.refresh_from_db()
    assert open_request.placement_course == ""
    assert (open_request.outcome, open_request.placement_funding) == ("course", "esf-fachkurse-bw")
    assert (other.placement_offer, other.placement_funding) == (welding, "bildungsgutschein")
    assert (open_request.district, open_request.situation) == ("ostalbkreis", "returning")


def test_the_data_subject_export_names_the_course(counsellor, welding):
    request = CounsellingRequestFactory(
        status=RequestStatus.CLOSED,
        outcome="course",
        placement_offer=welding,
        placement_funding="none",
    )
    body = json.loads(person_data_export(requests=[request], needs=[], user=counsellor))
    exported = body["beratungsanfragen"][0]
    assert (exported["kurs"], exported["foerderung"]) == ("Schweißen MAG für Einsteiger", "none")
