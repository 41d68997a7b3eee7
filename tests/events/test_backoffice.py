"""Announcing events in the back office: the form with its checks (and hostile input), the
approval of a new institution's first event, cancelling and deleting; and the selector the
newsletter reads."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventApproval
from events.selectors import events_upcoming
from events.services import event_publish, event_register
from offerings.models import TargetGroup
from tests.access import with_second_factor
from tests.events.test_support import (
    EventFactory,
    calendar_path,
    event_form_data,
    in_days,
    portal_event,
)
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def create_url(institution) -> str:
    return reverse("events:bo_event_create", args=[institution.slug])


def test_editor_creates_a_draft_with_local_times(client_for, institution, member):
    response = client_for(member).post(create_url(institution), event_form_data())
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.status, event.created_by, event.institution) == ("draft", member, institution)
    local = timezone.localtime(event.starts_at)
    assert (local.hour, local.minute, str(local.tzinfo)) == (9, 0, "Europe/Berlin")
    assert event.ends_at - event.starts_at == timedelta(hours=2)
    assert client_for(None).get(event.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"ends_at": "2020-01-01T10:00"},
            "ends_at",
            "Das Ende darf nicht vor dem Beginn liegen.",
        ),
        ({"starts_at": "morgen früh"}, "starts_at", "gültiges Datum"),
        ({"starts_at": "99999-01-01T10:00"}, "starts_at", "gültiges Datum"),
        ({"title": ""}, "title", "zwingend erforderlich"),
        ({"title": "T" * 201}, "title", "höchstens 200 Zeichen"),
        ({"description": "x" * 20001}, "description", "höchstens 20000 Zeichen"),
        ({"kind": "party"}, "kind", "keine gültige Auswahl"),
        ({"postcode": "7343"}, "postcode", "fünf Ziffern"),
        ({"price": "-5"}, "price", "größer oder gleich 0"),
        ({"price": "1e9"}, "price", ""),
        ({"city": "", "venue_name": "", "street": ""}, "city", "Bitte einen Ort angeben"),
        ({"online_url": "javascript:alert(1)", "city": ""}, "online_url", "gültige Adresse"),
        ({"registration_mode": "portal", "seats": ""}, "seats", "wie viele Plätze"),
        ({"registration_mode": "portal", "seats": "0"}, "seats", "wie viele Plätze"),
        ({"registration_mode": "external", "registration_url": ""}, "registration_url", "Link"),
        (
            {"registration_closes_at": in_days(60).strftime("%Y-%m-%dT%H:%M")},
            "registration_closes_at",
            "vor dem Beginn",
        ),
        ({"contact_email": "<script>@x"}, "contact_email", "gültige E-Mail-Adresse"),
    ],
)
def test_wrong_input_is_refused_field_by_field(
    client_for, institution, member, changes, field, message
):
    response = client_for(member).post(create_url(institution), event_form_data(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Event.objects.exists()


def test_an_event_ending_before_it_starts_cannot_be_stored_even_past_the_form(institution):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        EventFactory(institution=institution, starts_at=in_days(5), ends_at=in_days(4))


def test_script_in_every_text_field_is_shown_as_text(client_for, institution, member, owner):
    script = "<script>alert('x')</script>"
    data = event_form_data(
        title=f"Titel {script}",
        summary=f"Kurz {script}",
        description=f"Lang {script}",
        audience_notes=f"Für {script}",
        venue_name=f"Ort {script}",
        street=f"Straße {script}",
        city=f"Stadt {script}",
        accessibility_notes=f"Zugang {script}",
        price_notes=f"Preis {script}",
    )
    client = client_for(member)
    assert client.post(create_url(institution), data).status_code == 302
    event = Event.objects.get()
    event_publish(event=event, user=owner)
    Event.objects.filter(pk=event.pk).update(status="published", published_at=timezone.now())
    for url in (
        event.get_absolute_url(),
        reverse("events:event_list"),
        reverse("events:bo_event_edit", args=[institution.slug, event.pk]),
        reverse("events:bo_events", args=[institution.slug]),
        reverse("events:event_month") + f"?monat={timezone.localtime(event.starts_at):%Y-%m}",
    ):
        body = client.get(url).content.decode()
        assert "<script>alert('x')</script>" not in body, url
        assert "&lt;script&gt;" in body, url


def test_a_new_institutions_first_event_waits_for_the_network_office(
    client_for, institution, member, network_office, on_commit
):
    event = EventFactory(institution=institution, status="draft", published_at=None)
    with on_commit():
        response = client_for(member).post(
            reverse("events:bo_event_publish", args=[institution.slug, event.pk])
        )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "draft"
    assert EventApproval.objects.filter(event=event).exists()
    assert [m.to for m in mail.outbox] == [[network_office.email]]
    assert "erste Veranstaltung" in mail.outbox[0].subject
    # The queue names who asked: the office sees it with its second factor.
    queue = client_for(with_second_factor(network_office)).get(reverse("events:bo_event_approvals"))
    assert event.title in queue.content.decode()
    client_for(network_office).post(reverse("events:bo_event_approve", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == "published"
    assert not EventApproval.objects.exists()
    assert client_for(None).get(event.get_absolute_url()).status_code == 200
    # From now on the institution publishes at once.
    second = EventFactory(institution=institution, status="draft", published_at=None)
    assert event_publish(event=second, user=member) == "published"


def test_an_institution_with_a_published_offer_is_not_new(institution, member):
    OfferFactory(institution=institution, status="published", published_at=timezone.now())
    event = EventFactory(institution=institution, status="draft", published_at=None)
    assert event_publish(event=event, user=member) == "published"


def test_the_network_office_publishes_without_approval(institution, network_office):
    event = EventFactory(institution=institution, status="draft", published_at=None)
    assert event_publish(event=event, user=network_office) == "published"


def test_an_event_with_registrations_is_cancelled_not_deleted(client_for, institution, member):
    event = portal_event(institution=institution)
    event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    url = reverse("events:bo_event_delete", args=[institution.slug, event.pk])
    response = client_for(member).post(url)
    assert response.status_code == 409
    assert "Sagen Sie sie ab" in response.content.decode()
    assert Event.objects.filter(pk=event.pk).exists()


def test_registration_mode_cannot_be_switched_away_with_registrations(
    client_for, institution, member
):
    event = portal_event(institution=institution)
    event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    url = reverse("events:bo_event_edit", args=[institution.slug, event.pk])
    response = client_for(member).post(url, event_form_data(registration_mode="none"))
    assert response.status_code == 200
    assert "Es gibt schon Anmeldungen" in response.content.decode()
    event.refresh_from_db()
    assert event.registration_mode == "portal"


def test_my_area_links_the_events_of_ones_institutions(
    client_for, institution, member, network_office
):
    body = client_for(member).get(reverse("portal:my_area")).content.decode()
    assert reverse("events:bo_events", args=[institution.slug]) in body
    office = client_for(network_office).get(reverse("portal:my_area")).content.decode()
    assert reverse("events:bo_event_approvals") in office


def test_events_upcoming_for_the_newsletter():
    later = EventFactory(starts_at=in_days(9))
    sooner = EventFactory(starts_at=in_days(2))
    EventFactory(starts_at=in_days(-2))
    EventFactory(starts_at=in_days(3), status="draft", published_at=None)
    EventFactory(starts_at=in_days(4), status="cancelled")
    assert events_upcoming() == [sooner, later]
    assert events_upcoming(limit=1) == [sooner]
    (event,) = events_upcoming(limit=1)
    assert event.institution.name  # loaded with the event
    assert event.get_absolute_url() == calendar_path(f"{sooner.pk}/")


def test_more_seats_move_the_waiting_list_up_and_fewer_than_taken_are_refused(
    client_for, institution, member, django_capture_on_commit_callbacks
):
    event = portal_event(institution=institution, seats=1)
    for name in ("Anna", "Bernd", "Clara"):
        event_register(event_id=event.pk, name=name, email=f"{name.lower()}@beispiel.de")
    mail.outbox.clear()
    url = reverse("events:bo_event_edit", args=[institution.slug, event.pk])
    data = event_form_data(
        title=event.title,
        venue_name=event.venue_name,
        street=event.street,
        starts_at=timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(member).post(url, data | {"seats": "2"}).status_code == 302
    assert dict(event.registrations.values_list("name", "status")) == {
        "Anna": "confirmed",
        "Bernd": "confirmed",
        "Clara": "waiting",
    }
    assert [m.to for m in mail.outbox] == [["bernd@beispiel.de"]]
    response = client_for(member).post(url, data | {"seats": "1"})
    assert "Es sind schon 2 Plätze vergeben." in response.content.decode()
    event.refresh_from_db()
    assert event.seats == 2


def test_a_new_time_reaches_everybody_registered_with_the_updated_calendar_entry(
    client_for, institution, member, django_capture_on_commit_callbacks
):
    import icalendar

    event = portal_event(institution=institution, seats=1, title="Infotag Pflege")
    event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    event_register(event_id=event.pk, name="Bernd", email="bernd@beispiel.de")
    mail.outbox.clear()
    url = reverse("events:bo_event_edit", args=[institution.slug, event.pk])
    starts = timezone.localtime(event.starts_at) + timedelta(days=1)
    data = event_form_data(
        title=event.title,
        seats="1",
        starts_at=starts.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(member).post(url, data).status_code == 302
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"anna@beispiel.de", "bernd@beispiel.de"}
    assert by_address["anna@beispiel.de"].subject == "Geändert: Infotag Pflege"
    (attachment,) = by_address["anna@beispiel.de"].attachments
    vevent = icalendar.Calendar.from_ical(attachment.content).events[0]
    assert vevent["UID"] == f"event-{event.pk}@beweqo"
    assert vevent.start == starts
    assert by_address["bernd@beispiel.de"].attachments == []  # still only waiting
    # Changing only the text tells nobody.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(member).post(url, data | {"summary": "Neu formuliert."})
    assert mail.outbox == []


def test_an_event_is_copied_as_a_draft_without_registrations(client_for, institution, member):
    event = portal_event(institution=institution, title="Infotag Frühjahr")
    event.target_groups.add(TargetGroup.objects.get(slug="beschaeftigte"))
    event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    response = client_for(member).post(
        reverse("events:bo_event_duplicate", args=[institution.slug, event.pk])
    )
    copy = Event.objects.exclude(pk=event.pk).get()
    assert response.url == reverse("events:bo_event_edit", args=[institution.slug, copy.pk])
    assert (copy.title, copy.status, copy.published_at) == (
        "Infotag Frühjahr (Kopie)",
        "draft",
        None,
    )
    assert (copy.seats, copy.city) == (event.seats, event.city)
    assert list(copy.target_groups.values_list("slug", flat=True)) == ["beschaeftigte"]
    assert copy.registrations.count() == 0
