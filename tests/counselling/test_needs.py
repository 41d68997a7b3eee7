"""Company training needs: registered without an account; the demand board groups them by
topic, district and period, flags groups of three companies; the network office builds a
joint measure, invites providers, links an offer and the companies are told."""

import uuid

import pytest
from django.urls import reverse

from counselling.models import CompanyNeed, JointMeasureStatus
from counselling.periods import period_choices
from counselling.selectors import JOINT_COURSE_MIN_COMPANIES, demand_board
from counselling.services import joint_measure_create, joint_measure_link_offer
from offerings.models import Topic
from outbox.models import OutboxMessage
from tests.factories import CompanyNeedFactory, InstitutionFactory
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db
URL = reverse("counselling:need")


def need_data(**overrides):
    return {
        "submission_key": str(uuid.uuid4()),
        "topic": Topic.objects.get(slug="metall-elektro").pk,
        "description": "WIG-Schweißen für Einsteiger",
        "participants": "5",
        "period": period_choices()[0][0],
        "format": "onsite",
        "district": "ostalbkreis",
        "size_band": "lt50",
        "sector": "industry",
        "company_name": "Metallbau Kurz GmbH",
        "contact_name": "Jana Weber",
        "email": "personal@metallbau-kurz.de",
        "phone": "",
        "consent": "on",
        "website": "",
    } | overrides


def test_a_company_registers_a_need_without_an_account(client):
    response = client.post(URL, need_data())
    assert response.status_code == 302
    need = CompanyNeed.objects.get()
    assert need.company_name == "Metallbau Kurz GmbH"
    assert need.consent_at is not None
    assert OutboxMessage.objects.filter(recipient="personal@metallbau-kurz.de").exists()


def test_the_same_need_posted_twice_is_one(client):
    data = need_data()
    client.post(URL, data)
    client.post(URL, data)
    assert CompanyNeed.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "keine-adresse"},
        {"participants": "0"},
        {"participants": "100000"},
        {"period": "1999-Q1"},
        {"description": "x" * 301},
        {"phone": "abc"},
        {"consent": ""},
        {"website": "spam"},
        {"topic": "999999"},
    ],
)
def test_bad_needs_are_refused(client, changes):
    response = client.post(URL, need_data(**changes))
    assert response.status_code == 200
    assert not CompanyNeed.objects.exists()


def test_a_flood_of_needs_is_limited(client, local_cache):
    for number in range(5):
        client.post(URL, need_data(email=f"p{number}@betrieb.de"))
    response = client.post(URL, need_data(email="noch@betrieb.de"))
    assert response.status_code == 200
    assert CompanyNeed.objects.count() == 5


def test_the_board_groups_by_topic_district_and_period():
    metall = Topic.objects.get(slug="metall-elektro")
    it = Topic.objects.get(slug="it-digitalisierung")
    for _ in range(2):
        CompanyNeedFactory(topic=metall, period="2027-Q2")
    CompanyNeedFactory(topic=metall, period="2027-Q3")
    CompanyNeedFactory(topic=metall, period="2027-Q2", district="heidenheim")
    CompanyNeedFactory(topic=it, period="2027-Q2")
    groups = {(g.topic.slug, g.district, g.period): g.companies for g in demand_board()}
    assert groups == {
        ("metall-elektro", "ostalbkreis", "2027-Q2"): 2,
        ("metall-elektro", "ostalbkreis", "2027-Q3"): 1,
        ("metall-elektro", "heidenheim", "2027-Q2"): 1,
        ("it-digitalisierung", "ostalbkreis", "2027-Q2"): 1,
    }


def test_three_companies_make_a_chance_for_a_joint_course():
    assert JOINT_COURSE_MIN_COMPANIES == 3
    for _ in range(2):
        CompanyNeedFactory()
    assert not demand_board()[0].is_joint_course_chance
    # The same company twice is still two companies short of three.
    CompanyNeedFactory(email=CompanyNeed.objects.first().email.upper())
    assert demand_board()[0].companies == 2
    assert not demand_board()[0].is_joint_course_chance
    CompanyNeedFactory()
    group = demand_board()[0]
    assert (group.companies, group.is_joint_course_chance) == (3, True)
    assert group.participants == 16


def test_chances_come_first_on_the_board():
    CompanyNeedFactory(topic=Topic.objects.get(slug="it-digitalisierung"))
    for _ in range(3):
        CompanyNeedFactory()
    assert [g.topic.slug for g in demand_board()] == ["metall-elektro", "it-digitalisierung"]


def test_joint_measure_invites_providers_and_tells_companies_when_met(client_for, office):
    needs = [CompanyNeedFactory() for _ in range(3)]
    provider = InstitutionFactory(email="kurse@bildungswerk.de")
    silent = InstitutionFactory(email="")
    client = client_for(office)
    response = client.post(
        reverse("counselling:joint_measure_new"),
        {
            "thema": needs[0].topic.pk,
            "landkreis": "ostalbkreis",
            "zeitraum": "2027-Q2",
            "title": "Verbundkurs Schweißen",
            "providers": [provider.pk],
        },
    )
    assert response.status_code == 302
    measure = needs[0].__class__.objects.get(pk=needs[0].pk).joint_measure
    assert measure.needs.count() == 3
    invitation = OutboxMessage.objects.get(recipient="kurse@bildungswerk.de")
    assert "3 Unternehmen" in invitation.text
    assert "12 Teilnehmende" in invitation.text
    assert needs[0].company_name not in invitation.text
    assert not silent.joint_measure_invitations.exists()
    # The group has left the board.
    assert demand_board() == []

    offer = OfferFactory()
    response = client.post(
        reverse("counselling:joint_measure_link", args=[measure.pk]), {"offer": offer.pk}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.offer) == (JointMeasureStatus.MET, offer)
    told = OutboxMessage.objects.filter(key__startswith="counselling-need-met-")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(n.email for n in needs)
    assert offer.get_absolute_url() in told.first().text
    # Linking again tells nobody twice.
    assert joint_measure_link_offer(measure=measure, offer=offer) == 0


def test_linking_an_unknown_offer_is_refused(client_for, office):
    CompanyNeedFactory()
    measure = joint_measure_create(
        topic=Topic.objects.get(slug="metall-elektro"),
        district="ostalbkreis",
        period="2027-Q2",
        title="Verbund",
        note="",
        providers=[],
        user=office,
    )
    response = client_for(office).post(
        reverse("counselling:joint_measure_link", args=[measure.pk]), {"offer": 999999}
    )
    assert response.status_code == 200
    measure.refresh_from_db()
    assert measure.status == JointMeasureStatus.INVITING


def test_creating_from_an_unknown_group_is_a_404(client_for, office):
    response = client_for(office).get(reverse("counselling:joint_measure_new") + "?thema=abc")
    assert response.status_code == 404
