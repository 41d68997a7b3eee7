"""The journey of issue 21 in a real browser: a search finds nothing, the person asks for
the course ("Kurs gewünscht") and confirms the address from the mail; a company has the
same need; the office sets the board's threshold, sees the group as a chance (one company
and one wish), forms a joint measure and invites a provider; the provider quotes, the
office chooses the quote, the provider links and publishes its course; the person and the
company are each told exactly once, also when the course is published again. axe-core
and the HTML checker see every page."""

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from counselling.models import CompanyNeed, CourseWish, JointMeasure
from network.models import MembershipRole
from offerings.models import Offer, OfferStatus, Topic
from offerings.services import offer_publish, offer_update, offers_bulk_archive
from outbox.models import OutboxMessage
from tests.browser.conftest import assert_accessible, force_login, visit
from tests.counselling.conftest import with_mfa
from tests.factories import (
    CompanyNeedFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)
from tests.offerings.factories import OfferFactory

PERSON = "huf@beispiel.de"
COMPANY = "chef@schmiede-aalen.de"


def _path(message: OutboxMessage, part: str) -> str:
    url = next(u for u in re.findall(r"https?://\S+", message.text) if part in u)
    return "/" + url.split("/", 3)[3]


def _told(address: str) -> int:
    return OutboxMessage.objects.filter(
        recipient=address, key__regex=r"^(counselling-need-met-|course-wish-told:)"
    ).count()


def test_from_an_empty_search_to_a_published_joint_course(page: Page, new_context):
    CourseWish.objects.all().delete()
    CompanyNeed.objects.all().delete()
    topic = Topic.objects.get(slug="metall-elektro")
    provider = InstitutionFactory(
        name="Bildungswerk Aalen", slug="bw-aalen", email="kurse@bw-aalen.de"
    )
    editor = MembershipFactory(institution=provider, role=MembershipRole.EDITOR).user
    # An earlier publication: this provider is no longer new, so publishing goes live.
    OfferFactory(institution=provider, title="Älterer Kurs", published_at=timezone.now())
    course = OfferFactory(
        institution=provider, title="Hufbeschlag im Verbund", status=OfferStatus.DRAFT
    )

    # A person's search finds nothing; they ask for the course and leave an address.
    visit(page, "/kurse/?q=Hufschmied")
    expect(page.get_by_text("Kein Kurs passt zu dieser Suche.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sagen Sie uns, welchen Kurs Sie suchen").click()
    assert_accessible(page)
    page.get_by_label("Themenbereich").select_option(label=topic.name)
    page.get_by_role("combobox", name=re.compile("^Landkreis")).select_option("ostalbkreis")
    page.get_by_label("so bald wie möglich").check()
    page.get_by_label("E-Mail-Adresse").fill(PERSON)
    page.get_by_label(re.compile("Ja, sagen Sie mir per E-Mail Bescheid")).check()
    page.get_by_role("button", name="Kurswunsch senden").click()
    expect(page.get_by_role("heading", name="Danke, Ihr Kurswunsch ist angekommen")).to_be_visible()
    assert_accessible(page)
    confirmation = OutboxMessage.objects.get(recipient=PERSON)
    visit(page, _path(confirmation, "/kurswunsch/bestaetigen/"))
    assert_accessible(page)
    page.get_by_role("button", name="Ja, Adresse bestätigen").click()
    expect(page.get_by_role("heading", name="Danke, Ihre Adresse ist bestätigt")).to_be_visible()
    assert_accessible(page)
    assert CourseWish.objects.get().confirmed_at is not None

    # A company has the same need: same topic, same district.
    CompanyNeedFactory(topic=topic, district="ostalbkreis", email=COMPANY)

    # The office lowers the threshold to 2: one company and one wish are a chance now.
    office = new_context().new_page()
    force_login(office, with_mfa(UserFactory(is_network_office=True)))
    visit(office, "/beratung/bedarfsboerse/")
    expect(office.get_by_text("Chance für einen Verbundkurs")).to_have_count(0)
    office.get_by_role("spinbutton", name=re.compile("^Schwelle für eine Chance")).fill("2")
    office.get_by_role("button", name="Schwelle speichern").click()
    expect(office.get_by_text("Die Schwelle ist gespeichert")).to_be_visible()
    expect(office.get_by_text("Chance für einen Verbundkurs")).to_be_visible()
    assert_accessible(office)

    # It forms the joint measure from the group and invites the provider.
    office.get_by_role("link", name=re.compile(r"^Verbundmaßnahme .* anlegen$")).first.click()
    assert_accessible(office)
    office.get_by_label("Titel der Verbundmaßnahme").fill("Verbundkurs Hufbeschlag")
    office.get_by_label("Bildungswerk Aalen").check()
    office.get_by_role("button", name="Anlegen und Anbieter einladen").click()
    expect(office.get_by_role("heading", name="Verbundkurs Hufbeschlag")).to_be_visible()
    assert_accessible(office)
    measure = JointMeasure.objects.get()

    # The provider quotes in its back office.
    bw = new_context().new_page()
    force_login(bw, editor)
    visit(bw, "/beratung/einrichtung/bw-aalen/verbundanfragen/")
    assert_accessible(bw)
    bw.get_by_role("link", name="Verbundkurs Hufbeschlag").click()
    assert_accessible(bw)
    bw.get_by_label("Preis je Teilnehmerin oder Teilnehmer in Euro").fill("800,00")
    bw.get_by_label("Mindestzahl Teilnehmende").fill("4")
    bw.get_by_label("Höchstzahl Teilnehmende").fill("12")
    bw.get_by_label("Unterrichtsstunden").fill("80")
    bw.get_by_label("Termine").fill("ab März 2027, samstags")
    bw.get_by_role("button", name="Angebot abgeben").click()
    expect(bw.get_by_role("heading", name=re.compile("Ihr Angebot"))).to_be_visible()
    assert_accessible(bw)

    # The office chooses the quote.
    visit(office, f"/beratung/bedarfsboerse/verbund/{measure.pk}/")
    office.get_by_role("button", name="Angebot von Bildungswerk Aalen auswählen").click()
    expect(office.get_by_text("Das Angebot ist ausgewählt.")).to_be_visible()
    assert_accessible(office)

    # The provider links its course and publishes it in the catalogue.
    visit(bw, f"/beratung/einrichtung/bw-aalen/verbundanfragen/{measure.pk}/")
    bw.get_by_label("Ihr Kurs im Katalog").select_option(str(course.pk))
    bw.get_by_role("button", name="Kurs verknüpfen").click()
    expect(bw.get_by_text(re.compile("Verknüpft: Hufbeschlag im Verbund"))).to_be_visible()
    assert_accessible(bw)
    assert (_told(PERSON), _told(COMPANY)) == (0, 0)  # a draft tells nobody
    visit(bw, reverse("offerings:bo_offer_preview", args=["bw-aalen", course.pk]))
    assert_accessible(bw)
    bw.get_by_role("button", name="Veröffentlichen").click()
    expect(bw.get_by_text("Das Angebot ist veröffentlicht.")).to_be_visible()
    assert_accessible(bw)

    visit(page, course.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Hufbeschlag im Verbund")
    assert_accessible(page)
    assert (_told(PERSON), _told(COMPANY)) == (1, 1)
    # Besides that one mail about the course, the person got only the confirmation link and
    # the company only the request to confirm its participants (when the quote was chosen).
    assert OutboxMessage.objects.filter(recipient=PERSON).count() == 2
    assert OutboxMessage.objects.filter(recipient=COMPANY).count() == 2
    assert OutboxMessage.objects.filter(
        recipient=COMPANY, subject__contains="bitte Teilnehmende bestätigen"
    ).exists()

    # Published again (after an edit and archiving): nobody is told twice.
    course = Offer.objects.get(pk=course.pk)
    offer_update(
        offer=course, user=editor, data={"title": "Hufbeschlag kompakt"}, changed=["title"]
    )
    offers_bulk_archive(offers=[course], user=editor)
    course.refresh_from_db()
    assert offer_publish(offer=course, user=editor) == "published"
    assert (_told(PERSON), _told(COMPANY)) == (1, 1)
