"""An editor in a real browser: creates an offer with two dates, previews it, publishes it
and finds it in the public catalogue; then every back-office page is checked with
axe-core (the harness fails on any console error, such as a CSP violation), and the
back-office lists on a phone and on a desktop screen."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from network.models import MembershipRole
from offerings.exporters import csv_template
from offerings.models import (
    ImportJob,
    ImportStatus,
    Offer,
    OfferApproval,
    OfferChange,
    OfferStatus,
    Topic,
)
from tests.access import with_second_factor
from tests.browser.conftest import (
    assert_accessible,
    assert_no_sideways_scroll,
    force_login,
    row_action,
    visit,
)
from tests.factories import MembershipFactory, UserFactory
from tests.offerings.factories import OfferFactory


@pytest.fixture
def editor(institution):
    # An earlier publication: this provider is no longer new, so publishing goes live.
    OfferFactory(institution=institution, title="Älterer Kurs", published_at=timezone.now())
    return MembershipFactory(
        institution=institution,
        role=MembershipRole.EDITOR,
        user=UserFactory(name="Erika Redakteurin"),
    ).user


def test_editor_creates_previews_publishes_and_finds_an_offer(page: Page, institution, editor):
    force_login(page, editor)
    visit(page, "/mein-bereich/")
    page.get_by_role(
        "link", name="Angebote von Volkshochschule Aalen verwalten", exact=True
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Neues Angebot anlegen").click()
    assert_accessible(page)
    page.get_by_label("Titel", exact=True).fill("Schweißen für Einsteigerinnen")
    page.get_by_label("Kurzbeschreibung").fill("MAG-Schweißen an drei Samstagen.")
    page.get_by_label("Lernform").select_option(label="Präsenz")
    page.get_by_role("button", name="Angebot speichern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schweißen für Einsteigerinnen")
    assert_accessible(page)

    start = timezone.localdate() + timedelta(days=30)
    for number, venue in enumerate(["new", "existing"]):
        page.get_by_role("link", name="Termin hinzufügen").click()
        assert_accessible(page)
        day = start + timedelta(days=14 * number)
        page.get_by_label("Beginn am").fill(day.isoformat())
        page.get_by_label("Ende am").fill((day + timedelta(days=1)).isoformat())
        if venue == "new":
            page.get_by_label("Neuer Ort: Bezeichnung").fill("Werkstatt Nord")
            page.get_by_label("Neuer Ort: Ort").fill("Aalen")
        else:
            page.get_by_label(re.compile(r"^Veranstaltungsort")).select_option(
                label="Werkstatt Nord, Aalen"
            )
        page.get_by_role("button", name="Termin speichern").click()
        expect(page.get_by_text("Der Termin ist gespeichert.")).to_be_visible()
    offer = Offer.objects.get(title="Schweißen für Einsteigerinnen")
    assert offer.dates.count() == 2

    page.get_by_role("link", name="Vorschau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schweißen für Einsteigerinnen")
    expect(page.get_by_text("Vorschau: So sehen")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.get_by_text("Das Angebot ist veröffentlicht.")).to_be_visible()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED

    visit(page, "/kurse/?q=Schweißen")
    page.get_by_role("link", name="Schweißen für Einsteigerinnen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schweißen für Einsteigerinnen")


def test_an_editor_publishes_several_offers_at_once_on_a_phone(page: Page, institution, editor):
    """Issue 15: checkboxes in the list and one action for all that are ticked."""
    drafts = [
        OfferFactory(institution=institution, title=title, status="draft")
        for title in ("Erster Entwurf", LONG_TITLE, "Dritter Entwurf")
    ]
    force_login(page, editor)
    page.set_viewport_size({"width": 320, "height": 900})
    visit(page, f"/kurse/bereich/{institution.slug}/")
    assert_no_sideways_scroll(page)
    region = page.get_by_role("region", name="Angebote mit Status, Vollständigkeit und Hinweisen")
    for title in ("Erster Entwurf", LONG_TITLE):
        box = region.get_by_role("checkbox", name=re.compile(rf"^Auswählen ?: {re.escape(title)}$"))
        box.check()
        expect(box).to_be_checked()
    page.get_by_label("Aktion").select_option(label="Veröffentlichen")
    page.get_by_role("button", name="Für die ausgewählten Angebote ausführen").click()
    expect(page.get_by_text("2 Angebote sind veröffentlicht.")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    assert [Offer.objects.get(pk=offer.pk).status for offer in drafts] == [
        OfferStatus.PUBLISHED,
        OfferStatus.PUBLISHED,
        OfferStatus.DRAFT,
    ]

    # Terms take a second step, a page of its own.
    region.get_by_role("checkbox", name=re.compile(r"^Auswählen ?: Dritter Entwurf$")).check()
    page.get_by_label("Aktion").select_option(value="taxonomy")
    page.get_by_role("button", name="Für die ausgewählten Angebote ausführen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Themen, Zielgruppen oder Förderung ändern"
    )
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    topic = Topic.objects.filter(is_active=True).first()
    page.get_by_role("group", name="Themen").get_by_label(topic.name, exact=True).check()
    page.get_by_role("button", name="Übernehmen").click()
    expect(page.get_by_text("1 Angebot ist geändert.")).to_be_visible()
    assert list(drafts[2].topics.all()) == [topic]


def test_supplier_bulk_and_approval_pages_are_accessible(
    page: Page, institution, other_institution, owner, network_office
):
    """Issue 15's pages: the supplier question of a first import, the bulk form of a
    committed one, and a provider with several waiting offers on the approvals page."""
    report = {
        "counts": {"create": 1, "update": 0, "unchanged": 0, "reject": 0, "archive": 0},
        "entries": [
            {
                "ref": "A",
                "position": 2,
                "title": "Kurs",
                "action": "create",
                "fields": [],
                "reasons": [],
            }
        ],
    }
    jobs = {
        status: ImportJob.objects.create(
            institution=institution,
            user=owner,
            format="openqcat",
            filename=f"{status}.xml",
            status=status,
            report=report,
            supplier_id="12345",
            supplier_name="Bildungswerk Muster",
        )
        for status in (ImportStatus.CHECKED, ImportStatus.DONE)
    }
    for title in ("Erster Kurs", LONG_TITLE):
        offer = OfferFactory(institution=other_institution, title=title, status="draft")
        OfferApproval.objects.create(offer=offer, requested_by=owner)
    base = f"/kurse/bereich/{institution.slug}/import/"
    force_login(page, owner)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, f"{base}{jobs[ImportStatus.CHECKED].pk}/")
        expect(page.get_by_label(re.compile("Als Ihre Kennung übernehmen"))).to_be_visible()
        assert_no_sideways_scroll(page)
        visit(page, f"{base}{jobs[ImportStatus.DONE].pk}/")
        expect(page.get_by_text("Alle Angebote dieses Imports bearbeiten:")).to_be_visible()
        assert_no_sideways_scroll(page)
    force_login(page, with_second_factor(network_office))
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, "/kurse/bereich/freigaben/")
        assert_no_sideways_scroll(page)
    name = f"{other_institution.name} (2 Angebote)"
    expect(page.get_by_role("button", name=row_action("Freigeben", name))).to_be_visible()


def test_every_back_office_page_is_accessible(page: Page, institution, owner, network_office):
    offer = OfferFactory(institution=institution, status="draft")
    OfferApproval.objects.create(offer=offer, requested_by=owner)
    offer_date = offer.dates.get()
    checked = ImportJob.objects.create(
        institution=institution,
        user=owner,
        format="csv",
        filename="angebote.csv",
        content=csv_template(),
        status=ImportStatus.CHECKED,
        report={
            "counts": {"create": 1, "update": 0, "unchanged": 0, "reject": 1, "archive": 1},
            # What the file left out, the defaults form and the archive confirmation.
            "file": {
                "catalogue": "new",
                "missing": 1,
                "unused": {"MODULE_COURSE/INSTRUCTOR": 2, "TERMS_AND_CONDITIONS": 1},
                "technical": {"ID_DB": 3},
            },
            "entries": [
                {
                    "ref": "A",
                    "position": 2,
                    "title": "Kurs",
                    "action": "create",
                    "fields": [],
                    "reasons": ["2 Termine."],
                    "warnings": ["Die Förderart „KOMPASS“ hat im Portal keine Entsprechung."],
                    "unused": [["TERMS_AND_CONDITIONS", 1], ["MODULE_COURSE/INSTRUCTOR", 2]],
                },
                {
                    "ref": "ALT-1",
                    "position": 0,
                    "title": "Nicht mehr im Katalog",
                    "action": "archive",
                    "fields": [],
                    "reasons": ["Nicht mehr in der Datei: wird archiviert."],
                    "missing": True,
                },
                {
                    "ref": "B",
                    "position": 4,
                    "title": "",
                    "action": "reject",
                    "fields": [],
                    "reasons": ["Pflichtangabe fehlt: Titel."],
                },
            ],
        },
    )
    failed = ImportJob.objects.create(
        institution=institution,
        user=owner,
        format="openqcat",
        filename="bombe.xml",
        content=b"",
        status=ImportStatus.FAILED,
        error="Die Datei enthält Entitäten.",
    )
    running = ImportJob.objects.create(
        institution=institution,
        user=owner,
        format="csv",
        filename="gross.csv",
        content=b"x",
        status=ImportStatus.CHECKING,
        progress=12000,
    )
    base = f"/kurse/bereich/{institution.slug}/"
    force_login(page, owner)
    for path in [
        base,
        f"{base}neu/",
        f"{base}{offer.pk}/",
        f"{base}{offer.pk}/verlauf/",
        f"{base}{offer.pk}/vorschau/",
        f"{base}{offer.pk}/loeschen/",
        f"{base}{offer.pk}/termine/neu/",
        f"{base}{offer.pk}/termine/{offer_date.pk}/",
        f"{base}{offer.pk}/termine/verschieben/",
        f"{base}import/",
        f"{base}import/{checked.pk}/",
        f"{base}import/{failed.pk}/",
        f"{base}import/{running.pk}/",
        f"/mitglieder/{institution.slug}/team/",
    ]:
        visit(page, path)
    # Forms with errors are pages too.
    visit(page, f"{base}neu/")
    page.get_by_role("button", name="Angebot speichern").click()
    assert_accessible(page)
    force_login(page, with_second_factor(network_office))
    visit(page, "/kurse/bereich/freigaben/")


LONG_TITLE = "Fachkraft für Lagerlogistik: berufsbegleitende Umschulung mit IHK-Abschluss"


def test_back_office_lists_fit_a_phone_and_a_desktop(
    page: Page, institution, owner, network_office
):
    offer = OfferFactory(institution=institution, title=LONG_TITLE, status="draft")
    OfferFactory(institution=institution, title="Excel für Einsteiger")
    OfferApproval.objects.create(offer=offer, requested_by=owner)
    OfferChange.objects.create(offer=offer, user=owner, action="update", fields=["title"])
    job = ImportJob.objects.create(
        institution=institution,
        user=owner,
        format="csv",
        filename="angebote.csv",
        content=csv_template(),
        status=ImportStatus.CHECKED,
        report={
            "counts": {"create": 0, "update": 0, "unchanged": 0, "reject": 1, "archive": 0},
            "entries": [
                {
                    "ref": "LAGER-2026-BERUFSBEGLEITEND",
                    "position": 2,
                    "title": LONG_TITLE,
                    "action": "reject",
                    "fields": ["Kurzbeschreibung", "Lernform"],
                    "reasons": ["Pflichtangabe fehlt: Kurzbeschreibung."],
                },
            ],
        },
    )
    base = f"/kurse/bereich/{institution.slug}/"
    lists = [base, f"{base}{offer.pk}/verlauf/", f"{base}import/{job.pk}/"]
    force_login(page, owner)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in lists:
            visit(page, path)
            assert_no_sideways_scroll(page)

    # On a phone the offers are wider than the screen: they scroll inside their own region,
    # row actions included, and the page stays put.
    page.set_viewport_size({"width": 320, "height": 900})
    visit(page, base)
    region = page.get_by_role("region", name="Angebote mit Status, Vollständigkeit und Hinweisen")
    assert region.evaluate("table => table.scrollWidth > table.clientWidth")
    review = row_action("Termine prüfen", LONG_TITLE)
    expect(region.get_by_role("link", name=review)).to_be_attached()

    force_login(page, with_second_factor(network_office))
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, "/kurse/bereich/freigaben/")
        assert_no_sideways_scroll(page)
    expect(page.get_by_role("button", name=row_action("Freigeben", LONG_TITLE))).to_be_visible()
    expect(page.get_by_role("link", name=row_action("Vorschau", LONG_TITLE))).to_be_visible()
