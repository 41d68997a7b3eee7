"""The members' weekly digest: what it lists, for whom, once per week, never when empty, and
how a member turns it off (settings page, one-click link with RFC 8058 headers)."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outbox.models import DigestClaim
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    MinutesFactory,
    UserFactory,
    WorkingGroupMemberFactory,
)
from tests.outbox.conftest import smtp_server, smtp_sink  # noqa: F401
from workgroups.digest.services import (
    digest_preference_for,
    unsubscribe_token,
    week_period,
    workgroup_digests_send,
)
from workgroups.models import ActionStatus, DigestPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def send(on_commit, **kwargs):
    with on_commit():
        return workgroup_digests_send(**kwargs)


def digest_to(address: str):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def test_member_gets_one_digest_of_their_groups(on_commit, group, other_group, lead):
    member = WorkingGroupMemberFactory(
        group=group, person=UserFactory(name="Melanie Roth", email="melanie@beweqo.test")
    ).person
    MinutesFactory(meeting__group=group, meeting__title="Sitzung im Oktober")
    MinutesFactory(meeting__group=other_group, meeting__title="Fremde Sitzung")
    MeetingFactory(group=group, title="Infotag vorbereiten")
    MeetingFactory(group=group, title="Zu spät", starts_at=timezone.now() + timedelta(days=30))
    ActionItemFactory(group=group, assignee=member, title="Flyer drucken")
    ActionItemFactory(group=group, assignee=lead, title="Raum buchen")
    ActionItemFactory(group=group, assignee=member, title="Erledigt", status=ActionStatus.DONE)

    run = send(on_commit)

    assert (run.sent, run.nothing_new) == (2, 0)  # the member and the lead
    message = digest_to("melanie@beweqo.test")
    assert message.subject == "Ihre Wochenübersicht aus den Arbeitsgruppen"
    assert "Guten Tag Melanie," in message.body
    assert "Sitzung im Oktober" in message.body
    assert "Fremde Sitzung" not in message.body
    assert "Infotag vorbereiten" in message.body
    assert "Zu spät" not in message.body
    assert "Flyer drucken" in message.body
    assert "Raum buchen" not in message.body  # the lead's, not hers
    assert "Erledigt" not in message.body
    assert "https://beweqo.test/arbeitsgruppen/unternehmen/sitzungen/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(
        r"<https://beweqo.test/arbeitsgruppen/zusammenfassung/abbestellen/\S+/>", unsubscribe
    )
    assert unsubscribe.strip("<>") in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.alternatives[0].mimetype == "text/html"

    # Beat fires again, or a second worker runs it: nothing more this week.
    again = send(on_commit)
    assert (again.sent, again.already_claimed) == (0, 2)
    assert len(mail.outbox) == 2
    claim = DigestClaim.objects.get(recipient=f"person:{member.pk}")
    assert (claim.kind, claim.period) == ("workgroup_digest", week_period(timezone.now()))
    assert claim.message.recipient == "melanie@beweqo.test"


def test_no_mail_when_nothing_is_new(on_commit, group_member):
    run = send(on_commit)
    assert (run.sent, run.nothing_new) == (0, 1)
    assert mail.outbox == []
    assert DigestClaim.objects.get().message is None


def test_minutes_of_last_week_are_not_repeated(on_commit, group, group_member):
    MinutesFactory(meeting__group=group, meeting__title="Sitzung im Oktober")
    assert send(on_commit).sent == 1
    next_week = timezone.now() + timedelta(days=7)
    assert send(on_commit, now=next_week).nothing_new == 1
    assert len(mail.outbox) == 1


def test_steering_members_get_the_steering_circles_meetings(
    on_commit, steering_body, steering_member
):
    MeetingFactory(group=steering_body, title="Steuerkreis Herbst")
    send(on_commit)
    assert "Steuerkreis Herbst" in digest_to(steering_member.email).body


def test_overdue_items_are_marked(on_commit, group, group_member):
    ActionItemFactory(
        group=group,
        assignee=group_member,
        title="Bericht schreiben",
        due_date=timezone.localdate() - timedelta(days=3),
    )
    send(on_commit)
    assert "Bericht schreiben (Unternehmen) – überfällig seit" in digest_to(group_member.email).body


def test_inactive_people_and_those_who_turned_it_off_get_nothing(on_commit, group):
    MinutesFactory(meeting__group=group)
    WorkingGroupMemberFactory(group=group, person=UserFactory(is_active=False))
    off = WorkingGroupMemberFactory(group=group).person
    DigestPreference.objects.create(person=off, workgroup_digest=False)
    run = send(on_commit)
    assert (run.people, run.turned_off, run.sent) == (1, 1, 0)
    assert mail.outbox == []
    # No claim for them: turning it on again this week still brings this week's digest.
    assert not DigestClaim.objects.exists()


def test_queries_do_not_grow_with_the_number_of_people(on_commit, group, other_group):
    MinutesFactory(meeting__group=group)
    MeetingFactory(group=other_group)

    def queries_for(count: int, weeks: int) -> int:
        for n in range(count):
            body = [group, other_group][n % 2]
            person = WorkingGroupMemberFactory(group=body).person
            ActionItemFactory(group=body, assignee=person)
        with CaptureQueriesContext(connection) as captured:
            run = workgroup_digests_send(now=timezone.now() + timedelta(weeks=weeks))
        assert run.sent == run.people
        return len(captured)

    assert queries_for(2, 1) == queries_for(12, 2)


def test_one_click_unsubscribe_turns_it_off(on_commit, group, group_member):
    MinutesFactory(meeting__group=group)
    send(on_commit)
    link = digest_to(group_member.email).extra_headers["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("https://beweqo.test")

    # A link scanner's GET changes nothing.
    asked = Client().get(path)
    assert asked.status_code == 200
    assert "Ja, abbestellen" in asked.content.decode()
    assert digest_preference_for(group_member).workgroup_digest is True

    # What the mail provider sends (RFC 8058): a POST without cookies or CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert digest_preference_for(group_member).workgroup_digest is False
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200  # repeated: same
    mail.outbox.clear()
    MinutesFactory(meeting__group=group)
    assert send(on_commit, now=timezone.now() + timedelta(days=7)).turned_off == 1
    assert mail.outbox == []


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "abc", lambda t: t + "x"])
def test_tampered_unsubscribe_links_find_nothing(client, group_member, mangle):
    token = unsubscribe_token(person_id=group_member.pk, what="workgroup")
    path = f"/arbeitsgruppen/zusammenfassung/abbestellen/{mangle(token)}/"
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert digest_preference_for(group_member).workgroup_digest is True


def test_a_token_for_another_person_cannot_be_made(client, group_member, lead):
    # The signature covers the person: changing the id in the token breaks it.
    token = unsubscribe_token(person_id=lead.pk, what="workgroup")
    _payload, signature = token.rsplit(":", 1)
    payload = signing.b64_encode(f'{{"p":{group_member.pk},"w":"workgroup"}}'.encode()).decode()
    forged = f"{payload}:{signature}"
    assert signing.b64_decode(_payload.encode()) == f'{{"p":{lead.pk},"w":"workgroup"}}'.encode()
    assert client.post(f"/arbeitsgruppen/zusammenfassung/abbestellen/{forged}/").status_code == 404


class TestSettingsPage:
    url = "/arbeitsgruppen/zusammenfassung/"

    def test_anonymous_visitors_are_sent_to_the_login(self, client):
        response = client.get(self.url)
        assert response.status_code == 302
        assert "/konto/login/" in response.url

    def test_member_turns_the_digest_off_and_on(self, client_for, group_member):
        client = client_for(group_member)
        page = client.get(self.url).content.decode()
        assert 'name="workgroup_digest"' in page
        assert 'name="steering_summary"' not in page  # not in the steering circle
        assert client.post(self.url, {}).status_code == 302
        assert digest_preference_for(group_member).workgroup_digest is False
        client.post(self.url, {"workgroup_digest": "on"})
        assert digest_preference_for(group_member).workgroup_digest is True

    def test_steering_members_also_choose_the_summary(self, client_for, steering_member):
        client = client_for(steering_member)
        assert 'name="steering_summary"' in client.get(self.url).content.decode()
        client.post(self.url, {"workgroup_digest": "on"})
        preference = digest_preference_for(steering_member)
        assert (preference.workgroup_digest, preference.steering_summary) == (True, False)

    def test_my_area_and_the_internal_page_link_to_it(self, client_for, group_member, group):
        client = client_for(group_member)
        assert self.url in client.get("/mein-bereich/").content.decode()
        assert self.url in client.get(f"/arbeitsgruppen/{group.slug}/intern/").content.decode()


def test_digest_arrives_over_smtp(smtp_sink, on_commit, group, group_member):  # noqa: F811
    MinutesFactory(meeting__group=group, meeting__title="Sitzung im Oktober")
    send(on_commit)
    [received] = smtp_sink.messages
    assert received["To"] == group_member.email
    assert received["Subject"] == "Ihre Wochenübersicht aus den Arbeitsgruppen"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Auto-Submitted"] == "auto-generated"
    assert "Sitzung im Oktober" in received.get_body(("plain",)).get_content()
    assert "Sitzung im Oktober" in received.get_body(("html",)).get_content()
