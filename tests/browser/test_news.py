"""News and the newsletter in a real browser, every page checked by axe-core: a member of
the public-relations group writes a post with a picture, composes an issue from it and an
upcoming event, previews it, sends a test to herself and then the issue; a visitor reads
the news, subscribes, confirms and unsubscribes; the archive shows the issue. The two
lists of the back office fit a phone and a desktop screen."""

import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from news.models import NewsletterIssue, NewsletterSubscriber, NewsPost
from news.newsletter.services import newsletter_confirm, newsletter_subscribe
from outbox.models import OutboxMessage
from tests.browser.conftest import (
    _watch,
    assert_accessible,
    assert_no_sideways_scroll,
    force_login,
    row_action,
    visit,
)
from tests.events.test_support import EventFactory
from tests.factories import UserFactory, WorkingGroupMemberFactory, seeded_group
from tests.news.test_news import _no_news_from_elsewhere, make_post  # noqa: F401


@pytest.fixture
def pr_member(_seed_data):
    return WorkingGroupMemberFactory(
        group=seeded_group("aussendarstellung"),
        person=UserFactory(name="Petra Roth", email="presse@beweqo.test"),
    ).person


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def form_refused(page: Page) -> None:
    """A form sent back with errors answers 400, which Chromium logs as an error: expected."""
    record = _watch(page)
    record.errors = [e for e in record.errors if "status of 400" not in e]


def picture(tmp_path) -> str:
    path = tmp_path / "publikum.jpg"
    Image.new("RGB", (900, 600), (200, 120, 40)).save(path, format="JPEG")
    return str(path)


def test_pr_group_writes_news_and_sends_a_newsletter(page: Page, pr_member, tmp_path):
    EventFactory(title="Infotag Umschulung")
    newsletter_confirm(subscriber=newsletter_subscribe(email="leser@beispiel.de"))
    force_login(page, pr_member)

    visit(page, "/mein-bereich/")
    page.get_by_role("link", name="Meldungen verwalten").click()
    assert_accessible(page)
    page.get_by_role("link", name="Neue Meldung schreiben").click()
    assert_accessible(page)

    # First without alternative text: the form says what is missing, and stays accessible.
    page.get_by_label("Titel", exact=True).fill("Weiterbildungspreis verliehen")
    page.get_by_label("Anreißer").fill("Drei Betriebe aus der Region wurden ausgezeichnet.")
    page.get_by_label("Text", exact=True).fill("## Die Preisträger\n\n- Metallbau Aalen")
    page.get_by_label(re.compile(r"^Bild")).set_input_files(picture(tmp_path))
    page.get_by_label("Themen").fill("Unternehmen, Preise")
    page.get_by_label(re.compile("^Veröffentlichen – sofort")).check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Bitte beschreiben Sie, was auf dem Bild zu sehen ist")).to_be_visible()
    form_refused(page)
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Bild")).set_input_files(picture(tmp_path))
    page.get_by_label("Alternativtext des Bildes").fill("Die Preisträger auf der Bühne")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text("veröffentlicht")
    assert_accessible(page)
    post = NewsPost.objects.get()
    visit(page, f"/aktuelles/verwalten/{post.pk}/")
    expect(page.get_by_role("img", name="Die Preisträger auf der Bühne")).to_be_visible()

    visit(page, "/aktuelles/")
    page.get_by_role("link", name="Weiterbildungspreis verliehen").click()
    assert_accessible(page)
    expect(page.get_by_role("img", name="Die Preisträger auf der Bühne")).to_be_visible()
    natural_width = page.get_by_role("img").first.evaluate("img => img.naturalWidth")
    assert natural_width == 900

    visit(page, "/newsletter/verwalten/")
    page.get_by_role("link", name="Neue Ausgabe zusammenstellen").click()
    assert_accessible(page)
    page.get_by_label("Betreff").fill("BeWeQO-Newsletter Dezember")
    page.get_by_label("Einleitung").fill("Liebe Leserinnen und Leser,\n\n**viel Neues**.")
    page.get_by_label(re.compile("^Weiterbildungspreis verliehen")).check()
    page.get_by_label(re.compile("^Infotag Umschulung")).check()
    page.get_by_role("button", name="Speichern und Vorschau ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vorschau: BeWeQO-Newsletter Dezember"
    )
    expect(page.get_by_role("link", name="Infotag Umschulung")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Testausgabe an presse@beweqo.test senden").click()
    expect(page.get_by_role("status")).to_contain_text("Testausgabe")
    assert OutboxMessage.objects.filter(
        recipient="presse@beweqo.test", subject="[Test] BeWeQO-Newsletter Dezember"
    ).exists()

    page.get_by_role("link", name="An alle Abonnenten senden …").click()
    expect(page.get_by_text("geht an 1 bestätigte Adresse")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Jetzt an alle senden").click()
    expect(page.get_by_role("status")).to_contain_text("Der Versand hat begonnen")
    expect(page.get_by_role("cell", name="versendet", exact=True)).to_be_visible()
    assert_accessible(page)
    issue = NewsletterIssue.objects.get()
    assert issue.status == "sent"
    mail = OutboxMessage.objects.get(recipient="leser@beispiel.de", kind="digest")
    assert "Weiterbildungspreis verliehen" in mail.text
    assert post.get_absolute_url() in mail.text

    page.context.clear_cookies()
    visit(page, "/newsletter/archiv/")
    page.get_by_role("link", name="BeWeQO-Newsletter Dezember").click()
    expect(page.get_by_role("link", name="Infotag Umschulung")).to_be_visible()
    assert_accessible(page)


@pytest.mark.usefixtures("_seed_data")
def test_visitor_reads_subscribes_confirms_and_unsubscribes(page: Page):
    make_post("Fachkräftetag im Landratsamt", tags=["Veranstaltungen"])
    visit(page, "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Aktuelles"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktuelles")
    assert_accessible(page)
    page.get_by_role("navigation", name="Themen").get_by_role(
        "link", name="Veranstaltungen"
    ).click()
    expect(page.get_by_role("link", name="Fachkräftetag im Landratsamt")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Newsletter bestellen").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Newsletter bestellen").click()
    expect(page.get_by_text("Bitte prüfen Sie die markierten Felder.")).to_be_visible()
    form_refused(page)
    assert_accessible(page)
    page.get_by_label("Ihre E-Mail-Adresse").fill("neu@beispiel.de")
    page.get_by_label(re.compile("^Ja, schicken Sie mir den Newsletter")).check()
    page.get_by_role("button", name="Newsletter bestellen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bitte bestätigen Sie")
    assert_accessible(page)

    text = OutboxMessage.objects.get(recipient="neu@beispiel.de").text
    path = re.search(r"https://beweqo\.test(/newsletter/bestaetigen/\S+/)", text).group(1)
    visit(page, path)
    page.get_by_role("button", name="Ja, Newsletter bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("bestätigt")
    assert_accessible(page)
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.confirmed_at is not None

    visit(page, f"/newsletter/abmelden/{subscriber.token}/")
    page.get_by_role("button", name="Ja, abbestellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter abbestellt")
    assert_accessible(page)
    assert not NewsletterSubscriber.objects.exists()
    visit(page, "/newsletter/bestaetigen/kaputt/", status=404)


def test_news_and_newsletter_lists_fit_a_phone_and_a_desktop(page: Page, pr_member):
    title = "Weiterbildungsverbund Ostwürttemberg vergibt Qualifizierungsgutscheine"
    make_post(title)
    make_post("Entwurf zur Fachkräftestrategie", minutes_ago=None)
    NewsletterIssue.objects.create(subject=f"BeWeQO-Newsletter: {title}")
    force_login(page, pr_member)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ["/aktuelles/verwalten/", "/newsletter/verwalten/"]:
            visit(page, path)
            assert_no_sideways_scroll(page)
    subject = f"BeWeQO-Newsletter: {title}"
    expect(page.get_by_role("link", name=row_action("Bearbeiten", subject))).to_be_visible()
    visit(page, "/aktuelles/verwalten/")
    expect(page.get_by_role("link", name=row_action("Ansehen", title))).to_be_visible()
    preview = row_action("Vorschau", "Entwurf zur Fachkräftestrategie")
    expect(page.get_by_role("link", name=preview)).to_be_visible()
