"""Every rule of the funding check and its boundaries (company size 49/50 and 499/500,
age 24/25, 44/45 and 54/55, hours 120/121, 399/400, 7/8 and 160/161), and the page:
links into the catalogue with the funding filter and to counselling, nothing stored."""

import dataclasses

import pytest
from django.urls import reverse

from counselling import funding
from counselling.funding import (
    LIKELY,
    NO,
    POSSIBLE,
    Answers,
    Feature,
    Qualification,
    Status,
    Workplace,
)

EMPLOYEE = Answers(
    status=Status.EMPLOYED,
    age=35,
    qualification=Qualification.OLDER,
    workplace=Workplace.BW_PRIVATE,
    company_size=30,
    hours=200,
    features=frozenset({Feature.AZAV}),
    months_employed=24,
    cross_company=True,
)


def with_(answers=EMPLOYEE, **changes) -> Answers:
    if "features" in changes:
        changes["features"] = frozenset(changes["features"])
    return dataclasses.replace(answers, **changes)


def level(rule, answers) -> str:
    return rule(answers).level


# --- Bildungsgutschein (§81 SGB III) ----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "features", "qualification", "expected"),
    [
        (Status.UNEMPLOYED, {Feature.AZAV}, Qualification.OLDER, LIKELY),
        (Status.THREATENED, {Feature.AZAV}, Qualification.OLDER, LIKELY),
        (Status.UNEMPLOYED, set(), Qualification.OLDER, POSSIBLE),
        (Status.EMPLOYED, {Feature.AZAV}, Qualification.NONE, POSSIBLE),
        (Status.RETURNING, set(), Qualification.OLDER, POSSIBLE),
        (Status.EMPLOYED, {Feature.AZAV}, Qualification.OLDER, NO),
        (Status.SELF_EMPLOYED, {Feature.AZAV}, Qualification.RECENT, NO),
    ],
)
def test_bildungsgutschein(status, features, qualification, expected):
    answers = with_(status=status, features=features, qualification=qualification)
    assert level(funding.bildungsgutschein, answers) == expected


# --- Förderung Beschäftigter (§82 SGB III) ---------------------------------------------------


def test_foerderung_beschaeftigter_needs_more_than_120_hours():
    assert level(funding.foerderung_beschaeftigter, with_(hours=120)) == NO
    assert level(funding.foerderung_beschaeftigter, with_(hours=121)) == LIKELY
    assert level(funding.foerderung_beschaeftigter, with_(hours=119)) == NO


def test_foerderung_beschaeftigter_is_for_employees_only():
    for status in (Status.UNEMPLOYED, Status.SELF_EMPLOYED, Status.RETURNING):
        assert level(funding.foerderung_beschaeftigter, with_(status=status)) == NO


def test_foerderung_beschaeftigter_wants_an_older_or_no_qualification():
    assert level(funding.foerderung_beschaeftigter, with_(qualification=Qualification.RECENT)) == NO
    assert (
        level(funding.foerderung_beschaeftigter, with_(qualification=Qualification.NONE)) == LIKELY
    )


def test_foerderung_beschaeftigter_needs_azav():
    assert level(funding.foerderung_beschaeftigter, with_(features=set())) == POSSIBLE


@pytest.mark.parametrize(
    ("size", "age", "expected"),
    [
        (49, 35, "nicht an den Kosten beteiligen (unter 50"),
        (50, 35, "die Hälfte"),
        (499, 35, "die Hälfte"),
        (500, 35, "drei Viertel"),
        (50, 44, "die Hälfte"),
        (50, 45, "Ab 45 Jahren"),
        (499, 45, "Ab 45 Jahren"),
        (500, 45, "drei Viertel"),
    ],
)
def test_employer_share_by_company_size_and_age(size, age, expected):
    assert expected in str(funding.employer_share(size, age))
    assert expected in funding.foerderung_beschaeftigter(with_(company_size=size, age=age)).reason


# --- Qualifizierungsgeld (§82a SGB III) -------------------------------------------------------


def test_qualifizierungsgeld_is_possible_never_certain():
    assert level(funding.qualifizierungsgeld, with_(hours=121)) == POSSIBLE
    assert level(funding.qualifizierungsgeld, with_(hours=120)) == NO
    assert level(funding.qualifizierungsgeld, with_(status=Status.UNEMPLOYED)) == NO


@pytest.mark.parametrize(
    ("size", "share", "agreement"),
    [
        (9, "10 %", "schriftliche Erklärung"),
        (10, "10 %", "Betriebsvereinbarung"),
        (249, "10 %", "Betriebsvereinbarung"),
        (250, "20 %", "Betriebsvereinbarung"),
    ],
)
def test_qualifizierungsgeld_thresholds(size, share, agreement):
    reason = funding.qualifizierungsgeld(with_(company_size=size)).reason
    assert share in reason
    assert agreement in reason


# --- Aufstiegs-BAföG (AFBG) ------------------------------------------------------------------


def test_aufstiegs_bafoeg_needs_an_upgrade_course_of_400_lessons():
    upgrade = {Feature.UPGRADE}
    assert level(funding.aufstiegs_bafoeg, with_(features=upgrade, hours=400)) == LIKELY
    assert level(funding.aufstiegs_bafoeg, with_(features=upgrade, hours=399)) == NO
    assert level(funding.aufstiegs_bafoeg, with_(features=set(), hours=1000)) == NO


def test_aufstiegs_bafoeg_has_no_age_limit_and_any_status():
    answers = with_(features={Feature.UPGRADE}, hours=600, age=58, status=Status.UNEMPLOYED)
    assert level(funding.aufstiegs_bafoeg, answers) == LIKELY


# --- Bildungszeit BW ----------------------------------------------------------------------


def test_bildungszeit():
    recognised = {Feature.BILDUNGSZEIT}
    assert level(funding.bildungszeit_bw, with_(features=recognised)) == LIKELY
    assert (
        level(funding.bildungszeit_bw, with_(features=recognised, workplace=Workplace.BW_PUBLIC))
        == LIKELY
    )
    assert level(funding.bildungszeit_bw, with_(features=set())) == POSSIBLE
    assert (
        level(funding.bildungszeit_bw, with_(features=recognised, workplace=Workplace.OUTSIDE))
        == NO
    )
    assert (
        level(funding.bildungszeit_bw, with_(features=recognised, status=Status.UNEMPLOYED)) == NO
    )


# --- ESF-Plus Fachkurse BW -----------------------------------------------------------------


@pytest.mark.parametrize(("hours", "expected"), [(7, NO), (8, LIKELY), (160, LIKELY), (161, NO)])
def test_esf_lessons_between_8_and_160(hours, expected):
    assert level(funding.esf_fachkurse_bw, with_(features={Feature.ESF}, hours=hours)) == expected


def test_esf_who():
    esf = {Feature.ESF}
    for status in (Status.EMPLOYED, Status.SELF_EMPLOYED, Status.RETURNING):
        assert (
            level(funding.esf_fachkurse_bw, with_(status=status, features=esf, hours=40)) == LIKELY
        )
    for status in (Status.UNEMPLOYED, Status.THREATENED):
        assert level(funding.esf_fachkurse_bw, with_(status=status, features=esf, hours=40)) == NO
    assert (
        level(
            funding.esf_fachkurse_bw, with_(workplace=Workplace.BW_PUBLIC, features=esf, hours=40)
        )
        == NO
    )
    assert (
        level(funding.esf_fachkurse_bw, with_(workplace=Workplace.OUTSIDE, features=esf, hours=40))
        == NO
    )
    assert level(funding.esf_fachkurse_bw, with_(features=set(), hours=40)) == POSSIBLE


@pytest.mark.parametrize(
    ("age", "qualification", "rate"),
    [
        (54, Qualification.OLDER, "30 %"),
        (55, Qualification.OLDER, "70 %"),
        (30, Qualification.NONE, "70 %"),
    ],
)
def test_esf_rate(age, qualification, rate):
    answers = with_(age=age, qualification=qualification, features={Feature.ESF}, hours=40)
    assert rate in funding.esf_fachkurse_bw(answers).reason


# --- Weiterbildungsstipendium ---------------------------------------------------------------


def test_weiterbildungsstipendium_under_25_with_training():
    assert (
        level(funding.weiterbildungsstipendium, with_(age=24, qualification=Qualification.RECENT))
        == POSSIBLE
    )
    assert (
        level(funding.weiterbildungsstipendium, with_(age=25, qualification=Qualification.RECENT))
        == NO
    )
    assert (
        level(funding.weiterbildungsstipendium, with_(age=20, qualification=Qualification.NONE))
        == NO
    )


# --- the table and the page -------------------------------------------------------------------


@pytest.mark.django_db
def test_every_instrument_links_to_a_seeded_funding_filter():
    from offerings.models import FundingProgramme

    slugs = set(FundingProgramme.objects.values_list("slug", flat=True))
    assert {i.slug for i in funding.INSTRUMENTS} <= slugs
    assert len(funding.INSTRUMENTS) == 7


def test_results_are_ordered_likely_first():
    levels = [r.verdict.level for r in funding.funding_check(EMPLOYEE)]
    assert levels == sorted(levels, key=funding.ORDER.get)


QUERY = {
    "status": "employed",
    "age": "35",
    "qualification": "older",
    "workplace": "bw_private",
    "company_size": "30",
    "hours": "200",
    "features": "azav",
}


@pytest.mark.django_db
def test_the_page_shows_results_with_catalogue_and_counselling_links(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("counselling:funding_check"), QUERY)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Förderung Beschäftigter: wahrscheinlich möglich" in " ".join(page.split())
    assert "/kurse/?foerderung=foerderung-beschaeftigter" in page
    assert "/beratung/anfrage/?thema=funding" in page
    assert "§ 82 SGB III" in page
    assert "1. November 2026" in page


@pytest.mark.django_db
def test_the_page_stores_nothing(client):
    from django.apps import apps

    before = {m: m.objects.count() for m in apps.get_app_config("counselling").get_models()}
    client.get(reverse("counselling:funding_check"), QUERY)
    assert {m: m.objects.count() for m in before} == before
    assert not client.session.keys()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"age": "abc"},
        {"age": "-5"},
        {"hours": "0"},
        {"status": "boss"},
        {"company_size": ""},
        {"hours": "9" * 30},
    ],
)
def test_bad_answers_get_a_form_error(client, changes):
    response = client.get(reverse("counselling:funding_check"), QUERY | changes)
    assert response.status_code == 200
    assert "Ihr Ergebnis" not in response.content.decode()
