"""The access matrix of the bodies' pages: every URL and method, for the lead and a member
of the group, the lead of another group, a steering circle member, the network office and
anonymous visitors. Strangers get a 404, readers who try to write a 403, anonymous
visitors the login page; a refused request changes nothing."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.access import LOGIN, OK, assert_access, view_names, with_second_factor
from tests.factories import ActionItemFactory, MeasureFactory, MinutesFactory
from tests.workgroups.files import pdf
from workgroups.models import (
    ActionItem,
    Attachment,
    Measure,
    Meeting,
    MeetingReply,
    Milestone,
    Minutes,
)
from workgroups.services import attachment_add

pytestmark = pytest.mark.django_db

ROLES = ["lead", "member", "other_lead", "steering", "office", "anonymous"]

# What each role gets, per kind of URL.
EXPECTED = {
    "public": dict.fromkeys(ROLES, OK),
    "personal": {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN},
    "read": {
        "lead": OK,
        "member": OK,
        "other_lead": 404,
        "steering": OK,
        "office": OK,
        "anonymous": LOGIN,
    },
    "write": {
        "lead": OK,
        "member": 403,
        "other_lead": 404,
        "steering": 403,
        "office": OK,
        "anonymous": LOGIN,
    },
    # Only people in the body answer invitations.
    "reply": {
        "lead": OK,
        "member": OK,
        "other_lead": 404,
        "steering": 403,
        "office": 403,
        "anonymous": LOGIN,
    },
    # The item is assigned to the member: the assignee may change its status.
    "status": {
        "lead": OK,
        "member": OK,
        "other_lead": 404,
        "steering": 403,
        "office": OK,
        "anonymous": LOGIN,
    },
    "overview": {
        "lead": 404,
        "member": 404,
        "other_lead": 404,
        "steering": OK,
        "office": OK,
        "anonymous": LOGIN,
    },
}


@dataclass
class World:
    group: object
    meeting: object
    minutes: object
    attachment: object
    measure: object
    milestone: object
    item: object


@pytest.fixture
def world(group, lead, group_member, other_lead, steering_member, network_office):
    minutes = MinutesFactory(meeting__group=group, decisions=["Der Infotag findet im Mai statt."])
    attachment = attachment_add(minutes=minutes, upload=pdf(), uploaded_by=lead)
    measure = MeasureFactory(group=group)
    return World(
        group=group,
        meeting=minutes.meeting,
        minutes=minutes,
        attachment=attachment,
        measure=measure,
        milestone=Milestone.objects.create(measure=measure, title="Konzept steht"),
        item=ActionItemFactory(group=group, assignee=group_member),
    )


@pytest.fixture
def users(lead, group_member, other_lead, steering_member, network_office):
    return {
        "lead": lead,
        "member": group_member,
        "other_lead": other_lead,
        "steering": steering_member,
        "office": with_second_factor(network_office),
        "anonymous": None,
    }


def future(days: int, hour: int) -> str:
    when = timezone.localtime() + timezone.timedelta(days=days)
    return when.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def meeting_data() -> dict:
    return {
        "title": "Netzwerktreffen Unternehmen",
        "starts_at": future(10, 14),
        "ends_at": future(10, 16),
        "location": "Aalen, Rathaus",
        "online_url": "",
        "agenda": "1. Bericht",
    }


# (kind, method, url, data or None, what must be unchanged when refused)
def cases(w: World, users) -> dict[str, tuple]:
    g = w.group.slug
    m = w.meeting.pk
    a = w.attachment.pk
    base = f"/arbeitsgruppen/{g}"
    return {
        "index": ("public", "get", "/arbeitsgruppen/", None),
        "public page": ("public", "get", f"{base}/", None),
        "my tasks": ("personal", "get", "/arbeitsgruppen/meine-aufgaben/", None),
        "search": ("personal", "get", "/arbeitsgruppen/suche/?q=Infotag", None),
        "overview": ("overview", "get", "/arbeitsgruppen/uebersicht/", None),
        "internal": ("read", "get", f"{base}/intern/", None),
        "meeting": ("read", "get", f"{base}/sitzungen/{m}/", None),
        "ical": ("read", "get", f"{base}/sitzungen/{m}/einladung.ics", None),
        "versions": ("read", "get", f"{base}/sitzungen/{m}/protokoll/versionen/", None),
        "download": ("read", "get", f"{base}/sitzungen/{m}/anhaenge/{a}/", None),
        "measure": ("read", "get", f"{base}/massnahmen/{w.measure.pk}/", None),
        "new meeting form": ("write", "get", f"{base}/sitzungen/neu/", None),
        "new meeting": ("write", "post", f"{base}/sitzungen/neu/", meeting_data()),
        "edit meeting form": ("write", "get", f"{base}/sitzungen/{m}/bearbeiten/", None),
        "edit meeting": (
            "write",
            "post",
            f"{base}/sitzungen/{m}/bearbeiten/",
            meeting_data() | {"starts_at": future(-3, 14), "ends_at": future(-3, 16)},
        ),
        "minutes form": ("write", "get", f"{base}/sitzungen/{m}/protokoll/", None),
        "minutes": (
            "write",
            "post",
            f"{base}/sitzungen/{m}/protokoll/",
            {"text": "Geändert.", "decisions": "", "guests": ""},
        ),
        "upload": (
            "write",
            "post",
            f"{base}/sitzungen/{m}/anhaenge/",
            {"file": pdf("Zweite-Anlage.pdf")},
        ),
        "remove attachment": ("write", "post", f"{base}/sitzungen/{m}/anhaenge/{a}/entfernen/", {}),
        "new item form": ("write", "get", f"{base}/aufgaben/neu/", None),
        "new item": (
            "write",
            "post",
            f"{base}/aufgaben/neu/",
            {"title": "Flyer drucken", "assignee": users["lead"].pk},
        ),
        "new measure form": ("write", "get", f"{base}/massnahmen/neu/", None),
        "new measure": (
            "write",
            "post",
            f"{base}/massnahmen/neu/",
            {"title": "Lotsendienst", "goal": "Betriebe finden Förderung.", "status": "idea"},
        ),
        "edit measure form": (
            "write",
            "get",
            f"{base}/massnahmen/{w.measure.pk}/bearbeiten/",
            None,
        ),
        "edit measure": (
            "write",
            "post",
            f"{base}/massnahmen/{w.measure.pk}/bearbeiten/",
            {"title": "Umbenannt", "goal": "Anderes Ziel.", "status": "running"},
        ),
        "new milestone": (
            "write",
            "post",
            f"{base}/massnahmen/{w.measure.pk}/meilensteine/",
            {"title": "Pilot gestartet"},
        ),
        "milestone done": (
            "write",
            "post",
            f"{base}/massnahmen/{w.measure.pk}/meilensteine/{w.milestone.pk}/",
            {},
        ),
        "reply": ("reply", "post", f"{base}/sitzungen/{m}/antwort/", {"answer": "yes"}),
        "item status": (
            "status",
            "post",
            f"{base}/aufgaben/{w.item.pk}/status/",
            {"status": "done"},
        ),
    }


CASE_NAMES = [
    "index",
    "public page",
    "my tasks",
    "search",
    "overview",
    "internal",
    "meeting",
    "ical",
    "versions",
    "download",
    "measure",
    "new meeting form",
    "new meeting",
    "edit meeting form",
    "edit meeting",
    "minutes form",
    "minutes",
    "upload",
    "remove attachment",
    "new item form",
    "new item",
    "new measure form",
    "new measure",
    "edit measure form",
    "edit measure",
    "new milestone",
    "milestone done",
    "reply",
    "item status",
]


def state() -> tuple:
    """Everything a refused request must leave as it was."""
    minutes = Minutes.objects.get()
    return (
        Meeting.objects.count(),
        sorted(Meeting.objects.values_list("title", "sequence")),
        minutes.text,
        Attachment.objects.count(),
        ActionItem.objects.count(),
        sorted(ActionItem.objects.values_list("status", flat=True)),
        sorted(Measure.objects.values_list("title", "status")),
        sorted(Milestone.objects.values_list("title", "done")),
        MeetingReply.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_access_matrix(client_for, world, users, case, role):
    kind, method, url, data = cases(world, users)[case]
    expected = EXPECTED[kind][role]
    assert_access(
        client_for(users[role]),
        method=method,
        url=url,
        data=data,
        expected=expected,
        state=state,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/arbeitsgruppen/unternehmen/intern/",
        "/arbeitsgruppen/unternehmen/sitzungen/neu/",
        "/arbeitsgruppen/unternehmen/sitzungen/{m}/antwort/",
        "/arbeitsgruppen/unternehmen/sitzungen/{m}/anhaenge/{a}/",
        "/arbeitsgruppen/meine-aufgaben/",
    ],
)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client_for, world, lead, url, method):
    url = url.format(m=world.meeting.pk, a=world.attachment.pk)
    assert getattr(client_for(lead), method)(url).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/arbeitsgruppen/unternehmen/sitzungen/{m}/antwort/",
        "/arbeitsgruppen/unternehmen/sitzungen/{m}/anhaenge/",
        "/arbeitsgruppen/unternehmen/aufgaben/{i}/status/",
    ],
)
def test_post_only_urls_refuse_get(client_for, world, lead, url):
    url = url.format(m=world.meeting.pk, i=world.item.pk)
    assert client_for(lead).get(url).status_code == 405


class TestSteeringCircle:
    """The steering circle is a body too: its members read, its chair writes, working
    group people do not see it at all."""

    def test_chair_writes_member_reads(
        self, client_for, steering_body, steering_chair, steering_member
    ):
        url = "/arbeitsgruppen/steuerkreis/sitzungen/neu/"
        assert client_for(steering_chair).get(url).status_code == 200
        assert client_for(steering_member).get(url).status_code == 403
        assert (
            client_for(steering_member).get("/arbeitsgruppen/steuerkreis/intern/").status_code
            == 200
        )

    def test_working_group_lead_does_not_see_it(self, client_for, steering_body, lead):
        assert client_for(lead).get("/arbeitsgruppen/steuerkreis/intern/").status_code == 404
        # Its public page is public like every other.
        assert client_for(lead).get("/arbeitsgruppen/steuerkreis/").status_code == 200

    def test_steering_member_answers_its_invitations(
        self, client_for, steering_body, steering_member
    ):
        from tests.factories import MeetingFactory

        meeting = MeetingFactory(group=steering_body)
        url = f"/arbeitsgruppen/steuerkreis/sitzungen/{meeting.pk}/antwort/"
        assert client_for(steering_member).post(url, {"answer": "no"}).status_code == 302
        assert meeting.replies.get().answer == "no"


class TestDrafts:
    """Draft minutes and their attachments are for those who write them."""

    @pytest.fixture
    def draft(self, group, lead):
        minutes = MinutesFactory(meeting__group=group, status="draft", published_at=None)
        attachment = attachment_add(minutes=minutes, upload=pdf(), uploaded_by=lead)
        return minutes, attachment

    def test_member_does_not_see_a_draft(self, client_for, draft, group_member):
        minutes, attachment = draft
        meeting = minutes.meeting
        client = client_for(group_member)
        page = client.get(meeting.get_absolute_url())
        assert page.status_code == 200
        assert minutes.text.split("\n")[-1] not in page.content.decode()
        download = f"{meeting.get_absolute_url()}anhaenge/{attachment.pk}/"
        assert client.get(download).status_code == 404
        assert client.get(f"{meeting.get_absolute_url()}protokoll/versionen/").status_code == 404

    def test_lead_sees_the_draft(self, client_for, draft, lead):
        minutes, attachment = draft
        client = client_for(lead)
        assert "Entwurf" in client.get(minutes.meeting.get_absolute_url()).content.decode()
        download = f"{minutes.meeting.get_absolute_url()}anhaenge/{attachment.pk}/"
        assert client.get(download).status_code == 200


# The URL names this matrix decides (tests/beweqo/test_url_access.py reads them).
COVERS = {
    "workgroups:index",
    "workgroups:group_detail",
    "workgroups:my_tasks",
    "workgroups:search",
    "workgroups:overview",
    "workgroups:group_internal",
    "workgroups:meeting_detail",
    "workgroups:meeting_ical",
    "workgroups:minutes_history",
    "workgroups:attachment_download",
    "workgroups:measure_detail",
    "workgroups:meeting_create",
    "workgroups:meeting_edit",
    "workgroups:minutes_edit",
    "workgroups:attachment_upload",
    "workgroups:attachment_remove",
    "workgroups:action_item_create",
    "workgroups:measure_create",
    "workgroups:measure_edit",
    "workgroups:milestone_create",
    "workgroups:milestone_done",
    "workgroups:meeting_reply",
    "workgroups:action_item_status",
}


def test_the_matrix_covers_what_it_declares(world, users):
    urls = [url for _kind, _method, url, _data in cases(world, users).values()]
    assert view_names(urls) == COVERS
