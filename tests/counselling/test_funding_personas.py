"""Personas for the funding check: each a person's answers (as the form receives them) and
the verdict the law gives for EVERY instrument, written from the law's text as DOMAIN.md
summarises it (legal state: counselling.funding.LEGAL_STATE), not from the code. Together
they walk every boundary: hours 120/121, 399/400, 7/8, 160/161; 11/12 months with the
employer; ESF fee 6,000/6,000.01 €; final exam 86/87 points and 1.9/2.0; age 24/25, 44/45
and 54/55; company size 49/50 and 499/500 for the employer share (§ 82), 249/250 and 9/10
per cent of staff for Qualifizierungsgeld (§ 82a), and under 10 staff the written
declaration. An unanswered question is "vielleicht", never "nein"."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from counselling import funding
from counselling.forms import FundingCheckForm

L, P, N = funding.LIKELY, funding.POSSIBLE, funding.NO
INSTRUMENTS = [i.slug for i in funding.INSTRUMENTS]


def expect(bgs, f82, qg, afbg, bz, esf, wbs) -> dict[str, str]:
    """Verdicts in the order of the rule table."""
    return dict(zip(INSTRUMENTS, [bgs, f82, qg, afbg, bz, esf, wbs], strict=True))


# An employee of a 300-person company in Baden-Württemberg, 35, trained long ago, 30 months
# with the employer, looking at a 200-hour AZAV course for 3,000 € open to all companies.
EMPLOYEE = {
    "status": "employed",
    "age": "35",
    "qualification": "older",
    "workplace": "bw_private",
    "company_size": "300",
    "months_employed": "30",
    "hours": "200",
    "price": "3000",
    "features": ["azav"],
    "cross_company": "ja",
}
# The same employee, a 40-hour course recognised for Bildungszeit.
BZ_COURSE = EMPLOYEE | {"hours": "40", "features": ["bildungszeit"]}
# Young skilled worker, 24, trained recently, a 100-hour course.
YOUNG = EMPLOYEE | {
    "age": "24",
    "qualification": "recent",
    "hours": "100",
    "price": "2000",
    "features": [],
}
# Self-employed with staff, 45, a short ESF course.
ESF_SELF = {
    "status": "self_employed_staff",
    "age": "45",
    "qualification": "older",
    "workplace": "bw_private",
    "hours": "40",
    "price": "800",
    "features": ["esf"],
    "cross_company": "ja",
}
# Returning to work, 40, an 80-hour ESF course.
RETURNER_ESF = ESF_SELF | {"status": "returning", "age": "40", "hours": "80"}
# An upgrade course (Meister): 400 lessons, 6,000 €; self-employed without staff.
UPGRADE = {
    "status": "self_employed",
    "age": "40",
    "qualification": "older",
    "workplace": "bw_private",
    "hours": "400",
    "price": "6000",
    "features": ["upgrade"],
}
QG_BASE = EMPLOYEE | {"agreement": "ja"}

PERSONAS = [
    # --- § 82 SGB III: employees, > 120 hours, qualification ≥ 2 years ago, AZAV ----------
    ("employee, AZAV course of 200 h", EMPLOYEE, expect(N, L, P, N, P, N, N)),
    ("employee, course of exactly 120 h", EMPLOYEE | {"hours": "120"}, expect(N, N, N, N, P, P, N)),
    ("employee, course of 121 h", EMPLOYEE | {"hours": "121"}, expect(N, L, P, N, P, P, N)),
    (
        "employee trained less than 2 years ago",
        EMPLOYEE | {"qualification": "recent"},
        expect(N, N, P, N, P, N, N),
    ),
    (
        "employee, course not AZAV-approved",
        EMPLOYEE | {"features": []},
        expect(N, P, P, N, P, N, N),
    ),
    (
        "employee, course hours unknown",
        {k: v for k, v in EMPLOYEE.items() if k != "hours"},
        expect(N, P, P, N, P, P, N),
    ),
    # --- Bildungszeit BW: 12 months with the employer, BW, recognised --------------------
    (
        "Bildungszeit after 11 months",
        BZ_COURSE | {"months_employed": "11"},
        expect(N, N, N, N, N, P, N),
    ),
    (
        "Bildungszeit after 12 months",
        BZ_COURSE | {"months_employed": "12"},
        expect(N, N, N, N, L, P, N),
    ),
    (
        "Bildungszeit, months not answered",
        {k: v for k, v in BZ_COURSE.items() if k != "months_employed"},
        expect(N, N, N, N, P, P, N),
    ),
    (
        "Bildungszeit, working outside Baden-Württemberg",
        BZ_COURSE | {"workplace": "outside"},
        expect(N, N, N, N, N, N, N),
    ),
    (
        "Bildungszeit in the public sector (ESF excludes it)",
        BZ_COURSE | {"workplace": "bw_public"},
        expect(N, N, N, N, L, N, N),
    ),
    # --- § 82a SGB III Qualifizierungsgeld: share of staff hit, agreement, > 120 h ------------
    ("QG, 300 staff, 19 % hit", QG_BASE | {"affected_share": "19"}, expect(N, L, N, N, P, N, N)),
    ("QG, 300 staff, 20 % hit", QG_BASE | {"affected_share": "20"}, expect(N, L, L, N, P, N, N)),
    (
        "QG, 249 staff, 10 % hit",
        QG_BASE | {"company_size": "249", "affected_share": "10"},
        expect(N, L, L, N, P, N, N),
    ),
    (
        "QG, 249 staff, 9 % hit",
        QG_BASE | {"company_size": "249", "affected_share": "9"},
        expect(N, L, N, N, P, N, N),
    ),
    (
        "QG, 250 staff, 10 % hit",
        QG_BASE | {"company_size": "250", "affected_share": "10"},
        expect(N, L, N, N, P, N, N),
    ),
    (
        "QG, 40 % hit but no agreement",
        QG_BASE | {"affected_share": "40", "agreement": "nein"},
        expect(N, L, N, N, P, N, N),
    ),
    (
        "QG, 40 % hit, agreement not known",
        EMPLOYEE | {"affected_share": "40"},
        expect(N, L, P, N, P, N, N),
    ),
    (
        "QG, 9 staff with the written declaration",
        QG_BASE | {"company_size": "9", "affected_share": "50"},
        expect(N, L, L, N, P, N, N),
    ),
    (
        "QG, everything yes but a 120-hour course",
        QG_BASE | {"affected_share": "50", "hours": "120"},
        expect(N, N, N, N, P, P, N),
    ),
    # --- § 81 SGB III Bildungsgutschein ---------------------------------------------------
    (
        "unemployed, AZAV course",
        EMPLOYEE | {"status": "unemployed", "company_size": "", "months_employed": ""},
        expect(L, N, N, N, N, N, N),
    ),
    (
        "threatened by unemployment, course not AZAV-approved",
        EMPLOYEE | {"status": "threatened", "features": []},
        expect(P, N, N, N, N, N, N),
    ),
    (
        "employee without vocational qualification, ESF course of 100 h",
        EMPLOYEE
        | {
            "age": "30",
            "qualification": "none",
            "hours": "100",
            "price": "1500",
            "features": ["esf"],
        },
        expect(P, N, N, N, P, L, N),
    ),
    # --- AFBG Aufstiegs-BAföG: upgrade exam, ≥ 400 lessons, any age and status ------------
    ("upgrade course of 400 lessons", UPGRADE, expect(N, N, N, L, N, N, N)),
    ("upgrade course of 399 lessons", UPGRADE | {"hours": "399"}, expect(N, N, N, N, N, N, N)),
    (
        "upgrade course, lessons unknown",
        {k: v for k, v in UPGRADE.items() if k != "hours"},
        expect(N, N, N, P, N, P, N),
    ),
    (
        "unemployed at 58, AZAV upgrade course of 800 lessons",
        UPGRADE
        | {"status": "unemployed", "age": "58", "hours": "800", "features": ["upgrade", "azav"]},
        expect(L, N, N, L, N, N, N),
    ),
    # --- ESF-Plus Fachkurse: 8–160 lessons, fee ≤ 6,000 €, cross-company, not public -------
    ("self-employed with staff, 7 lessons", ESF_SELF | {"hours": "7"}, expect(N, N, N, N, N, N, N)),
    ("self-employed with staff, 8 lessons", ESF_SELF | {"hours": "8"}, expect(N, N, N, N, N, L, N)),
    (
        "self-employed without staff, 160 lessons",
        ESF_SELF | {"status": "self_employed", "hours": "160"},
        expect(N, N, N, N, N, L, N),
    ),
    ("self-employed, 161 lessons", ESF_SELF | {"hours": "161"}, expect(N, N, N, N, N, N, N)),
    ("returner, ESF fee 6,000 €", RETURNER_ESF | {"price": "6000"}, expect(P, N, N, N, N, L, N)),
    (
        "returner, ESF fee 6,000.01 €",
        RETURNER_ESF | {"price": "6000,01"},
        expect(P, N, N, N, N, N, N),
    ),
    (
        "employee, in-house course for one company",
        BZ_COURSE | {"features": ["esf"], "cross_company": "nein"},
        expect(N, N, N, N, P, N, N),
    ),
    (
        "employee, ESF course, cross-company not known",
        BZ_COURSE | {"features": ["esf"], "cross_company": ""},
        expect(N, N, N, N, P, P, N),
    ),
    (
        "unemployed, ESF course (not AZAV-approved)",
        ESF_SELF | {"status": "unemployed"},
        expect(P, N, N, N, N, N, N),
    ),
    # --- Weiterbildungsstipendium: under 25, trained, ≥ 87 points or ≤ 1.9 ----------------
    ("24, 87 points", YOUNG | {"exam_points": "87"}, expect(N, N, N, N, P, P, L)),
    ("24, 86 points", YOUNG | {"exam_points": "86"}, expect(N, N, N, N, P, P, N)),
    ("24, average 1,9", YOUNG | {"exam_grade": "1,9"}, expect(N, N, N, N, P, P, L)),
    ("24, average 2,0", YOUNG | {"exam_grade": "2,0"}, expect(N, N, N, N, P, P, N)),
    (
        "24, 80 points but average 1,8",
        YOUNG | {"exam_points": "80", "exam_grade": "1,8"},
        expect(N, N, N, N, P, P, L),
    ),
    ("25, 95 points", YOUNG | {"age": "25", "exam_points": "95"}, expect(N, N, N, N, P, P, N)),
    ("22, result not answered", YOUNG | {"age": "22"}, expect(N, N, N, N, P, P, P)),
    (
        "23 without vocational qualification",
        YOUNG | {"age": "23", "qualification": "none", "exam_points": "95"},
        expect(P, N, N, N, P, P, N),
    ),
]


def run(answers: dict) -> dict[str, funding.Result]:
    data = QueryDict(mutable=True)
    for key, value in answers.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    form = FundingCheckForm(data)
    assert form.is_valid(), form.errors
    return {r.instrument.slug: r for r in funding.funding_check(form.answers())}


def test_there_are_at_least_30_personas_each_judged_for_every_instrument():
    assert len(PERSONAS) >= 30
    assert len({name for name, _, _ in PERSONAS}) == len(PERSONAS)
    for _, _, expected in PERSONAS:
        assert set(expected) == set(INSTRUMENTS)


@pytest.mark.parametrize(("name", "answers", "expected"), PERSONAS, ids=[p[0] for p in PERSONAS])
def test_persona(name, answers, expected):
    results = run(answers)
    got = {slug: result.verdict.level for slug, result in results.items()}
    assert got == expected
    for result in results.values():
        # A "vielleicht" names what is open or why; a "nein" carries no euro figure.
        assert result.verdict.reason
        if result.verdict.level == N:
            assert result.share is None


# --- who pays what: the employer's share under § 82 by company size and age -------------

SHARE_82 = [
    ("49 staff", {"company_size": "49"}, "0.00"),
    ("50 staff", {"company_size": "50"}, "1500.00"),
    ("499 staff", {"company_size": "499"}, "1500.00"),
    ("500 staff", {"company_size": "500"}, "2250.00"),
    ("50 staff, aged 44", {"company_size": "50", "age": "44"}, "1500.00"),
    ("50 staff, aged 45", {"company_size": "50", "age": "45"}, "0.00"),
    ("499 staff, aged 45", {"company_size": "499", "age": "45"}, "0.00"),
    ("500 staff, aged 45", {"company_size": "500", "age": "45"}, "2250.00"),
    ("300 staff, severely disabled", {"severely_disabled": "on"}, "0.00"),
    ("500 staff, severely disabled", {"company_size": "500", "severely_disabled": "on"}, "2250.00"),
]


@pytest.mark.parametrize(("name", "changes", "employer"), SHARE_82, ids=[s[0] for s in SHARE_82])
def test_employer_share_82_for_a_3000_euro_course(name, changes, employer):
    result = run(EMPLOYEE | changes)["foerderung-beschaeftigter"]
    assert result.verdict.level == L
    assert result.share.employer == Decimal(employer)
    assert result.share.own == Decimal("0")


@pytest.mark.parametrize(
    ("changes", "own"),
    [
        ({"age": "54"}, "560.00"),  # 30 % of 800 € funded
        ({"age": "55"}, "240.00"),  # 70 % from 55
        ({"qualification": "none"}, "240.00"),  # 70 % without vocational qualification
    ],
)
def test_esf_own_share(changes, own):
    result = run(ESF_SELF | changes)["esf-fachkurse-bw"]
    assert result.share.own == Decimal(own)


def test_qualifizierungsgeld_employer_pays_the_course():
    result = run(QG_BASE | {"affected_share": "20"})["qualifizierungsgeld"]
    assert (result.share.own, result.share.employer) == (Decimal("0"), Decimal("3000"))


def test_shares_are_unknown_without_a_price_never_zero():
    results = run(
        {k: v for k, v in EMPLOYEE.items() if k != "price"} | {"features": ["azav", "bildungszeit"]}
    )
    for slug in ("foerderung-beschaeftigter", "qualifizierungsgeld", "bildungszeit-bw"):
        assert results[slug].share.own is None
    assert results["foerderung-beschaeftigter"].share.employer is None


def test_the_scholarship_share_is_not_computable():
    share = run(YOUNG | {"exam_points": "90"})["weiterbildungsstipendium"].share
    assert not share.computable
    assert share.own is None
