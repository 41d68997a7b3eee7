"""Action items ("Meine Aufgaben", overdue ones stand out), measures with milestones and
linked offers, and the steering circle's overview with a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    ActionItemFactory,
    MeasureFactory,
    MeetingFactory,
    WorkingGroupMemberFactory,
)
from tests.offerings.factories import OfferFactory
from workgroups.models import ActionItem, Measure

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_my_tasks_lists_open_items_across_groups(client_for, group_member, group, other_group):
    ActionItemFactory(group=group, assignee=group_member, title="Flyer abstimmen")
    ActionItemFactory(group=other_group, assignee=group_member, title="Raum reservieren")
    ActionItemFactory(group=group, assignee=group_member, title="Erledigtes", status="done")
    ActionItemFactory(group=group, title="Jemand anderes")
    overdue = ActionItemFactory(
        group=group,
        assignee=group_member,
        title="Bericht schicken",
        due_date=TODAY - datetime.timedelta(days=2),
    )

    page = client_for(group_member).get("/arbeitsgruppen/meine-aufgaben/").content.decode()
    for title in ("Flyer abstimmen", "Raum reservieren", "Bericht schicken"):
        assert title in page
    assert "Erledigtes" not in page
    assert "Jemand anderes" not in page
    # The overdue item comes first and is marked.
    assert page.index("Bericht schicken") < page.index("Flyer abstimmen")
    assert page.count("überfällig") == 1
    assert overdue.is_overdue


def test_assignee_closes_an_item_from_my_tasks(client_for, group_member, group):
    item = ActionItemFactory(group=group, assignee=group_member)
    response = client_for(group_member).post(
        f"/arbeitsgruppen/{group.slug}/aufgaben/{item.pk}/status/",
        {"status": "done", "next": "meine-aufgaben"},
    )
    assert response.url == "/arbeitsgruppen/meine-aufgaben/"
    item.refresh_from_db()
    assert item.status == "done"


def test_status_change_ignores_foreign_next_targets(client_for, group_member, group):
    item = ActionItemFactory(group=group, assignee=group_member)
    response = client_for(group_member).post(
        f"/arbeitsgruppen/{group.slug}/aufgaben/{item.pk}/status/",
        {"status": "in_progress", "next": "https://evil.example/"},
    )
    assert response.url == group.get_internal_url()


def test_invalid_status_changes_nothing(client_for, lead, group):
    item = ActionItemFactory(group=group)
    client_for(lead).post(
        f"/arbeitsgruppen/{group.slug}/aufgaben/{item.pk}/status/", {"status": "vergessen"}
    )
    item.refresh_from_db()
    assert item.status == "open"


def test_lead_creates_an_item_from_a_meeting(client_for, lead, group_member, ihk, group):
    meeting = MeetingFactory(group=group)
    response = client_for(lead).post(
        f"/arbeitsgruppen/{group.slug}/aufgaben/neu/?termin={meeting.pk}",
        {
            "title": "Teilnehmerliste schicken",
            "assignee": group_member.pk,
            "assignee_institution": ihk.pk,
            "due_date": (TODAY + datetime.timedelta(days=7)).isoformat(),
            "meeting": meeting.pk,
        },
    )
    assert response.url == meeting.get_absolute_url()
    item = ActionItem.objects.get()
    assert (item.assignee, item.assignee_institution, item.meeting) == (group_member, ihk, meeting)


@pytest.mark.parametrize(
    "data",
    [
        {"title": "Niemand zuständig"},
        {"title": "Fremde Person", "assignee": "{outsider}"},
        {"title": "Fremde Sitzung", "assignee": "{member}", "meeting": "{foreign_meeting}"},
    ],
)
def test_bad_items_are_refused(client_for, lead, group_member, outsider, other_group, group, data):
    foreign_meeting = MeetingFactory(group=other_group)
    values = {
        "outsider": outsider.pk,
        "member": group_member.pk,
        "foreign_meeting": foreign_meeting.pk,
    }
    data = {k: v.format(**values) for k, v in data.items()}
    response = client_for(lead).post(f"/arbeitsgruppen/{group.slug}/aufgaben/neu/", data)
    assert response.status_code == 200
    assert "Bitte" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_measure_with_milestones_and_linked_offers(client_for, lead, ihk, group, client):
    offer = OfferFactory(institution=ihk, title="Schweißen für Betriebe")
    foreign = OfferFactory(title="Kurs einer fremden Einrichtung")
    lead_client = client_for(lead)
    response = lead_client.post(
        f"/arbeitsgruppen/{group.slug}/massnahmen/neu/",
        {
            "title": "Verbundkurs Schweißen",
            "goal": "Drei Betriebe schulen gemeinsam.",
            "status": "running",
            "responsible": lead.pk,
            "offers": [offer.pk],
            "is_public": "on",
            "result": "Zwölf Beschäftigte aus drei Betrieben qualifiziert.",
        },
    )
    measure = Measure.objects.get()
    assert response.url == measure.get_absolute_url()
    assert list(measure.offers.all()) == [offer]

    refused = lead_client.post(
        f"/arbeitsgruppen/{group.slug}/massnahmen/{measure.pk}/bearbeiten/",
        {"title": "x", "goal": "y", "status": "running", "offers": [foreign.pk]},
    )
    assert refused.status_code == 200
    assert list(measure.offers.all()) == [offer]

    lead_client.post(
        f"/arbeitsgruppen/{group.slug}/massnahmen/{measure.pk}/meilensteine/",
        {"title": "Bedarf erhoben", "due_date": TODAY.isoformat()},
    )
    milestone = measure.milestones.get()
    lead_client.post(
        f"/arbeitsgruppen/{group.slug}/massnahmen/{measure.pk}/meilensteine/{milestone.pk}/"
    )
    milestone.refresh_from_db()
    assert milestone.done

    # Public measures and their results appear on the group's public page.
    public = client.get(f"/arbeitsgruppen/{group.slug}/").content.decode()
    assert "Verbundkurs Schweißen" in public
    assert "Zwölf Beschäftigte" in public
    assert ihk.name in public


def test_internal_measures_stay_off_the_public_page(client, group):
    MeasureFactory(group=group, title="Interne Idee", is_public=False)
    assert "Interne Idee" not in client.get(f"/arbeitsgruppen/{group.slug}/").content.decode()


def _grow(rounds: int) -> None:
    """Add bodies' content: per round a measure with a responsible person and an open item
    with a person and an institution in each of the working groups."""
    from workgroups.models import WorkingGroup

    for group in WorkingGroup.objects.all():
        for _ in range(rounds):
            member = (
                WorkingGroupMemberFactory(group=group) if not group.is_steering_circle else None
            )
            MeasureFactory(group=group, responsible=member.person if member else None)
            ActionItemFactory(
                group=group,
                assignee_institution=member.institution if member else None,
                due_date=TODAY - datetime.timedelta(days=1),
            )


def test_overview_query_count_does_not_grow(client_for, steering_member):
    client = client_for(steering_member)
    _grow(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/arbeitsgruppen/uebersicht/").status_code == 200
    _grow(3)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/arbeitsgruppen/uebersicht/")
    assert response.content.decode().count("überfällig") == 4 * 5
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


@pytest.mark.parametrize(
    "url",
    ["/arbeitsgruppen/unternehmen/intern/", "/arbeitsgruppen/meine-aufgaben/"],
)
def test_lists_query_count_does_not_grow(client_for, lead, group, url):
    client = client_for(lead)

    def add(n):
        for _ in range(n):
            ActionItemFactory(group=group, assignee=lead)
            MeasureFactory(group=group, responsible=lead)
            MeetingFactory(group=group)
            WorkingGroupMemberFactory(group=group)

    add(1)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(3)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
