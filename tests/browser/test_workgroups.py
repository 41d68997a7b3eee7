"""A working-group lead and a member in a real browser: the lead schedules a meeting,
publishes minutes with a decision, an action item and an attachment; a member finds the
minutes through the search and downloads the attachment. axe-core checks every page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, force_login, visit
from tests.factories import (
    InstitutionFactory,
    SteeringCircleMemberFactory,
    UserFactory,
    WorkingGroupMemberFactory,
    seeded_group,
)
from tests.workgroups.files import PDF
from workgroups.models import ActionItem, Attachment, Minutes


@pytest.fixture(autouse=True)
def _steering_circle(_seed_data):
    """The steering circle body is seeded by a later migration than the one the browser
    harness re-runs after a flush; run its seeding function too (it is idempotent)."""
    from importlib import import_module

    from django.apps import apps

    import_module(
        "workgroups.migrations.0004_steering_circle_and_minutes_search"
    ).create_steering_circle(apps, None)


@pytest.fixture
def cast(db, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    group = seeded_group("unternehmen")
    ihk = InstitutionFactory(name="IHK Ostwürttemberg", slug="ihk-ostwuerttemberg")
    lead = WorkingGroupMemberFactory(
        group=group, institution=ihk, role="lead", person=UserFactory(name="Daniel Hägele")
    ).person
    member = WorkingGroupMemberFactory(
        group=group, role="member", person=UserFactory(name="Melanie Roth")
    ).person
    steering = SteeringCircleMemberFactory(person=UserFactory(name="Michael Straub")).person
    return {"group": group, "lead": lead, "member": member, "steering": steering}


def test_lead_publishes_minutes_and_a_member_finds_and_downloads_them(
    page: Page, new_context, cast
):
    lead, member = cast["lead"], cast["member"]
    force_login(page, lead)
    visit(page, "/arbeitsgruppen/")
    page.get_by_role("link", name="Interner Bereich: Unternehmen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unternehmen")
    assert_accessible(page)

    # Schedule a meeting.
    page.get_by_role("link", name="Sitzung planen").click()
    assert_accessible(page)
    start = (timezone.localtime() + datetime.timedelta(days=9)).replace(hour=14, minute=0)
    page.get_by_label("Titel").fill("Verbundtreffen Metall")
    page.get_by_label("Beginn").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ende").fill((start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ort").fill("Hochschule Aalen, Raum G 2.21")
    page.get_by_label("Tagesordnung").fill("1. Bedarfe\n2. Termine")
    page.get_by_role("button", name="Sitzung speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verbundtreffen Metall")
    expect(page.get_by_role("status")).to_contain_text("Die Sitzung ist angelegt.")
    assert_accessible(page)
    meeting_url = page.url

    # Write and publish the minutes with a decision.
    page.get_by_role("link", name="Protokoll schreiben").click()
    assert_accessible(page)
    page.get_by_label("Daniel Hägele (IHK Ostwürttemberg)").check()
    page.get_by_label("Protokoll", exact=True).fill(
        "## Bedarfe\n\nVier Betriebe wünschen gemeinsame Schulungen in Schweißtechnik."
    )
    page.get_by_label("Beschlüsse").fill("Der Verbund startet im Frühjahr.")
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_role("status")).to_contain_text("Das Protokoll ist veröffentlicht.")
    expect(
        page.get_by_role("listitem").filter(has_text="Der Verbund startet im Frühjahr.")
    ).to_be_visible()
    assert_accessible(page)

    # Attach a file.
    page.get_by_label("Datei anhängen").set_input_files(
        files=[{"name": "Bedarfsliste.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_role("status")).to_contain_text("„Bedarfsliste.pdf“ ist angehängt.")
    assert_accessible(page)

    # Record an action item from the meeting.
    page.get_by_role("link", name="Aufgabe aus dieser Sitzung anlegen").click()
    assert_accessible(page)
    page.get_by_label("Was ist zu tun?").fill("Teilnehmerliste an die Betriebe schicken")
    page.get_by_label("Wer? (Person)").select_option(label="Melanie Roth")
    page.get_by_label("Fällig am").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    page.get_by_role("button", name="Aufgabe speichern").click()
    expect(page).to_have_url(meeting_url)
    expect(page.get_by_role("main")).to_contain_text("Teilnehmerliste an die Betriebe schicken")

    minutes = Minutes.objects.get()
    assert minutes.is_published
    assert list(minutes.decisions.values_list("text", flat=True)) == [
        "Der Verbund startet im Frühjahr."
    ]
    assert Attachment.objects.get().name == "Bedarfsliste.pdf"
    assert ActionItem.objects.get().assignee == member

    # A member finds the minutes through the search and downloads the attachment.
    member_page = new_context().new_page()
    force_login(member_page, member)
    visit(member_page, "/arbeitsgruppen/suche/")
    member_page.get_by_label("Suchbegriff").fill("Schulung")
    member_page.get_by_role("button", name="Suchen").click()
    expect(member_page.get_by_role("status")).to_contain_text("1 Protokoll gefunden.")
    assert_accessible(member_page)
    member_page.get_by_role("link", name="Verbundtreffen Metall").click()
    expect(member_page).to_have_url(meeting_url)
    with member_page.expect_download() as download_info:
        member_page.get_by_role("link", name="Bedarfsliste.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "Bedarfsliste.pdf"
    assert download.path().read_bytes() == PDF

    # The member's task is in "Meine Aufgaben".
    visit(member_page, "/arbeitsgruppen/meine-aufgaben/")
    expect(member_page.get_by_role("main")).to_contain_text(
        "Teilnehmerliste an die Betriebe schicken"
    )


def test_internal_pages_are_accessible(page: Page, cast):
    """Every page of the working area, for the lead (who sees all forms) and the
    steering circle's overview."""
    from tests.factories import ActionItemFactory, MeasureFactory, MinutesFactory

    group = cast["group"]
    minutes = MinutesFactory(meeting__group=group, decisions=["Beschluss eins"])
    from workgroups.services import minutes_save

    minutes_save(meeting=minutes.meeting, edited_by=cast["lead"], text="Neu", decisions=[])
    measure = MeasureFactory(group=group, responsible=cast["lead"])
    ActionItemFactory(
        group=group,
        assignee=cast["lead"],
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    base = f"/arbeitsgruppen/{group.slug}"
    m = minutes.meeting.pk
    force_login(page, cast["lead"])
    for path in [
        f"{base}/intern/",
        f"{base}/sitzungen/{m}/",
        f"{base}/sitzungen/{m}/bearbeiten/",
        f"{base}/sitzungen/{m}/protokoll/",
        f"{base}/sitzungen/{m}/protokoll/versionen/",
        f"{base}/aufgaben/neu/",
        f"{base}/massnahmen/neu/",
        f"{base}/massnahmen/{measure.pk}/",
        f"{base}/massnahmen/{measure.pk}/bearbeiten/",
        "/arbeitsgruppen/meine-aufgaben/",
        "/arbeitsgruppen/suche/?q=Weiterbildungsangebote",
    ]:
        visit(page, path)
    # A form sent back with errors is accessible too.
    visit(page, f"{base}/sitzungen/neu/")
    page.get_by_role("button", name="Sitzung speichern").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    force_login(page, cast["steering"])
    visit(page, "/arbeitsgruppen/uebersicht/")
    expect(page.get_by_text("überfällig").first).to_be_visible()
    visit(page, "/arbeitsgruppen/steuerkreis/")
    visit(page, "/arbeitsgruppen/steuerkreis/intern/")


def test_member_replies_without_javascript(new_context, cast):
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(group=cast["group"])
    no_js = new_context(java_script_enabled=False).new_page()
    force_login(no_js, cast["member"])
    visit(no_js, meeting.get_absolute_url())
    no_js.get_by_label("Ich komme", exact=True).check()
    no_js.get_by_role("button", name="Antwort senden").click()
    expect(no_js.get_by_role("status")).to_contain_text("Ihre Antwort ist gespeichert.")
    assert meeting.replies.get().answer == "yes"
    assert re.search(r"Melanie Roth: Ich komme", no_js.content())
