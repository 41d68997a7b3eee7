"""Never stale (issue 22): an offer not reviewed for OFFER_REVIEW_MONTHS leaves the catalogue,
after two reminders to its institution (a month and two weeks before); rolling and on-demand
dates lapse unless confirmed within as long; a review, from the dates section of the edit
page or in bulk after a page listing each offer's dates, brings an offer back at once. Cards
and course pages say when the offer was last reviewed.

The clock is shifted by passing `today` to the services, as they take it; the pages run on
the real date, so their offers are dated relative to it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from network.models import MembershipRole
from offerings import services
from offerings.models import Offer, OfferChange, OfferDate, StartKind, review_cutoff
from offerings.sitemaps import OfferSitemap
from offerings.tasks import review_reminders_send_task
from outbox.models import OutboxMessage
from tests.factories import MembershipFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory

pytestmark = pytest.mark.django_db

REVIEWED = date(2026, 1, 15)
DEADLINE = date(2027, 1, 15)  # twelve months on: from this day the offer is out


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def reviewed_on(offer: Offer, day: date) -> Offer:
    Offer.objects.filter(pk=offer.pk).update(last_reviewed_on=day)
    offer.refresh_from_db()
    return offer


def mails_to(user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=user.email).order_by("pk"))


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def catalogue_titles(client) -> str:
    return page_text(client.get("/kurse/"))


# --- The rule, by the clock -----------------------------------------------------------------


def test_two_reminders_then_the_offer_leaves_the_catalogue(institution, owner, member):
    counsellor = MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user
    offer = OfferFactory(institution=institution, title="Staplerschein", dates=[])
    offer = reviewed_on(offer, REVIEWED)
    OfferDateFactory(offer=offer, start=date(2027, 6, 1))

    sent_on = {}
    day = date(2026, 12, 1)
    while day <= date(2027, 2, 1):
        # Twice a day: a second run (a retried task, a second worker) sends nothing more.
        for _run in range(2):
            if services.review_reminders_send(today=day):
                sent_on.setdefault(day, 0)
                sent_on[day] += 1
        day += timedelta(days=1)

    # A month before the deadline, then two weeks before; once each.
    assert sent_on == {date(2026, 12, 16): 1, date(2027, 1, 1): 1}
    for user in (owner, member):
        mails = mails_to(user)
        assert len(mails) == 2
        assert all("Staplerschein" in mail.text for mail in mails)
        assert all("ab 15.01.2027 nicht mehr in der Kurssuche" in mail.text for mail in mails)
        edit = f"/kurse/bereich/{institution.slug}/{offer.pk}/#termine"
        assert all(edit in mail.text for mail in mails)
    assert mails_to(counsellor) == []  # counsellors do not edit offers

    in_catalogue = Offer.objects.in_catalogue
    assert in_catalogue(DEADLINE - timedelta(days=1)).filter(pk=offer.pk).exists()
    assert not in_catalogue(DEADLINE).filter(pk=offer.pk).exists()


def test_one_mail_per_person_lists_all_offers_owed_a_reminder(institution, owner):
    first = reviewed_on(OfferFactory(institution=institution, title="Excel"), REVIEWED)
    second = reviewed_on(OfferFactory(institution=institution, title="Word"), REVIEWED)
    reviewed_on(OfferFactory(institution=institution, title="Frisch geprüft"), date(2026, 11, 1))
    reviewed_on(OfferFactory(institution=institution, title="Entwurf", status="draft"), REVIEWED)

    assert services.review_reminders_send(today=date(2026, 12, 20)) == 1

    (mail,) = mails_to(owner)
    assert "2 Angebote bitte prüfen" in mail.subject
    assert "Excel" in mail.text
    assert "Word" in mail.text
    assert "Frisch geprüft" not in mail.text
    assert "Entwurf" not in mail.text
    assert {first.pk, second.pk} == set(
        Offer.objects.filter(review_reminded_on=date(2026, 12, 20)).values_list("pk", flat=True)
    )


def test_the_daily_task_is_idempotent(institution, owner):
    """The beat task on the real clock: an offer in its first reminder's window."""
    today = timezone.localdate()
    reviewed_on(OfferFactory(institution=institution), review_cutoff(today) + timedelta(days=20))

    assert review_reminders_send_task() == 1
    assert review_reminders_send_task() == 0
    assert len(mails_to(owner)) == 1


def test_a_review_moves_the_deadline_and_owes_no_reminder(institution, owner, member):
    offer = reviewed_on(OfferFactory(institution=institution, dates=[]), REVIEWED)
    OfferDateFactory(offer=offer, start=date(2027, 12, 1))
    assert services.review_reminders_send(today=date(2026, 12, 16)) == 2

    services.offer_mark_reviewed(offer=offer, user=member, today=date(2026, 12, 20))

    for day in (date(2027, 1, 1), date(2027, 1, 15), date(2027, 6, 1)):
        assert services.review_reminders_send(today=day) == 0
    assert Offer.objects.in_catalogue(date(2027, 6, 1)).filter(pk=offer.pk).exists()
    # The next year's reminders come as before.
    assert services.review_reminders_send(today=date(2027, 11, 20)) == 2


def test_rolling_and_on_demand_dates_lapse_unless_confirmed(institution):
    today = timezone.localdate()
    offer = OfferFactory(institution=institution, dates=[])
    rolling = OfferDateFactory(offer=offer, start_kind=StartKind.ROLLING, start=None, end=None)
    OfferDate.objects.filter(pk=rolling.pk).update(confirmed_on=review_cutoff(today))

    assert not Offer.objects.in_catalogue(today).filter(pk=offer.pk).exists()
    # The day before, the same date was still open.
    assert Offer.objects.in_catalogue(today - timedelta(days=1)).filter(pk=offer.pk).exists()

    on_demand = OfferDateFactory(offer=offer, start_kind=StartKind.ON_DEMAND, start=None, end=None)
    assert Offer.objects.in_catalogue(today).filter(pk=offer.pk).exists()  # confirmed today
    OfferDate.objects.filter(pk=on_demand.pk).update(confirmed_on=review_cutoff(today))
    assert not Offer.objects.in_catalogue(today).filter(pk=offer.pk).exists()

    # A fixed date needs no confirmation: its start says whether it is still to come.
    fixed = OfferDateFactory(offer=offer)
    OfferDate.objects.filter(pk=fixed.pk).update(confirmed_on=date(2000, 1, 1))
    assert Offer.objects.in_catalogue(today).filter(pk=offer.pk).exists()


# --- Pages ------------------------------------------------------------------------------------


def test_a_stale_offer_is_hidden_marked_and_back_at_once_after_review(
    client_for, institution, member, on_commit
):
    today = timezone.localdate()
    stale_since = review_cutoff(today)
    offer = reviewed_on(OfferFactory(institution=institution, title="Schweißkurs MAG"), stale_since)
    visitor = client_for(None)

    assert "Schweißkurs MAG" not in catalogue_titles(visitor)
    assert offer.pk not in [o.pk for o in OfferSitemap().items()]
    assert "Schweißkurs MAG" not in visitor.get("/kurse/api/angebote/").content.decode()

    editor = client_for(member)
    listed = page_text(editor.get(f"/kurse/bereich/{institution.slug}/"))
    marker = f"Seit {stale_since:%d.%m.%Y} nicht geprüft – nicht mehr im Katalog"
    assert marker in listed
    edit_page = page_text(editor.get(f"/kurse/bereich/{institution.slug}/{offer.pk}/"))
    assert marker in edit_page
    assert "Angaben und Termine sind aktuell" in edit_page  # the review, beside the dates
    assert edit_page.index('id="termine"') < edit_page.index("Angaben und Termine sind aktuell")

    with on_commit():
        response = editor.post(f"/kurse/bereich/{institution.slug}/{offer.pk}/geprueft/")
    assert response.status_code == 302
    assert response.url == f"/kurse/bereich/{institution.slug}/{offer.pk}/#termine"

    catalogue = catalogue_titles(visitor)
    assert "Schweißkurs MAG" in catalogue
    assert f"Zuletzt geprüft am {date_format(today, 'j. F Y')}" in catalogue
    assert offer.pk in [o.pk for o in OfferSitemap().items()]
    assert "Schweißkurs MAG" in visitor.get("/kurse/api/angebote/").content.decode()
    assert marker not in page_text(editor.get(f"/kurse/bereich/{institution.slug}/"))


def test_the_card_shows_the_new_review_date_though_cards_are_cached(
    client_for, institution, member, on_commit
):
    today = timezone.localdate()
    offer = reviewed_on(OfferFactory(institution=institution), today - timedelta(days=100))
    visitor = client_for(None)
    before = date_format(today - timedelta(days=100), "j. F Y")
    assert f"Zuletzt geprüft am {before}" in catalogue_titles(visitor)

    with on_commit():
        services.offer_mark_reviewed(offer=offer, user=member)

    text = catalogue_titles(visitor)
    assert f"Zuletzt geprüft am {date_format(today, 'j. F Y')}" in text
    assert f"Zuletzt geprüft am {before}" not in text


def test_the_edit_page_names_a_lapsed_date_and_the_review_confirms_it(
    client_for, institution, member, on_commit
):
    today = timezone.localdate()
    offer = OfferFactory(institution=institution, title="Deutsch B2", dates=[])
    rolling = OfferDateFactory(offer=offer, start_kind=StartKind.ROLLING, start=None, end=None)
    lapsed_on = review_cutoff(today) - timedelta(days=3)
    OfferDate.objects.filter(pk=rolling.pk).update(confirmed_on=lapsed_on)
    editor = client_for(member)

    page = page_text(editor.get(f"/kurse/bereich/{institution.slug}/{offer.pk}/"))
    assert (
        f"seit {lapsed_on:%d.%m.%Y} nicht bestätigt – zählt nicht mehr als offener Termin" in page
    )
    assert "Kein kommender Termin – nicht in der Kurssuche" in page_text(
        editor.get(f"/kurse/bereich/{institution.slug}/")
    )

    with on_commit():
        editor.post(f"/kurse/bereich/{institution.slug}/{offer.pk}/geprueft/")

    assert OfferDate.objects.get(pk=rolling.pk).confirmed_on == today
    assert "Deutsch B2" in catalogue_titles(client_for(None))


def test_saving_a_rolling_date_confirms_it(client_for, institution, member):
    today = timezone.localdate()
    offer = OfferFactory(institution=institution, dates=[])
    rolling = OfferDateFactory(offer=offer, start_kind=StartKind.ROLLING, start=None, end=None)
    OfferDate.objects.filter(pk=rolling.pk).update(confirmed_on=date(2020, 1, 1))

    response = client_for(member).post(
        f"/kurse/bereich/{institution.slug}/{offer.pk}/termine/{rolling.pk}/",
        {
            "start_kind": "rolling",
            "schedule": "part_time",
            "time_of_day": "evening",
            "venue": rolling.venue_id,
        },
    )

    assert response.status_code == 302, response.content[:500]
    assert OfferDate.objects.get(pk=rolling.pk).confirmed_on == today
    assert Offer.objects.in_catalogue(today).filter(pk=offer.pk).exists()


# --- Bulk review ------------------------------------------------------------------------------


def test_the_bulk_review_counts_only_after_the_page_listing_the_dates(
    client_for, institution, other_institution, member, on_commit
):
    today = timezone.localdate()
    old = today - timedelta(days=300)
    excel = reviewed_on(OfferFactory(institution=institution, title="Excel", dates=[]), old)
    OfferDateFactory(offer=excel, start=today + timedelta(days=12))
    word = reviewed_on(OfferFactory(institution=institution, title="Word", dates=[]), old)
    rolling = OfferDateFactory(offer=word, start_kind=StartKind.ROLLING, start=None, end=None)
    OfferDate.objects.filter(pk=rolling.pk).update(confirmed_on=review_cutoff(today))
    theirs = reviewed_on(OfferFactory(institution=other_institution, title="Fremd"), old)
    editor = client_for(member)
    url = f"/kurse/bereich/{institution.slug}/auswahl/"
    chosen = [excel.pk, word.pk, theirs.pk]

    page = editor.post(url, {"action": "review", "offers": chosen})

    assert page.status_code == 200
    text = page_text(page)
    assert "Excel" in text
    assert "Word" in text
    assert "Fremd" not in text
    assert date_format(today + timedelta(days=12), "j. F Y") in text
    assert "laufender Einstieg" in text
    assert "nicht mehr bestätigt – wird mit dieser Prüfung wieder gültig" in text
    # Nothing counts yet.
    assert set(Offer.objects.values_list("last_reviewed_on", flat=True)) == {old}
    assert not OfferChange.objects.filter(action="review").exists()
    # The confirmation carries the institution's offers only.
    assert f'name="offers" value="{theirs.pk}"' not in page.content.decode()

    with on_commit():
        done = editor.post(url, {"action": "review", "step": "True", "offers": chosen}, follow=True)

    assert "2 Angebote sind als geprüft bestätigt." in page_text(done)
    assert "1 ausgewähltes Angebot gehört nicht zu dieser Einrichtung" in page_text(done)
    assert Offer.objects.get(pk=excel.pk).last_reviewed_on == today
    assert Offer.objects.get(pk=word.pk).last_reviewed_on == today
    assert Offer.objects.get(pk=theirs.pk).last_reviewed_on == old
    assert OfferDate.objects.get(pk=rolling.pk).confirmed_on == today
    assert sorted(
        OfferChange.objects.filter(action="review").values_list("offer_id", flat=True)
    ) == sorted([excel.pk, word.pk])
    assert "Word" in catalogue_titles(client_for(None))


def test_the_list_offers_the_bulk_review(client_for, institution, member):
    """The list's bulk bar offers the review like its other actions."""
    OfferFactory(institution=institution)
    html = client_for(member).get(f"/kurse/bereich/{institution.slug}/").content.decode()
    assert '<option value="review">Als geprüft bestätigen …</option>' in html
