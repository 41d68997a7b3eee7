"""The portal's own registration for events: seats, waiting list, confirmation mail with
its calendar file and cancel link, cancellation and moving up, the organiser's list and
export, erasure after 30 days, and hostile input."""

import csv
import io
import re
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import EventRegistration
from events.services import (
    event_cancel,
    event_register,
    events_registrations_erase_due,
    registration_token,
)
from events.tasks import event_registrations_erase_task
from outbox.models import OutboxMessage
from tests.events.test_support import calendar_path, in_days, portal_event
from tests.outbox.conftest import smtp_server, smtp_sink  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit: the outbox's send."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def register(client, event, name="Anna Berger", email="anna@beispiel.de", ip="10.0.0.1", **extra):
    return client.post(
        reverse("events:event_register", args=[event.pk]),
        {"name": name, "email": email, **extra},
        REMOTE_ADDR=ip,
    )


def cancel_path(body: str) -> str:
    prefix = re.escape(calendar_path("abmelden/"))
    return re.search(rf"https?://[^/\s]+({prefix}[^\s\"<]+/)", body).group(1)


def ics_of(message) -> icalendar.Calendar:
    (attachment,) = [a for a in message.attachments if a.filename.endswith(".ics")]
    assert attachment.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(attachment.content)


# --- registering ------------------------------------------------------------------------------


def test_registration_gets_a_seat_and_a_mail_with_calendar_file_and_cancel_link(client, on_commit):
    event = portal_event(title="Infotag Pflegeberufe", seats=5, contact_email="info@vhs.test")
    with on_commit():
        response = register(client, event)
    assert response.status_code == 200
    assert "Sie sind angemeldet" in response.content.decode()
    registration = EventRegistration.objects.get()
    assert (registration.name, registration.status) == ("Anna Berger", "confirmed")
    (message,) = mail.outbox
    assert message.to == ["anna@beispiel.de"]
    assert message.subject == "Anmeldung bestätigt: Infotag Pflegeberufe"
    assert message.reply_to == ["info@vhs.test"]
    vevent = ics_of(message).events[0]
    assert vevent["UID"] == f"event-{event.pk}@beweqo"
    assert vevent.start == timezone.localtime(event.starts_at)
    assert calendar_path("abmelden/") in message.body
    html = message.alternatives[0].content
    assert cancel_path(html) == cancel_path(message.body)


def test_confirmation_with_calendar_file_arrives_over_real_smtp(client, smtp_sink, on_commit):  # noqa: F811
    event = portal_event(title="Workshop Bewerbung", seats=3)
    with on_commit():
        register(client, event, email="bernd@beispiel.de")
    (received,) = smtp_sink.messages
    assert received["To"] == "bernd@beispiel.de"
    parts = {part.get_content_type(): part for part in received.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= set(parts)
    assert parts["text/calendar"].get_filename().endswith(".ics")
    calendar = icalendar.Calendar.from_ical(parts["text/calendar"].get_content())
    assert str(calendar.events[0]["SUMMARY"]) == "Workshop Bewerbung"


def test_full_event_puts_people_on_the_waiting_list(client, on_commit):
    event = portal_event(seats=1)
    with on_commit():
        register(client, event, email="a@beispiel.de")
        response = register(client, event, email="b@beispiel.de")
    assert "Sie stehen auf der Warteliste" in response.content.decode()
    assert list(event.registrations.values_list("status", flat=True)) == ["confirmed", "waiting"]
    assert mail.outbox[1].subject.startswith("Warteliste:")
    assert mail.outbox[1].attachments == []  # no calendar entry for a maybe


def test_full_event_without_waiting_list_refuses_with_a_message(client, on_commit):
    event = portal_event(seats=1, waiting_list=False)
    register(client, event, email="a@beispiel.de")
    response = register(client, event, email="b@beispiel.de")
    assert response.status_code == 400
    assert "Leider sind alle Plätze vergeben." in response.content.decode()
    assert event.registrations.count() == 1


def test_the_same_address_cannot_take_two_seats(client):
    event = portal_event(seats=5)
    register(client, event, email="anna@beispiel.de")
    response = register(client, event, email="ANNA@beispiel.de")
    assert response.status_code == 400
    assert "schon eine Anmeldung" in response.content.decode()
    assert event.registrations.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "draft", "published_at": None},
        {"status": "cancelled"},
        {"registration_mode": "external", "registration_url": "https://vhs.test/anmelden"},
        {"registration_mode": "none"},
    ],
)
def test_no_registration_where_the_event_does_not_take_it(client, changes):
    event = portal_event(seats=5)
    type(event).objects.filter(pk=event.pk).update(**changes)
    response = register(client, event)
    assert response.status_code in (400, 404)
    assert not EventRegistration.objects.exists()


def test_no_registration_after_the_deadline_or_the_start(client):
    closed = portal_event(registration_closes_at=timezone.now() - timedelta(minutes=1))
    started = portal_event(starts_at=timezone.now() - timedelta(minutes=5))
    for event in (closed, started):
        response = register(client, event)
        assert response.status_code == 400
        assert "keine Anmeldung (mehr) möglich" in response.content.decode()
    assert not EventRegistration.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "a@beispiel.de"}, "Dieses Feld ist zwingend erforderlich."),
        ({"name": "   ", "email": "a@beispiel.de"}, "Dieses Feld ist zwingend erforderlich."),
        ({"name": "A" * 151, "email": "a@beispiel.de"}, "höchstens 150 Zeichen"),
        ({"name": "Anna", "email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"name": "Anna", "email": "a" * 250 + "@b.de"}, "höchstens 254 Zeichen"),
        ({"name": "Anna", "email": "a@b.de\r\nBcc: x@y.de"}, "gültige E-Mail-Adresse"),
        ({"name": "Anna", "email": "a@beispiel.de", "website": "spam"}, "automatisch erstellt"),
    ],
)
def test_wrong_and_oversized_input_is_refused_with_a_message(client, data, message):
    event = portal_event()
    response = client.post(reverse("events:event_register", args=[event.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EventRegistration.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_script_in_the_name_is_shown_as_text_to_the_organiser(client_for, client, owner):
    event = portal_event(institution=owner.memberships.get().institution)
    register(client, event, name="<script>alert(1)</script>")
    page = client_for(owner).get(
        reverse("events:bo_event_registrations", args=[event.institution.slug, event.pk])
    )
    body = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_a_flood_from_one_address_is_stopped(client):
    events = [portal_event(seats=50) for _ in range(12)]
    statuses = [
        register(client, events[i], email=f"p{i}@beispiel.de", ip="203.0.113.9").status_code
        for i in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [400, 400]
    assert EventRegistration.objects.count() == 10
    response = register(client, events[11], email="p11@beispiel.de", ip="203.0.113.9")
    assert "Zu viele Anmeldungen" in response.content.decode()


def test_one_mail_address_cannot_be_flooded_from_many_networks(client):
    events = [portal_event(seats=50) for _ in range(4)]
    statuses = [
        register(client, e, email="opfer@beispiel.de", ip=f"198.51.100.{i}").status_code
        for i, e in enumerate(events)
    ]
    assert statuses == [200, 200, 200, 400]


# --- cancelling -------------------------------------------------------------------------------


def test_cancel_link_asks_first_then_frees_the_seat_for_the_waiting_list(client, on_commit):
    event = portal_event(title="Konferenz Fachkräfte", seats=1)
    with on_commit():
        register(client, event, name="Anna", email="anna@beispiel.de")
        register(client, event, name="Bernd", email="bernd@beispiel.de")
        register(client, event, name="Clara", email="clara@beispiel.de")
    path = cancel_path(mail.outbox[0].body)
    mail.outbox.clear()
    # A GET (a mail scanner following the link) changes nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert "Ja, abmelden" in page.content.decode()
    assert event.registrations.filter(status="confirmed").get().name == "Anna"
    with on_commit():
        response = client.post(path)
    assert "Sie sind abgemeldet" in response.content.decode()
    statuses = dict(event.registrations.values_list("name", "status"))
    assert statuses == {"Anna": "cancelled", "Bernd": "confirmed", "Clara": "waiting"}
    (promoted,) = mail.outbox
    assert promoted.to == ["bernd@beispiel.de"]
    assert promoted.subject == "Ein Platz ist frei geworden: Konferenz Fachkräfte"
    assert ics_of(promoted).events[0]["UID"] == f"event-{event.pk}@beweqo"
    # Cancelling again changes nothing and mails nobody.
    with on_commit():
        client.post(path)
    assert len(mail.outbox) == 1
    assert dict(event.registrations.values_list("name", "status")) == statuses


def test_leaving_the_waiting_list_moves_nobody_up(client, on_commit):
    event = portal_event(seats=1)
    register(client, event, name="Anna", email="anna@beispiel.de")
    waiting = event_register(event_id=event.pk, name="Bernd", email="bernd@beispiel.de")
    mail.outbox.clear()
    with on_commit():
        client.post(reverse("events:event_registration_cancel", args=[registration_token(waiting)]))
    assert dict(event.registrations.values_list("name", "status")) == {
        "Anna": "confirmed",
        "Bernd": "cancelled",
    }
    assert mail.outbox == []


@pytest.mark.parametrize(
    "token",
    ["abc", "1:tampered:signature", "Mg:1vXXXX:" + "A" * 43, "%00", "x" * 200],
)
def test_tampered_cancel_tokens_are_refused(client, token):
    event = portal_event()
    registration = event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    response = client.post(calendar_path(f"abmelden/{token}/"))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_a_token_for_one_registration_cannot_be_bent_to_another(client):
    event = portal_event()
    first = event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    second = event_register(event_id=event.pk, name="Bernd", email="bernd@beispiel.de")
    token = registration_token(first)
    payload, rest = token.split(":", 1)
    forged = registration_token(second).split(":", 1)[0] + ":" + rest
    assert client.post(calendar_path(f"abmelden/{forged}/")).status_code == 404
    assert client.post(calendar_path(f"abmelden/{payload}:{rest}/")).status_code == 200
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == ("cancelled", "confirmed")


def test_cancelling_the_event_tells_everybody_registered(on_commit, owner):
    event = portal_event(seats=1)
    event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    event_register(event_id=event.pk, name="Bernd", email="bernd@beispiel.de")
    mail.outbox.clear()
    with on_commit():
        told = event_cancel(event=event, user=owner)
    assert told == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@beispiel.de", "bernd@beispiel.de"]
    assert all(m.subject.startswith("Abgesagt:") for m in mail.outbox)
    assert ics_of(mail.outbox[0]).events[0]["STATUS"] == "CANCELLED"
    with on_commit():
        assert event_cancel(event=event, user=owner) == 0
    assert len(mail.outbox) == 2


# --- the organiser's list and export --------------------------------------------------------


def test_organiser_exports_the_list_as_csv_with_formulas_defused(client_for, owner):
    event = portal_event(institution=owner.memberships.get().institution, seats=1)
    event_register(event_id=event.pk, name='=HYPERLINK("http://x")', email="a@beispiel.de")
    event_register(event_id=event.pk, name="Bernd Müller", email="b@beispiel.de")
    response = client_for(owner).get(
        reverse("events:bo_event_registrations_csv", args=[event.institution.slug, event.pk])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "E-Mail-Adresse", "Status", "angemeldet am"]
    assert rows[1][:3] == ['\'=HYPERLINK("http://x")', "a@beispiel.de", "angemeldet"]
    assert rows[2][:3] == ["Bernd Müller", "b@beispiel.de", "auf der Warteliste"]


def test_organiser_removes_a_registration_and_the_waiting_list_moves_up(
    client_for, owner, on_commit
):
    event = portal_event(institution=owner.memberships.get().institution, seats=1)
    anna = event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    event_register(event_id=event.pk, name="Bernd", email="bernd@beispiel.de")
    mail.outbox.clear()
    with on_commit():
        client_for(owner).post(
            reverse(
                "events:bo_event_registration_remove",
                args=[event.institution.slug, event.pk, anna.pk],
            )
        )
    assert dict(event.registrations.values_list("name", "status")) == {
        "Anna": "cancelled",
        "Bernd": "confirmed",
    }
    assert [m.to for m in mail.outbox] == [["bernd@beispiel.de"]]


# --- data protection --------------------------------------------------------------------------


def test_personal_data_is_erased_30_days_after_the_event_by_the_beat_task(client):
    old = portal_event(seats=3)
    recent = portal_event(seats=3)
    for event in (old, recent):
        event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
        event_register(event_id=event.pk, name="Bernd", email="bernd@beispiel.de")
    type(old).objects.filter(pk=old.pk).update(
        starts_at=in_days(-32), ends_at=in_days(-31) + timedelta(hours=2)
    )
    type(recent).objects.filter(pk=recent.pk).update(
        starts_at=in_days(-29), ends_at=in_days(-29) + timedelta(hours=2)
    )
    token = registration_token(old.registrations.first())
    assert event_registrations_erase_task.delay().get() == 2
    assert set(old.registrations.values_list("name", "email")) == {("", "")}
    assert old.registrations.count() == 2  # the count stays for the organiser
    assert set(recent.registrations.values_list("name", flat=True)) == {"Anna", "Bernd"}
    # The cancel link of an erased registration leads nowhere, and a second run does nothing.
    assert client.get(calendar_path(f"abmelden/{token}/")).status_code == 404
    assert events_registrations_erase_due() == 0


def test_erasure_is_scheduled_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["event-registrations-erase"]
    assert entry["task"] == "events.registrations_erase"
    assert entry["schedule"].hour == {3}


# --- the outbox's attachments (added for the calendar files) -----------------------------------


def test_outbox_attachment_names_cannot_inject_headers_or_paths(on_commit):
    from outbox.services import message_enqueue_rendered

    with on_commit():
        message_enqueue_rendered(
            to="anna@beispiel.de",
            subject="Test",
            text="Hallo",
            key="events-attachment-test",
            attachments=[
                {
                    "filename": "../../etc/pass\r\nBcc: x@y.de.ics",
                    "mimetype": "text/calendar",
                    "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                }
            ],
        )
    (message,) = mail.outbox
    (attachment,) = message.attachments
    assert attachment.filename == ".._.._etc_pass Bcc: x@y.de.ics"
    assert "Bcc" not in str(message.message()).split("\n\n", 1)[0].replace(attachment.filename, "")
    with pytest.raises(ValueError, match="MIME type"):
        message_enqueue_rendered(
            to="anna@beispiel.de",
            subject="Test",
            text="Hallo",
            key="events-attachment-test-2",
            attachments=[{"filename": "a.ics", "mimetype": "calendar", "content": ""}],
        )


# --- reminders ------------------------------------------------------------------------------


def test_reminder_the_day_before_goes_once_to_those_with_a_seat(on_commit):
    from events.tasks import event_reminders_send_task

    tomorrow = portal_event(title="Morgen-Workshop", seats=1, starts_at=in_days(1, 9))
    later = portal_event(title="Übermorgen", seats=1, starts_at=in_days(2, 9))
    event_register(event_id=tomorrow.pk, name="Anna", email="anna@beispiel.de")
    event_register(event_id=tomorrow.pk, name="Bernd", email="bernd@beispiel.de")  # waiting
    event_register(event_id=later.pk, name="Clara", email="clara@beispiel.de")
    mail.outbox.clear()
    with on_commit():
        assert event_reminders_send_task.delay().get() == 1
    (reminder,) = mail.outbox
    assert reminder.to == ["anna@beispiel.de"]
    assert reminder.subject == "Morgen: Morgen-Workshop"
    assert ics_of(reminder).events[0]["UID"] == f"event-{tomorrow.pk}@beweqo"
    with on_commit():
        event_reminders_send_task.delay().get()
    assert len(mail.outbox) == 1  # a second run sends nothing new


def test_reminders_are_scheduled_daily():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["event-reminders"]["task"] == ("events.reminders_send")


def test_a_wrong_registration_gets_an_error_summary_linking_to_the_fields(client):
    event = portal_event(seats=5)
    response = register(client, event, name="", email="keine-adresse")
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('class="kern-alert kern-alert--danger form-errors" role="alert"', 1)[1]
    summary = summary.split("</ul>", 1)[0]
    assert 'href="#id_email"' in summary
    assert 'href="#id_name"' in summary
    assert event.registrations.count() == 0
