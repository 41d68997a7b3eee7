"""The funding check for one catalogue course: the course page links to it, the check opens
with the course's hours, price and recognitions, and the result gives the person's own share
(and the employer's) in euro for that price. An unknown price gives an unknown share, never
0 €; a `kurs` that names no published course opens the check without prefill and says so."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from offerings.models import FundingProgramme, OfferStatus
from tests.offerings.factories import OfferDateFactory, OfferFactory

CHECK = reverse("counselling:funding_check")

PERSON = {
    "status": "employed",
    "age": "35",
    "qualification": "older",
    "workplace": "bw_private",
    "company_size": "300",
    "months_employed": "30",
}


def text(response) -> str:
    return " ".join(response.content.decode().split())


def result_of(response, name: str) -> str:
    """The text of one instrument's result box."""
    page = response.content.decode()
    results = page[page.index('id="ergebnis"') : page.index('id="antworten"')]
    for box in results.split('<li class="note-box funding-result')[1:]:
        box = " ".join(re.sub(r"<[^>]+>", " ", "<" + box).split())
        if box.startswith(f"{name}:"):
            return box
    raise AssertionError(f"no result for {name}")


def course(*, price, hours=200, programmes=(), **kwargs):
    offer = OfferFactory(title="CNC-Fachkraft", price=price, dates=[], **kwargs)
    OfferDateFactory(offer=offer, hours_total=hours)
    offer.funding_programmes.set(FundingProgramme.objects.filter(slug__in=programmes))
    return offer


def checked(response, name: str, value: str) -> bool:
    page = response.content.decode()
    return bool(re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*checked', page))


@pytest.mark.django_db
def test_the_course_page_links_to_the_check_for_this_course(client):
    offer = course(price=Decimal("2400"))
    response = client.get(offer.get_absolute_url())
    assert f'href="{CHECK}?kurs={offer.pk}"' in response.content.decode()
    assert "Förderung für diesen Kurs prüfen" in text(response)


@pytest.mark.django_db
def test_the_check_opens_with_the_courses_hours_price_and_recognitions(client):
    offer = course(
        price=Decimal("2400"),
        hours=200,
        programmes=["foerderung-beschaeftigter", "bildungszeit-bw"],
    )
    response = client.get(CHECK, {"kurs": offer.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Für den Kurs „CNC-Fachkraft“." in text(response)
    assert re.search(r'name="hours"[^>]*value="200"', page)
    assert re.search(r'name="price"[^>]*value="2400,00"', page)
    assert checked(response, "features", "azav")
    assert checked(response, "features", "bildungszeit")
    assert not checked(response, "features", "esf")
    assert not checked(response, "features", "upgrade")
    assert "Ihr Ergebnis" not in page  # nothing is judged before the person answers


@pytest.mark.django_db
def test_the_result_gives_own_and_employer_share_for_the_course_price(client):
    offer = course(price=Decimal("2400"), hours=200, programmes=["foerderung-beschaeftigter"])
    # The browser sends back what the form showed: the course's fields plus the answers.
    answers = PERSON | {"kurs": offer.pk, "hours": "200", "price": "2400,00", "features": "azav"}
    response = client.get(CHECK, answers)
    assert response.status_code == 200
    sec82 = result_of(response, "Förderung Beschäftigter")
    assert "wahrscheinlich möglich" in sec82
    # 300 staff: the employer pays half of 2,400 €, the Agentur für Arbeit the rest.
    assert "Ihr Anteil an diesem Kurs 0,00 €" in sec82
    assert "Anteil Ihres Arbeitgebers 1.200,00 €" in sec82
    # Bildungszeit gives paid days; the fee stays the person's.
    assert "Ihr Anteil an diesem Kurs 2.400,00 €" in result_of(
        response, "Bildungszeit Baden-Württemberg"
    )


@pytest.mark.django_db
def test_where_the_table_has_no_figure_the_share_is_not_computable(client):
    answers = PERSON | {
        "age": "23",
        "qualification": "recent",
        "exam_points": "90",
        "price": "3000",
    }
    box = result_of(client.get(CHECK, answers), "Weiterbildungsstipendium")
    assert "wahrscheinlich möglich" in box
    assert "Ihr Anteil nicht berechenbar" in box
    assert "€" not in box.split("Ihr Anteil")[1].split("Rechtsgrundlage")[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("age", "own"), [("54", "700,00 €"), ("55", "300,00 €")])
def test_esf_own_share_for_the_course_price(client, age, own):
    offer = course(price=Decimal("1000"), hours=40, programmes=["esf-fachkurse-bw"])
    answers = PERSON | {
        "age": age,
        "kurs": offer.pk,
        "hours": "40",
        "price": "1000",
        "features": "esf",
        "cross_company": "ja",
    }
    esf = result_of(client.get(CHECK, answers), "ESF-Plus Fachkurse")
    assert "wahrscheinlich möglich" in esf
    assert f"Ihr Anteil an diesem Kurs {own}" in esf


@pytest.mark.django_db
def test_aufstiegs_bafoeg_shares_loan_and_what_is_left_after_passing(client):
    answers = PERSON | {"hours": "600", "price": "8000", "features": "upgrade"}
    afbg = result_of(client.get(CHECK, answers), "Aufstiegs-BAföG")
    assert "Ihr Anteil 4.000,00 €" in afbg
    assert "bleiben davon 2.000,00 € zurückzuzahlen" in afbg


@pytest.mark.django_db
def test_an_unknown_price_gives_an_unknown_share_never_zero(client):
    offer = course(price=None, hours=200, programmes=["foerderung-beschaeftigter"])
    opened = client.get(CHECK, {"kurs": offer.pk})
    assert re.search(r'<input[^>]*name="price"(?![^>]*value=)[^>]*>', opened.content.decode())
    answers = PERSON | {"kurs": offer.pk, "hours": "200", "features": "azav"}
    response = client.get(CHECK, answers)
    for name in ("Förderung Beschäftigter", "Bildungszeit Baden-Württemberg"):
        box = result_of(response, name)
        assert "Ihr Anteil an diesem Kurs unbekannt" in box
        assert "Den Preis des Kurses kennen wir nicht" in box
        assert "0,00 €" not in box
    assert "Anteil Ihres Arbeitgebers unbekannt" in result_of(response, "Förderung Beschäftigter")


@pytest.mark.django_db
def test_without_hours_the_check_answers_and_names_the_hours_each_instrument_needs(client):
    response = client.get(CHECK, PERSON | {"features": "azav"})
    page = text(response)
    assert "Ihr Ergebnis" in page
    assert "Förderung Beschäftigter: mehr als 120 Stunden" in page
    assert "Aufstiegs-BAföG: mindestens 400 Unterrichtsstunden" in page
    assert "ESF-Plus Fachkurse: 8 bis 160 Unterrichtsstunden in höchstens 6 Monaten" in page
    sec82 = result_of(response, "Förderung Beschäftigter")
    assert "vielleicht möglich" in sec82
    assert "Noch offen: Wie viele Stunden hat der Kurs?" in sec82


@pytest.mark.django_db
def test_an_unanswered_question_is_named_not_taken_for_no(client):
    answers = {k: v for k, v in PERSON.items() if k != "months_employed"}
    box = result_of(
        client.get(CHECK, answers | {"hours": "40", "features": "bildungszeit"}),
        "Bildungszeit Baden-Württemberg",
    )
    assert "vielleicht möglich" in box
    assert "Noch offen: Wie lange sind Sie schon bei Ihrem Arbeitgeber?" in box
    # Answered with 11 months, the law says no.
    box = result_of(
        client.get(
            CHECK, answers | {"hours": "40", "features": "bildungszeit", "months_employed": "11"}
        ),
        "Bildungszeit Baden-Württemberg",
    )
    assert "eher nicht" in box


@pytest.mark.django_db
def test_optional_groups_open_only_when_answered(client):
    page = client.get(CHECK).content.decode()
    assert re.search(r'<details[^>]*id="fragen-kurs"(?![^>]*open)[^>]*>', page)
    offer = course(price=Decimal("100"))
    page = client.get(CHECK, {"kurs": offer.pk}).content.decode()
    assert re.search(r'<details[^>]*id="fragen-kurs"[^>]*open', page)
    assert re.search(r'<details[^>]*id="fragen-pruefung"(?![^>]*open)[^>]*>', page)


@pytest.fixture
def hidden_courses(institution):
    draft = course(price=Decimal("500"), institution=institution, status=OfferStatus.DRAFT)
    archived = course(price=Decimal("500"), institution=institution, status=OfferStatus.ARCHIVED)
    return draft, archived


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    ["abc", "-1", "1.5", "0", "9" * 30, "99999999", "٣", "1 OR 1=1", "", "draft", "archived"],
)
def test_hostile_or_hidden_kurs_opens_the_check_without_prefill(client, hidden_courses, raw):
    draft, archived = hidden_courses
    raw = {"draft": str(draft.pk), "archived": str(archived.pk)}.get(raw, raw)
    response = client.get(CHECK, {"kurs": raw})
    page = text(response)
    assert response.status_code == 200
    assert "CNC-Fachkraft" not in page
    assert not re.search(r'name="price"[^>]*value=', response.content.decode())
    if raw:
        assert "Diesen Kurs finden wir nicht." in page
    # The check still works.
    answered = client.get(CHECK, PERSON | {"kurs": raw})
    assert answered.status_code == 200
    assert "Ihr Ergebnis" in text(answered)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"price": "-5"},
        {"price": "zwei"},
        {"price": "100000"},
        {"exam_grade": "0,5"},
        {"exam_points": "101"},
        {"affected_share": "150"},
        {"months_employed": "-1"},
        {"agreement": "vielleicht"},
    ],
)
def test_bad_answers_to_the_new_questions_get_a_form_error(client, changes):
    response = client.get(CHECK, PERSON | changes)
    assert response.status_code == 200
    assert "Ihr Ergebnis" not in text(response)
    assert "Bitte prüfen Sie Ihre Angaben." in text(response)
