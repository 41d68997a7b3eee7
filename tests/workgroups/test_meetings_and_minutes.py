"""Meetings with their invitation and replies; minutes from draft to published, with
decisions, versions after publishing and the members' notification."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from outbox.models import OutboxMessage
from tests.factories import MeetingFactory, MinutesFactory
from workgroups.models import Decision, Meeting, Minutes, MinutesVersion
from workgroups.services import minutes_save

pytestmark = pytest.mark.django_db


def local(days: int, hour: int) -> datetime.datetime:
    when = timezone.localtime() + datetime.timedelta(days=days)
    return when.replace(hour=hour, minute=0, second=0, microsecond=0)


def meeting_form(**overrides) -> dict:
    data = {
        "title": "Infotag Weiterbildung vorbereiten",
        "starts_at": local(14, 14).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(14, 16).strftime("%Y-%m-%dT%H:%M"),
        "location": "Landratsamt Aalen, Raum 2.14",
        "online_url": "",
        "agenda": "1. Rückblick\n2. Planung Infotag",
    }
    return data | overrides


class TestScheduling:
    def test_lead_schedules_a_meeting(self, client_for, lead, group):
        response = client_for(lead).post(
            f"/arbeitsgruppen/{group.slug}/sitzungen/neu/", meeting_form()
        )
        meeting = Meeting.objects.get()
        assert response.url == meeting.get_absolute_url()
        assert meeting.group == group
        assert meeting.created_by == lead
        assert timezone.localtime(meeting.starts_at) == local(14, 14)

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            (
                {"starts_at": local(-1, 14).strftime("%Y-%m-%dT%H:%M"),
                 "ends_at": local(-1, 16).strftime("%Y-%m-%dT%H:%M")},
                "kann nicht in der Vergangenheit beginnen",
            ),
            ({"ends_at": local(14, 13).strftime("%Y-%m-%dT%H:%M")}, "Ende muss nach dem Beginn"),
            ({"location": "", "online_url": ""}, "Ort oder einen Link"),
            ({"online_url": "javascript:alert(1)", "location": ""}, "gültige"),
            ({"title": ""}, "Dieses Feld ist zwingend erforderlich"),
        ],
    )  # fmt: skip
    def test_bad_meetings_are_refused(self, client_for, lead, group, overrides, message):
        response = client_for(lead).post(
            f"/arbeitsgruppen/{group.slug}/sitzungen/neu/", meeting_form(**overrides)
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Meeting.objects.exists()

    def test_lead_of_group_a_cannot_post_into_group_b(self, client_for, lead, other_group):
        response = client_for(lead).post(
            f"/arbeitsgruppen/{other_group.slug}/sitzungen/neu/", meeting_form()
        )
        assert response.status_code == 404
        assert not Meeting.objects.exists()

    def test_editing_raises_the_sequence(self, client_for, lead, group):
        meeting = MeetingFactory(group=group)
        client_for(lead).post(
            f"{meeting.get_absolute_url()}bearbeiten/", meeting_form(title="Neuer Titel")
        )
        meeting.refresh_from_db()
        assert (meeting.title, meeting.sequence) == ("Neuer Titel", 1)


def test_invitation_is_an_icalendar_file(client_for, group_member, group, settings):
    meeting = MeetingFactory(
        group=group, online_url="https://konferenz.example/ag-unternehmen", title="Netzwerktreffen"
    )
    response = client_for(group_member).get(f"{meeting.get_absolute_url()}einladung.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event["SUMMARY"] == f"{group.name}: Netzwerktreffen"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert event["LOCATION"] == meeting.location
    assert event["UID"] == f"meeting-{meeting.pk}@beweqo.test"
    assert "https://konferenz.example/ag-unternehmen" in event["DESCRIPTION"]
    assert str(event["URL"]).endswith(meeting.get_absolute_url())


def test_members_say_whether_they_come(client_for, group_member, lead, group):
    meeting = MeetingFactory(group=group)
    client = client_for(group_member)
    client.post(f"{meeting.get_absolute_url()}antwort/", {"answer": "yes"})
    client.post(f"{meeting.get_absolute_url()}antwort/", {"answer": "maybe"})
    assert list(meeting.replies.values_list("person", "answer")) == [(group_member.pk, "maybe")]
    bad = client.post(
        f"{meeting.get_absolute_url()}antwort/", {"answer": "vielleicht"}, follow=True
    )
    assert "Bitte wählen Sie eine Antwort." in bad.content.decode()
    page = client_for(lead).get(meeting.get_absolute_url()).content.decode()
    assert f"{group_member}: Ich weiß es noch nicht" in page


class TestMinutes:
    @pytest.fixture
    def meeting(self, group):
        return MeetingFactory(group=group, starts_at=local(-2, 14), ends_at=local(-2, 16))

    def post(self, client, meeting, *, publish=False, **data):
        payload = {"text": "Protokolltext", "decisions": "", "guests": ""} | data
        if publish:
            payload["publish"] = "1"
        return client.post(f"{meeting.get_absolute_url()}protokoll/", payload)

    def test_draft_then_publish_notifies_the_members_once(
        self, client_for, lead, group_member, meeting, django_capture_on_commit_callbacks
    ):
        client = client_for(lead)
        with django_capture_on_commit_callbacks(execute=True):
            self.post(
                client,
                meeting,
                text="## Bericht\n\nDer Infotag war gut besucht.",
                decisions="Der nächste Infotag ist im Mai.\n\n  Die AG trifft sich quartalsweise. ",
                attendees=[str(lead.pk), str(group_member.pk)],
            )
        minutes = Minutes.objects.get()
        assert not minutes.is_published
        assert not MinutesVersion.objects.exists()
        assert mail.outbox == []

        with django_capture_on_commit_callbacks(execute=True):
            self.post(
                client,
                meeting,
                publish=True,
                text="## Bericht\n\nDer Infotag war gut besucht.",
                decisions="Der nächste Infotag ist im Mai.\nDie AG trifft sich quartalsweise.",
            )
        minutes.refresh_from_db()
        assert minutes.is_published
        assert minutes.published_at is not None
        assert list(minutes.decisions.values_list("number", "text")) == [
            (1, "Der nächste Infotag ist im Mai."),
            (2, "Die AG trifft sich quartalsweise."),
        ]
        assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, group_member.email])
        assert mail.outbox[0].subject.startswith("Protokoll veröffentlicht: Unternehmen")
        assert meeting.get_absolute_url() in mail.outbox[0].body

        # The mails went through the outbox, one row per person, keyed so that a repeat
        # stores and sends nothing more.
        assert OutboxMessage.objects.count() == 2
        with django_capture_on_commit_callbacks(execute=True):
            self.post(client, meeting, publish=True, text="Korrigiert.")
            minutes_save(meeting=meeting, edited_by=lead, text="x", decisions=[], publish=True)
        assert OutboxMessage.objects.count() == 2
        assert len(mail.outbox) == 2

    def test_edits_after_publishing_are_versions_with_who_and_when(
        self, client_for, lead, network_office, meeting
    ):
        self.post(client_for(lead), meeting, publish=True, text="Erste Fassung", decisions="A")
        self.post(client_for(network_office), meeting, text="Zweite Fassung", decisions="A\nB")
        versions = list(MinutesVersion.objects.order_by("number"))
        assert [(v.number, v.text, v.decisions, v.edited_by) for v in versions] == [
            (1, "Erste Fassung", ["A"], lead),
            (2, "Zweite Fassung", ["A", "B"], network_office),
        ]
        page = client_for(lead).get(f"{meeting.get_absolute_url()}protokoll/versionen/")
        content = page.content.decode()
        assert "Version 2" in content
        assert str(network_office) in content
        assert content.index("Zweite Fassung") < content.index("Erste Fassung")

    def test_member_cannot_write_minutes(self, client_for, group_member, meeting):
        assert self.post(client_for(group_member), meeting).status_code == 403
        assert not Minutes.objects.exists()

    def test_lead_of_another_group_cannot_write_minutes(self, client_for, other_lead, meeting):
        assert self.post(client_for(other_lead), meeting, publish=True).status_code == 404
        assert not Minutes.objects.exists()
        assert not Decision.objects.exists()

    def test_members_read_published_minutes_with_decisions(self, client_for, group_member, group):
        minutes = MinutesFactory(meeting__group=group, decisions=["Flyer in Leichter Sprache"])
        page = client_for(group_member).get(minutes.meeting.get_absolute_url()).content.decode()
        assert "<h2>Berichte</h2>" in page
        assert "<li>Flyer in Leichter Sprache</li>" in page


def test_minutes_page_renders_sanitised(client_for, lead):
    minutes = MinutesFactory(text='Hallo <script>alert("x")</script> [a](javascript:alert(1))')
    page = client_for(lead).get(minutes.meeting.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in page
    assert 'href="javascript:' not in page
