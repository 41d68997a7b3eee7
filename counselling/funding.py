"""The funding check ("Förder-Check"): rules per funding instrument, as a table.

Each instrument is one `Instrument` row with a rule function that takes the answers and
returns a verdict (likely / possible / not eligible) with the reason in plain German, and a
share function that says who pays what of the course's fee. The figures come from the
network's funding table (DOMAIN.md) and sit as constants below; `LEGAL_STATE` is the date of
the legal state they encode, shown with every result. An unanswered question is never a
"no": the verdict is "possible" and names the question. An unknown price gives an unknown
share, never 0 €; where the table has no figure the share is "nicht berechenbar". Nothing
is stored: the answers travel in the query string of one GET form.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LEGAL_STATE = datetime.date(2026, 11, 1)

LIKELY = "likely"
POSSIBLE = "possible"
NO = "no"


class Status:
    UNEMPLOYED = "unemployed"
    THREATENED = "threatened"
    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"  # on one's own, without staff
    SELF_EMPLOYED_STAFF = "self_employed_staff"
    RETURNING = "returning"

    choices = [
        (UNEMPLOYED, _("arbeitslos")),
        (THREATENED, _("von Arbeitslosigkeit bedroht (z. B. gekündigt)")),
        (EMPLOYED, _("angestellt beschäftigt")),
        (SELF_EMPLOYED, _("selbstständig ohne Beschäftigte")),
        (SELF_EMPLOYED_STAFF, _("selbstständig mit Beschäftigten")),
        (RETURNING, _("Rückkehr in den Beruf (nach Familienzeit, Pflege …)")),
    ]


SELF_EMPLOYED = {Status.SELF_EMPLOYED, Status.SELF_EMPLOYED_STAFF}


class Qualification:
    NONE = "none"
    RECENT = "recent"
    OLDER = "older"

    choices = [
        (NONE, _("kein anerkannter Berufsabschluss")),
        (RECENT, _("Berufsabschluss vor weniger als 2 Jahren")),
        (OLDER, _("Berufsabschluss vor 2 Jahren oder länger")),
    ]


class Workplace:
    BW_PRIVATE = "bw_private"
    BW_PUBLIC = "bw_public"
    OUTSIDE = "outside"

    choices = [
        (BW_PRIVATE, _("in Baden-Württemberg, nicht im öffentlichen Dienst")),
        (BW_PUBLIC, _("in Baden-Württemberg, im öffentlichen Dienst")),
        (OUTSIDE, _("außerhalb Baden-Württembergs")),
    ]


class Feature:
    AZAV = "azav"
    BILDUNGSZEIT = "bildungszeit"
    ESF = "esf"
    UPGRADE = "upgrade"

    choices = [
        (AZAV, _("Der Kurs ist AZAV-zugelassen.")),
        (BILDUNGSZEIT, _("Der Kurs ist für Bildungszeit anerkannt.")),
        (ESF, _("Der Kurs ist ein ESF-Fachkurs.")),
        (
            UPGRADE,
            _("Der Kurs bereitet auf eine Aufstiegsprüfung vor (Meister, Techniker, Fachwirt …)."),
        ),
    ]


# --- the figures of the law (DOMAIN.md, legal state LEGAL_STATE) ---------------------------
# Hours: lessons of the whole course.
HOURS_82_MORE_THAN = 120  # § 82 SGB III and § 82a SGB III: "over 120 hours"
HOURS_AFBG_MIN = 400  # AFBG: at least 400 lessons
HOURS_ESF = (8, 160)  # ESF-Plus Fachkurse: 8 to 160 lessons
HOURS_BILDUNGSZEIT_PER_DAY = 6  # BzG BW: at least 6 hours a day
MONTHS_BILDUNGSZEIT = 12  # BzG BW: after 12 months with the employer
ESF_FEE_MAX = Decimal("6000")  # ESF-Plus Fachkurse: fee at most 6,000 € net
ESF_RATE = Decimal("0.30")  # share of the fee the ESF pays …
ESF_RATE_RAISED = Decimal("0.70")  # … from 55 or without vocational qualification
ESF_RAISED_AGE = 55
AGE_82_NO_EMPLOYER_SHARE = 45  # § 82: no employer share under 500 staff from 45
# § 82 SGB III: the employer's share of the course costs by company size (staff below the
# bound → share); the Agentur für Arbeit pays the rest.
EMPLOYER_SHARE_82 = [(50, Decimal("0")), (500, Decimal("0.5")), (None, Decimal("0.75"))]
# § 82a SGB III: share of staff hit by structural change, by company size.
QG_SMALL_COMPANY = 250
QG_SHARE_SMALL = 10  # per cent of staff, under 250 staff
QG_SHARE = 20  # per cent of staff, from 250 staff
QG_DECLARATION_BELOW = 10  # under 10 staff a written declaration replaces the agreement
AFBG_GRANT = Decimal("0.5")  # AFBG: 50 % of the fees as a grant, the rest as a loan …
AFBG_LOAN_WAIVED = Decimal("0.5")  # … of which 50 % is waived on passing the exam
WBS_AGE_BELOW = 25  # Weiterbildungsstipendium: under 25 at admission
WBS_POINTS_MIN = 87  # final exam at least 87 points …
WBS_GRADE_MAX = Decimal("1.9")  # … or an average of 1.9 or better


@dataclass(frozen=True)
class Answers:
    status: str
    age: int
    qualification: str
    workplace: str
    company_size: int | None = None  # employees of the employer; None if not asked
    hours: int | None = None  # lessons of the course; None: not known
    features: frozenset[str] = frozenset()
    price: Decimal | None = None  # the course fee in euro; None: not known (never 0)
    months_employed: int | None = None  # months with the current employer
    affected_share: int | None = None  # per cent of staff hit by structural change
    agreement: bool | None = None  # works or collective agreement (declaration < 10 staff)
    exam_points: int | None = None  # final exam of the vocational training, points
    exam_grade: Decimal | None = None  # … or its average grade
    severely_disabled: bool = False
    cross_company: bool | None = None  # open to staff of several companies


@dataclass(frozen=True)
class Verdict:
    level: str
    reason: str
    # The questions whose answer would settle a "vielleicht" (named, not guessed).
    open_questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Share:
    """Who pays what of this course's fee under one instrument."""

    own: Decimal | None = None  # the person's share in euro; None: unknown
    employer: Decimal | None = None  # the employer's share in euro; None: unknown or none
    has_employer: bool = False  # the instrument has an employer share at all
    note: str = ""
    computable: bool = True  # False: the rule table has no figure ("nicht berechenbar")

    @property
    def own_label(self) -> str:
        return euro(self.own)

    @property
    def employer_label(self) -> str:
        return euro(self.employer)


def euro(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return number_format(amount, 2, use_l10n=True, force_grouping=True) + " €"


def _part(price: Decimal, rate: Decimal) -> Decimal:
    return (price * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Instrument:
    slug: str  # the catalogue's funding slug (offerings FundingProgramme)
    name: str
    legal_basis: str
    next_step: str
    contact: str
    counselling_topic: str
    rule: Callable[[Answers], Verdict]
    share: Callable[[Answers], Share]
    hours_needed: str  # what the instrument asks of the course's length


@dataclass(frozen=True)
class Result:
    instrument: Instrument
    verdict: Verdict
    share: Share | None  # None when the verdict is "no"

    @property
    def catalogue_url(self) -> str:
        return (
            reverse("offerings:catalogue") + "?" + urlencode({"foerderung": self.instrument.slug})
        )

    @property
    def counselling_url(self) -> str:
        return (
            reverse("counselling:request")
            + "?"
            + urlencode({"thema": self.instrument.counselling_topic})
        )


def _employed(a: Answers) -> bool:
    return a.status == Status.EMPLOYED


def _maybe(reason: str, questions: list[str]) -> Verdict:
    """A "vielleicht" that names the questions still open (the page lists them)."""
    return Verdict(POSSIBLE, reason.strip(), tuple(questions))


def q_hours() -> str:
    return gettext("Wie viele Stunden hat der Kurs?")


def q_price() -> str:
    return gettext("Was kostet der Kurs?")


def q_months() -> str:
    return gettext("Wie lange sind Sie schon bei Ihrem Arbeitgeber?")


def q_affected() -> str:
    return gettext("Welcher Anteil der Belegschaft ist vom Strukturwandel betroffen?")


def q_agreement() -> str:
    return gettext("Gibt es eine Betriebsvereinbarung oder einen Tarifvertrag?")


def q_grade() -> str:
    return gettext("Mit welchem Ergebnis haben Sie die Abschlussprüfung bestanden?")


def q_cross_company() -> str:
    return gettext("Ist der Kurs offen für Beschäftigte verschiedener Betriebe?")


def q_feature(feature: str) -> str:
    return {
        Feature.AZAV: gettext("Ist der Kurs AZAV-zugelassen?"),
        Feature.BILDUNGSZEIT: gettext("Ist der Kurs für Bildungszeit anerkannt?"),
        Feature.ESF: gettext("Ist der Kurs ein ESF-Fachkurs?"),
        Feature.UPGRADE: gettext("Bereitet der Kurs auf eine Aufstiegsprüfung vor?"),
    }[feature]


# --- the rules ------------------------------------------------------------------------


def bildungsgutschein(a: Answers) -> Verdict:
    """§81 SGB III: unemployed, threatened by unemployment, or without usable vocational
    qualification; counselling first; course AZAV-approved."""
    if a.status in {Status.UNEMPLOYED, Status.THREATENED}:
        if Feature.AZAV in a.features:
            return Verdict(
                LIKELY,
                gettext(
                    "Sie sind arbeitslos oder davon bedroht, und der Kurs ist AZAV-zugelassen. "
                    "Die Agentur für Arbeit oder das Jobcenter entscheidet nach einem "
                    "Beratungsgespräch."
                ),
            )
        return _maybe(
            gettext("Sie gehören zur geförderten Gruppe. Der Kurs muss aber AZAV-zugelassen sein."),
            [q_feature(Feature.AZAV)],
        )
    if a.qualification == Qualification.NONE:
        return Verdict(
            POSSIBLE,
            gettext(
                "Ohne verwertbaren Berufsabschluss ist ein Bildungsgutschein auch für "
                "Beschäftigte oder Rückkehrende möglich, zum Beispiel für eine "
                "Teilqualifizierung."
            ),
        )
    if a.status == Status.RETURNING:
        return Verdict(
            POSSIBLE,
            gettext(
                "Rückkehrende können gefördert werden, wenn sie sich arbeitsuchend melden. Die "
                "Agentur für Arbeit prüft das im Gespräch."
            ),
        )
    return Verdict(
        NO,
        gettext(
            "Der Bildungsgutschein ist für Menschen ohne Arbeit, mit drohender Arbeitslosigkeit "
            "oder ohne verwertbaren Berufsabschluss."
        ),
    )


def employer_share_rate(size: int, age: int, severely_disabled: bool = False) -> Decimal:
    """The employer's share of the course costs under §82 SGB III, by company size; none
    under 500 staff for employees from 45 or severely disabled."""
    for bound, rate in EMPLOYER_SHARE_82:
        if bound is None or size < bound:
            if bound is not None and (age >= AGE_82_NO_EMPLOYER_SHARE or severely_disabled):
                return Decimal("0")
            return rate
    raise AssertionError("the table ends with an open bound")


def employer_share_bounds() -> list[int]:
    """The company sizes where the § 82 employer share changes (its legal boundaries)."""
    return [bound for bound, _rate in EMPLOYER_SHARE_82 if bound is not None]


def employer_share_rate_for_staff(low: int, high: int | None) -> Decimal | None:
    """The § 82 employer share for a company of `low` to `high` staff (None: no upper end),
    for an employee under 45 and not severely disabled; None when the range spans a bound
    of the table, so that the share is not known (never guessed)."""
    young = AGE_82_NO_EMPLOYER_SHARE - 1
    first = employer_share_rate(low, young)
    last = employer_share_rate(high if high is not None else max(employer_share_bounds()), young)
    return first if first == last else None


def share_of(price: Decimal, rate: Decimal) -> Decimal:
    """`rate` of `price`, to the cent (rounded half up, as every share of this module)."""
    return _part(price, rate)


def percent(rate: Decimal) -> str:
    return _percent(rate)


def employer_share(size: int, age: int, severely_disabled: bool = False) -> str:
    """The employer's share of the course costs under §82 SGB III, in words."""
    if size < 50:
        return gettext(
            "Ihr Arbeitgeber muss sich nicht an den Kosten beteiligen (unter 50 Beschäftigte)."
        )
    if size < 500:
        if age >= AGE_82_NO_EMPLOYER_SHARE:
            return gettext(
                "Ab 45 Jahren muss sich Ihr Arbeitgeber (unter 500 Beschäftigte) nicht an den "
                "Kosten beteiligen."
            )
        if severely_disabled:
            return gettext(
                "Bei Schwerbehinderung muss sich Ihr Arbeitgeber (unter 500 Beschäftigte) nicht "
                "an den Kosten beteiligen."
            )
        return gettext(
            "Ihr Arbeitgeber trägt in der Regel die Hälfte der Kosten (50 bis 499 Beschäftigte)."
        )
    return gettext(
        "Ihr Arbeitgeber trägt in der Regel drei Viertel der Kosten (500 und mehr Beschäftigte)."
    )


def foerderung_beschaeftigter(a: Answers) -> Verdict:
    """§82 SGB III: employees; course over 120 hours; last qualification usually ≥ 2 years
    ago; AZAV; employer share by company size."""
    if not _employed(a):
        return Verdict(NO, gettext("Diese Förderung ist für angestellt Beschäftigte."))
    if a.hours is not None and a.hours <= HOURS_82_MORE_THAN:
        return Verdict(NO, gettext("Der Kurs muss länger als 120 Stunden dauern."))
    if a.qualification == Qualification.RECENT:
        return Verdict(
            NO,
            gettext(
                "Ihr letzter Berufsabschluss sollte in der Regel mindestens zwei Jahre "
                "zurückliegen."
            ),
        )
    share = (
        employer_share(a.company_size, a.age, a.severely_disabled)
        if a.company_size is not None
        else ""
    )
    missing = []
    reasons = []
    if Feature.AZAV not in a.features:
        reasons.append(gettext("Der Kurs muss AZAV-zugelassen sein."))
        missing.append(q_feature(Feature.AZAV))
    if a.hours is None:
        reasons.append(gettext("Der Kurs muss länger als 120 Stunden dauern."))
        missing.append(q_hours())
    if missing:
        return _maybe(" ".join([*reasons, share]), missing)
    return Verdict(
        LIKELY,
        gettext(
            "Sie sind beschäftigt, der Kurs dauert über 120 Stunden und ist AZAV-zugelassen. Sie "
            "dürfen in den letzten zwei Jahren keine solche Förderung erhalten haben."
        )
        + " "
        + share,
    )


def qualifizierungsgeld(a: Answers) -> Verdict:
    """§82a SGB III (since 4/2024): employees whose jobs are hit by structural change;
    ≥20 % of staff affected (≥10 % under 250 staff); works or collective agreement (written
    declaration under 10 staff); the employer pays the course; > 120 hours."""
    if not _employed(a):
        return Verdict(NO, gettext("Qualifizierungsgeld ist für angestellt Beschäftigte."))
    if a.hours is not None and a.hours <= HOURS_82_MORE_THAN:
        return Verdict(NO, gettext("Der Kurs muss länger als 120 Stunden dauern."))
    size = a.company_size
    needed = QG_SHARE_SMALL if size is not None and size < QG_SMALL_COMPANY else QG_SHARE
    agreement = (
        gettext("eine schriftliche Erklärung des Arbeitgebers")
        if size is not None and size < QG_DECLARATION_BELOW
        else gettext("eine Betriebsvereinbarung oder ein Tarifvertrag")
    )
    condition = gettext(
        "Mindestens %(share)s %% der Belegschaft müssen vom Strukturwandel betroffen sein, und "
        "es braucht %(agreement)s. Ihr Arbeitgeber zahlt den Kurs."
    ) % {"share": needed, "agreement": agreement}
    if a.affected_share is not None and size is not None and a.affected_share < needed:
        return Verdict(
            NO,
            gettext("Betroffen sind %(given)s %% der Belegschaft, das ist zu wenig.")
            % {"given": a.affected_share}
            + " "
            + condition,
        )
    if a.agreement is False:
        return Verdict(
            NO, gettext("Ohne Vereinbarung gibt es kein Qualifizierungsgeld.") + " " + condition
        )
    missing = []
    if a.affected_share is None or size is None:
        missing.append(q_affected())
    if a.agreement is None:
        missing.append(q_agreement())
    if a.hours is None:
        missing.append(q_hours())
    if missing:
        return _maybe(
            gettext("Möglich, wenn Ihr Arbeitsplatz vom Strukturwandel betroffen ist.")
            + " "
            + condition
            + (
                " " + gettext("Der Kurs muss länger als 120 Stunden dauern.")
                if a.hours is None
                else ""
            ),
            missing,
        )
    return Verdict(
        LIKELY,
        gettext(
            "Genug Beschäftigte sind vom Strukturwandel betroffen, und es gibt die nötige "
            "Vereinbarung. Die Agentur für Arbeit zahlt während des Kurses einen Lohnersatz; "
            "Ihr Arbeitgeber zahlt den Kurs."
        ),
    )


def aufstiegs_bafoeg(a: Answers) -> Verdict:
    """AFBG: anyone preparing for an upgrade exam, any age; ≥ 400 lessons."""
    if Feature.UPGRADE not in a.features:
        return Verdict(
            NO,
            gettext(
                "Aufstiegs-BAföG gibt es für Kurse, die auf eine Aufstiegsprüfung vorbereiten "
                "(Meister, Techniker, Fachwirt …)."
            ),
        )
    if a.hours is not None and a.hours < HOURS_AFBG_MIN:
        return Verdict(NO, gettext("Der Kurs muss mindestens 400 Unterrichtsstunden umfassen."))
    terms = gettext(
        # xgettext:no-python-format (per cent signs: the text is not formatted)
        "Das Alter spielt keine Rolle; Sie dürfen noch keinen gleichwertigen Abschluss haben. "
        "50 % der Gebühren sind Zuschuss, vom Rest werden bei bestandener Prüfung 50 % erlassen."
    )
    if a.hours is None:
        return _maybe(
            gettext("Der Kurs muss mindestens 400 Unterrichtsstunden umfassen.") + " " + terms,
            [q_hours()],
        )
    return Verdict(
        LIKELY,
        gettext("Ihr Kurs bereitet auf eine Aufstiegsprüfung vor und hat mindestens 400 Stunden.")
        + " "
        + terms,
    )


def bildungszeit_bw(a: Answers) -> Verdict:
    """BzG BW: employees working mainly in BW; up to 5 paid days a year after 12 months;
    recognised provider; ≥ 6 hours a day; apply ≥ 9 weeks ahead."""
    if not _employed(a):
        return Verdict(NO, gettext("Bildungszeit ist für Beschäftigte."))
    if a.workplace == Workplace.OUTSIDE:
        return Verdict(
            NO,
            gettext(
                "Bildungszeit gilt für Beschäftigte, die überwiegend in Baden-Württemberg arbeiten."
            ),
        )
    if a.months_employed is not None and a.months_employed < MONTHS_BILDUNGSZEIT:
        return Verdict(
            NO,
            gettext(
                "Bildungszeit gibt es erst nach 12 Monaten beim selben Arbeitgeber; Sie sind "
                "seit %(months)s Monaten dort."
            )
            % {"months": a.months_employed},
        )
    terms = gettext(
        "Bis zu 5 bezahlte Tage im Jahr, mit mindestens 6 Stunden Kurs am Tag. Beantragen Sie "
        "sie mindestens 9 Wochen vorher. Die Kursgebühr zahlen Sie selbst."
    )
    missing = []
    if Feature.BILDUNGSZEIT not in a.features:
        missing.append(q_feature(Feature.BILDUNGSZEIT))
    if a.months_employed is None:
        missing.append(q_months())
    if missing:
        return _maybe(
            gettext(
                "Möglich, wenn der Kurs für Bildungszeit anerkannt ist und Sie seit 12 Monaten "
                "im Betrieb sind."
            )
            + " "
            + terms,
            missing,
        )
    return Verdict(LIKELY, terms)


def esf_rate(a: Answers) -> Decimal:
    """The share of the fee ESF-Plus pays."""
    if a.age >= ESF_RAISED_AGE or a.qualification == Qualification.NONE:
        return ESF_RATE_RAISED
    return ESF_RATE


def _percent(rate: Decimal) -> str:
    return f"{int(rate * 100)} %"


def esf_fachkurse_bw(a: Answers) -> Verdict:
    """ESF-Plus Fachkurse BW: employees living or working in BW, self-employed, returners;
    not public sector; 8–160 lessons within 6 months; cross-company course; fee ≤ 6,000 €
    net; 30 % of the fee, 70 % for 55+ or no qualification."""
    if a.status not in {Status.EMPLOYED, Status.RETURNING, *SELF_EMPLOYED}:
        return Verdict(
            NO, gettext("ESF-Fachkurse sind für Beschäftigte, Selbstständige und Rückkehrende.")
        )
    if a.workplace == Workplace.OUTSIDE:
        return Verdict(NO, gettext("Sie müssen in Baden-Württemberg wohnen oder arbeiten."))
    if a.workplace == Workplace.BW_PUBLIC:
        return Verdict(NO, gettext("Beschäftigte im öffentlichen Dienst sind ausgeschlossen."))
    low, high = HOURS_ESF
    if a.hours is not None and not low <= a.hours <= high:
        return Verdict(NO, gettext("Der Kurs muss zwischen 8 und 160 Unterrichtsstunden umfassen."))
    if a.price is not None and a.price > ESF_FEE_MAX:
        return Verdict(NO, gettext("Die Kursgebühr darf höchstens 6.000 € netto betragen."))
    if a.cross_company is False:
        return Verdict(
            NO,
            gettext(
                "Gefördert werden nur überbetriebliche Kurse, offen für Beschäftigte "
                "verschiedener Betriebe."
            ),
        )
    rate = gettext("Gefördert werden %(rate)s der Kursgebühr (höchstens 6.000 € netto).") % {
        "rate": _percent(esf_rate(a))
    }
    missing = []
    if Feature.ESF not in a.features:
        missing.append(q_feature(Feature.ESF))
    if a.hours is None:
        missing.append(q_hours())
    if a.cross_company is None:
        missing.append(q_cross_company())
    if missing:
        return _maybe(
            gettext(
                "Möglich, wenn der Kurs als überbetrieblicher ESF-Fachkurs mit 8 bis 160 "
                "Unterrichtsstunden angeboten wird."
            )
            + " "
            + rate,
            missing,
        )
    return Verdict(LIKELY, rate)


def _grade_good_enough(a: Answers) -> bool | None:
    """Either the points or the average grade is enough; None when neither is given."""
    checks = []
    if a.exam_points is not None:
        checks.append(a.exam_points >= WBS_POINTS_MIN)
    if a.exam_grade is not None:
        checks.append(a.exam_grade <= WBS_GRADE_MAX)
    return any(checks) if checks else None


def weiterbildungsstipendium(a: Answers) -> Verdict:
    """SBB: young skilled workers after dual training; under 25 at admission; final exam
    ≥ 87 points or an average of 1.9 or better."""
    if a.qualification == Qualification.NONE:
        return Verdict(
            NO, gettext("Das Stipendium setzt eine abgeschlossene Berufsausbildung voraus.")
        )
    if a.age >= WBS_AGE_BELOW:
        return Verdict(NO, gettext("Bei der Aufnahme müssen Sie jünger als 25 Jahre sein."))
    good = _grade_good_enough(a)
    if good is False:
        return Verdict(
            NO,
            gettext(
                "Nötig sind mindestens 87 Punkte in der Abschlussprüfung oder ein Durchschnitt "
                "von 1,9 oder besser."
            ),
        )
    if good is None:
        return _maybe(
            gettext(
                "Möglich, wenn Sie Ihre Abschlussprüfung mit mindestens 87 Punkten oder einem "
                "Durchschnitt von 1,9 oder besser bestanden haben."
            ),
            [q_grade()],
        )
    return Verdict(
        LIKELY,
        gettext(
            "Sie sind jünger als 25 und haben Ihre Abschlussprüfung sehr gut bestanden. "
            "Das Stipendium gibt einen Zuschuss zu den Kurskosten."
        ),
    )


# --- who pays what ----------------------------------------------------------------------


def _unknown_price() -> str:
    return gettext("Den Preis des Kurses kennen wir nicht, darum auch nicht Ihren Anteil.")


def share_none_for_you(a: Answers) -> Share:
    """Instruments that pay the whole course (Bildungsgutschein)."""
    if a.price is None:
        return Share(note=_unknown_price())
    return Share(own=Decimal("0.00"), note=gettext("Die Kurskosten werden übernommen."))


def share_82(a: Answers) -> Share:
    if a.company_size is None:
        return Share(
            own=None if a.price is None else Decimal("0.00"),
            has_employer=True,
            note=gettext("Der Anteil Ihres Arbeitgebers richtet sich nach der Betriebsgröße."),
        )
    rate = employer_share_rate(a.company_size, a.age, a.severely_disabled)
    if a.price is None:
        return Share(
            has_employer=True,
            note=_unknown_price()
            + " "
            + gettext("Ihr Arbeitgeber trägt %(rate)s, die Agentur für Arbeit den Rest.")
            % {"rate": _percent(rate)},
        )
    return Share(
        own=Decimal("0.00"),
        employer=_part(a.price, rate),
        has_employer=True,
        note=gettext("Ihr Arbeitgeber trägt %(rate)s, die Agentur für Arbeit den Rest.")
        % {"rate": _percent(rate)},
    )


def share_employer_pays(a: Answers) -> Share:
    """Qualifizierungsgeld: the employer pays the course."""
    if a.price is None:
        return Share(has_employer=True, note=_unknown_price())
    return Share(
        own=Decimal("0.00"),
        employer=a.price.quantize(Decimal("0.01")),
        has_employer=True,
        note=gettext("Ihr Arbeitgeber zahlt den Kurs; Sie bekommen einen Lohnersatz."),
    )


def share_afbg(a: Answers) -> Share:
    if a.price is None:
        return Share(note=_unknown_price())
    loan = a.price - _part(a.price, AFBG_GRANT)
    after = loan - _part(loan, AFBG_LOAN_WAIVED)
    return Share(
        own=loan.quantize(Decimal("0.01")),
        note=gettext(
            "Als Darlehen; bestehen Sie die Prüfung, bleiben davon %(after)s zurückzuzahlen."
        )
        % {"after": euro(after)},
    )


def share_you_pay(a: Answers) -> Share:
    """Bildungszeit: paid release, the fee is the person's."""
    if a.price is None:
        return Share(note=_unknown_price())
    return Share(
        own=a.price.quantize(Decimal("0.01")),
        note=gettext("Sie werden bezahlt freigestellt; die Kursgebühr zahlen Sie selbst."),
    )


def share_esf(a: Answers) -> Share:
    if a.price is None:
        return Share(note=_unknown_price())
    rate = esf_rate(a)
    return Share(
        own=a.price - _part(a.price, rate),
        note=gettext("Gefördert werden %(rate)s der Kursgebühr.") % {"rate": _percent(rate)},
    )


def share_not_computable(a: Answers) -> Share:
    """Weiterbildungsstipendium: the table names no figure for the grant."""
    return Share(
        computable=False,
        note=gettext("Die Höhe des Zuschusses steht nicht in unserer Regeltabelle."),
    )


INSTRUMENTS: list[Instrument] = [
    Instrument(
        "bildungsgutschein",
        "Bildungsgutschein",
        "§ 81 SGB III",
        _(
            "Lassen Sie sich bei der Agentur für Arbeit oder dem Jobcenter beraten, bevor Sie "
            "sich anmelden."
        ),
        _("Agentur für Arbeit oder Jobcenter"),
        "funding",
        bildungsgutschein,
        share_none_for_you,
        _("keine Mindestdauer"),
    ),
    Instrument(
        "foerderung-beschaeftigter",
        "Förderung Beschäftigter",
        "§ 82 SGB III",
        _("Sprechen Sie mit Ihrem Arbeitgeber und dem Arbeitgeber-Service der Agentur für Arbeit."),
        _("Agentur für Arbeit"),
        "funding",
        foerderung_beschaeftigter,
        share_82,
        _("mehr als 120 Stunden"),
    ),
    Instrument(
        "qualifizierungsgeld",
        "Qualifizierungsgeld",
        "§ 82a SGB III",
        _("Ihr Arbeitgeber klärt die Voraussetzungen mit der Agentur für Arbeit."),
        _("Agentur für Arbeit, Betriebsrat"),
        "funding",
        qualifizierungsgeld,
        share_employer_pays,
        _("mehr als 120 Stunden"),
    ),
    Instrument(
        "aufstiegs-bafoeg",
        "Aufstiegs-BAföG",
        "AFBG",
        _("Stellen Sie den Antrag vor Kursbeginn beim Landratsamt."),
        _("Landratsamt (Amt für Ausbildungsförderung)"),
        "funding",
        aufstiegs_bafoeg,
        share_afbg,
        _("mindestens 400 Unterrichtsstunden"),
    ),
    Instrument(
        "bildungszeit-bw",
        "Bildungszeit Baden-Württemberg",
        "BzG BW",
        _(
            "Beantragen Sie die Freistellung mindestens 9 Wochen vor dem Kurs bei Ihrem "
            "Arbeitgeber."
        ),
        _("Ihr Arbeitgeber"),
        "funding",
        bildungszeit_bw,
        share_you_pay,
        _("mindestens 6 Stunden am Tag"),
    ),
    Instrument(
        "esf-fachkurse-bw",
        "ESF-Plus Fachkurse",
        "ESF+ / L-Bank",
        _("Fragen Sie den Kursanbieter: Er beantragt die Förderung und rechnet sie mit Ihnen ab."),
        _("Kursanbieter"),
        "funding",
        esf_fachkurse_bw,
        share_esf,
        _("8 bis 160 Unterrichtsstunden in höchstens 6 Monaten"),
    ),
    Instrument(
        "weiterbildungsstipendium",
        "Weiterbildungsstipendium",
        "SBB",
        _("Bewerben Sie sich bei Ihrer Kammer (IHK oder Handwerkskammer)."),
        _("IHK oder Handwerkskammer"),
        "funding",
        weiterbildungsstipendium,
        share_not_computable,
        _("keine Mindestdauer"),
    ),
]

ORDER = {LIKELY: 0, POSSIBLE: 1, NO: 2}

# The catalogue's funding programmes that say something about the course itself.
FEATURE_OF_PROGRAMME = {
    "bildungsgutschein": Feature.AZAV,
    "foerderung-beschaeftigter": Feature.AZAV,
    "bildungszeit-bw": Feature.BILDUNGSZEIT,
    "esf-fachkurse-bw": Feature.ESF,
    "aufstiegs-bafoeg": Feature.UPGRADE,
}


def course_features(programme_slugs, *, azav_measure_number: str = "") -> set[str]:
    """The recognitions a catalogue course states, as the check's features."""
    features = {FEATURE_OF_PROGRAMME[s] for s in programme_slugs if s in FEATURE_OF_PROGRAMME}
    if azav_measure_number:
        features.add(Feature.AZAV)
    return features


def funding_check(answers: Answers) -> list[Result]:
    """Every instrument with its verdict and, unless the verdict is no, who pays what; the
    likely ones first."""
    results = []
    for instrument in INSTRUMENTS:
        verdict = instrument.rule(answers)
        share = instrument.share(answers) if verdict.level != NO else None
        results.append(Result(instrument, verdict, share))
    return sorted(results, key=lambda r: ORDER[r.verdict.level])
