"""The events calendar in a real browser: an institution's editor announces an event with
the portal's own registration and publishes it; a visitor finds it in the calendar, takes
the last seat and cancels through the link in the mail; a second visitor lands on the
waiting list and moves up. Every page on the way, and every other page of the calendar
and its back office, is checked with axe-core (the harness also fails on CSP errors), and
the back office's lists on a phone and on a desktop screen."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event, EventApproval
from events.services import event_register
from network.models import MembershipRole
from outbox.models import OutboxMessage
from tests.access import with_second_factor
from tests.browser.conftest import (
    assert_accessible,
    assert_no_sideways_scroll,
    force_login,
    row_action,
    visit,
)
from tests.events.test_support import (
    EventFactory,
    calendar_path,
    in_days,
    portal_event,
)
from tests.factories import MembershipFactory, UserFactory
from tests.offerings.factories import OfferFactory


@pytest.fixture
def editor(institution):
    # An earlier publication: the institution is not new, so publishing goes live at once.
    OfferFactory(institution=institution, title="Älterer Kurs", published_at=timezone.now())
    return MembershipFactory(
        institution=institution,
        role=MembershipRole.EDITOR,
        user=UserFactory(name="Erika Redakteurin"),
    ).user


def test_editor_announces_an_event_and_finds_it_in_the_calendar(page: Page, institution, editor):
    force_login(page, editor)
    visit(page, "/mein-bereich/")
    page.get_by_role("link", name="Veranstaltungen von Volkshochschule Aalen verwalten").click()
    assert_accessible(page)
    page.get_by_role("link", name="Neue Veranstaltung anlegen").click()
    assert_accessible(page)

    day = timezone.localdate() + timedelta(days=20)
    page.get_by_label("Art", exact=True).select_option(label="Workshop")
    page.get_by_label("Titel", exact=True).fill("Workshop: Weiterbildung finanzieren")
    page.get_by_label(re.compile(r"^Kurzbeschreibung")).fill("Förderwege im Überblick.")
    page.get_by_label(re.compile(r"^Beschreibung")).fill("## Ablauf\n\n- Vortrag\n- Fragen")
    page.get_by_label("Beschäftigte", exact=True).check()
    page.get_by_label("Beginn", exact=True).fill(f"{day.isoformat()}T18:00")
    # An end before the start is refused with a message, and nothing is saved.
    page.get_by_label("Ende", exact=True).fill(f"{day.isoformat()}T17:00")
    page.get_by_label(re.compile(r"^Veranstaltungsort")).fill("VHS Aalen, Raum 1.12")
    page.get_by_label(re.compile(r"^Ort( |$)")).fill("Aalen")
    page.get_by_label(re.compile(r"^Landkreis")).select_option(label="Ostalbkreis")
    page.get_by_label(re.compile(r"^Anmeldung über das Portal")).check()
    page.get_by_label(re.compile(r"^Plätze")).fill("1")
    page.get_by_role("button", name="Veranstaltung speichern").click()
    expect(page.get_by_text("Das Ende darf nicht vor dem Beginn liegen.")).to_be_visible()
    assert_accessible(page)
    assert not Event.objects.exists()

    page.get_by_label("Ende", exact=True).fill(f"{day.isoformat()}T20:00")
    page.get_by_role("button", name="Veranstaltung speichern").click()
    expect(page.get_by_text("Die Veranstaltung ist als Entwurf gespeichert.")).to_be_visible()
    assert_accessible(page)
    event = Event.objects.get()
    assert timezone.localtime(event.starts_at).hour == 18

    page.get_by_role("link", name="Vorschau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workshop: Weiterbildung finanzieren")
    expect(page.get_by_text("Vorschau: So sehen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Zurück zur Bearbeitung").click()
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_text("Die Veranstaltung ist veröffentlicht.")).to_be_visible()

    visit(page, calendar_path())
    page.get_by_role("link", name="Workshop: Weiterbildung finanzieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workshop: Weiterbildung finanzieren")
    expect(page.get_by_text("Noch 1 Platz frei.")).to_be_visible()
    assert_accessible(page)
    visit(page, calendar_path(f"monat/?monat={day:%Y-%m}"))
    expect(page.get_by_role("link", name=re.compile("Workshop: Weiterbildung"))).to_be_visible()


def test_visitors_register_wait_cancel_and_move_up(page: Page, institution):
    event = portal_event(institution=institution, title="Infotag Umschulung", seats=1)
    visit(page, calendar_path())
    page.get_by_role("link", name="Infotag Umschulung").click()
    page.get_by_label("Ihr Name").fill("Anna Berger")
    page.get_by_label("Ihre E-Mail-Adresse").fill("anna@beispiel.de")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sie sind angemeldet")
    assert_accessible(page)

    # The last seat is gone: the next visitor is offered the waiting list.
    visit(page, event.get_absolute_url())
    expect(page.get_by_text("Alle Plätze sind vergeben.")).to_be_visible()
    page.get_by_label("Ihr Name").fill("Bernd Maier")
    page.get_by_label("Ihre E-Mail-Adresse").fill("bernd@beispiel.de")
    page.get_by_role("button", name="Auf die Warteliste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sie stehen auf der Warteliste")

    confirmation = OutboxMessage.objects.get(recipient="anna@beispiel.de")
    assert confirmation.attachments[0]["mimetype"] == "text/calendar"
    assert f"UID:event-{event.pk}@beweqo" in confirmation.attachments[0]["content"]
    prefix = re.escape(calendar_path("abmelden/"))
    cancel = re.search(rf"{prefix}[^\s]+/", confirmation.text).group(0)
    visit(page, cancel)
    page.get_by_role("button", name="Ja, abmelden").click()
    expect(page.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    assert_accessible(page)
    assert dict(event.registrations.values_list("name", "status")) == {
        "Anna Berger": "cancelled",
        "Bernd Maier": "confirmed",
    }
    moved_up = OutboxMessage.objects.get(recipient="bernd@beispiel.de", subject__contains="frei")
    assert "Infotag Umschulung" in moved_up.subject
    visit(page, calendar_path("abmelden/gefaelscht/"), status=404)


def test_every_calendar_page_is_accessible(page: Page, institution, owner, network_office):
    event = portal_event(institution=institution, title="Konferenz", online_url="https://x.test/")
    event_register(event_id=event.pk, name="Anna", email="anna@beispiel.de")
    EventFactory(institution=institution, title="Vorbei", starts_at=in_days(-3))
    EventFactory(institution=institution, title="Abgesagt", status="cancelled")
    draft = EventFactory(institution=institution, status="draft", published_at=None)
    EventApproval.objects.create(event=draft, requested_by=owner)
    month = timezone.localtime(event.starts_at)
    for path in [
        calendar_path(),
        calendar_path("?art=info_day&kostenlos=on"),
        calendar_path("archiv/"),
        calendar_path(f"monat/?monat={month:%Y-%m}"),
        event.get_absolute_url(),
    ]:
        visit(page, path)
    visit(page, calendar_path("?landkreis=mars"), status=400)
    visit(page, calendar_path("monat/?monat=2026-13"), status=400)
    base = f"/kurse/bereich/{institution.slug}/veranstaltungen/"
    force_login(page, owner)
    for path in [
        base,
        f"{base}neu/",
        f"{base}{event.pk}/",
        f"{base}{event.pk}/vorschau/",
        f"{base}{event.pk}/absagen/",
        f"{base}{event.pk}/loeschen/",
        f"{base}{event.pk}/anmeldungen/",
        f"{base}{draft.pk}/loeschen/",
    ]:
        visit(page, path)
    page.context.clear_cookies()
    force_login(page, with_second_factor(network_office))
    visit(page, "/kurse/bereich/freigaben/veranstaltungen/")


def test_event_lists_fit_a_phone_and_a_desktop(page: Page, institution, owner, network_office):
    title = "Informationsabend: berufsbegleitende Weiterbildung und Aufstiegs-BAföG"
    event = portal_event(institution=institution, title=title, seats=20)
    event_register(
        event_id=event.pk, name="Annemarie Berger-Schönfeld", email="annemarie.berger@beispiel.de"
    )
    draft = EventFactory(institution=institution, title=title, status="draft", published_at=None)
    EventApproval.objects.create(event=draft, requested_by=owner)
    base = f"/kurse/bereich/{institution.slug}/veranstaltungen/"
    force_login(page, owner)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in [base, f"{base}{event.pk}/anmeldungen/"]:
            visit(page, path)
            assert_no_sideways_scroll(page)
    # The row action is a real form, CSRF token included.
    page.get_by_role("button", name=row_action("Stornieren", "Annemarie Berger-Schönfeld")).click()
    expect(page.get_by_text("Die Anmeldung ist storniert.")).to_be_visible()
    assert event.registrations.get().status == "cancelled"

    page.context.clear_cookies()
    force_login(page, with_second_factor(network_office))
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, "/kurse/bereich/freigaben/veranstaltungen/")
        assert_no_sideways_scroll(page)
    expect(page.get_by_role("button", name=row_action("Freigeben", title))).to_be_visible()
    expect(page.get_by_role("link", name=row_action("Vorschau", title))).to_be_visible()
