"""Course wishes ("Kurs gewünscht", issue 21): a person says which course is missing,
without an account; an address only with double opt-in, withdrawn in one click, removed
once told, unconfirmed or a year old; the demand board counts wishes without addresses."""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from counselling.models import CourseWish
from counselling.wishes.services import (
    CONFIRM_SALT,
    RETENTION_DAYS,
    UNCONFIRMED_DAYS,
    course_wish_submit,
    course_wishes_retain,
)
from network.models import District
from offerings.models import Municipality, Topic
from outbox.models import OutboxMessage
from tests.access import with_second_factor
from tests.factories import WorkingGroupMemberFactory, seeded_group
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db
URL = reverse("counselling:wish")
SENT = reverse("counselling:wish_sent")


def wish_data(**overrides):
    return {
        "topic": "WIG-Schweißen für Einsteiger",
        "course_topic": "",
        "place": "",
        "district": "ostalbkreis",
        "times": ["evening", "weekend"],
        "schedule": "part_time",
        "soon": "half_year",
        "email": "",
        "consent": "",
        "kurs": "",
        "website": "",
    } | overrides


@pytest.fixture
def aalen(db):
    place = Municipality.objects.create(
        name="Aalen", slug="aalen", district="ostalbkreis", latitude=48.8387, longitude=10.0926
    )
    place.postcodes.create(code="73430")
    return place


def _link(message: OutboxMessage, path_part: str) -> str:
    """The path of the first link in the mail's text that contains `path_part`."""
    url = next(u for u in re.findall(r"https?://\S+", message.text) if path_part in u)
    return "/" + url.split("/", 3)[3]


# --- the form ----------------------------------------------------------------------------


def test_a_person_sends_a_wish_without_an_account_or_an_address(client):
    response = client.post(URL, wish_data())
    assert response.status_code == 302
    assert response.url == SENT
    wish = CourseWish.objects.get()
    assert (wish.topic, wish.district, wish.soon, wish.schedule) == (
        "WIG-Schweißen für Einsteiger",
        "ostalbkreis",
        "half_year",
        "part_time",
    )
    assert wish.times == ["evening", "weekend"]
    assert wish.email == ""
    assert wish.token is None
    assert not OutboxMessage.objects.exists()
    page = client.get(SENT).content.decode()
    assert "Ihr Kurswunsch ist angekommen" in page
    assert "Bestätigungslink" not in page


def test_the_form_is_filled_in_from_the_search(client, aalen):
    page = client.get(URL, {"q": "Schweißen WIG", "ort": "73430", "thema": "metall-elektro"})
    form = page.context["form"]
    metall = Topic.objects.get(slug="metall-elektro")
    assert form["topic"].value() == "Schweißen WIG"
    assert form["place"].value() == "73430"
    assert form["district"].value() == District.OSTALBKREIS
    assert form["course_topic"].value() == metall.pk
    # Editable: the person may change the words before sending.
    client.post(URL, wish_data(topic="MAG-Schweißen", place="73430", district=""))
    wish = CourseWish.objects.get()
    assert (wish.topic, wish.place, wish.district) == ("MAG-Schweißen", "73430", "ostalbkreis")


def test_a_course_without_a_date_fills_in_its_title_and_topic(client):
    metall = Topic.objects.get(slug="metall-elektro")
    offer = OfferFactory(title="CNC-Fräsen Grundlagen", dates=[])
    offer.topics.add(metall)
    form = client.get(URL, {"kurs": offer.pk}).context["form"]
    assert form["topic"].value() == "CNC-Fräsen Grundlagen"
    assert form["course_topic"].value() == metall.pk
    client.post(URL, wish_data(kurs=str(offer.pk), course_topic=str(metall.pk)))
    assert CourseWish.objects.get().offer == offer


def test_unknown_parameters_fill_in_nothing(client):
    form = client.get(
        URL, {"kurs": "99999999", "thema": "gibt-es-nicht", "q": "<b>Kurs</b>\x07"}
    ).context["form"]
    assert form["course_topic"].value() is None
    assert form["topic"].value() == "<b>Kurs</b>"


@pytest.mark.parametrize(
    "changes",
    [
        {"topic": ""},
        {"topic": "ab"},
        {"topic": "x" * 10_000},
        {"place": "y" * 10_000},
        {"district": "mars"},
        {"district": "", "place": ""},
        {"district": "", "place": "Atlantis"},
        {"soon": ""},
        {"soon": "gestern"},
        {"times": ["never"]},
        {"schedule": "always"},
        {"email": "keine-adresse"},
        {"email": "a@b.de", "consent": ""},
        {"course_topic": "999999"},
        {"kurs": "abc"},
        {"kurs": "9" * 30},
        {"course_topic": "9" * 30},
        {"website": "spam"},
    ],
)
def test_wrong_input_is_refused_and_nothing_is_saved(client, changes):
    response = client.post(URL, wish_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CourseWish.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_honeypot_tells_why(client):
    page = client.post(URL, wish_data(website="http://spam.example")).content.decode()
    assert "automatisch erstellt" in page


def test_a_course_that_is_gone_does_not_spoil_the_wish(client):
    offer = OfferFactory(dates=[])
    pk = offer.pk
    offer.delete()
    assert client.post(URL, wish_data(kurs=str(pk))).status_code == 302
    assert CourseWish.objects.get().offer is None


def test_html_and_script_are_kept_as_text_and_shown_escaped(client_for, network_office):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> Schweißen'
    client_for(None).post(URL, wish_data(topic=hostile))
    assert CourseWish.objects.get().topic == hostile
    office = client_for(with_second_factor(network_office))
    for url in (reverse("counselling:board"), reverse("counselling:wish_list")):
        page = office.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url


def test_control_characters_are_dropped_from_the_words(client):
    client.post(URL, wish_data(topic="Schweißen\x07 \x1b[31m für   Einsteiger\u2028"))
    assert CourseWish.objects.get().topic == "Schweißen [31m für Einsteiger"


def test_a_flood_of_wishes_from_one_client_is_limited(client, local_cache):
    for number in range(10):
        assert client.post(URL, wish_data(topic=f"Kurs {number}")).status_code == 302
    response = client.post(URL, wish_data(topic="Kurs elf"))
    assert response.status_code == 200
    assert "Zu viele Kurswünsche" in response.content.decode()
    assert CourseWish.objects.count() == 10


def test_one_address_gets_few_confirmation_mails(client, local_cache):
    data = wish_data(email="jemand@example.org", consent="on")
    for _number in range(3):
        assert client.post(URL, data, REMOTE_ADDR=f"10.0.0.{_number}").status_code == 302
    response = client.post(URL, data, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 200
    assert OutboxMessage.objects.filter(recipient="jemand@example.org").count() == 3


# --- double opt-in and withdrawal -----------------------------------------------------


def test_an_address_is_used_only_after_the_link_in_the_mail_is_followed(client):
    client.post(URL, wish_data(email="Jemand@Example.org", consent="on"))
    wish = CourseWish.objects.get()
    assert wish.email == "jemand@example.org"
    assert wish.confirmed_at is None
    assert "Bestätigungslink" in client.get(SENT).content.decode()
    message = OutboxMessage.objects.get(recipient="jemand@example.org")
    assert wish.topic in message.text
    confirm = _link(message, "/kurswunsch/bestaetigen/")
    # Opening the link (as a mail scanner would) confirms nothing.
    page = client.get(confirm)
    assert page.status_code == 200
    assert "Ja, Adresse bestätigen" in page.content.decode()
    wish.refresh_from_db()
    assert wish.confirmed_at is None
    assert client.post(confirm).status_code == 200
    wish.refresh_from_db()
    assert wish.confirmed_at is not None


def _signed_at(token: str, *, hours_ago: float, salt: str = CONFIRM_SALT) -> str:
    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - hours_ago * 3600))

    return Earlier(salt=salt).sign_object({"t": token})


@pytest.mark.parametrize(
    "make_link",
    [
        pytest.param(lambda token: _signed_at(token, hours_ago=49), id="expired"),
        pytest.param(
            lambda token: _signed_at(token, hours_ago=0, salt="offerings.course-alert.confirm"),
            id="other-purpose",
        ),
        pytest.param(lambda token: _signed_at(token, hours_ago=0)[:-2] + "xx", id="tampered"),
        pytest.param(lambda token: token, id="the-bare-token"),
    ],
)
def test_a_confirmation_link_is_signed_for_this_purpose_and_expires(client, make_link):
    wish = course_wish_submit(
        topic="Buchhaltung", district="heidenheim", soon="now", email="p@example.org"
    )
    assert (
        client.get(
            f"/beratung/kurswunsch/bestaetigen/{_signed_at(wish.token, hours_ago=47)}/"
        ).status_code
        == 200
    )
    url = f"/beratung/kurswunsch/bestaetigen/{make_link(wish.token)}/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    wish.refresh_from_db()
    assert wish.confirmed_at is None


def test_one_click_removes_the_address_and_keeps_the_wish(client):
    client.post(URL, wish_data(email="weg@example.org", consent="on"))
    message = OutboxMessage.objects.get(recipient="weg@example.org")
    withdraw = _link(message, "/kurswunsch/loeschen/")
    confirm = _link(message, "/kurswunsch/bestaetigen/")
    # The link asks first; a scanner opening it removes nothing.
    assert "Ja, Adresse löschen" in client.get(withdraw).content.decode()
    assert CourseWish.objects.get().email == "weg@example.org"
    # A POST without a CSRF cookie, as a mail client's one-click would send it.
    response = client.post(withdraw)
    assert response.status_code == 200
    wish = CourseWish.objects.get()
    assert (wish.email, wish.token, wish.topic) == ("", None, "WIG-Schweißen für Einsteiger")
    assert wish.email_removed_at is not None
    # Clicking again answers the same; the links of the mail are dead now.
    assert client.post(withdraw).status_code == 200
    assert client.get(withdraw).status_code == 404
    assert client.get(confirm).status_code == 404


def test_withdrawal_needs_no_csrf_token_but_the_right_token(client):
    course_wish_submit(
        topic="Pflegehilfe", district="heidenheim", soon="now", email="a@example.org"
    )
    csrf_client = client.__class__(enforce_csrf_checks=True)
    assert (
        csrf_client.post(reverse("counselling:wish_withdraw", args=["x" * 43])).status_code == 200
    )
    assert CourseWish.objects.get().email == "a@example.org"


# --- retention ---------------------------------------------------------------------------


def _wish(*, created_at, confirmed: bool = True, told_at=None) -> CourseWish:
    wish = course_wish_submit(
        topic="Staplerschein",
        district="ostalbkreis",
        soon="now",
        email="stapler@example.org",
        now=created_at,
    )
    CourseWish.objects.filter(pk=wish.pk).update(
        confirmed_at=created_at if confirmed else None, told_at=told_at
    )
    return wish


def test_an_address_is_removed_after_a_year_and_the_wish_stays():
    start = timezone.now() - timedelta(days=800)
    wish = _wish(created_at=start)
    assert course_wishes_retain(now=start + timedelta(days=RETENTION_DAYS - 1)) == 0
    wish.refresh_from_db()
    assert wish.email == "stapler@example.org"
    later = start + timedelta(days=RETENTION_DAYS, hours=1)
    assert course_wishes_retain(now=later) == 1
    wish.refresh_from_db()
    assert (wish.email, wish.token, wish.email_removed_at) == ("", None, later)
    # Idempotent: a second run finds nothing and changes nothing.
    assert course_wishes_retain(now=later + timedelta(hours=1)) == 0
    wish.refresh_from_db()
    assert wish.email_removed_at == later
    assert CourseWish.objects.count() == 1


def test_an_unconfirmed_address_is_removed_after_a_week():
    start = timezone.now() - timedelta(days=30)
    unconfirmed = _wish(created_at=start, confirmed=False)
    confirmed = _wish(created_at=start)
    assert course_wishes_retain(now=start + timedelta(days=UNCONFIRMED_DAYS - 1)) == 0
    assert course_wishes_retain(now=start + timedelta(days=UNCONFIRMED_DAYS, hours=1)) == 1
    unconfirmed.refresh_from_db()
    confirmed.refresh_from_db()
    assert (unconfirmed.email, confirmed.email) == ("", "stapler@example.org")


def test_an_address_is_removed_once_the_person_was_told():
    start = timezone.now() - timedelta(days=10)
    told = _wish(created_at=start, told_at=start + timedelta(days=2))
    assert course_wishes_retain(now=start + timedelta(days=3)) == 1
    told.refresh_from_db()
    assert told.email == ""


# --- where the wish is offered and where it counts ---------------------------------------


def test_an_empty_search_offers_the_wish_with_its_words_and_place(client):
    page = client.get(reverse("offerings:catalogue"), {"q": "Hufschmied", "ort": "Aalen"})
    html = page.content.decode()
    assert "Kein Kurs passt" in html
    assert f'href="{URL}?q=Hufschmied&amp;ort=Aalen&amp;thema="' in html


def test_a_course_without_a_date_offers_the_wish_and_one_with_dates_does_not(client):
    without = OfferFactory(dates=[])
    with_dates = OfferFactory()
    assert f"{URL}?kurs={without.pk}" in client.get(without.get_absolute_url()).content.decode()
    assert URL not in client.get(with_dates.get_absolute_url()).content.decode()


def test_the_board_counts_wishes_by_topic_and_district_without_addresses(client_for):
    metall = Topic.objects.get(slug="metall-elektro")
    for topic in ("WIG-Schweißen", "wig-schweißen", "Drehen"):
        course_wish_submit(
            topic=topic,
            course_topic=metall,
            district="ostalbkreis",
            soon="now",
            email="geheim@example.org",
        )
    course_wish_submit(topic="Altenpflege", district="heidenheim", soon="later")
    member = WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person
    page = client_for(member).get(reverse("counselling:board")).content.decode()
    assert "geheim@example.org" not in page
    assert reverse("counselling:wish_list") not in page
    section = page[page.index('id="kurswuensche"') :]
    assert re.search(r"Metall.*?Ostalbkreis.*?3 Kurswünsche", section, re.S)
    assert "„WIG-Schweißen“ (2×)" in section
    assert re.search(r"ohne Themenbereich · Landkreis Heidenheim.*?1 Kurswunsch", section, re.S)


def test_the_office_lists_each_wish_with_its_confirmed_address(client_for, network_office):
    confirmed = course_wish_submit(
        topic="Excel", district="ostalbkreis", soon="now", email="ja@example.org"
    )
    CourseWish.objects.filter(pk=confirmed.pk).update(confirmed_at=timezone.now())
    course_wish_submit(topic="Word", district="ostalbkreis", soon="now", email="noch@example.org")
    page = client_for(with_second_factor(network_office)).get(reverse("counselling:wish_list"))
    html = page.content.decode()
    assert "mailto:ja@example.org" in html
    assert "noch@example.org" not in html
    assert "Adresse noch nicht bestätigt" in html


def test_the_retention_runs_daily_as_a_registered_task(settings):
    from beweqo.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["counselling-course-wishes-retain"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    old = _wish(created_at=timezone.now() - timedelta(days=RETENTION_DAYS + 1))
    assert app.tasks[entry["task"]].apply().get() == 1
    old.refresh_from_db()
    assert old.email == ""


# --- the board's overview: needs and wishes side by side --------------------------------


def _overview_rows(page: str) -> list[list[str]]:
    table = page[
        page.index('id="ueberblick"') : page.index("</table>", page.index('id="ueberblick"'))
    ]
    rows = re.findall(r"<tr class=\"kern-table__row\">(.*?)</tr>", table, re.S)[1:]
    return [
        [re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def test_the_board_shows_needs_and_wishes_side_by_side_by_topic_and_district(client_for):
    from tests.factories import CompanyNeedFactory

    metall = Topic.objects.get(slug="metall-elektro")
    it = Topic.objects.get(slug="it-digitalisierung")
    # One company with needs in two periods counts once; its participants add up.
    CompanyNeedFactory(topic=metall, period="2027-Q2", email="a@firma.de", participants=4)
    CompanyNeedFactory(topic=metall, period="2027-Q3", email="A@firma.de", participants=2)
    CompanyNeedFactory(topic=metall, period="2027-Q2", email="b@firma.de", participants=3)
    CompanyNeedFactory(topic=metall, district="heidenheim", participants=5)
    for words in ("WIG-Schweißen", "Löten"):
        course_wish_submit(topic=words, course_topic=metall, district="ostalbkreis", soon="now")
    course_wish_submit(topic="Python", course_topic=it, district="heidenheim", soon="now")
    course_wish_submit(topic="Hufschmied", district="ostalbkreis", soon="later")
    member = WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person
    page = client_for(member).get(reverse("counselling:board")).content.decode()
    assert _overview_rows(page) == [
        ["Metall und Elektro", "Ostalbkreis", "2", "9", "2"],
        # Equal demand: by topic, the wishes without one last.
        ["IT und Digitalisierung", "Landkreis Heidenheim", "0", "0", "1"],
        ["Metall und Elektro", "Landkreis Heidenheim", "1", "5", "0"],
        ["ohne Themenbereich", "Ostalbkreis", "0", "0", "1"],
    ]


def test_needs_in_a_joint_measure_and_met_needs_leave_the_overview(client_for, network_office):
    from tests.factories import CompanyNeedFactory

    CompanyNeedFactory(met_at=timezone.now())
    office = client_for(with_second_factor(network_office))
    assert 'id="ueberblick"' not in office.get(reverse("counselling:board")).content.decode()
    CompanyNeedFactory()
    page = office.get(reverse("counselling:board")).content.decode()
    assert _overview_rows(page) == [["Metall und Elektro", "Ostalbkreis", "1", "4", "0"]]


# --- the office's data-subject requests find wishes too ---------------------------------


def test_the_office_exports_and_erases_a_persons_wishes(client_for, network_office):
    import json

    mine = course_wish_submit(
        topic="Excel", district="ostalbkreis", soon="now", email="ich@example.org"
    )
    other = course_wish_submit(
        topic="Word", district="ostalbkreis", soon="now", email="du@example.org"
    )
    office = client_for(with_second_factor(network_office))
    url = reverse("counselling:person_data")
    found = office.post(url, {"contact": "ICH@example.org"}).content.decode()
    assert "1 Kurswunsch." in found
    assert "„Excel“" in found
    exported = json.loads(
        office.post(url, {"contact": "ich@example.org", "aktion": "export"}).content
    )
    assert [(w["kurs"], w["email"]) for w in exported["kurswuensche"]] == [
        ("Excel", "ich@example.org")
    ]
    response = office.post(
        url, {"contact": "ich@example.org", "aktion": "erase", "bestaetigt": "ja"}
    )
    assert response.status_code == 302
    assert not CourseWish.objects.filter(pk=mine.pk).exists()
    assert not OutboxMessage.objects.filter(recipient="ich@example.org").exists()
    assert CourseWish.objects.filter(pk=other.pk, email="du@example.org").exists()


def test_the_office_list_pages_through_all_wishes(client_for, network_office):
    from counselling.wishes import views

    for number in range(views.WISHES_PER_PAGE + 1):
        course_wish_submit(topic=f"Kurs Nummer {number}", district="heidenheim", soon="now")
    office = client_for(with_second_factor(network_office))
    first = office.get(reverse("counselling:wish_list")).content.decode()
    assert f"{views.WISHES_PER_PAGE + 1} Kurswünsche" in first
    assert f"Kurs Nummer {views.WISHES_PER_PAGE}" in first
    assert "Kurs Nummer 0<" not in first
    second = office.get(reverse("counselling:wish_list"), {"seite": 2}).content.decode()
    assert "Kurs Nummer 0<" in second
