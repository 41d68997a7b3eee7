"""The funding check ("Förder-Check"): rules per funding instrument, as a table.

Each instrument is one `Instrument` row with a rule function that takes the answers and
returns a verdict (likely / possible / not eligible) with the reason in plain German. The
facts come from the network's funding table (DOMAIN.md); `LEGAL_STATE` is the date of the
legal state they encode, shown with every result. Nothing is stored: the answers travel in
the query string of one GET form.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LEGAL_STATE = datetime.date(2026, 11, 1)

LIKELY = "likely"
POSSIBLE = "possible"
NO = "no"


class Status:
    UNEMPLOYED = "unemployed"
    THREATENED = "threatened"
    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    RETURNING = "returning"

    choices = [
        (UNEMPLOYED, _("arbeitslos")),
        (THREATENED, _("von Arbeitslosigkeit bedroht (z. B. gekündigt)")),
        (EMPLOYED, _("angestellt beschäftigt")),
        (SELF_EMPLOYED, _("selbstständig")),
        (RETURNING, _("Rückkehr in den Beruf (nach Familienzeit, Pflege …)")),
    ]


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


@dataclass(frozen=True)
class Answers:
    status: str
    age: int
    qualification: str
    workplace: str
    company_size: int | None  # employees of the employer; None if not employed
    hours: int  # length of the course in hours (lessons)
    features: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Verdict:
    level: str
    reason: str


@dataclass(frozen=True)
class Instrument:
    slug: str  # the catalogue's funding slug (offerings FundingProgramme)
    name: str
    legal_basis: str
    next_step: str
    contact: str
    counselling_topic: str
    rule: Callable[[Answers], Verdict]


@dataclass(frozen=True)
class Result:
    instrument: Instrument
    verdict: Verdict

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


# --- the rules ------------------------------------------------------------------------


def bildungsgutschein(a: Answers) -> Verdict:
    """§81 SGB III: unemployed, threatened by unemployment, or without usable vocational
    qualification; counselling first; course AZAV-approved."""
    if a.status in {Status.UNEMPLOYED, Status.THREATENED}:
        if Feature.AZAV in a.features:
            return Verdict(
                LIKELY,
                _(
                    "Sie sind arbeitslos oder davon bedroht, und der Kurs ist AZAV-zugelassen. "
                    "Die Agentur für Arbeit oder das Jobcenter entscheidet nach einem "
                    "Beratungsgespräch."
                ),
            )
        return Verdict(
            POSSIBLE,
            _("Sie gehören zur geförderten Gruppe. Der Kurs muss aber AZAV-zugelassen sein."),
        )
    if a.qualification == Qualification.NONE:
        return Verdict(
            POSSIBLE,
            _(
                "Ohne verwertbaren Berufsabschluss ist ein Bildungsgutschein auch für "
                "Beschäftigte oder Rückkehrende möglich, zum Beispiel für eine "
                "Teilqualifizierung."
            ),
        )
    if a.status == Status.RETURNING:
        return Verdict(
            POSSIBLE,
            _(
                "Rückkehrende können gefördert werden, wenn sie sich arbeitsuchend melden. Die "
                "Agentur für Arbeit prüft das im Gespräch."
            ),
        )
    return Verdict(
        NO,
        _(
            "Der Bildungsgutschein ist für Menschen ohne Arbeit, mit drohender Arbeitslosigkeit "
            "oder ohne verwertbaren Berufsabschluss."
        ),
    )


def employer_share(size: int, age: int) -> str:
    """The employer's share of the course costs under §82 SGB III, by company size."""
    if size < 50:
        return _(
            "Ihr Arbeitgeber muss sich nicht an den Kosten beteiligen (unter 50 Beschäftigte)."
        )
    if size < 500:
        if age >= 45:
            return _(
                "Ab 45 Jahren muss sich Ihr Arbeitgeber (unter 500 Beschäftigte) nicht an den "
                "Kosten beteiligen."
            )
        return _(
            "Ihr Arbeitgeber trägt in der Regel die Hälfte der Kosten (50 bis 499 Beschäftigte)."
        )
    return _(
        "Ihr Arbeitgeber trägt in der Regel drei Viertel der Kosten (500 und mehr Beschäftigte)."
    )


def foerderung_beschaeftigter(a: Answers) -> Verdict:
    """§82 SGB III: employees; course over 120 hours; last qualification usually ≥ 2 years
    ago; AZAV; employer share by company size."""
    if not _employed(a):
        return Verdict(NO, _("Diese Förderung ist für angestellt Beschäftigte."))
    if a.hours <= 120:
        return Verdict(NO, _("Der Kurs muss länger als 120 Stunden dauern."))
    if a.qualification == Qualification.RECENT:
        return Verdict(
            NO,
            _(
                "Ihr letzter Berufsabschluss sollte in der Regel mindestens zwei Jahre "
                "zurückliegen."
            ),
        )
    share = employer_share(a.company_size or 0, a.age)
    if Feature.AZAV not in a.features:
        return Verdict(POSSIBLE, _("Der Kurs muss AZAV-zugelassen sein. ") + share)
    return Verdict(
        LIKELY,
        _(
            "Sie sind beschäftigt, der Kurs dauert über 120 Stunden und ist AZAV-zugelassen. Sie "
            "dürfen in den letzten zwei Jahren keine solche Förderung erhalten haben. "
        )
        + share,
    )


def qualifizierungsgeld(a: Answers) -> Verdict:
    """§82a SGB III (since 4/2024): employees whose jobs are hit by structural change;
    ≥20 % of staff affected (≥10 % under 250 staff); an agreement; > 120 hours."""
    if not _employed(a):
        return Verdict(NO, _("Qualifizierungsgeld ist für angestellt Beschäftigte."))
    if a.hours <= 120:
        return Verdict(NO, _("Der Kurs muss länger als 120 Stunden dauern."))
    size = a.company_size or 0
    share = "10 %" if size < 250 else "20 %"
    agreement = (
        _("eine schriftliche Erklärung des Arbeitgebers")
        if size < 10
        else _("eine Betriebsvereinbarung oder ein Tarifvertrag")
    )
    return Verdict(
        POSSIBLE,
        _(
            "Möglich, wenn Ihr Arbeitsplatz vom Strukturwandel betroffen ist: Mindestens "
            "%(share)s der Belegschaft müssen betroffen sein, und es braucht %(agreement)s. Ihr "
            "Arbeitgeber zahlt den Kurs."
        )
        % {"share": share, "agreement": agreement},
    )


def aufstiegs_bafoeg(a: Answers) -> Verdict:
    """AFBG: anyone preparing for an upgrade exam, any age; ≥ 400 lessons."""
    if Feature.UPGRADE not in a.features:
        return Verdict(
            NO,
            _(
                "Aufstiegs-BAföG gibt es für Kurse, die auf eine Aufstiegsprüfung vorbereiten "
                "(Meister, Techniker, Fachwirt …)."
            ),
        )
    if a.hours < 400:
        return Verdict(NO, _("Der Kurs muss mindestens 400 Unterrichtsstunden umfassen."))
    return Verdict(
        LIKELY,
        _(
            "Ihr Kurs bereitet auf eine Aufstiegsprüfung vor und hat mindestens 400 Stunden. Das "
            "Alter spielt keine Rolle; Sie dürfen noch keinen gleichwertigen Abschluss haben. 50 "
            "% der Gebühren sind Zuschuss, vom Rest werden bei bestandener Prüfung 50 % erlassen."
        ),
    )


def bildungszeit_bw(a: Answers) -> Verdict:
    """BzG BW: employees working mainly in BW; up to 5 paid days a year after 12 months;
    recognised provider; apply ≥ 9 weeks ahead."""
    if not _employed(a):
        return Verdict(NO, _("Bildungszeit ist für Beschäftigte."))
    if a.workplace == Workplace.OUTSIDE:
        return Verdict(
            NO,
            _("Bildungszeit gilt für Beschäftigte, die überwiegend in Baden-Württemberg arbeiten."),
        )
    if Feature.BILDUNGSZEIT not in a.features:
        return Verdict(
            POSSIBLE,
            _(
                "Möglich, wenn der Kurs für Bildungszeit anerkannt ist. Bis zu 5 bezahlte Tage im"
                " Jahr, nach 12 Monaten im Betrieb; die Kursgebühr zahlen Sie selbst."
            ),
        )
    return Verdict(
        LIKELY,
        _(
            "Sie können bis zu 5 bezahlte Tage im Jahr freigestellt werden, wenn Sie seit 12 "
            "Monaten im Betrieb sind. Beantragen Sie sie mindestens 9 Wochen vorher. Die "
            "Kursgebühr zahlen Sie selbst."
        ),
    )


def esf_rate(a: Answers) -> str:
    if a.age >= 55 or a.qualification == Qualification.NONE:
        return "70 %"
    return "30 %"


def esf_fachkurse_bw(a: Answers) -> Verdict:
    """ESF-Plus Fachkurse BW: employees living or working in BW, self-employed, returners;
    not public sector; 8–160 lessons; 30 % of the fee, 70 % for 55+ or no qualification."""
    if a.status not in {Status.EMPLOYED, Status.SELF_EMPLOYED, Status.RETURNING}:
        return Verdict(
            NO, _("ESF-Fachkurse sind für Beschäftigte, Selbstständige und Rückkehrende.")
        )
    if a.workplace == Workplace.OUTSIDE:
        return Verdict(NO, _("Sie müssen in Baden-Württemberg wohnen oder arbeiten."))
    if a.workplace == Workplace.BW_PUBLIC:
        return Verdict(NO, _("Beschäftigte im öffentlichen Dienst sind ausgeschlossen."))
    if not 8 <= a.hours <= 160:
        return Verdict(NO, _("Der Kurs muss zwischen 8 und 160 Unterrichtsstunden umfassen."))
    rate = esf_rate(a)
    if Feature.ESF not in a.features:
        return Verdict(
            POSSIBLE,
            _(
                "Möglich, wenn der Kurs als ESF-Fachkurs angeboten wird. Gefördert werden "
                "%(rate)s der Kursgebühr."
            )
            % {"rate": rate},
        )
    return Verdict(
        LIKELY,
        _("Gefördert werden %(rate)s der Kursgebühr (höchstens 6.000 € netto).") % {"rate": rate},
    )


def weiterbildungsstipendium(a: Answers) -> Verdict:
    """SBB: young skilled workers after dual training; under 25 at admission; very good
    final exam."""
    if a.qualification == Qualification.NONE:
        return Verdict(NO, _("Das Stipendium setzt eine abgeschlossene Berufsausbildung voraus."))
    if a.age >= 25:
        return Verdict(NO, _("Bei der Aufnahme müssen Sie jünger als 25 Jahre sein."))
    return Verdict(
        POSSIBLE,
        _(
            "Möglich, wenn Sie Ihre Abschlussprüfung mit mindestens 87 Punkten oder besser als "
            "1,9 bestanden haben."
        ),
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
    ),
    Instrument(
        "foerderung-beschaeftigter",
        "Förderung Beschäftigter",
        "§ 82 SGB III",
        _("Sprechen Sie mit Ihrem Arbeitgeber und dem Arbeitgeber-Service der Agentur für Arbeit."),
        _("Agentur für Arbeit"),
        "funding",
        foerderung_beschaeftigter,
    ),
    Instrument(
        "qualifizierungsgeld",
        "Qualifizierungsgeld",
        "§ 82a SGB III",
        _("Ihr Arbeitgeber klärt die Voraussetzungen mit der Agentur für Arbeit."),
        _("Agentur für Arbeit, Betriebsrat"),
        "funding",
        qualifizierungsgeld,
    ),
    Instrument(
        "aufstiegs-bafoeg",
        "Aufstiegs-BAföG",
        "AFBG",
        _("Stellen Sie den Antrag vor Kursbeginn beim Landratsamt."),
        _("Landratsamt (Amt für Ausbildungsförderung)"),
        "funding",
        aufstiegs_bafoeg,
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
    ),
    Instrument(
        "esf-fachkurse-bw",
        "ESF-Plus Fachkurse",
        "ESF+ / L-Bank",
        _("Fragen Sie den Kursanbieter: Er beantragt die Förderung und rechnet sie mit Ihnen ab."),
        _("Kursanbieter"),
        "funding",
        esf_fachkurse_bw,
    ),
    Instrument(
        "weiterbildungsstipendium",
        "Weiterbildungsstipendium",
        "SBB",
        _("Bewerben Sie sich bei Ihrer Kammer (IHK oder Handwerkskammer)."),
        _("IHK oder Handwerkskammer"),
        "funding",
        weiterbildungsstipendium,
    ),
]

ORDER = {LIKELY: 0, POSSIBLE: 1, NO: 2}


def funding_check(answers: Answers) -> list[Result]:
    """Every instrument with its verdict, the likely ones first."""
    results = [Result(instrument, instrument.rule(answers)) for instrument in INSTRUMENTS]
    return sorted(results, key=lambda r: ORDER[r.verdict.level])
