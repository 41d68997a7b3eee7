"""Demo data for development: the network's actors, one login per portal role, the steering
circle and the working groups, so that a fresh checkout shows a portal that looks lived in.

Everything here is invented: the institutions are real names of the region, but their
descriptions, addresses and contacts are made up (contacts only under example.org), and the
people are fictitious with addresses under beweqo.example.
"""

import datetime
import os
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db import models, transaction

from network.models import (
    District,
    Institution,
    InstitutionKind,
    Membership,
    MembershipRole,
    SteeringCircleMember,
    SteeringRole,
    User,
)

DEFAULT_DEMO_PASSWORD = "beweqo-demo-2026"
DEMO_EMAIL_DOMAIN = "beweqo.example"

K = InstitutionKind
OAK = District.OSTALBKREIS
HDH = District.HEIDENHEIM
OUT = District.OUTSIDE


def _institution(
    *,
    slug: str,
    name: str,
    short_name: str,
    kind: str,
    district: str,
    street: str,
    postcode: str,
    city: str,
    phone: str,
    contact_person: str,
    description: str,
    joined_on: datetime.date | None,
    is_network_member: bool = True,
) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "district": district,
        "street": street,
        "postcode": postcode,
        "city": city,
        "phone": phone,
        "email": f"{slug}@example.org",
        "website": f"https://example.org/{slug}/",
        "contact_person": contact_person,
        "description": description,
        "joined_on": joined_on,
        "is_network_member": is_network_member,
        "is_active": True,
    }


D = datetime.date

INSTITUTIONS: list[dict[str, Any]] = [
    # The two districts
    _institution(
        slug="landratsamt-ostalbkreis",
        name="Landratsamt Ostalbkreis",
        short_name="Ostalbkreis",
        kind=K.DISTRICT,
        district=OAK,
        street="Kreishausstraße 1",
        postcode="73430",
        city="Aalen",
        phone="07361 000-0",
        contact_person="Claudia Renner",
        description=(
            "Der Landkreis bringt Schulen, Kommunen und Betriebe an einen Tisch, wenn es um "
            "Fachkräfte für morgen geht. Er unterstützt das Netzwerk bei Veranstaltungen im ganzen "
            "Kreisgebiet und verbindet es mit der Bildungsregion Ostalb."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="landratsamt-heidenheim",
        name="Landratsamt Heidenheim",
        short_name="Landkreis Heidenheim",
        kind=K.DISTRICT,
        district=HDH,
        street="Am Landratsamt 3",
        postcode="89518",
        city="Heidenheim an der Brenz",
        phone="07321 000-0",
        contact_person="Michael Straub",
        description=(
            "Der Landkreis Heidenheim setzt sich dafür ein, dass Weiterbildung auch in kleineren "
            "Gemeinden zwischen Brenz und Donau erreichbar bleibt. Er bringt Erfahrungen aus der "
            "Kreisentwicklung und dem Übergang von der Schule in den Beruf in das Netzwerk ein."
        ),
        joined_on=D(2022, 3, 1),
    ),
    # Employment agency and job centres
    _institution(
        slug="agentur-fuer-arbeit-aalen",
        name="Agentur für Arbeit Aalen",
        short_name="Arbeitsagentur Aalen",
        kind=K.EMPLOYMENT_AGENCY,
        district=OAK,
        street="Bahnhofstraße 20",
        postcode="73430",
        city="Aalen",
        phone="07361 000-100",
        contact_person="Stefan Wiedmann",
        description=(
            "Die Agentur berät Arbeitsuchende, Beschäftigte und Betriebe in beiden Landkreisen "
            "kostenlos zu beruflicher Weiterbildung. Sie prüft Förderungen wie den "
            "Bildungsgutschein oder die Förderung Beschäftigter und vermittelt zu passenden "
            "Angeboten."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="jobcenter-ostalbkreis",
        name="Jobcenter Ostalbkreis",
        short_name="",
        kind=K.JOB_CENTRE,
        district=OAK,
        street="Gartenstraße 8",
        postcode="73430",
        city="Aalen",
        phone="07361 000-200",
        contact_person="Nadine Köhler",
        description=(
            "Das Jobcenter begleitet Menschen, die Bürgergeld erhalten, auf dem Weg in Arbeit. Dazu"
            " gehören Sprachkurse, Teilqualifizierungen und Umschulungen, die es gemeinsam mit "
            "Trägern aus der Region plant."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="jobcenter-heidenheim",
        name="Jobcenter Landkreis Heidenheim",
        short_name="Jobcenter Heidenheim",
        kind=K.JOB_CENTRE,
        district=HDH,
        street="Schulstraße 14",
        postcode="89518",
        city="Heidenheim an der Brenz",
        phone="07321 000-200",
        contact_person="Ayşe Demir",
        description=(
            "Im Jobcenter finden Leistungsberechtigte Beratung zu Ausbildung, Arbeit und "
            "Qualifizierung. Ein Schwerpunkt liegt auf Angeboten für Alleinerziehende und für "
            "Menschen, die nach langer Pause wieder einsteigen."
        ),
        joined_on=D(2022, 6, 15),
    ),
    # Chambers
    _institution(
        slug="ihk-ostwuerttemberg",
        name="IHK Ostwürttemberg",
        short_name="IHK",
        kind=K.CHAMBER,
        district=HDH,
        street="Ludwig-Erhard-Straße 5",
        postcode="89518",
        city="Heidenheim an der Brenz",
        phone="07321 000-300",
        contact_person="Daniel Hägele",
        description=(
            "Die Industrie- und Handelskammer vertritt die Betriebe aus Industrie, Handel und "
            "Dienstleistung der Region. Sie nimmt Fortbildungsprüfungen ab, zum Beispiel zum "
            "Fachwirt oder Industriemeister, und berät Unternehmen zur Qualifizierung ihrer "
            "Belegschaft."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="handwerkskammer-ulm",
        name="Handwerkskammer Ulm",
        short_name="HWK Ulm",
        kind=K.CHAMBER,
        district=OUT,
        street="Olgastraße 12",
        postcode="89073",
        city="Ulm",
        phone="0731 000-400",
        contact_person="Sandra Fischer",
        description=(
            "Die Handwerkskammer ist auch für die Handwerksbetriebe der Ostalb und des Kreises "
            "Heidenheim zuständig. Sie bietet Meisterkurse und technische Lehrgänge an und "
            "informiert über Aufstiegs-BAföG."
        ),
        joined_on=D(2023, 1, 10),
    ),
    # Social partners
    _institution(
        slug="ig-metall-aalen",
        name="IG Metall Aalen",
        short_name="",
        kind=K.UNION,
        district=OAK,
        street="Friedrichstraße 30",
        postcode="73430",
        city="Aalen",
        phone="07361 000-500",
        contact_person="Jürgen Bader",
        description=(
            "Die Geschäftsstelle der IG Metall unterstützt Betriebsräte dabei, Weiterbildung im "
            "Betrieb zu verankern. Sie informiert Beschäftigte über ihre Rechte, etwa auf "
            "Bildungszeit, und bringt Tarifverträge zur Qualifizierung in die Praxis."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="ig-metall-heidenheim",
        name="IG Metall Heidenheim",
        short_name="",
        kind=K.UNION,
        district=HDH,
        street="Grabenstraße 11",
        postcode="89518",
        city="Heidenheim an der Brenz",
        phone="07321 000-500",
        contact_person="Tanja Vogt",
        description=(
            "Die IG Metall Heidenheim begleitet Belegschaften in Betrieben, die sich durch neue "
            "Antriebe und Digitalisierung stark verändern. Sie hilft, Qualifizierungsbedarf früh zu"
            " erkennen und Förderungen wie das Qualifizierungsgeld zu nutzen."
        ),
        joined_on=D(2023, 4, 1),
    ),
    _institution(
        slug="suedwestmetall-ostwuerttemberg",
        name="Südwestmetall Bezirksgruppe Ostwürttemberg",
        short_name="Südwestmetall",
        kind=K.EMPLOYERS_ASSOCIATION,
        district=OAK,
        street="Ulmer Straße 50",
        postcode="73430",
        city="Aalen",
        phone="07361 000-600",
        contact_person="Christian Lang",
        description=(
            "Die Bezirksgruppe vertritt die Arbeitgeber der Metall- und Elektroindustrie in "
            "Ostwürttemberg. Sie berät Mitgliedsbetriebe zur Personalentwicklung und zu den "
            "tariflichen Regeln rund um Weiterbildung."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="agentur-q",
        name="Agentur Q",
        short_name="",
        kind=K.SOCIAL_PARTNER_AGENCY,
        district=OUT,
        street="Löffelstraße 22",
        postcode="70173",
        city="Stuttgart",
        phone="0711 000-700",
        contact_person="Melanie Roth",
        description=(
            "Die Agentur Q wird von den Sozialpartnern der Metall- und Elektroindustrie in "
            "Baden-Württemberg gemeinsam getragen. Sie hilft Betrieben und Betriebsräten, den "
            "Tarifvertrag zur Qualifizierung umzusetzen, und bietet Werkzeuge zur Ermittlung des "
            "Weiterbildungsbedarfs."
        ),
        joined_on=D(2022, 9, 1),
    ),
    # Universities and school quality
    _institution(
        slug="hochschule-aalen",
        name="Hochschule Aalen",
        short_name="HS Aalen",
        kind=K.UNIVERSITY,
        district=OAK,
        street="Hochschulstraße 2",
        postcode="73430",
        city="Aalen",
        phone="07361 000-800",
        contact_person="Prof. Dr. Eva Lindner",
        description=(
            "Die Hochschule für Technik und Wirtschaft bietet berufsbegleitende Bachelor- und "
            "Masterstudiengänge sowie Zertifikatskurse an. Betriebe aus der Region finden hier "
            "Partner für Weiterbildung in Technik, Digitalisierung und Führung."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="dhbw-heidenheim",
        name="Duale Hochschule Baden-Württemberg Heidenheim",
        short_name="DHBW Heidenheim",
        kind=K.UNIVERSITY,
        district=HDH,
        street="Marienstraße 20",
        postcode="89518",
        city="Heidenheim an der Brenz",
        phone="07321 000-800",
        contact_person="Dr. Frank Maurer",
        description=(
            "An der DHBW studieren Nachwuchskräfte im Wechsel zwischen Hörsaal und Betrieb. Für "
            "Berufstätige bietet sie Module und Zertifikate an, die sich neben der Arbeit "
            "absolvieren lassen."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="ph-schwaebisch-gmuend",
        name="Pädagogische Hochschule Schwäbisch Gmünd",
        short_name="PH Gmünd",
        kind=K.UNIVERSITY,
        district=OAK,
        street="Oberbettringer Straße 200",
        postcode="73525",
        city="Schwäbisch Gmünd",
        phone="07171 000-800",
        contact_person="Prof. Dr. Miriam Ebert",
        description=(
            "Die PH forscht zu Bildung über die ganze Lebensspanne und qualifiziert Lehrkräfte und "
            "Fachleute der Erwachsenenbildung. Im Netzwerk bringt sie Wissen darüber ein, wie "
            "Erwachsene gut lernen."
        ),
        joined_on=D(2023, 2, 1),
    ),
    _institution(
        slug="zsl-regionalstelle-schwaebisch-gmuend",
        name="Zentrum für Schulqualität und Lehrerbildung, Regionalstelle Schwäbisch Gmünd",
        short_name="ZSL Schwäbisch Gmünd",
        kind=K.SCHOOL_QUALITY_CENTRE,
        district=OAK,
        street="Lessingstraße 7",
        postcode="73525",
        city="Schwäbisch Gmünd",
        phone="07171 000-900",
        contact_person="Bernd Schäfer",
        description=(
            "Die Regionalstelle organisiert Fortbildungen für Lehrkräfte an allgemeinbildenden und "
            "beruflichen Schulen. Sie sorgt dafür, dass die Berufsorientierung an Schulen und die "
            "Weiterbildung im Netzwerk zueinander passen."
        ),
        joined_on=D(2023, 2, 1),
    ),
    # Economic development
    _institution(
        slug="wirtschaftsregion-ostwuerttemberg",
        name="Wirtschaftsregion Ostwürttemberg",
        short_name="WRO",
        kind=K.ECONOMIC_DEVELOPMENT,
        district=HDH,
        street="Bahnhofplatz 4",
        postcode="89518",
        city="Heidenheim an der Brenz",
        phone="07321 000-950",
        contact_person="Lena Hofmann",
        description=(
            "Die Wirtschaftsförderung wirbt für die Region als Standort zum Arbeiten und Leben. Sie"
            " macht das Netzwerk nach außen sichtbar und verknüpft es mit Initiativen zur "
            "Fachkräftesicherung."
        ),
        joined_on=D(2022, 3, 1),
    ),
    # Training providers
    _institution(
        slug="vhs-aalen",
        name="Volkshochschule Aalen",
        short_name="VHS Aalen",
        kind=K.TRAINING_PROVIDER,
        district=OAK,
        street="Marktplatz 6",
        postcode="73430",
        city="Aalen",
        phone="07361 000-1000",
        contact_person="Thomas Weller",
        description=(
            "Die VHS bietet Kurse für Beruf und Alltag: Sprachen, EDV, kaufmännische Grundlagen und"
            " Schulabschlüsse auf dem zweiten Bildungsweg. Viele Angebote finden abends oder online"
            " statt, damit sie neben Arbeit und Familie passen."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="vhs-schwaebisch-gmuend",
        name="Volkshochschule Schwäbisch Gmünd",
        short_name="VHS Gmünd",
        kind=K.TRAINING_PROVIDER,
        district=OAK,
        street="Münsterplatz 9",
        postcode="73525",
        city="Schwäbisch Gmünd",
        phone="07171 000-1000",
        contact_person="Sabine Kurz",
        description=(
            "Neben Sprach- und Integrationskursen bietet die VHS Grundbildung für Erwachsene an, "
            "die Lesen, Schreiben oder Rechnen auffrischen wollen. Für Betriebe stellt sie Kurse "
            "direkt am Arbeitsplatz zusammen."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="vhs-heidenheim",
        name="Volkshochschule Heidenheim",
        short_name="VHS Heidenheim",
        kind=K.TRAINING_PROVIDER,
        district=HDH,
        street="Karlstraße 15",
        postcode="89518",
        city="Heidenheim an der Brenz",
        phone="07321 000-1000",
        contact_person="Markus Eberle",
        description=(
            "Die VHS im Kreis Heidenheim ist mit Außenstellen in mehreren Gemeinden vertreten. Sie "
            "hat sich auf digitale Grundkompetenzen und berufliche Sprachkurse spezialisiert."
        ),
        joined_on=D(2022, 6, 15),
    ),
    _institution(
        slug="vhs-ellwangen",
        name="Volkshochschule Ellwangen",
        short_name="VHS Ellwangen",
        kind=K.TRAINING_PROVIDER,
        district=OAK,
        street="Spitalstraße 3",
        postcode="73479",
        city="Ellwangen",
        phone="07961 000-1000",
        contact_person="Birgit Hahn",
        description=(
            "Die VHS im Norden des Ostalbkreises verbindet allgemeine und berufliche Bildung. Sie "
            "arbeitet eng mit Betrieben vor Ort zusammen, etwa bei Kursen für Quereinsteiger in die"
            " Pflege."
        ),
        joined_on=D(2023, 9, 1),
    ),
    _institution(
        slug="regionalbuero-fortbildung-ostwuerttemberg",
        name="Regionalbüro für berufliche Fortbildung Ostwürttemberg",
        short_name="Regionalbüro Fortbildung",
        kind=K.TRAINING_PROVIDER,
        district=OAK,
        street="Bahnhofstraße 44",
        postcode="73525",
        city="Schwäbisch Gmünd",
        phone="07171 000-1100",
        contact_person="Ralf Zimmermann",
        description=(
            "Das Regionalbüro berät trägerneutral zu beruflicher Weiterbildung und pflegt den "
            "Überblick über Angebote in beiden Landkreisen. Es ist eine der ersten Adressen für "
            "Menschen, die noch nicht wissen, welcher Kurs zu ihnen passt."
        ),
        joined_on=D(2022, 3, 1),
    ),
    _institution(
        slug="bildungszentrum-brenztal",
        name="Bildungszentrum Brenztal",
        short_name="",
        kind=K.TRAINING_PROVIDER,
        district=HDH,
        street="Industriestraße 18",
        postcode="89542",
        city="Herbrechtingen",
        phone="07324 000-10",
        contact_person="Oliver Kraus",
        description=(
            "Das Bildungszentrum schult Fachkräfte in Metall- und Elektrotechnik, von der "
            "CNC-Programmierung bis zur Elektrofachkraft für festgelegte Tätigkeiten. Viele Kurse "
            "sind nach AZAV zugelassen und lassen sich mit Bildungsgutschein besuchen."
        ),
        joined_on=D(2022, 9, 1),
    ),
    _institution(
        slug="lernwerkstatt-haertsfeld",
        name="Lernwerkstatt Härtsfeld",
        short_name="",
        kind=K.TRAINING_PROVIDER,
        district=OAK,
        street="Hauptstraße 27",
        postcode="73450",
        city="Neresheim",
        phone="07326 000-10",
        contact_person="Monika Stark",
        description=(
            "Die Lernwerkstatt bietet kleine Gruppen und viel persönliche Begleitung. Sie richtet "
            "sich an Menschen, die lange nicht gelernt haben, und führt sie Schritt für Schritt zu "
            "einer Teilqualifizierung."
        ),
        joined_on=D(2023, 5, 1),
    ),
    _institution(
        slug="weiterbildungszentrum-ries",
        name="Weiterbildungszentrum Ries",
        short_name="",
        kind=K.TRAINING_PROVIDER,
        district=OAK,
        street="Nördlinger Straße 9",
        postcode="73441",
        city="Bopfingen",
        phone="07362 000-10",
        contact_person="Helmut Brandl",
        description=(
            "Das Zentrum bietet Lehrgänge in Lager und Logistik, Staplerscheine und kaufmännische "
            "Kurse an. Es plant gemeinsam mit Betrieben aus dem Ostalb-Osten Kurse für deren "
            "Beschäftigte."
        ),
        joined_on=D(2023, 5, 1),
    ),
    _institution(
        slug="pflegeakademie-ostalb",
        name="Akademie für Pflegeberufe Ostalb",
        short_name="Pflegeakademie",
        kind=K.TRAINING_PROVIDER,
        district=OAK,
        street="Schloßstraße 12",
        postcode="73479",
        city="Ellwangen",
        phone="07961 000-20",
        contact_person="Katharina Seitz",
        description=(
            "Die Akademie qualifiziert Pflegehelferinnen und Pflegehelfer und bildet Pflegekräfte "
            "zu Praxisanleitung und Wohnbereichsleitung fort. Einstiegskurse stehen auch Menschen "
            "ohne Berufsabschluss offen."
        ),
        joined_on=D(2024, 1, 15),
    ),
    # Companies that work with the network but are not members
    _institution(
        slug="brenztal-praezisionstechnik",
        name="Brenztal Präzisionstechnik GmbH",
        short_name="",
        kind=K.COMPANY,
        district=HDH,
        street="Gewerbestraße 3",
        postcode="89537",
        city="Giengen an der Brenz",
        phone="07322 000-0",
        contact_person="Petra Neumann",
        description=(
            "Mittelständischer Zulieferer für Dreh- und Frästeile mit rund 120 Beschäftigten. Das "
            "Unternehmen sucht Weiterbildung für Maschinenbediener und Nachwuchs in der "
            "Qualitätssicherung."
        ),
        joined_on=None,
        is_network_member=False,
    ),
    _institution(
        slug="donauried-logistik",
        name="Donauried Logistik GmbH",
        short_name="",
        kind=K.COMPANY,
        district=HDH,
        street="Im Gewerbegebiet 7",
        postcode="89168",
        city="Niederstotzingen",
        phone="07325 000-0",
        contact_person="Uwe Schmid",
        description=(
            "Logistikbetrieb mit Lager und Fuhrpark. Das Unternehmen möchte angelernte Beschäftigte"
            " zu Fachkräften für Lagerlogistik weiterqualifizieren."
        ),
        joined_on=None,
        is_network_member=False,
    ),
    _institution(
        slug="remstal-elektro",
        name="Remstal Elektro GmbH & Co. KG",
        short_name="",
        kind=K.COMPANY,
        district=OAK,
        street="Mühlweg 5",
        postcode="73547",
        city="Lorch",
        phone="07172 000-0",
        contact_person="Andreas Wolf",
        description=(
            "Handwerksbetrieb für Elektro- und Gebäudetechnik mit 25 Mitarbeitenden. Gesucht sind "
            "Kurse zu Photovoltaik und Wärmepumpen, die mehrere kleine Betriebe gemeinsam buchen "
            "können."
        ),
        joined_on=None,
        is_network_member=False,
    ),
]


@dataclass(frozen=True)
class DemoPerson:
    """A fictitious person; `login_role` is set for the accounts printed as demo logins."""

    key: str
    email: str
    name: str
    login_role: str = ""
    is_network_office: bool = False


def _person(
    key: str, local_part: str, name: str, login_role: str = "", **extra: bool
) -> DemoPerson:
    return DemoPerson(key, f"{local_part}@{DEMO_EMAIL_DOMAIN}", name, login_role, **extra)


# One login per role, in the order the table prints them; then people who only fill the
# steering circle and the working groups and cannot log in.
PEOPLE: list[DemoPerson] = [
    _person(
        "office", "geschaeftsstelle", "Katrin Albrecht", "Geschäftsstelle", is_network_office=True
    ),
    _person("admin", "einrichtung-admin", "Thomas Weller", "Administration einer Einrichtung"),
    _person("editor", "einrichtung-redaktion", "Julia Baumann", "Redaktion einer Einrichtung"),
    _person("lead", "ag-leitung", "Daniel Hägele", "Leitung einer Arbeitsgruppe"),
    _person("steering", "steuerkreis", "Michael Straub", "Mitglied im Steuerkreis"),
    _person("counsellor", "beratung", "Elif Kaya", "Beratung"),
    _person("chair", "c.renner", "Claudia Renner"),
    _person("aa", "s.wiedmann", "Stefan Wiedmann"),
    _person("jc-hdh", "a.demir", "Ayşe Demir"),
    _person("jc-oak", "n.koehler", "Nadine Köhler"),
    _person("ihk", "k.ott", "Karin Ott"),
    _person("igm", "j.bader", "Jürgen Bader"),
    _person("swm", "c.lang", "Christian Lang"),
    _person("agq", "m.roth", "Melanie Roth"),
    _person("hs-aalen", "e.lindner", "Eva Lindner"),
    _person("dhbw", "f.maurer", "Frank Maurer"),
    _person("wro", "l.hofmann", "Lena Hofmann"),
    _person("ph", "m.ebert", "Miriam Ebert"),
    _person("zsl", "b.schaefer", "Bernd Schäfer"),
    _person("vhs-hdh", "m.eberle", "Markus Eberle"),
    _person("regionalbuero", "r.zimmermann", "Ralf Zimmermann"),
    _person("brenztal", "o.kraus", "Oliver Kraus"),
]

# (person key, institution slug, role)
MEMBERSHIPS: list[tuple[str, str, str]] = [
    ("admin", "vhs-aalen", MembershipRole.ADMIN),
    ("editor", "vhs-aalen", MembershipRole.EDITOR),
    ("counsellor", "agentur-fuer-arbeit-aalen", MembershipRole.COUNSELLOR),
    ("vhs-hdh", "vhs-heidenheim", MembershipRole.ADMIN),
    ("brenztal", "bildungszentrum-brenztal", MembershipRole.ADMIN),
    ("regionalbuero", "regionalbuero-fortbildung-ostwuerttemberg", MembershipRole.COUNSELLOR),
]

STEERING_SINCE = datetime.date(2022, 3, 1)
# (person key, represented institution slug, role)
STEERING_CIRCLE: list[tuple[str, str, str]] = [
    ("chair", "landratsamt-ostalbkreis", SteeringRole.CHAIR),
    ("steering", "landratsamt-heidenheim", SteeringRole.MEMBER),
    ("aa", "agentur-fuer-arbeit-aalen", SteeringRole.MEMBER),
    ("ihk", "ihk-ostwuerttemberg", SteeringRole.MEMBER),
    ("igm", "ig-metall-aalen", SteeringRole.MEMBER),
    ("swm", "suedwestmetall-ostwuerttemberg", SteeringRole.MEMBER),
    ("wro", "wirtschaftsregion-ostwuerttemberg", SteeringRole.MEMBER),
    ("hs-aalen", "hochschule-aalen", SteeringRole.MEMBER),
]


@dataclass(frozen=True)
class DemoLogin:
    """One row of the table `load_demo` prints; `role` is the German name of the role."""

    role: str
    email: str
    name: str


def demo_password(*, environ: dict[str, str] | None = None) -> str:
    """The password of every demo login: DEMO_PASSWORD if set, else a fixed default.

    A fixed default lets a newcomer log in straight after `make run` without reading any
    configuration; the variable exists for shared demo servers.
    """
    environ = os.environ if environ is None else environ
    return environ.get("DEMO_PASSWORD", "").strip() or DEFAULT_DEMO_PASSWORD


def demo_upsert(model: type[models.Model], *, lookup: dict[str, Any], values: dict[str, Any]):
    """update_or_create that writes only when a value differs.

    update_or_create saves every row it finds, which bumps `updated_at`, the freshness a
    visitor sees on an institution, on every `make run` although nothing changed.
    """
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created and any(getattr(obj, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
    return obj


def demo_institutions_load() -> dict[str, Institution]:
    """Create or refresh the demo institutions, keyed by slug, and return them by slug."""
    return {
        data["slug"]: demo_upsert(
            Institution,
            lookup={"slug": data["slug"]},
            values={k: v for k, v in data.items() if k != "slug"},
        )
        for data in INSTITUTIONS
    }


def demo_person_load(*, person: DemoPerson, password: str) -> User:
    """Create or refresh one demo person, keyed by email.

    A login gets `password` and a verified primary address, without which allauth refuses
    the login; the password is only rehashed when it no longer matches, so a second run
    writes nothing. People without a login role get an unusable password: they fill lists,
    and the printed table stays the complete list of accounts that work.
    """
    user = demo_upsert(
        User,
        lookup={"email": person.email},
        values={
            "name": person.name,
            "is_active": True,
            "is_network_office": person.is_network_office,
            "is_staff": person.is_network_office,
        },
    )
    if person.login_role:
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        demo_upsert(
            EmailAddress,
            lookup={"user": user, "email": person.email},
            values={"verified": True, "primary": True},
        )
    elif user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def demo_roles_prune(
    model: type[models.Model], *, person_field: str, people: dict[str, User], kept: list[int]
) -> None:
    """Delete roles of demo people that the data set no longer gives them.

    Without this, a role moved in this file (or added by hand while trying the portal) would
    stay, and a demo login would quietly hold two roles. Only demo people are touched.
    """
    stray = model.objects.filter(**{f"{person_field}__in": people.values()}).exclude(pk__in=kept)
    stray.delete()


@transaction.atomic
def demo_data_load(*, password: str) -> list[DemoLogin]:
    """Load the whole demo data set and return the logins, one per portal role.

    Keyed on slugs and email addresses, so running it again changes nothing, and the roles
    of demo people converge to what this module says; in one transaction, so a failure
    halfway leaves no half-built network behind.
    """
    institutions = demo_institutions_load()
    people = {p.key: demo_person_load(person=p, password=password) for p in PEOPLE}
    memberships = [
        demo_upsert(
            Membership,
            lookup={"user": people[key], "institution": institutions[slug]},
            values={"role": role},
        ).pk
        for key, slug, role in MEMBERSHIPS
    ]
    demo_roles_prune(Membership, person_field="user", people=people, kept=memberships)
    steering = [
        demo_upsert(
            SteeringCircleMember,
            lookup={"person": people[key]},
            values={"institution": institutions[slug], "role": role, "since": STEERING_SINCE},
        ).pk
        for key, slug, role in STEERING_CIRCLE
    ]
    demo_roles_prune(SteeringCircleMember, person_field="person", people=people, kept=steering)
    return [DemoLogin(p.login_role, p.email, p.name) for p in PEOPLE if p.login_role]
