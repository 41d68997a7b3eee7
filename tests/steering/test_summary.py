"""The steering circle's weekly summary: the network's week for the circle and the office,
once per week, never when empty, with or without counselling figures."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from network.models import SteeringRole
from outbox.models import DigestClaim
from steering import summary as steering_summary
from steering.summary import steering_summary_send
from tests.factories import (
    ActionItemFactory,
    CounsellingRequestFactory,
    MinutesFactory,
    SteeringCircleMemberFactory,
    seeded_group,
)
from tests.offerings.factories import OfferFactory
from workgroups.digest.services import digest_preference_for
from workgroups.models import DigestPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def group(db):
    return seeded_group("unternehmen")


@pytest.fixture
def steering_member(db):
    return SteeringCircleMemberFactory(role=SteeringRole.MEMBER).person


@pytest.fixture
def steering_chair(db):
    return SteeringCircleMemberFactory(role=SteeringRole.CHAIR).person


@pytest.fixture
def without_counselling(monkeypatch):
    # Counselling gives no figures at all (counselling.stats.summary_figures → {}).
    monkeypatch.setattr(steering_summary, "counselling_figures", lambda **kwargs: {})


@pytest.fixture
def with_counselling(monkeypatch):
    calls = []

    def summary_figures(*, start, end):
        calls.append((start, end))
        return {
            "Anfragen nach Lebenslage": {"arbeitsuchend": 4, "beschäftigt": 2},
            "Anfragen nach Landkreis": {"Ostalbkreis": 5, "Heidenheim": 1},
            "Bedarfe von Unternehmen": 3,
            "gemeinsame Maßnahmen": 0,
        }

    monkeypatch.setattr(steering_summary, "counselling_figures", summary_figures)
    return calls


def send(on_commit, **kwargs):
    with on_commit():
        return steering_summary_send(**kwargs)


def test_circle_and_office_get_the_weeks_news(
    on_commit, without_counselling, settings, group, steering_member, steering_chair
):
    OfferFactory(title="Excel für Einsteiger", published_at=timezone.now() - timedelta(days=2))
    OfferFactory(title="Alter Kurs", published_at=timezone.now() - timedelta(days=20))
    MinutesFactory(meeting__group=group, meeting__title="Sitzung im Oktober")
    ActionItemFactory(
        group=group, title="Flyer drucken", due_date=timezone.localdate() - timedelta(days=1)
    )
    ActionItemFactory(group=group, title="Noch Zeit")

    run = send(on_commit)

    assert run.sent == 3
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [steering_member.email, steering_chair.email, settings.NETWORK_OFFICE_EMAIL]
    )
    member_mail = next(m for m in mail.outbox if m.to == [steering_member.email])
    body = member_mail.body
    assert member_mail.subject.startswith("Wochenbericht des Netzwerks")
    assert "Neue Kurse im Katalog: 1" in body
    assert "Excel für Einsteiger" in body
    assert "Alter Kurs" not in body
    assert "Sitzung im Oktober" in body
    assert "Flyer drucken" in body
    assert "Noch Zeit" not in body
    assert "Beratung" not in body  # no counselling figures: no section, no error
    assert member_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    office_mail = next(m for m in mail.outbox if m.to == [settings.NETWORK_OFFICE_EMAIL])
    assert "List-Unsubscribe" not in office_mail.extra_headers  # the office's own mailbox

    again = send(on_commit)
    assert (again.sent, again.already_claimed) == (0, 3)
    assert len(mail.outbox) == 3
    assert DigestClaim.objects.filter(kind="steering_summary").count() == 3


def test_counselling_numbers_are_shown_as_rows(
    on_commit, with_counselling, steering_member, settings
):
    settings.NETWORK_OFFICE_EMAIL = ""
    run = send(on_commit)
    assert run.sent == 1  # the counselling numbers alone are news
    [(start, end)] = with_counselling
    assert end - start == timedelta(days=7)
    [message] = mail.outbox
    assert "Anfragen nach Lebenslage\n* arbeitsuchend: 4\n* beschäftigt: 2" in message.body
    assert "Heidenheim: 1" in message.body
    assert "Bedarfe von Unternehmen: 3" in message.body
    html = message.alternatives[0].content
    assert '<th scope="row"' in html
    assert "gemeinsame Maßnahmen" in html


def test_the_weeks_counselling_figures_come_from_counselling(on_commit, steering_member, settings):
    settings.NETWORK_OFFICE_EMAIL = ""
    CounsellingRequestFactory(situation="employed", district="heidenheim")
    CounsellingRequestFactory(created_at=timezone.now() - timedelta(days=8))  # a week before
    run = send(on_commit)
    assert run.sent == 1
    [message] = mail.outbox
    assert "* Beratungsanfragen: 1\n" in message.body
    assert "Anfragen nach Situation\n* Ich bin beschäftigt: 1" in message.body
    assert "Anfragen nach Landkreis\n* Landkreis Heidenheim: 1" in message.body


def test_no_mail_when_nothing_happened(on_commit, without_counselling, steering_member):
    run = send(on_commit)
    assert run.nothing_new
    assert mail.outbox == []
    # Claimed all the same: a second run this week does not look again.
    assert DigestClaim.objects.filter(message__isnull=True).count() == 2


def test_members_who_turned_it_off_get_nothing(
    on_commit, without_counselling, steering_member, settings
):
    settings.NETWORK_OFFICE_EMAIL = ""
    OfferFactory(published_at=timezone.now())
    DigestPreference.objects.create(person=steering_member, steering_summary=False)
    run = send(on_commit)
    assert (run.turned_off, run.sent) == (1, 0)
    assert mail.outbox == []


def test_one_click_ends_the_summary_but_not_the_digest(
    on_commit, without_counselling, steering_member, settings
):
    settings.NETWORK_OFFICE_EMAIL = ""
    OfferFactory(published_at=timezone.now())
    send(on_commit)
    [message] = mail.outbox
    path = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("https://beweqo.test")
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    preference = digest_preference_for(steering_member)
    assert (preference.steering_summary, preference.workgroup_digest) == (False, True)
