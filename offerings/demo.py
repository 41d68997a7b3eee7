"""Demo course offers: about 400 realistic German offers from the demo institutions, so that the
catalogue, its filters and its search can be tried after `make run`.

The offers are made from templates per course type (title, summary, keywords, taxonomy terms,
typical length, price and funding) crossed with providers and variants, and drawn with a fixed
random seed: the same data comes out every time. Dates are placed relative to today, so the
catalogue looks current whenever the demo is loaded. `seed_large` reuses the templates for its
benchmark catalogue.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from network.demo import demo_upsert
from network.models import District, Institution
from network.services import institution_mark_published
from offerings.models import (
    CertificateKind,
    DeliveryForm,
    FundingProgramme,
    Language,
    Level,
    Municipality,
    Offer,
    OfferDate,
    OfferStatus,
    Schedule,
    StartKind,
    TargetGroup,
    TimeOfDay,
    Topic,
    Venue,
)
from offerings.places import venue_place_resolve

DEMO_SEED = 20260401
DEMO_OFFER_COUNT = 400
DEMO_PREFIX = "demo-"

# Providers (slugs of network/demo.py)
VA, VG, VH, VE = "vhs-aalen", "vhs-schwaebisch-gmuend", "vhs-heidenheim", "vhs-ellwangen"
RB = "regionalbuero-fortbildung-ostwuerttemberg"
BZB, LWH = "bildungszentrum-brenztal", "lernwerkstatt-haertsfeld"
WZR, PFA = "weiterbildungszentrum-ries", "pflegeakademie-ostalb"
IHK, HWK = "ihk-ostwuerttemberg", "handwerkskammer-ulm"
HSA, DHBW, PH, ZSL = (
    "hochschule-aalen",
    "dhbw-heidenheim",
    "ph-schwaebisch-gmuend",
    "zsl-regionalstelle-schwaebisch-gmuend",
)
IGA, IGH, SWM, AGQ = (
    "ig-metall-aalen",
    "ig-metall-heidenheim",
    "suedwestmetall-ostwuerttemberg",
    "agentur-q",
)
AA, JCO, JCH, WRO = (
    "agentur-fuer-arbeit-aalen",
    "jobcenter-ostalbkreis",
    "jobcenter-heidenheim",
    "wirtschaftsregion-ostwuerttemberg",
)

# Taxonomy slugs (offerings/migrations/0002_seed_taxonomies.py)
AS, BR, BE, AU, FK, AK = (
    "arbeitsuchende",
    "berufsrueckkehrende",
    "beschaeftigte",
    "an-und-ungelernte",
    "fachkraefte",
    "akademiker",
)
AZ, MI, AE, UF, SE = (
    "auszubildende",
    "menschen-mit-migrationsgeschichte",
    "aeltere-beschaeftigte",
    "unternehmen-fuehrungskraefte",
    "selbststaendige",
)
IT, KV, ME, TP = (
    "it-digitalisierung",
    "kaufmaennisches-verwaltung",
    "metall-elektro",
    "technik-produktion",
)
PG, ES, SP, DAZ, GB = (
    "pflege-gesundheit",
    "erziehung-soziales",
    "sprachen",
    "deutsch-als-zweitsprache",
    "grundbildung",
)
LO, HA, FM, NE, HB = (
    "logistik",
    "handel",
    "fuehrung-management",
    "nachhaltigkeit-energie",
    "handwerk-bau",
)
DK, PL, UD, TK, LF, NB = (
    "digitale-kompetenz",
    "problemloesen",
    "unternehmerisches-denken",
    "teamarbeit-kommunikation",
    "lernfaehigkeit-anpassung",
    "nachhaltigkeitsbewusstsein",
)
BGS, F82, QG, AFBG = (
    "bildungsgutschein",
    "foerderung-beschaeftigter",
    "qualifizierungsgeld",
    "aufstiegs-bafoeg",
)
BZG, ESF, SBB = "bildungszeit-bw", "esf-fachkurse-bw", "weiterbildungsstipendium"
PRAESENZ, ONLINE, SELF, BLENDED, DISTANCE = (
    "praesenz",
    "online-live",
    "selbstlernkurs",
    "blended-learning",
    "fernunterricht",
)
ONLINE_FORMS = {ONLINE, SELF, DISTANCE}

MORNING, AFTERNOON, EVENING, WEEKEND, FLEXIBLE = (
    TimeOfDay.MORNING,
    TimeOfDay.AFTERNOON,
    TimeOfDay.EVENING,
    TimeOfDay.WEEKEND,
    TimeOfDay.FLEXIBLE,
)
FULL, PART = Schedule.FULL_TIME, Schedule.PART_TIME
C = CertificateKind
L = Level

# Time-of-day and format hints a title variant carries, so "(Abendkurs)" runs in the evening.
V_BASIC = ("", "(Abendkurs)", "– online", "kompakt")
V_STEP = ("– Grundkurs", "– Aufbaukurs")


@dataclass(frozen=True)
class CourseTemplate:
    """One kind of course as providers in the region offer it; variants and providers make it
    into several offers."""

    title: str
    summary: str
    keywords: str
    topics: tuple[str, ...]
    targets: tuple[str, ...]
    providers: tuple[str, ...]
    contents: str = ""
    forms: tuple[str, ...] = (PRAESENZ,)
    variants: tuple[str, ...] = ("",)
    level: str = L.NONE
    certificate: str = C.ATTENDANCE
    certificate_name: str = ""
    requirements: str = ""
    hours: tuple[int, int] = (12, 30)
    price: tuple[int, int] = (0, 0)
    free_share: float = 0.0
    funding: tuple[tuple[str, ...], ...] = ((),)
    schedule: str = PART
    times: tuple[str, ...] = (EVENING,)
    language: str = Language.GERMAN
    seats: tuple[int, int] = (8, 16)
    price_notes: str = ""
    # weights of fixed, rolling and on-demand dates
    starts: tuple[int, int, int] = (85, 5, 10)


T = CourseTemplate

TEMPLATES: list[CourseTemplate] = [
    # IT und Digitalisierung
    T(
        "Excel für Einsteiger",
        "Tabellen anlegen, mit Formeln rechnen und Daten übersichtlich darstellen: der "
        "Einstieg in Microsoft Excel für Beruf und Alltag.",
        "Excel, Tabellenkalkulation, Microsoft 365, Office, Formeln",
        (IT, DK),
        (BE, AS, BR, AE),
        (VA, VG, VH, VE),
        "Aufbau einer Tabelle; Formeln und einfache Funktionen; Formatieren und Drucken; Diagramme",
        variants=V_BASIC,
        price=(79, 149),
        free_share=0.35,
        funding=((), (), (ESF,)),
        hours=(12, 20),
    ),
    T(
        "Excel für Fortgeschrittene",
        "SVERWEIS, Pivot-Tabellen und bedingte Formatierung: Daten in Excel schneller "
        "auswerten und Berichte automatisieren.",
        "Excel, Pivot, SVERWEIS, Datenanalyse, Office",
        (IT, DK),
        (BE, FK),
        (VA, VH, RB),
        "Verweisfunktionen; Pivot-Tabellen und -Diagramme; Datenüberprüfung; Power Query im "
        "Überblick",
        forms=(PRAESENZ, PRAESENZ, SELF),
        variants=("", "– online", "kompakt"),
        level=L.DQR3,
        price=(129, 249),
        funding=((), (ESF,)),
        hours=(12, 24),
    ),
    T(
        "Word und Outlook im Büroalltag",
        "Briefe und Berichte sauber gestalten, E-Mails und Termine im Griff behalten: "
        "Microsoft Word und Outlook für den Büroalltag.",
        "Word, Outlook, Office, Textverarbeitung, E-Mail, Büro",
        (IT, KV, DK),
        (BE, BR, AS),
        (VA, VE, VG),
        "Dokumentvorlagen und Formatvorlagen; Serienbriefe; E-Mail-Regeln und Kalender; "
        "Aufgaben verwalten",
        variants=("", "(Abendkurs)"),
        price=(79, 139),
        free_share=0.2,
        hours=(12, 18),
    ),
    T(
        "SAP-Anwenderschulung",
        "Sicher arbeiten mit SAP S/4HANA: Navigation, Stammdaten und die wichtigsten Abläufe in "
        "Einkauf, Vertrieb und Lager.",
        "SAP, S/4HANA, ERP, Materialwirtschaft, Warenwirtschaft",
        (IT, KV, LO),
        (AS, BE, BR),
        (RB, WZR, BZB),
        "Navigation und Berichte; Stammdaten; Bestellungen und Wareneingang; Kundenaufträge",
        forms=(PRAESENZ, BLENDED, ONLINE),
        variants=("– Logistik (MM)", "– Vertrieb (SD)", "– Finanzbuchhaltung (FI)"),
        level=L.DQR3,
        certificate=C.PROVIDER,
        certificate_name="Zertifikat SAP-Anwender:in",
        hours=(80, 240),
        price=(1900, 4800),
        funding=((BGS,), (BGS, F82), (BGS, F82, QG)),
        schedule=FULL,
        times=(MORNING,),
        seats=(10, 16),
    ),
    T(
        "IT-Grundlagen für den Beruf",
        "Computer, Dateien, Internet und E-Mail sicher nutzen: ein ruhiger Einstieg für "
        "Menschen, die bisher wenig mit dem PC gearbeitet haben.",
        "PC, Computer, Internet, E-Mail, Dateien, Einsteiger",
        (IT, GB, DK),
        (AS, BR, AU, AE),
        (LWH, VG, VH, JCO),
        "Maus, Tastatur und Bildschirm; Ordner und Dateien; E-Mails schreiben; sicher im Netz",
        variants=("", "– in kleiner Gruppe"),
        hours=(16, 40),
        times=(MORNING, AFTERNOON),
    ),
    T(
        "Digitale Grundbildung für Ältere",
        "Smartphone, Tablet und Online-Dienste ohne Angst: in kleinen Gruppen, mit viel Zeit "
        "zum Üben und Fragen.",
        "Smartphone, Tablet, digitale Grundbildung, Senioren, Online-Banking",
        (GB, DK, LF),
        (AE, BE, BR),
        (VA, VH, VE, LWH),
        "Das eigene Gerät einrichten; Nachrichten und Videoanrufe; Online-Termine und Formulare; "
        "Sicherheit im Netz",
        variants=("", "– Smartphone", "– Tablet"),
        hours=(8, 16),
        price=(25, 49),
        free_share=0.5,
        times=(MORNING, AFTERNOON),
        seats=(6, 10),
    ),
    T(
        "Fachinformatiker:in für Systemintegration – Umschulung",
        "In 24 Monaten zum IHK-Abschluss: Netzwerke, Server, IT-Sicherheit und Support, mit "
        "Praktikum in einem Betrieb der Region.",
        "Fachinformatiker, Systemintegration, Umschulung, IT, Netzwerk, IHK",
        (IT, DK, PL),
        (AS, BR, AU),
        (BZB, RB),
        "Netzwerke und Server; Betriebssysteme; IT-Sicherheit; Projektarbeit; betriebliches "
        "Praktikum; Prüfungsvorbereitung",
        forms=(PRAESENZ, BLENDED),
        level=L.DQR4,
        certificate=C.CHAMBER,
        certificate_name="Fachinformatiker:in für Systemintegration (IHK)",
        requirements="Hauptschulabschluss oder vergleichbar; Eignungstest vor Beginn.",
        hours=(2800, 3400),
        price=(24000, 29000),
        price_notes="Mit Bildungsgutschein übernimmt die Agentur für Arbeit die Kosten.",
        funding=((BGS,), (BGS, F82)),
        schedule=FULL,
        times=(MORNING,),
        seats=(12, 18),
        starts=(90, 0, 10),
    ),
    T(
        "Python-Programmierung für Einsteiger",
        "Programmieren lernen an praktischen Beispielen aus dem Büro und der Produktion: "
        "Daten einlesen, auswerten und Abläufe automatisieren.",
        "Python, Programmierung, Automatisierung, Daten, Coding",
        (IT, DK, PL),
        (BE, FK, AK, AZ),
        (HSA, DHBW, VA),
        "Grundlagen der Sprache; Dateien und Tabellen verarbeiten; kleine Werkzeuge bauen",
        forms=(ONLINE, BLENDED, PRAESENZ),
        variants=("", "– online"),
        level=L.DQR4,
        certificate=C.PROVIDER,
        hours=(24, 60),
        price=(290, 890),
        funding=((), (ESF,), (SBB,)),
    ),
    T(
        "IT-Sicherheit im Büro",
        "Phishing erkennen, sichere Passwörter nutzen, Daten schützen: was alle Beschäftigten "
        "über Informationssicherheit wissen sollten.",
        "IT-Sicherheit, Phishing, Passwort, Datenschutz, Cybersecurity",
        (IT, DK),
        (BE, UF, SE),
        (RB, DHBW, WRO),
        forms=(ONLINE, PRAESENZ, SELF),
        hours=(4, 8),
        price=(90, 190),
        free_share=0.4,
        times=(MORNING, AFTERNOON),
        starts=(70, 10, 20),
    ),
    T(
        "Datenschutz-Grundlagen (E-Learning)",
        "Die DSGVO im Arbeitsalltag: kompakter Online-Kurs mit Wissenstest, jederzeit und im "
        "eigenen Tempo.",
        "Datenschutz, DSGVO, E-Learning, Unterweisung",
        (IT, KV),
        (BE, UF),
        (RB, AGQ),
        forms=(SELF,),
        hours=(2, 6),
        price=(29, 59),
        free_share=0.5,
        certificate=C.PROVIDER,
        times=(FLEXIBLE,),
        seats=(0, 0),
        starts=(0, 100, 0),
    ),
    T(
        "Künstliche Intelligenz im Arbeitsalltag",
        "Was KI-Assistenten können und was nicht: Texte, Recherchen und Auswertungen mit KI "
        "erstellen, Ergebnisse prüfen und verantwortungsvoll einsetzen.",
        "KI, künstliche Intelligenz, ChatGPT, Copilot, Prompting, Digitalisierung",
        (IT, DK, LF),
        (BE, FK, AK, UF, SE),
        (HSA, VA, VG, DHBW, AGQ),
        "Wie Sprachmodelle arbeiten; gute Aufträge formulieren; Datenschutz und Urheberrecht; "
        "Einsatz im eigenen Betrieb",
        forms=(PRAESENZ, ONLINE),
        variants=("", "– online", "für Führungskräfte"),
        hours=(4, 16),
        price=(49, 390),
        free_share=0.25,
        funding=((), (BZG,)),
    ),
    T(
        "Social Media für kleine Betriebe",
        "Instagram, Facebook und Google-Profil gezielt nutzen: Kundschaft und Nachwuchs "
        "erreichen, ohne viel Zeit zu verlieren.",
        "Social Media, Instagram, Marketing, Online-Marketing, Personalgewinnung",
        (IT, HA, UD),
        (SE, UF, BE),
        (WRO, VA, VH),
        forms=(PRAESENZ, ONLINE),
        hours=(6, 12),
        price=(60, 180),
        free_share=0.5,
    ),
    # Kaufmännisches und Verwaltung
    T(
        "Buchhaltung mit DATEV",
        "Belege buchen, Umsatzsteuer-Voranmeldung und Monatsabschluss mit DATEV "
        "Kanzlei-Rechnungswesen: praxisnah am eigenen Übungsmandanten.",
        "Buchhaltung, DATEV, Finanzbuchhaltung, Rechnungswesen, Umsatzsteuer",
        (KV, IT),
        (AS, BR, BE),
        (RB, VA, WZR),
        "Kontenrahmen SKR 03/04; laufende Buchungen; Umsatzsteuer; Abschlussbuchungen",
        forms=(PRAESENZ, BLENDED, ONLINE),
        variants=("", "– Grundkurs", "– Aufbaukurs"),
        level=L.DQR4,
        certificate=C.PROVIDER,
        certificate_name="DATEV-Anwenderzertifikat des Anbieters",
        requirements="Kaufmännische Grundkenntnisse.",
        hours=(40, 200),
        price=(690, 3900),
        funding=((), (BGS,), (BGS, F82), (ESF,)),
        times=(MORNING, EVENING),
    ),
    T(
        "Lohn- und Gehaltsabrechnung",
        "Von der Bruttolohnermittlung bis zur Meldung an die Sozialversicherung: "
        "Entgeltabrechnung nach aktuellem Recht.",
        "Lohn, Gehalt, Entgeltabrechnung, Personal, Sozialversicherung, DATEV Lohn",
        (KV,),
        (AS, BE, BR),
        (RB, VA, VH),
        variants=("", "– Aufbaukurs"),
        level=L.DQR4,
        certificate=C.PROVIDER,
        hours=(40, 120),
        price=(590, 2400),
        funding=((), (BGS,), (ESF,)),
        times=(MORNING, EVENING),
    ),
    T(
        "Kaufmännische Grundlagen für Quereinsteiger:innen",
        "Büroorganisation, Schriftverkehr und Rechnungswesen kompakt: für alle, die aus einem "
        "anderen Beruf ins Büro wechseln.",
        "Büro, Bürokaufleute, Quereinstieg, Verwaltung, Rechnungswesen",
        (KV, LF),
        (AS, BR, AU),
        (RB, LWH, WZR),
        forms=(PRAESENZ, BLENDED),
        level=L.DQR3,
        certificate=C.PROVIDER,
        hours=(160, 480),
        price=(2400, 6900),
        price_notes="Mit Bildungsgutschein für Sie kostenfrei.",
        funding=((BGS,), (BGS, F82)),
        schedule=FULL,
        times=(MORNING,),
        starts=(60, 30, 10),
    ),
    T(
        "Geprüfte:r Wirtschaftsfachwirt:in (IHK)",
        "Berufsbegleitende Vorbereitung auf die IHK-Fortbildungsprüfung: Betriebswirtschaft, "
        "Führung und Zusammenarbeit für Fachkräfte mit Berufserfahrung.",
        "Wirtschaftsfachwirt, Fachwirt, IHK, Aufstiegsfortbildung, BWL",
        (KV, FM, UD),
        (FK, BE),
        (IHK, RB),
        "Volks- und Betriebswirtschaft; Rechnungswesen; Recht und Steuern; Marketing; Führung",
        forms=(PRAESENZ, BLENDED, DISTANCE),
        level=L.DQR6,
        certificate=C.CHAMBER,
        certificate_name="Geprüfte:r Wirtschaftsfachwirt:in",
        requirements="Kaufmännische Berufsausbildung und ein Jahr Berufspraxis.",
        hours=(600, 720),
        price=(3900, 5600),
        price_notes="Zuzüglich Prüfungsgebühr der IHK.",
        funding=((AFBG,), (AFBG, SBB)),
        times=(EVENING, WEEKEND),
        seats=(14, 24),
    ),
    T(
        "Geprüfte:r Bilanzbuchhalter:in (IHK)",
        "Auf die anspruchsvolle IHK-Prüfung vorbereiten: Jahresabschluss, Steuern, "
        "Kosten- und Leistungsrechnung und internationale Rechnungslegung.",
        "Bilanzbuchhalter, Bilanz, Jahresabschluss, IHK, Steuern, Rechnungswesen",
        (KV,),
        (FK, BE),
        (IHK, RB),
        forms=(BLENDED, DISTANCE, PRAESENZ),
        level=L.DQR6,
        certificate=C.CHAMBER,
        certificate_name="Geprüfte:r Bilanzbuchhalter:in",
        requirements="Kaufmännische Ausbildung und mehrjährige Praxis im Rechnungswesen.",
        hours=(640, 800),
        price=(4200, 6200),
        funding=((AFBG,), (AFBG, SBB)),
        times=(EVENING, WEEKEND),
    ),
    T(
        "Ausbildung der Ausbilder (AEVO)",
        "Vorbereitung auf die Ausbildereignungsprüfung: Ausbildung planen, durchführen und "
        "junge Menschen gut durch die Lehrzeit begleiten.",
        "AEVO, Ausbilder, Ausbildereignung, IHK, Ausbildung",
        (FM, ES, TK),
        (FK, BE, UF),
        (IHK, HWK, RB),
        forms=(PRAESENZ, BLENDED, ONLINE),
        variants=("(Abendkurs)", "kompakt", "(Wochenendkurs)"),
        level=L.DQR4,
        certificate=C.CHAMBER,
        certificate_name="Ausbildereignung nach AEVO",
        hours=(90, 120),
        price=(590, 990),
        price_notes="Zuzüglich Prüfungsgebühr.",
        funding=((), (AFBG,), (ESF,)),
        seats=(12, 20),
    ),
    # Metall und Elektro, Technik und Produktion
    T(
        "Schweißen MAG/WIG",
        "Schweißen lernen in der Lehrwerkstatt: Verfahren MAG und WIG an Stahl und Edelstahl, "
        "mit Vorbereitung auf die Schweißerprüfung.",
        "Schweißen, MAG, WIG, Metall, Schweißerprüfung, DIN EN ISO 9606",
        (ME, TP),
        (AS, AU, BE, FK),
        (BZB, WZR, HWK),
        "Arbeitssicherheit; Nahtvorbereitung; Kehlnähte und Stumpfnähte; Prüfstücke",
        variants=(*V_STEP, "– mit Schweißerprüfung"),
        level=L.DQR2,
        certificate=C.PROVIDER,
        certificate_name="Schweißerprüfung nach DIN EN ISO 9606-1",
        hours=(80, 320),
        price=(1400, 5200),
        price_notes="Inklusive Schutzausrüstung und Prüfungsgebühr.",
        funding=((BGS,), (BGS, F82), (ESF,), (BGS, F82, QG)),
        schedule=FULL,
        times=(MORNING,),
        seats=(6, 10),
    ),
    T(
        "CNC-Fräsen",
        "Programmieren, Einrichten und Bedienen von CNC-Fräsmaschinen mit Heidenhain- und "
        "Siemens-Steuerung, an Maschinen wie im Betrieb.",
        "CNC, Fräsen, Heidenhain, Sinumerik, Zerspanung, Metall",
        (TP, ME, DK),
        (AS, BE, FK, AU),
        (BZB, WZR),
        "Technische Zeichnungen; Werkzeuge und Schnittwerte; Programmieren nach DIN 66025; "
        "Zyklen; Einrichten und Messen",
        variants=(*V_STEP, "– Heidenhain", "– Siemens Sinumerik"),
        level=L.DQR3,
        certificate=C.PROVIDER,
        hours=(120, 480),
        price=(2800, 8900),
        funding=((BGS,), (BGS, F82), (BGS, F82, QG)),
        schedule=FULL,
        times=(MORNING,),
        seats=(6, 12),
    ),
    T(
        "CNC-Drehen",
        "CNC-Drehmaschinen programmieren und bedienen: vom Werkstück zum fertigen Programm.",
        "CNC, Drehen, Zerspanung, Metall, Programmierung",
        (TP, ME),
        (AS, BE, FK),
        (BZB,),
        variants=V_STEP,
        level=L.DQR3,
        certificate=C.PROVIDER,
        hours=(120, 320),
        price=(2600, 6900),
        funding=((BGS,), (BGS, F82)),
        schedule=FULL,
        times=(MORNING,),
        seats=(6, 12),
    ),
    T(
        "Elektrofachkraft für festgelegte Tätigkeiten",
        "Elektrotechnische Arbeiten im eigenen Betrieb sicher und rechtskonform ausführen: "
        "Qualifizierung nach DGUV Vorschrift 3 für gewerbliche Fachkräfte.",
        "Elektrofachkraft, EFKffT, DGUV V3, Elektrotechnik, Elektrosicherheit",
        (ME, TP),
        (BE, FK),
        (BZB, HWK),
        "Gefahren des elektrischen Stroms; Schutzmaßnahmen; Messen und Prüfen; festgelegte "
        "Tätigkeiten im Betrieb",
        variants=("", "– Teilzeit"),
        level=L.DQR4,
        certificate=C.PROVIDER,
        certificate_name="Elektrofachkraft für festgelegte Tätigkeiten",
        requirements="Abgeschlossene technische Berufsausbildung.",
        hours=(80, 160),
        price=(1500, 2900),
        funding=((F82,), (ESF,), (F82, QG)),
        schedule=FULL,
        times=(MORNING,),
        seats=(8, 12),
    ),
    T(
        "Hochvolt-Qualifizierung für Elektrofahrzeuge",
        "Arbeiten an Fahrzeugen mit Hochvoltsystemen: Qualifizierung nach DGUV Information "
        "209-093, Stufe 2.",
        "Hochvolt, HV, Elektromobilität, Kfz, DGUV 209-093",
        (ME, TP, NE),
        (BE, FK),
        (BZB, HWK),
        level=L.DQR4,
        certificate=C.PROVIDER,
        certificate_name="Fachkundige Person für HV-eigensichere Systeme (Stufe 2S)",
        hours=(16, 40),
        price=(490, 1200),
        funding=((), (ESF,), (QG, F82)),
        schedule=FULL,
        times=(MORNING,),
        seats=(6, 10),
    ),
    T(
        "Industriemeister:in Metall (IHK)",
        "Berufsbegleitend zum Industriemeister: Technik, Organisation und Führung für "
        "Facharbeiter:innen, die Verantwortung in der Produktion übernehmen wollen.",
        "Industriemeister, Meister, Metall, IHK, Aufstiegsfortbildung, Führung",
        (TP, ME, FM),
        (FK, BE),
        (IHK, BZB),
        "Basisqualifikationen; Technik; Organisation; Führung und Personal; Ausbildereignung",
        forms=(PRAESENZ, BLENDED),
        variants=("– berufsbegleitend", "– Vollzeit"),
        level=L.DQR6,
        certificate=C.CHAMBER,
        certificate_name="Geprüfte:r Industriemeister:in – Fachrichtung Metall",
        requirements="Abgeschlossene Ausbildung in einem Metallberuf und Berufspraxis.",
        hours=(900, 1100),
        price=(5800, 8400),
        price_notes="Zuzüglich Prüfungsgebühren der IHK; Ratenzahlung möglich.",
        funding=((AFBG,), (AFBG, SBB)),
        times=(EVENING, WEEKEND),
        seats=(14, 22),
    ),
    T(
        "Industriemeister:in Elektrotechnik (IHK)",
        "Vorbereitung auf die Meisterprüfung in der Elektrotechnik, neben dem Beruf an Abenden "
        "und Samstagen.",
        "Industriemeister, Meister, Elektrotechnik, IHK, Aufstiegsfortbildung",
        (TP, ME, FM),
        (FK,),
        (IHK,),
        forms=(PRAESENZ, BLENDED),
        level=L.DQR6,
        certificate=C.CHAMBER,
        certificate_name="Geprüfte:r Industriemeister:in – Fachrichtung Elektrotechnik",
        hours=(900, 1100),
        price=(5800, 8400),
        funding=((AFBG,), (AFBG, SBB)),
        times=(EVENING, WEEKEND),
    ),
    T(
        "Staatlich geprüfte:r Techniker:in Maschinentechnik",
        "In vier Jahren neben dem Beruf zum Techniker: Konstruktion, Fertigung und "
        "Automatisierung auf Hochschulniveau nah an der Praxis.",
        "Techniker, Maschinenbau, Maschinentechnik, Fachschule, Aufstiegsfortbildung",
        (TP, ME),
        (FK,),
        (BZB,),
        forms=(PRAESENZ, BLENDED),
        level=L.DQR6,
        certificate=C.STATE,
        certificate_name="Staatlich geprüfte:r Techniker:in",
        hours=(2400, 2800),
        price=(6800, 9600),
        funding=((AFBG,), (AFBG, SBB)),
        times=(EVENING,),
        seats=(18, 26),
    ),
    T(
        "Maschinen- und Anlagenführer:in – Teilqualifizierung",
        "Schritt für Schritt zum Berufsabschluss: Module mit Zertifikat, die sich zur "
        "Externenprüfung vor der IHK zusammensetzen.",
        "Teilqualifizierung, Maschinenführer, Anlagenführer, Produktion, Berufsabschluss",
        (TP, ME, LF),
        (AU, AS, MI),
        (LWH, BZB, WZR),
        "Modul 1: Fertigungstechnik; Modul 2: Maschinen bedienen; Modul 3: Instandhaltung; "
        "Modul 4: Qualitätssicherung",
        variants=("– Modul 1", "– Modul 2", "– Modul 3"),
        level=L.DQR2,
        certificate=C.PROVIDER,
        certificate_name="Kompetenzfeststellung nach Modul",
        hours=(240, 480),
        price=(3200, 6400),
        price_notes="Mit Bildungsgutschein für Sie kostenfrei.",
        funding=((BGS,), (BGS, F82)),
        schedule=FULL,
        times=(MORNING,),
        starts=(50, 45, 5),
    ),
    T(
        "Instandhaltung und Fehlersuche an Produktionsanlagen",
        "Störungen schneller finden: Pneumatik, Hydraulik und Elektrik im Zusammenspiel, geübt an "
        "realen Anlagen.",
        "Instandhaltung, Wartung, Fehlersuche, Pneumatik, Hydraulik, Produktion",
        (TP, ME, PL),
        (BE, FK),
        (BZB, DHBW),
        level=L.DQR4,
        certificate=C.PROVIDER,
        hours=(24, 80),
        price=(690, 2200),
        funding=((), (ESF,), (F82,)),
        times=(MORNING, WEEKEND),
        starts=(70, 0, 30),
    ),
    T(
        "SPS-Programmierung mit TIA Portal",
        "Steuerungen programmieren mit Siemens S7 und TIA Portal: Grundlagen der Automatisierung "
        "für Elektro- und Metallfachkräfte.",
        "SPS, TIA Portal, Siemens S7, Automatisierung, Steuerungstechnik",
        (TP, ME, DK),
        (BE, FK, AS),
        (BZB, DHBW),
        variants=V_STEP,
        level=L.DQR4,
        certificate=C.PROVIDER,
        hours=(40, 160),
        price=(990, 3600),
        funding=((ESF,), (BGS, F82), (BGS, F82, QG)),
        schedule=FULL,
        times=(MORNING,),
        seats=(8, 12),
    ),
    T(
        "Qualitätsmanagement nach ISO 9001",
        "Prozesse beschreiben, Audits vorbereiten und Verbesserungen umsetzen: Grundlagen für "
        "Qualitätsbeauftragte.",
        "Qualitätsmanagement, ISO 9001, QMB, Audit, Qualitätssicherung",
        (TP, FM, PL),
        (BE, FK, AK),
        (RB, IHK, DHBW),
        forms=(PRAESENZ, ONLINE, BLENDED),
        level=L.DQR5,
        certificate=C.PROVIDER,
        certificate_name="Qualitätsmanagementbeauftragte:r",
        hours=(24, 80),
        price=(890, 2400),
        funding=((), (ESF,)),
        times=(MORNING,),
    ),
    T(
        "Lean Production und KVP",
        "Verschwendung erkennen und Abläufe verbessern: Methoden wie 5S, Wertstromanalyse und "
        "Shopfloor-Management im eigenen Betrieb anwenden.",
        "Lean, KVP, 5S, Wertstrom, Shopfloor, Produktion",
        (TP, PL, TK),
        (BE, FK, UF),
        (SWM, AGQ, DHBW),
        level=L.DQR4,
        hours=(8, 24),
        price=(290, 890),
        free_share=0.25,
        funding=((), (ESF,), (BZG,)),
        times=(MORNING,),
        starts=(75, 0, 25),
    ),
    T(
        "Problemlösen mit 8D und Ishikawa",
        "Fehler dauerhaft abstellen statt Symptome zu bekämpfen: strukturierte Methoden für "
        "Teams in Produktion und Qualität.",
        "8D, Ishikawa, Problemlösung, Qualität, Methoden",
        (PL, TP, TK),
        (BE, FK),
        (BZB, SWM, RB),
        level=L.DQR4,
        hours=(8, 16),
        price=(190, 490),
        funding=((), (BZG,), (ESF,)),
        times=(MORNING,),
    ),
    T(
        "Technisches Zeichnen und CAD mit SolidWorks",
        "Bauteile und Baugruppen in 3D konstruieren und normgerechte Zeichnungen ableiten.",
        "CAD, SolidWorks, Konstruktion, Technisches Zeichnen, 3D",
        (TP, IT),
        (AS, BE, FK),
        (BZB, HSA),
        forms=(PRAESENZ, BLENDED),
        variants=V_STEP,
        level=L.DQR4,
        certificate=C.VENDOR,
        hours=(80, 240),
        price=(1600, 4900),
        funding=((BGS,), (BGS, F82), (ESF,)),
        schedule=FULL,
        times=(MORNING,),
    ),
    # Logistik und Handel
    T(
        "Staplerschein",
        "Gabelstapler sicher fahren: Theorie und Praxis mit Prüfung nach DGUV Grundsatz "
        "308-001, der Fahrausweis gilt bundesweit.",
        "Stapler, Staplerschein, Gabelstapler, Flurförderzeug, Lager, DGUV 308-001",
        (LO,),
        (AS, AU, BE, MI),
        (WZR, BZB, LWH),
        "Rechtliche Grundlagen; Standsicherheit; Lastaufnahme; Fahrübungen; Prüfung",
        variants=("", "– Auffrischung", "kompakt"),
        level=L.NONE,
        certificate=C.PROVIDER,
        certificate_name="Fahrausweis für Flurförderzeuge",
        hours=(8, 24),
        price=(190, 390),
        funding=((), (BGS,), (ESF,)),
        schedule=FULL,
        times=(MORNING,),
        seats=(6, 10),
        starts=(60, 0, 40),
    ),
    T(
        "Fachlagerist:in – Teilqualifizierung",
        "In Modulen zum Berufsabschluss im Lager: Wareneingang, Lagerung, Kommissionierung und "
        "Versand, mit Praktikum in einem Logistikbetrieb.",
        "Fachlagerist, Lager, Logistik, Teilqualifizierung, Kommissionierung",
        (LO, LF),
        (AU, AS, MI),
        (WZR, LWH),
        variants=("– Modul 1", "– Modul 2", "– Modul 3"),
        level=L.DQR2,
        certificate=C.PROVIDER,
        hours=(240, 400),
        price=(2600, 5200),
        price_notes="Mit Bildungsgutschein für Sie kostenfrei.",
        funding=((BGS,), (BGS, F82)),
        schedule=FULL,
        times=(MORNING,),
        starts=(50, 45, 5),
    ),
    T(
        "Ladungssicherung nach VDI 2700",
        "Ladung richtig sichern und Bußgelder vermeiden: Pflichten von Verladern und Fahrern, "
        "praktische Übungen am Fahrzeug.",
        "Ladungssicherung, VDI 2700, Lkw, Transport, Logistik",
        (LO,),
        (BE, FK),
        (WZR,),
        hours=(4, 8),
        price=(120, 220),
        times=(MORNING, WEEKEND),
        starts=(60, 0, 40),
    ),
    T(
        "Gefahrgutbeauftragte:r (ADR)",
        "Schulung nach ADR mit IHK-Prüfung: Pflichten beim Versand und Transport gefährlicher "
        "Güter auf der Straße.",
        "Gefahrgut, ADR, Gefahrgutbeauftragter, Transport, IHK",
        (LO,),
        (BE, FK),
        (WZR, IHK),
        level=L.DQR4,
        certificate=C.CHAMBER,
        hours=(24, 40),
        price=(690, 1100),
        schedule=FULL,
        times=(MORNING,),
    ),
    T(
        "Berufskraftfahrer:in – Weiterbildung Modul 95",
        "Die gesetzliche Weiterbildung für Lkw- und Busfahrer: fünf Module zu Sicherheit, "
        "sparsamem Fahren und Recht.",
        "Berufskraftfahrer, Modul 95, BKrFQG, Lkw, Bus",
        (LO, NE),
        (BE, FK),
        (WZR,),
        variants=("– Modul 1: Eco-Training", "– Modul 3: Sozialvorschriften"),
        certificate=C.PROVIDER,
        hours=(7, 7),
        price=(99, 149),
        funding=((), (ESF,)),
        times=(WEEKEND, MORNING),
        seats=(10, 20),
    ),
    T(
        "Verkaufen im Einzelhandel",
        "Kundschaft gut beraten, Reklamationen souverän lösen, Zusatzverkäufe erkennen: "
        "Training für Verkaufspersonal und Quereinsteiger:innen.",
        "Verkauf, Einzelhandel, Kundenberatung, Kasse, Reklamation",
        (HA, TK),
        (AS, BR, BE, MI),
        (VG, WZR, VE),
        variants=("", "– für Quereinsteiger:innen"),
        level=L.DQR2,
        hours=(16, 80),
        price=(190, 990),
        free_share=0.3,
        funding=((), (BGS,)),
        times=(MORNING, AFTERNOON),
    ),
    T(
        "Geprüfte:r Handelsfachwirt:in (IHK)",
        "Aufstieg im Handel: Unternehmensführung, Personal und Warenwirtschaft neben dem Beruf.",
        "Handelsfachwirt, Fachwirt, Handel, IHK, Aufstiegsfortbildung",
        (HA, FM, UD),
        (FK, BE),
        (IHK,),
        forms=(BLENDED, PRAESENZ),
        level=L.DQR6,
        certificate=C.CHAMBER,
        hours=(580, 680),
        price=(3600, 4900),
        funding=((AFBG,), (AFBG, SBB)),
        times=(EVENING, WEEKEND),
    ),
    T(
        "Online-Shop aufbauen und betreiben",
        "Produkte online verkaufen: Shop-Systeme, Recht, Zahlung und Versand für Händler:innen "
        "und Selbstständige.",
        "E-Commerce, Onlineshop, Shopify, WooCommerce, Handel",
        (HA, IT, UD),
        (SE, BE, UF),
        (WRO, VA),
        forms=(ONLINE, PRAESENZ),
        hours=(8, 24),
        price=(90, 390),
    ),
    # Pflege und Gesundheit
    T(
        "Pflegehelfer:in – Qualifizierung",
        "Der Einstieg in die Pflege: Grundpflege, Betreuung und Dokumentation mit Praktikum in "
        "einer Einrichtung der Region; auch ohne Berufsabschluss.",
        "Pflegehelfer, Pflegehilfe, Pflege, Altenpflege, Einstieg, Quereinstieg",
        (PG,),
        (AS, BR, AU, MI),
        (PFA, VE, LWH),
        "Grundpflege; Mobilisation; Hygiene; Umgang mit Menschen mit Demenz; Erste Hilfe; "
        "Praktikum",
        variants=("", "– in Teilzeit", "mit Sprachförderung"),
        level=L.DQR2,
        certificate=C.PROVIDER,
        certificate_name="Zertifikat Pflegehelfer:in",
        hours=(200, 480),
        price=(1800, 4600),
        price_notes="Mit Bildungsgutschein für Sie kostenfrei.",
        funding=((BGS,), (BGS, F82)),
        schedule=FULL,
        times=(MORNING,),
        starts=(80, 15, 5),
    ),
    T(
        "Altenpflegehelfer:in – staatlich anerkannt",
        "Einjährige Ausbildung mit staatlicher Prüfung, verkürzt möglich für Menschen mit "
        "Erfahrung in der Pflege.",
        "Altenpflegehelfer, Pflegehilfe, Ausbildung, staatlich anerkannt, Pflege",
        (PG,),
        (AS, BR, AU, MI),
        (PFA,),
        level=L.DQR3,
        certificate=C.STATE,
        certificate_name="Staatlich anerkannte:r Altenpflegehelfer:in",
        requirements="Hauptschulabschluss und gesundheitliche Eignung.",
        hours=(1400, 1600),
        price=(6800, 9800),
        funding=((BGS,), (BGS, F82)),
        schedule=FULL,
        times=(MORNING,),
    ),
    T(
        "Betreuungskraft nach § 53b SGB XI",
        "Menschen mit Demenz im Alltag begleiten: Qualifizierung mit Orientierungspraktikum "
        "nach den Richtlinien der Pflegekassen.",
        "Betreuungskraft, Alltagsbegleitung, Demenz, § 53b SGB XI, Pflege",
        (PG, ES),
        (AS, BR, AE),
        (PFA, VE, VH),
        level=L.DQR2,
        certificate=C.PROVIDER,
        hours=(160, 200),
        price=(1400, 2300),
        funding=((BGS,), (BGS, F82), ()),
        schedule=FULL,
        times=(MORNING,),
    ),
    T(
        "Praxisanleitung in der Pflege",
        "Berufspädagogische Zusatzqualifikation für Pflegefachkräfte, die Auszubildende "
        "anleiten, nach dem Pflegeberufegesetz.",
        "Praxisanleitung, Praxisanleiter, Pflegeberufegesetz, Pflege, Ausbildung",
        (PG, ES, TK),
        (FK, BE),
        (PFA,),
        forms=(PRAESENZ, BLENDED),
        level=L.DQR5,
        certificate=C.PROVIDER,
        requirements="Examen als Pflegefachkraft und ein Jahr Berufserfahrung.",
        hours=(300, 300),
        price=(2200, 2900),
        funding=((F82,), (ESF,), (AFBG,)),
        times=(MORNING,),
    ),
    T(
        "Wohnbereichsleitung in der Pflege",
        "Führen im Pflegealltag: Dienstplanung, Qualität, Personal und Kommunikation im Team.",
        "Wohnbereichsleitung, Stationsleitung, Pflege, Führung, Pflegemanagement",
        (PG, FM, TK),
        (FK, BE),
        (PFA,),
        forms=(BLENDED, PRAESENZ),
        level=L.DQR5,
        certificate=C.PROVIDER,
        hours=(460, 720),
        price=(3600, 5400),
        funding=((F82,), (AFBG,)),
        times=(MORNING,),
    ),
    T(
        "Erste Hilfe im Betrieb",
        "Lebensrettende Maßnahmen und Erste Hilfe: Ausbildung und Fortbildung für betriebliche "
        "Ersthelfer:innen.",
        "Erste Hilfe, Ersthelfer, Betrieb, DGUV, Notfall",
        (PG,),
        (BE, AZ, UF),
        (VA, VE, VH, PFA),
        variants=("– Grundkurs", "– Fortbildung"),
        hours=(8, 9),
        price=(45, 70),
        free_share=0.5,
        price_notes="Für betriebliche Ersthelfer:innen trägt die Berufsgenossenschaft die Kosten.",
        times=(MORNING, WEEKEND),
        seats=(10, 20),
        starts=(80, 0, 20),
    ),
    T(
        "Medizinische Fachangestellte – Wiedereinstieg",
        "Auffrischung für MFA nach der Familienzeit: Abrechnung, Praxisorganisation und "
        "Hygiene auf dem aktuellen Stand.",
        "MFA, Arztpraxis, Wiedereinstieg, Abrechnung, Hygiene",
        (PG, KV),
        (BR,),
        (VG, RB),
        forms=(BLENDED, PRAESENZ),
        level=L.DQR4,
        hours=(40, 120),
        price=(390, 1400),
        funding=((), (ESF,), (BGS,)),
        times=(MORNING,),
    ),
    # Erziehung und Soziales
    T(
        "Kindertagespflege – Qualifizierung",
        "Qualifizierung nach dem Kompetenzorientierten Qualifizierungshandbuch: der Weg zur "
        "Tagesmutter oder zum Tagesvater.",
        "Kindertagespflege, Tagesmutter, Tagesvater, Kinderbetreuung, QHB",
        (ES,),
        (BR, AS, SE),
        (VA, VG, VH),
        certificate=C.PROVIDER,
        hours=(160, 300),
        price=(0, 0),
        price_notes="Die Kosten trägt der Landkreis.",
        times=(EVENING, WEEKEND),
    ),
    T(
        "Pädagogische Assistenz in der Kita",
        "Quereinstieg in die Kindertagesstätte: pädagogische Grundlagen und Praxis für "
        "Zusatzkräfte nach dem Kita-Gesetz.",
        "Kita, Kindertagesstätte, Zusatzkraft, Pädagogik, Quereinstieg",
        (ES,),
        (BR, AS, MI),
        (PH, VG, VE),
        forms=(BLENDED, PRAESENZ),
        level=L.DQR3,
        certificate=C.PROVIDER,
        hours=(120, 240),
        price=(690, 1900),
        funding=((BGS,), (ESF,), ()),
        times=(MORNING, AFTERNOON),
    ),
    T(
        "Erwachsene unterrichten – Grundlagen der Erwachsenenbildung",
        "Kurse planen, Gruppen leiten, verschiedene Lerntypen erreichen: für Kursleitungen und "
        "betriebliche Trainer:innen.",
        "Erwachsenenbildung, Didaktik, Kursleitung, Trainer, Methoden",
        (ES, TK, LF),
        (FK, AK, SE),
        (PH, VA, RB),
        forms=(PRAESENZ, BLENDED, ONLINE),
        level=L.DQR5,
        certificate=C.UNIVERSITY,
        certificate_name="Zertifikat Erwachsenenbildung",
        hours=(40, 120),
        price=(390, 1600),
        funding=((), (ESF,), (BZG,)),
        times=(WEEKEND, EVENING),
    ),
    T(
        "Sprachsensibler Fachunterricht an beruflichen Schulen",
        "Fortbildung für Lehrkräfte: Fachinhalte so vermitteln, dass auch Lernende mit "
        "geringen Deutschkenntnissen folgen können.",
        "Lehrkräfte, Fortbildung, Sprachsensibel, DaZ, berufliche Schule",
        (ES, DAZ),
        (AK, BE),
        (ZSL,),
        forms=(PRAESENZ, ONLINE),
        variants=("", "– online"),
        level=L.DQR7,
        hours=(6, 12),
        times=(AFTERNOON,),
        seats=(16, 30),
    ),
    T(
        "Berufsorientierung digital gestalten",
        "Fortbildung für Lehrkräfte und Berufsberatende: digitale Werkzeuge und regionale "
        "Angebote für die Berufsorientierung.",
        "Berufsorientierung, Lehrkräfte, Schule, digital, Fortbildung",
        (ES, DK),
        (AK, BE),
        (ZSL, PH),
        forms=(ONLINE, PRAESENZ),
        level=L.DQR7,
        hours=(4, 8),
        times=(AFTERNOON,),
        seats=(16, 30),
    ),
    T(
        "Systemische Beratung – Grundlagen",
        "Menschen in Veränderungen begleiten: Gesprächsführung und systemische Methoden für "
        "Beratung im sozialen und beruflichen Kontext.",
        "Beratung, systemisch, Coaching, Gesprächsführung, Soziales",
        (ES, TK),
        (FK, AK),
        (PH,),
        forms=(BLENDED, PRAESENZ),
        level=L.DQR6,
        certificate=C.UNIVERSITY,
        hours=(80, 160),
        price=(1400, 2800),
        funding=((), (ESF,)),
        times=(WEEKEND,),
    ),
    # Sprachen
    T(
        "Business English B2",
        "Meetings, Telefonate und E-Mails auf Englisch: berufsbezogenes Englisch mit "
        "Fallbeispielen aus der Industrie der Region.",
        "Englisch, Business English, B2, Sprache, Kommunikation",
        (SP, TK),
        (BE, FK, AK),
        (VA, VH, HSA, VG),
        variants=("", "– online", "kompakt"),
        level=L.DQR4,
        certificate=C.PROVIDER,
        hours=(24, 60),
        price=(149, 490),
        free_share=0.15,
        funding=((), (ESF,)),
        language=Language.ENGLISH,
    ),
    T(
        "Englisch für den Beruf A2",
        "Auffrischen und sicherer werden: Englisch für alltägliche Situationen im Beruf.",
        "Englisch, A2, Sprache, Beruf, Anfänger",
        (SP,),
        (BE, BR, AS),
        (VA, VE, VG, VH),
        forms=(PRAESENZ, PRAESENZ, SELF),
        variants=("", "(Abendkurs)", "– online"),
        hours=(24, 40),
        price=(99, 229),
        free_share=0.35,
        funding=((), (ESF,)),
    ),
    T(
        "Technical English for Engineers",
        "Drawings, specifications and meetings with international customers: English for "
        "engineers and technicians.",
        "Technical English, Englisch, Technik, Engineering",
        (SP, TP),
        (FK, AK),
        (HSA, DHBW),
        forms=(ONLINE, PRAESENZ),
        level=L.DQR5,
        hours=(20, 40),
        price=(290, 690),
        language=Language.ENGLISH,
    ),
    T(
        "Französisch für den Beruf A1",
        "Die ersten Schritte auf Französisch: Gespräche mit Kund:innen und Kolleg:innen.",
        "Französisch, A1, Sprache, Beruf",
        (SP,),
        (BE,),
        (VA, VG),
        variants=("", "(Abendkurs)"),
        hours=(24, 36),
        price=(99, 199),
    ),
    # Deutsch als Zweitsprache, Integration
    T(
        "Deutsch B1 berufsbezogen",
        "Deutsch für den Arbeitsplatz: Gespräche mit Kolleg:innen, Arbeitsanweisungen, "
        "Bewerbungen und Telefonate, mit Prüfung auf B1.",
        "Deutsch, B1, DaZ, berufsbezogen, Sprachkurs, DTB",
        (DAZ,),
        (MI, AS, BE),
        (VA, VG, VH, VE, LWH),
        "Kommunikation im Betrieb; Schriftverkehr; Arbeitssicherheit sprachlich; "
        "Prüfungsvorbereitung DTB B1",
        variants=("", "(Abendkurs)", "– online"),
        level=L.DQR2,
        certificate=C.STATE,
        certificate_name="Deutsch-Test für den Beruf (DTB) B1",
        hours=(300, 400),
        price_notes="Berufssprachkurs des BAMF: für Teilnehmende kostenfrei.",
        times=(MORNING, EVENING),
        seats=(12, 20),
        starts=(60, 35, 5),
    ),
    T(
        "Deutsch B2 berufsbezogen",
        "Sicher kommunizieren in Besprechungen, Kundengesprächen und Schriftverkehr, mit "
        "Prüfung Deutsch-Test für den Beruf B2.",
        "Deutsch, B2, DaZ, berufsbezogen, Sprachkurs, DTB",
        (DAZ,),
        (MI, BE, FK),
        (VA, VG, VH),
        variants=("", "– online"),
        level=L.DQR3,
        certificate=C.STATE,
        certificate_name="Deutsch-Test für den Beruf (DTB) B2",
        hours=(400, 500),
        price_notes="Berufssprachkurs des BAMF: für Teilnehmende kostenfrei.",
        times=(MORNING, EVENING),
        seats=(12, 20),
        starts=(60, 35, 5),
    ),
    T(
        "Deutsch für die Pflege B2",
        "Fachsprache Pflege: Übergaben, Dokumentation und Gespräche mit Angehörigen, für "
        "Pflegekräfte mit ausländischem Abschluss.",
        "Deutsch, Pflege, Fachsprache, B2, Anerkennung",
        (DAZ, PG),
        (MI, FK),
        (PFA, VE),
        level=L.DQR4,
        certificate=C.PROVIDER,
        hours=(160, 300),
        price=(900, 2400),
        free_share=0.5,
        funding=((BGS,), ()),
        times=(MORNING,),
    ),
    T(
        "Integrationskurs mit Alphabetisierung",
        "Deutsch lesen und schreiben lernen und im Alltag ankommen: Integrationskurs für "
        "Menschen, die noch nicht in lateinischer Schrift schreiben.",
        "Integrationskurs, Alphabetisierung, Deutsch, A2, BAMF",
        (DAZ, GB),
        (MI,),
        (VG, VA, LWH),
        level=L.NONE,
        certificate=C.STATE,
        hours=(900, 1300),
        price_notes="Mit Berechtigung des BAMF kostenfrei.",
        schedule=FULL,
        times=(MORNING,),
        seats=(10, 16),
        starts=(40, 55, 5),
    ),
    T(
        "Arbeiten in Deutschland – Orientierung auf Ukrainisch",
        "Wie der Arbeitsmarkt funktioniert, wie Abschlüsse anerkannt werden und welche Hilfen "
        "es gibt: Informationsreihe in ukrainischer Sprache.",
        "Ukrainisch, Orientierung, Arbeitsmarkt, Anerkennung, Geflüchtete",
        (DAZ, LF),
        (MI, AS),
        (JCO, JCH, RB),
        forms=(PRAESENZ, ONLINE),
        hours=(4, 12),
        language=Language.UKRAINIAN,
        times=(MORNING, AFTERNOON),
        seats=(15, 30),
    ),
    T(
        "Erstorientierung Arbeit und Ausbildung – auf Arabisch",
        "Ausbildung, Arbeit und Sprachkurse in der Region: was es gibt und wie man anfängt, "
        "erklärt in arabischer Sprache.",
        "Arabisch, Orientierung, Ausbildung, Arbeit, Geflüchtete",
        (DAZ, LF),
        (MI, AS),
        (JCO, JCH, VG),
        hours=(4, 12),
        language=Language.ARABIC,
        times=(MORNING, AFTERNOON),
        seats=(15, 30),
    ),
    T(
        "Bewerbungstraining auf Türkisch",
        "Lebenslauf, Anschreiben und Vorstellungsgespräch: Bewerbungstraining in türkischer "
        "Sprache mit Übungen auf Deutsch.",
        "Türkisch, Bewerbung, Lebenslauf, Vorstellungsgespräch",
        (DAZ, TK),
        (MI, AS, BR),
        (VH, JCH, VA),
        hours=(6, 16),
        language=Language.TURKISH,
        times=(MORNING, AFTERNOON),
    ),
    T(
        "Anerkennung ausländischer Berufsabschlüsse – Beratung auf Russisch",
        "Welche Stelle ist zuständig, welche Unterlagen braucht es, welche Anpassungskurse gibt "
        "es: Gruppeninformation in russischer Sprache.",
        "Anerkennung, Berufsabschluss, Russisch, Beratung",
        (DAZ,),
        (MI, FK),
        (RB,),
        forms=(ONLINE, PRAESENZ),
        hours=(2, 4),
        language=Language.RUSSIAN,
        times=(AFTERNOON,),
        starts=(60, 0, 40),
    ),
    # Grundbildung
    T(
        "Lesen und Schreiben für Erwachsene",
        "In einer kleinen, geschützten Gruppe besser lesen und schreiben lernen, im eigenen "
        "Tempo und ohne Prüfungsdruck.",
        "Grundbildung, Alphabetisierung, Lesen, Schreiben, Erwachsene",
        (GB, LF),
        (AU, AS, BE),
        (LWH, VG, VA, VH),
        hours=(30, 80),
        times=(MORNING, EVENING),
        seats=(4, 8),
        starts=(40, 55, 5),
    ),
    T(
        "Rechnen im Alltag und Beruf",
        "Prozente, Maße und Mengen sicher berechnen: Grundlagen, die im Lager, in der Küche "
        "oder in der Werkstatt gebraucht werden.",
        "Grundbildung, Rechnen, Mathematik, Alltag, Beruf",
        (GB, LF),
        (AU, AS),
        (LWH, VG),
        hours=(20, 40),
        times=(MORNING, AFTERNOON),
        seats=(4, 8),
        starts=(40, 55, 5),
    ),
    T(
        "Hauptschulabschluss für Erwachsene",
        "Den Schulabschluss nachholen: Vorbereitung auf die Schulfremdenprüfung in Deutsch, "
        "Mathematik und Englisch.",
        "Hauptschulabschluss, Schulabschluss, zweiter Bildungsweg, Prüfung",
        (GB, LF),
        (AS, AU, MI),
        (VA, VG, VH),
        level=L.DQR1,
        certificate=C.STATE,
        certificate_name="Hauptschulabschluss",
        hours=(300, 500),
        price=(290, 690),
        free_share=0.5,
        funding=((), (BGS,)),
        times=(MORNING, EVENING),
    ),
    T(
        "Lernen lernen – fit für die Weiterbildung",
        "Lerntechniken, Zeitplanung und Prüfungsangst: gut vorbereitet in eine längere "
        "Weiterbildung oder Umschulung starten.",
        "Lernen, Lerntechnik, Prüfung, Motivation, Weiterbildung",
        (LF, GB),
        (AS, BR, AU, BE),
        (LWH, RB, VE),
        forms=(PRAESENZ, ONLINE, SELF),
        hours=(8, 16),
        price=(49, 129),
        free_share=0.6,
        times=(MORNING, EVENING),
    ),
    # Führung und Management
    T(
        "Führen in der Sandwichposition",
        "Zwischen Geschäftsleitung und Team: Erwartungen klären, Entscheidungen vertreten und "
        "als Meister:in oder Teamleitung souverän führen.",
        "Führung, Sandwichposition, Teamleitung, Meister, Kommunikation",
        (FM, TK, PL),
        (FK, BE, UF),
        (SWM, RB, IGA, VA),
        "Rolle und Selbstverständnis; Gespräche führen; Konflikte im Team; Veränderungen "
        "vermitteln",
        variants=("", "kompakt"),
        level=L.DQR5,
        hours=(12, 24),
        price=(390, 990),
        free_share=0.2,
        funding=((), (BZG,), (ESF, BZG)),
        times=(MORNING,),
        starts=(75, 0, 25),
    ),
    T(
        "Neu in der Führungsrolle",
        "Vom Kollegen zur Chefin: die ersten hundert Tage als Führungskraft, mit kollegialer "
        "Beratung zwischen den Modulen.",
        "Führung, Führungskraft, neue Rolle, Mitarbeitergespräch, Leadership",
        (FM, TK),
        (FK, AK, UF),
        (SWM, IHK, HSA),
        forms=(BLENDED, PRAESENZ),
        level=L.DQR5,
        certificate=C.PROVIDER,
        hours=(24, 64),
        price=(890, 2400),
        funding=((), (ESF,), (BZG,)),
        times=(MORNING,),
    ),
    T(
        "Projektmanagement kompakt",
        "Projekte planen, steuern und abschließen: klassische und agile Methoden für "
        "Projektmitarbeitende und -leitungen.",
        "Projektmanagement, Scrum, agil, Planung, PMI, IPMA",
        (FM, PL, TK),
        (BE, FK, AK),
        (HSA, RB, DHBW, IHK),
        forms=(PRAESENZ, ONLINE, BLENDED),
        variants=("", "– agil mit Scrum", "– online"),
        level=L.DQR5,
        certificate=C.PROVIDER,
        hours=(16, 40),
        price=(490, 1400),
        funding=((), (ESF,), (BZG,)),
        times=(MORNING,),
    ),
    T(
        "Agiles Arbeiten im Team",
        "Scrum, Kanban und Retrospektiven ausprobieren: wie Teams sich selbst organisieren und "
        "schneller lernen.",
        "agil, Scrum, Kanban, Teamarbeit, New Work",
        (TK, LF, FM),
        (BE, FK, UF),
        (AGQ, DHBW, VG),
        forms=(ONLINE, PRAESENZ),
        hours=(8, 16),
        price=(190, 590),
        funding=((), (BZG,)),
        times=(MORNING,),
    ),
    T(
        "Betriebswirtschaft für Techniker:innen und Ingenieur:innen",
        "Kosten, Investitionen und Kennzahlen verstehen: BWL-Grundlagen für Fach- und "
        "Führungskräfte aus der Technik.",
        "BWL, Betriebswirtschaft, Controlling, Kennzahlen, Ingenieure",
        (FM, KV, UD),
        (AK, FK),
        (HSA, DHBW),
        forms=(BLENDED, ONLINE),
        level=L.DQR6,
        certificate=C.UNIVERSITY,
        hours=(40, 90),
        price=(990, 2600),
        funding=((), (ESF,)),
        times=(EVENING, WEEKEND),
    ),
    T(
        "Geprüfte:r Betriebswirt:in (IHK) – Fernlehrgang",
        "Die höchste Stufe der IHK-Fortbildung als Fernlehrgang: Unternehmensführung, "
        "Strategie und Personal mit Präsenzwochenenden in Heidenheim.",
        "Betriebswirt, IHK, Fernlehrgang, Unternehmensführung, Aufstiegsfortbildung",
        (FM, KV, UD),
        (FK, AK),
        (IHK,),
        forms=(DISTANCE,),
        level=L.DQR7,
        certificate=C.CHAMBER,
        certificate_name="Geprüfte:r Betriebswirt:in",
        requirements="Abschluss als Fachwirt:in oder Meister:in.",
        hours=(700, 800),
        price=(4900, 6400),
        funding=((AFBG,),),
        times=(FLEXIBLE,),
        starts=(40, 60, 0),
    ),
    T(
        "Personalentwicklung im Mittelstand",
        "Weiterbildungsbedarf erkennen, Gespräche führen, Förderungen nutzen: Werkzeuge für "
        "Personalverantwortliche in kleinen und mittleren Betrieben.",
        "Personalentwicklung, Weiterbildungsbedarf, KMU, Personal, Förderung",
        (FM, TK),
        (UF, SE),
        (AGQ, SWM, WRO),
        forms=(ONLINE, PRAESENZ),
        hours=(3, 8),
        price=(90, 290),
        free_share=0.5,
        times=(MORNING, AFTERNOON),
    ),
    T(
        "Betriebsratsarbeit: Qualifizierung im Betrieb mitgestalten",
        "Mitbestimmung bei Weiterbildung nach § 96 ff. BetrVG und dem Tarifvertrag "
        "Qualifizierung: Seminar für Betriebsräte.",
        "Betriebsrat, Mitbestimmung, BetrVG, Tarifvertrag, Qualifizierung",
        (FM, TK),
        (BE, FK),
        (IGA, IGH, AGQ),
        hours=(16, 24),
        price=(0, 0),
        price_notes="Für Mitglieder kostenfrei; Kosten nach § 37 BetrVG trägt der Arbeitgeber.",
        funding=((BZG,), ()),
        times=(MORNING,),
        seats=(12, 20),
    ),
    T(
        "Transformation gestalten: Beschäftigte im Wandel der Autoindustrie",
        "Was E-Mobilität und Digitalisierung für Arbeitsplätze in der Region bedeuten, und wie "
        "Qualifizierungsgeld und Förderung Beschäftigter helfen.",
        "Transformation, Strukturwandel, Qualifizierungsgeld, Automobil, Zulieferer",
        (FM, LF, NB),
        (BE, UF, AE),
        (IGH, IGA, AA),
        hours=(3, 6),
        times=(AFTERNOON, EVENING),
        seats=(20, 40),
    ),
    # Nachhaltigkeit und Energie
    T(
        "Energiescout: Energie sparen im Betrieb",
        "Auszubildende finden Einsparpotenziale in ihrem Betrieb und setzen ein eigenes "
        "Energieprojekt um.",
        "Energie, Energieeffizienz, Azubi, Energiescout, Klimaschutz",
        (NE, NB, PL),
        (AZ,),
        (IHK,),
        certificate=C.CHAMBER,
        hours=(24, 32),
        times=(MORNING,),
        seats=(12, 20),
    ),
    T(
        "Photovoltaik und Speicher – Planung und Installation",
        "PV-Anlagen mit Speicher planen, montieren und in Betrieb nehmen: für Elektro- und "
        "Dachdeckerbetriebe.",
        "Photovoltaik, PV, Solar, Speicher, Elektro, Energiewende",
        (NE, ME, HB),
        (FK, BE, SE),
        (HWK, BZB),
        level=L.DQR4,
        certificate=C.PROVIDER,
        hours=(24, 40),
        price=(690, 1300),
        funding=((ESF,), ()),
        schedule=FULL,
        times=(MORNING,),
    ),
    T(
        "Wärmepumpen – Fachkraft für Installation",
        "Wärmepumpen auslegen, einbauen und einregulieren: Fachlehrgang für das SHK- und "
        "Elektrohandwerk.",
        "Wärmepumpe, SHK, Heizung, Energie, Gebäudetechnik",
        (NE, HB, ME),
        (FK, BE, SE),
        (HWK, BZB),
        level=L.DQR4,
        certificate=C.PROVIDER,
        hours=(24, 40),
        price=(790, 1400),
        funding=((ESF,), ()),
        schedule=FULL,
        times=(MORNING,),
    ),
    T(
        "Nachhaltigkeitsmanagement im Unternehmen",
        "CO₂-Bilanz, Berichtspflichten und Maßnahmen: wie kleine und mittlere Unternehmen "
        "Nachhaltigkeit systematisch angehen.",
        "Nachhaltigkeit, CSRD, CO2-Bilanz, Umweltmanagement, ESG",
        (NE, NB, FM),
        (UF, FK, AK),
        (HSA, IHK, WRO),
        forms=(BLENDED, ONLINE, PRAESENZ),
        level=L.DQR6,
        certificate=C.UNIVERSITY,
        hours=(24, 80),
        price=(690, 2900),
        funding=((), (ESF,)),
        times=(MORNING, EVENING),
    ),
    T(
        "Gebäudeenergieberater:in (HWK)",
        "Energieberatung für Wohngebäude: Bestandsaufnahme, Sanierungsfahrplan und Förderung, "
        "mit Prüfung vor der Handwerkskammer.",
        "Energieberater, Gebäudeenergie, Sanierung, GEG, BAFA, Handwerk",
        (NE, HB),
        (FK, SE),
        (HWK,),
        forms=(BLENDED, PRAESENZ),
        level=L.DQR5,
        certificate=C.CHAMBER,
        hours=(200, 240),
        price=(2900, 3900),
        funding=((AFBG,), (ESF,)),
        times=(WEEKEND, EVENING),
    ),
    T(
        "Klimafreundlich arbeiten – Nachhaltigkeit im Berufsalltag",
        "Ressourcen schonen, Abfall vermeiden, digital und nachhaltig arbeiten: ein "
        "Praxistag für alle Beschäftigten.",
        "Nachhaltigkeit, Klimaschutz, Ressourcen, Alltag, Umwelt",
        (NB, NE),
        (BE, AZ),
        (VA, VH, VG, AGQ),
        forms=(PRAESENZ, ONLINE),
        hours=(4, 8),
        price=(0, 59),
        free_share=0.5,
        funding=((), (BZG,)),
        times=(MORNING,),
    ),
    # Handwerk und Bau
    T(
        "Meistervorbereitung Teil III und IV",
        "Betriebswirtschaft, Recht und Berufspädagogik: die fachübergreifenden Teile der "
        "Meisterprüfung im Handwerk, in Voll- oder Teilzeit.",
        "Meister, Meisterschule, Teil III, Teil IV, Handwerk, HWK",
        (HB, FM, UD),
        (FK, SE),
        (HWK,),
        forms=(PRAESENZ, BLENDED),
        variants=("– Vollzeit", "– Teilzeit"),
        level=L.DQR6,
        certificate=C.CHAMBER,
        hours=(400, 600),
        price=(2900, 4200),
        funding=((AFBG,), (AFBG, SBB)),
        times=(MORNING, EVENING),
    ),
    T(
        "Meisterschule Elektrotechniker-Handwerk",
        "Teile I und II der Meisterprüfung im Elektrotechniker-Handwerk: Technik, "
        "Auftragsabwicklung und Betriebsführung.",
        "Meister, Elektrotechniker, Handwerk, HWK, Meisterschule",
        (HB, ME),
        (FK,),
        (HWK,),
        variants=("– Vollzeit", "– Teilzeit"),
        level=L.DQR6,
        certificate=C.CHAMBER,
        hours=(900, 1200),
        price=(7900, 11500),
        funding=((AFBG,), (AFBG, SBB)),
        times=(MORNING, WEEKEND),
    ),
    T(
        "Trockenbau für Quereinsteiger:innen",
        "Ständerwände, Decken und Dämmung: Grundlagen im Trockenbau mit viel Praxis in der "
        "Werkhalle.",
        "Trockenbau, Bau, Handwerk, Quereinstieg, Ausbau",
        (HB,),
        (AS, AU, MI),
        (WZR, LWH),
        level=L.DQR2,
        certificate=C.PROVIDER,
        hours=(160, 320),
        price=(2200, 4400),
        price_notes="Mit Bildungsgutschein für Sie kostenfrei.",
        funding=((BGS,),),
        schedule=FULL,
        times=(MORNING,),
    ),
    T(
        "Baustellenkoordination nach BaustellV (SiGeKo)",
        "Sicherheits- und Gesundheitsschutzkoordination auf Baustellen: Lehrgang nach RAB 30.",
        "SiGeKo, Baustelle, Arbeitsschutz, BaustellV, Bau",
        (HB,),
        (FK, AK),
        (HWK,),
        level=L.DQR5,
        certificate=C.PROVIDER,
        hours=(40, 60),
        price=(990, 1500),
        times=(MORNING,),
    ),
    # Hochschule: studies and certificates
    T(
        "Bachelor Wirtschaftsingenieurwesen – berufsbegleitend",
        "Technik und Wirtschaft verbinden, ohne den Job aufzugeben: berufsbegleitender "
        "Bachelor mit Präsenzphasen am Freitag und Samstag.",
        "Bachelor, Studium, berufsbegleitend, Wirtschaftsingenieurwesen, Hochschule",
        (TP, FM, UD),
        (FK, BE),
        (HSA,),
        forms=(BLENDED,),
        level=L.DQR6,
        certificate=C.UNIVERSITY,
        certificate_name="Bachelor of Engineering (B.Eng.)",
        requirements="Hochschulzugangsberechtigung oder Berufsausbildung mit drei Jahren Praxis.",
        hours=(3600, 4200),
        price=(14400, 19800),
        price_notes="Studiengebühren pro Semester; Ratenzahlung möglich.",
        funding=((), (SBB,)),
        times=(WEEKEND,),
        seats=(25, 40),
        starts=(100, 0, 0),
    ),
    T(
        "Bachelor Maschinenbau – berufsbegleitend",
        "Berufsbegleitendes Studium für Techniker:innen und Meister:innen, mit Anrechnung "
        "bisheriger Leistungen.",
        "Bachelor, Maschinenbau, Studium, berufsbegleitend, Hochschule",
        (TP, ME),
        (FK,),
        (HSA,),
        forms=(BLENDED,),
        level=L.DQR6,
        certificate=C.UNIVERSITY,
        certificate_name="Bachelor of Engineering (B.Eng.)",
        hours=(3600, 4200),
        price=(13800, 18600),
        funding=((), (SBB,)),
        times=(WEEKEND,),
        seats=(25, 40),
        starts=(100, 0, 0),
    ),
    T(
        "Bachelor Soziale Arbeit – berufsbegleitend",
        "Für Fachkräfte aus Erziehung und Pflege, die sich akademisch weiterqualifizieren wollen.",
        "Bachelor, Soziale Arbeit, Studium, berufsbegleitend",
        (ES,),
        (FK,),
        (DHBW,),
        forms=(BLENDED,),
        level=L.DQR6,
        certificate=C.UNIVERSITY,
        hours=(3600, 4200),
        price=(12000, 16800),
        funding=((), (SBB,)),
        times=(WEEKEND,),
        seats=(25, 40),
        starts=(100, 0, 0),
    ),
    T(
        "Master Digitale Transformation – berufsbegleitend",
        "Digitale Geschäftsmodelle, Daten und Veränderungsmanagement: Master für Fach- und "
        "Führungskräfte mit erstem Abschluss.",
        "Master, Digitalisierung, Transformation, Studium, berufsbegleitend",
        (IT, FM, DK),
        (AK,),
        (HSA,),
        forms=(BLENDED, ONLINE),
        level=L.DQR7,
        certificate=C.UNIVERSITY,
        certificate_name="Master of Science (M.Sc.)",
        requirements="Erster Hochschulabschluss und ein Jahr Berufserfahrung.",
        hours=(2400, 2700),
        price=(16800, 21600),
        times=(WEEKEND, EVENING),
        seats=(20, 30),
        starts=(100, 0, 0),
    ),
    T(
        "Zertifikatskurs Data Analytics",
        "Daten aus Produktion und Vertrieb aufbereiten, auswerten und visualisieren: "
        "Hochschulzertifikat mit ECTS-Punkten.",
        "Data Analytics, Daten, Statistik, Power BI, Hochschulzertifikat, ECTS",
        (IT, DK, PL),
        (AK, FK),
        (HSA, DHBW),
        forms=(BLENDED, ONLINE),
        level=L.DQR6,
        certificate=C.UNIVERSITY,
        certificate_name="Hochschulzertifikat (5 ECTS)",
        hours=(120, 150),
        price=(1400, 2400),
        funding=((), (ESF,), (SBB,)),
        times=(EVENING, WEEKEND),
    ),
    T(
        "Infoabend: Studieren ohne Abitur",
        "Mit Berufsausbildung an die Hochschule: Zugangswege, Anrechnung und Finanzierung.",
        "Studium, ohne Abitur, beruflich Qualifizierte, Information, Hochschule",
        (LF,),
        (FK, AZ, BE),
        (HSA, DHBW),
        forms=(PRAESENZ, ONLINE),
        hours=(2, 2),
        times=(EVENING,),
        seats=(30, 80),
    ),
    # Entrepreneurship, counselling and information
    T(
        "Gründungswerkstatt: Vom Einfall zum Geschäftsmodell",
        "Geschäftsidee prüfen, Businessplan schreiben, Finanzierung klären: Workshopreihe für "
        "Gründerinnen und Gründer in Ostwürttemberg.",
        "Gründung, Existenzgründung, Businessplan, Selbstständigkeit, Startup",
        (UD, FM, PL),
        (SE, AS, AK),
        (WRO, IHK, HSA),
        forms=(PRAESENZ, BLENDED),
        hours=(8, 24),
        price=(60, 120),
        free_share=0.75,
        times=(EVENING, WEEKEND),
    ),
    T(
        "Selbstständig im Nebenerwerb",
        "Anmeldung, Steuern, Versicherung: was Sie wissen müssen, bevor Sie neben dem Job "
        "selbstständig werden.",
        "Nebenerwerb, Selbstständigkeit, Gründung, Steuern, Gewerbe",
        (UD, KV),
        (SE, BE, BR),
        (VA, VH, WRO),
        hours=(3, 6),
        price=(19, 49),
        free_share=0.5,
        times=(EVENING,),
    ),
    T(
        "Infoveranstaltung: Weiterbildung mit Bildungsgutschein",
        "Wer einen Bildungsgutschein bekommt, wie die Beratung abläuft und welche Kurse in der "
        "Region zugelassen sind.",
        "Bildungsgutschein, Förderung, Weiterbildung, Information, Agentur für Arbeit",
        (LF,),
        (AS, BR, AU),
        (AA, JCO, JCH),
        forms=(PRAESENZ, ONLINE),
        hours=(2, 2),
        times=(MORNING,),
        seats=(20, 40),
    ),
    T(
        "Infoabend: Förderung für Beschäftigte und Betriebe",
        "Förderung Beschäftigter, Qualifizierungsgeld, ESF-Fachkurse und Bildungszeit im "
        "Überblick, mit Beispielen aus Betrieben der Region.",
        "Förderung, §82 SGB III, Qualifizierungsgeld, ESF, Bildungszeit, Betriebe",
        (FM, LF),
        (UF, BE, SE),
        (AA, RB, SWM),
        forms=(ONLINE, PRAESENZ),
        hours=(2, 3),
        times=(EVENING, AFTERNOON),
        seats=(30, 60),
    ),
    T(
        "Wiedereinstieg in den Beruf – Orientierungskurs",
        "Nach Familienzeit oder Pflege zurück in den Job: Stärken erkennen, Arbeitsmarkt "
        "kennenlernen, Bewerbung vorbereiten, Kinderbetreuung klären.",
        "Wiedereinstieg, Berufsrückkehr, Orientierung, Bewerbung, Teilzeit",
        (LF, TK),
        (BR,),
        (RB, VA, VH, JCH),
        hours=(20, 60),
        times=(MORNING,),
        seats=(8, 14),
    ),
    T(
        "Bewerbungswerkstatt",
        "Unterlagen prüfen, Vorstellungsgespräche üben, Stellen finden: individuelle Hilfe in "
        "der Gruppe.",
        "Bewerbung, Lebenslauf, Vorstellungsgespräch, Jobsuche",
        (TK, DK),
        (AS, BR, MI),
        (JCO, JCH, LWH, VE),
        hours=(8, 24),
        times=(MORNING,),
        starts=(50, 40, 10),
    ),
    T(
        "Kommunikation und Konfliktlösung im Team",
        "Missverständnisse vermeiden, Feedback geben, Konflikte früh ansprechen: Training für "
        "alle, die im Team arbeiten.",
        "Kommunikation, Konflikt, Feedback, Teamarbeit, Soft Skills",
        (TK, PL),
        (BE, FK, AZ),
        (VA, VG, RB, IGA, IGH),
        variants=("", "kompakt"),
        hours=(8, 24),
        price=(90, 390),
        free_share=0.35,
        funding=((), (BZG,)),
        times=(MORNING, WEEKEND),
    ),
    T(
        "Resilienz und Stressbewältigung im Beruf",
        "Belastungen erkennen, Kraftquellen stärken, gesund mit Veränderungen umgehen.",
        "Resilienz, Stress, Gesundheit, Veränderung, Burnout",
        (LF, PG),
        (BE, AE, FK),
        (VA, VE, VH, IGH),
        variants=("", "kompakt"),
        hours=(8, 16),
        price=(69, 290),
        free_share=0.35,
        funding=((), (BZG,)),
        times=(MORNING, EVENING),
    ),
    T(
        "Fit für die letzten Berufsjahre 55+",
        "Erfahrung weitergeben, Neues lernen, Übergang in die Rente planen: Seminar für "
        "ältere Beschäftigte.",
        "55plus, ältere Beschäftigte, Wissenstransfer, Rente, Gesundheit",
        (LF, TK),
        (AE, BE),
        (IGA, VA, AGQ),
        hours=(12, 24),
        price=(90, 290),
        free_share=0.4,
        funding=((BZG,), (BZG, ESF)),
        times=(MORNING,),
    ),
    T(
        "Azubi-Knigge und Zusatzqualifikation für Auszubildende",
        "Auftreten im Betrieb, Zeitmanagement und Präsentieren: Seminartage als Ergänzung zur "
        "Berufsschule.",
        "Azubi, Auszubildende, Knigge, Präsentation, Zeitmanagement",
        (TK, LF),
        (AZ,),
        (IHK, HWK, SWM),
        hours=(8, 16),
        price=(90, 240),
        times=(MORNING,),
        seats=(12, 24),
    ),
]


def _town(name: str, postcode: str, district: str) -> tuple[str, str, str]:
    return name, postcode, district


OAK, HDH, OUT = District.OSTALBKREIS, District.HEIDENHEIM, District.OUTSIDE
AALEN = _town("Aalen", "73430", OAK)
GMUEND = _town("Schwäbisch Gmünd", "73525", OAK)
ELLWANGEN = _town("Ellwangen", "73479", OAK)
BOPFINGEN = _town("Bopfingen", "73441", OAK)
NERESHEIM = _town("Neresheim", "73450", OAK)
HEIDENHEIM = _town("Heidenheim an der Brenz", "89518", HDH)
GIENGEN = _town("Giengen an der Brenz", "89537", HDH)
HERBRECHTINGEN = _town("Herbrechtingen", "89542", HDH)
ULM = _town("Ulm", "89073", OUT)

# provider slug → (venue name, street, town, wheelchair accessible, accessibility notes)
VENUES: dict[str, list[tuple[str, str, tuple[str, str, str], bool, str]]] = {
    VA: [
        ("VHS-Haus am Marktplatz", "Marktplatz 6", AALEN, True, "Aufzug zu allen Etagen."),
        (
            "Außenstelle Wasseralfingen",
            "Karlstraße 4",
            _town("Aalen", "73433", OAK),
            False,
            "Kursraum im 1. Stock, kein Aufzug.",
        ),
    ],
    VG: [
        ("VHS am Münsterplatz", "Münsterplatz 9", GMUEND, True, "Rampe am Seiteneingang."),
        (
            "Lernzentrum Gmünd-Ost",
            "Buchstraße 17",
            _town("Schwäbisch Gmünd", "73527", OAK),
            True,
            "",
        ),
    ],
    VH: [
        ("VHS-Zentrum Heidenheim", "Karlstraße 15", HEIDENHEIM, True, "Aufzug, barrierefreies WC."),
        ("Außenstelle Giengen", "Marktstraße 11", GIENGEN, False, "Altbau mit Treppen."),
        ("Außenstelle Herbrechtingen", "Lange Straße 20", HERBRECHTINGEN, True, ""),
    ],
    VE: [("VHS Ellwangen im Spital", "Spitalstraße 3", ELLWANGEN, True, "Aufzug vorhanden.")],
    RB: [
        ("Regionalbüro Schwäbisch Gmünd", "Bahnhofstraße 44", GMUEND, True, ""),
        ("Schulungsraum Aalen", "Ulmer Straße 12", AALEN, True, "Ebenerdig erreichbar."),
    ],
    BZB: [
        (
            "Lehrwerkstatt Herbrechtingen",
            "Industriestraße 18",
            HERBRECHTINGEN,
            True,
            "Werkhalle ebenerdig; Schulungsräume mit Aufzug.",
        ),
        (
            "Schulungszentrum Heidenheim",
            "Schnaitheimer Straße 40",
            _town("Heidenheim an der Brenz", "89520", HDH),
            True,
            "",
        ),
    ],
    LWH: [
        (
            "Lernwerkstatt Neresheim",
            "Hauptstraße 27",
            NERESHEIM,
            False,
            "Zwei Stufen am Eingang; Hilfe auf Nachfrage.",
        ),
        ("Lerncafé Bopfingen", "Hauptstraße 5", BOPFINGEN, True, ""),
    ],
    WZR: [
        ("Weiterbildungszentrum Ries", "Nördlinger Straße 9", BOPFINGEN, True, ""),
        ("Übungsgelände am Ipf", "Am Ipf 3", BOPFINGEN, True, "Außengelände mit Halle."),
        ("Schulungsraum Neresheim", "Härtsfeldstraße 12", NERESHEIM, False, ""),
    ],
    PFA: [
        (
            "Akademie für Pflegeberufe",
            "Schloßstraße 12",
            ELLWANGEN,
            True,
            "Aufzug und barrierefreies WC.",
        ),
        ("Lernort Aalen", "Weidenfelder Straße 3", _town("Aalen", "73431", OAK), True, ""),
    ],
    IHK: [
        (
            "IHK-Bildungszentrum Heidenheim",
            "Ludwig-Erhard-Straße 5",
            HEIDENHEIM,
            True,
            "Aufzug, Induktionsschleife im großen Saal.",
        ),
        ("IHK-Seminarräume Aalen", "Bahnhofstraße 50", AALEN, True, ""),
    ],
    HWK: [
        ("Bildungsakademie Ulm", "Olgastraße 12", ULM, True, ""),
        (
            "Bildungsstätte Aalen",
            "Ulmer Straße 80",
            _town("Aalen", "73431", OAK),
            True,
            "Werkstätten ebenerdig.",
        ),
    ],
    HSA: [
        (
            "Hochschule Aalen, Campus Innenstadt",
            "Hochschulstraße 2",
            AALEN,
            True,
            "Alle Hörsäle stufenlos erreichbar.",
        ),
        ("Hochschule Aalen, Campus Burren", "Burrenstraße 10", AALEN, True, ""),
    ],
    DHBW: [("DHBW Heidenheim", "Marienstraße 20", HEIDENHEIM, True, "Aufzug vorhanden.")],
    PH: [
        (
            "PH Schwäbisch Gmünd",
            "Oberbettringer Straße 200",
            _town("Schwäbisch Gmünd", "73525", OAK),
            True,
            "",
        )
    ],
    ZSL: [("ZSL Regionalstelle", "Lessingstraße 7", GMUEND, True, "")],
    IGA: [
        (
            "IG Metall Aalen, Seminarraum",
            "Friedrichstraße 30",
            AALEN,
            False,
            "Seminarraum im 2. Stock ohne Aufzug.",
        )
    ],
    IGH: [("IG Metall Heidenheim, Seminarraum", "Grabenstraße 11", HEIDENHEIM, True, "")],
    SWM: [("Südwestmetall Aalen, Tagungszentrum", "Ulmer Straße 50", AALEN, True, "")],
    AGQ: [("Tagungsraum bei Südwestmetall Aalen", "Ulmer Straße 50", AALEN, True, "")],
    AA: [
        ("Agentur für Arbeit Aalen, BiZ", "Bahnhofstraße 20", AALEN, True, ""),
        ("Agentur für Arbeit, Geschäftsstelle Heidenheim", "Felsenstraße 36", HEIDENHEIM, True, ""),
    ],
    JCO: [
        ("Jobcenter Aalen", "Gartenstraße 8", AALEN, True, ""),
        ("Jobcenter Schwäbisch Gmünd", "Rektor-Klaus-Straße 22", GMUEND, True, ""),
        ("Jobcenter Ellwangen", "Marktplatz 2", ELLWANGEN, False, ""),
    ],
    JCH: [
        ("Jobcenter Heidenheim", "Schulstraße 14", HEIDENHEIM, True, ""),
        ("Beratungsstelle Giengen", "Bahnhofstraße 1", GIENGEN, True, ""),
    ],
    WRO: [("Wirtschaftsregion Ostwürttemberg", "Bahnhofplatz 4", HEIDENHEIM, True, "")],
}


@dataclass
class DateSpec:
    """One date of a demo offer, with the venue named by its index in the provider's list."""

    values: dict[str, Any]
    venue: int | None


@dataclass
class OfferSpec:
    """Everything about one demo offer that does not need the database."""

    provider: str
    external_id: str
    values: dict[str, Any]
    delivery_form: str
    topics: list[str]
    target_groups: list[str]
    funding: list[str]
    dates: list[DateSpec] = field(default_factory=list)


def _variant_title(title: str, variant: str) -> str:
    if not variant:
        return title
    if variant.startswith(("–", "(")):
        return f"{title} {variant}"
    return f"{title} {variant}" if variant[0].islower() else f"{title} – {variant}"


def _variant_overrides(template: CourseTemplate, variant: str) -> dict[str, Any]:
    """What a title variant promises about the course ("(Abendkurs)" runs in the evening,
    "kompakt" in full days that Bildungszeit recognises), so title and data agree."""
    low = variant.lower()
    if "online" in low:
        return {"form": ONLINE}
    if "abendkurs" in low:
        return {"time": EVENING, "schedule": PART}
    if "wochenend" in low:
        return {"time": WEEKEND, "schedule": PART}
    if "kompakt" in low:
        return {"time": MORNING, "schedule": FULL, "funding_extra": (BZG,)}
    if "teilzeit" in low or "berufsbegleitend" in low:
        return {"time": EVENING, "schedule": PART}
    if "vollzeit" in low:
        return {"time": MORNING, "schedule": FULL}
    return {}


def course_text(*, template: CourseTemplate, variant: str, provider_name: str) -> dict[str, str]:
    """Title, summary, description and keywords of one offer made from a template.

    Shared with `seed_large`, so the benchmark catalogue searches like real data does.
    """
    title = _variant_title(template.title, variant)
    parts = [template.summary]
    if template.contents:
        parts.append(
            "Inhalte:\n" + "\n".join(f"- {c.strip()}" for c in template.contents.split(";"))
        )
    parts.append(
        f"{provider_name} führt den Kurs mit erfahrenen Dozentinnen und Dozenten aus der Praxis "
        "durch. Vor der Anmeldung beraten wir Sie gern persönlich, ob der Kurs zu Ihren Zielen "
        "passt."
    )
    if template.requirements:
        parts.append("Voraussetzungen: " + template.requirements)
    return {
        "title": title[:200],
        "summary": template.summary[:400],
        "description": "\n\n".join(parts),
        "keywords": template.keywords,
    }


def _round_price(value: float) -> Decimal:
    if value < 100:
        return Decimal(int(value)) if value < 20 else Decimal(int(value // 5 * 5) - 1)
    step = 10 if value < 1000 else 100
    return Decimal(int(value // step * step))


def _weekday(day: datetime.date, *, weekend: bool) -> datetime.date:
    """Move a start to a day courses start on: Saturday for weekend courses, else a
    working day."""
    if weekend:
        return day + datetime.timedelta(days=(5 - day.weekday()) % 7)
    if day.weekday() >= 5:
        return day + datetime.timedelta(days=7 - day.weekday())
    return day


HOURS_PER_WEEK = {MORNING: 18, AFTERNOON: 12, EVENING: 6, WEEKEND: 10, FLEXIBLE: 5}


def _duration_days(hours: int, *, schedule: str, time_of_day: str) -> int:
    per_day = 8 if schedule == FULL else 4
    if hours <= per_day:
        return 0
    per_week = 38 if schedule == FULL else HOURS_PER_WEEK[time_of_day]
    if hours <= per_day * 2 and schedule == FULL:
        return 1
    weeks = math.ceil(hours / per_week)
    return max(1, weeks * 7 - 3)


def _measure_number(rng: random.Random) -> str:
    return f"{rng.choice(['962', '963', '965'])}/{rng.randint(100, 999)}/{rng.choice([24, 25, 26])}"


def _date_specs(
    *,
    rng: random.Random,
    template: CourseTemplate,
    form: str,
    schedule: str,
    time_of_day: str,
    hours: int,
    venue_count: int,
    past_only: bool,
    today: datetime.date,
    external_id: str,
    count: int | None = None,
) -> list[DateSpec]:
    if count is None:
        count = rng.choices([1, 2, 3, 4], weights=[40, 30, 20, 10])[0]
    weights = list(template.starts)
    if form in (SELF, DISTANCE):
        weights = [15, 85, 0]
    dates = []
    for _ in range(count):
        kind = (
            StartKind.FIXED
            if past_only
            else rng.choices([StartKind.FIXED, StartKind.ROLLING, StartKind.ON_DEMAND], weights)[0]
        )
        hours_total = hours
        seats = rng.randint(*template.seats) if template.seats[1] else None
        values: dict[str, Any] = {
            "start_kind": kind,
            "start": None,
            "end": None,
            "schedule": schedule,
            "time_of_day": time_of_day,
            "hours_total": hours_total,
            "seats": seats,
            "registration_deadline": None,
            "notes": "",
        }
        if kind == StartKind.FIXED:
            offset = rng.randint(-330, -30) if past_only else rng.randint(-45, 360)
            start = _weekday(
                today + datetime.timedelta(days=offset), weekend=time_of_day == WEEKEND
            )
            values["start"] = start
            values["end"] = start + datetime.timedelta(
                days=_duration_days(hours, schedule=schedule, time_of_day=time_of_day)
            )
            if rng.random() < 0.7:
                values["registration_deadline"] = start - datetime.timedelta(
                    days=rng.choice([3, 7, 14, 21])
                )
            if rng.random() < 0.15:
                values["notes"] = rng.choice(
                    [
                        "Infoabend zwei Wochen vor Beginn.",
                        "Nur noch wenige Plätze frei.",
                        "Findet ab sechs Anmeldungen statt.",
                        "Unterricht nicht in den Schulferien.",
                    ]
                )
        elif kind == StartKind.ROLLING:
            if rng.random() < 0.5:
                values["start"] = today - datetime.timedelta(days=rng.randint(30, 400))
            values["notes"] = rng.choice(
                [
                    "Einstieg jederzeit nach einem Beratungsgespräch.",
                    "Einstieg jeden Montag möglich.",
                    "Laufender Einstieg, Dauer je nach Vorkenntnissen.",
                ]
            )
        else:
            values["notes"] = rng.choice(
                [
                    "Termin nach Vereinbarung, auch als Firmenschulung bei Ihnen vor Ort.",
                    "Wir planen den Termin, sobald sich eine Gruppe gefunden hat.",
                    "Auf Anfrage für Gruppen ab fünf Personen.",
                ]
            )
        venue = None
        if form not in ONLINE_FORMS and venue_count:
            venue = rng.randrange(venue_count)
        dates.append(DateSpec(values=values, venue=venue))
    # Stable order, and each date gets a stable key: demo-0001-1, -2 …
    dates.sort(key=lambda d: (d.values["start"] or datetime.date.max, d.values["start_kind"]))
    for index, date in enumerate(dates, start=1):
        date.values["external_id"] = f"{external_id}-{index}"
    return dates


def _pairs(template: CourseTemplate) -> list[tuple[str, str]]:
    return [(p, v) for v in template.variants for p in template.providers]


def demo_offer_specs(
    *,
    today: datetime.date,
    provider_names: dict[str, str],
    seed: int = DEMO_SEED,
    count: int = DEMO_OFFER_COUNT,
) -> list[OfferSpec]:
    """The demo offers as plain data, the same for the same seed and day.

    Templates take turns (round robin) so that every course type appears before any appears
    twice; within a template the provider/variant pairs are shuffled once, so the same title
    shows up at several providers as it does in real catalogues.
    """
    rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not a secret
    queues = []
    for template in TEMPLATES:
        pairs = [(p, v) for p, v in _pairs(template) if p in provider_names]
        rng.shuffle(pairs)
        if pairs:
            queues.append((template, pairs))
    picks: list[tuple[CourseTemplate, str, str]] = []
    while len(picks) < count and any(pairs for _, pairs in queues):
        for template, pairs in queues:
            if pairs and len(picks) < count:
                provider, variant = pairs.pop()
                picks.append((template, provider, variant))

    specs = []
    for number, (template, provider, variant) in enumerate(picks, start=1):
        specs.append(
            _offer_spec(
                rng=rng,
                template=template,
                provider=provider,
                provider_name=provider_names[provider],
                variant=variant,
                external_id=f"{DEMO_PREFIX}{number:04d}",
                venues=VENUES.get(provider, []),
                today=today,
            )
        )
    return specs


def _offer_spec(
    *,
    rng: random.Random,
    template: CourseTemplate,
    provider: str,
    provider_name: str,
    variant: str,
    external_id: str,
    venues: list[tuple[str, str, tuple[str, str, str], bool, str]],
    today: datetime.date,
    date_count: int | None = None,
) -> OfferSpec:
    """One offer drawn from a template; `seed_large` passes its own venues and date count."""
    overrides = _variant_overrides(template, variant)
    form = overrides.get("form") or rng.choice(template.forms)
    schedule = overrides.get("schedule", template.schedule)
    time_of_day = overrides.get("time") or rng.choice(template.times)
    if form in (SELF, DISTANCE):
        time_of_day, schedule = FLEXIBLE, PART
    hours = rng.randint(*template.hours)
    hours = max(1, round(hours / 4) * 4) if hours > 8 else hours

    funding = list(rng.choice(template.funding))
    funding += [f for f in overrides.get("funding_extra", ()) if f not in funding]
    if BZG in funding and (schedule != FULL and time_of_day != WEEKEND and hours < 24):
        # Bildungszeit needs full days of at least six hours.
        funding.remove(BZG)

    low, high = template.price
    price = Decimal(0)
    if high and rng.random() >= template.free_share:
        price = _round_price(rng.uniform(low, high))
    if not price:
        # Grants towards fees need a fee; Bildungszeit (paid release) does not.
        funding = [f for f in funding if f not in (ESF, AFBG, SBB)]
    price_notes = template.price_notes
    if price and not price_notes:
        price_notes = rng.choice(
            [
                "",
                "Inklusive Lernmaterial.",
                "Ratenzahlung möglich.",
                "Zuzüglich Prüfungsgebühr.",
                "Ermäßigung für Schüler:innen, Studierende und Arbeitsuchende.",
            ]
        )
    elif not price and not price_notes:
        price_notes = rng.choice(
            [
                "Kostenfrei.",
                "Gefördert durch den Landkreis, für Sie kostenfrei.",
                "Keine Kursgebühr.",
            ]
        )
    needs_azav = {BGS, F82, QG} & set(funding)
    measure = _measure_number(rng) if needs_azav and rng.random() < 0.9 else ""

    status = rng.choices(
        [OfferStatus.PUBLISHED, OfferStatus.DRAFT, OfferStatus.ARCHIVED], [86, 7, 7]
    )[0]
    past_only = status == OfferStatus.ARCHIVED or rng.random() < 0.06
    reviewed = today - datetime.timedelta(days=int(rng.triangular(0, 365, 60)))
    created = timezone.make_aware(
        datetime.datetime.combine(
            reviewed - datetime.timedelta(days=rng.randint(0, 400)), datetime.time(9, 0)
        ),
        datetime.UTC,
    )
    published_at = None if status == OfferStatus.DRAFT else created + datetime.timedelta(hours=2)

    online = form in ONLINE_FORMS
    wheelchair = False
    accessibility = ""
    if online:
        accessibility = rng.choice(
            [
                "",
                "Die Lernplattform ist mit Bildschirmlesern nutzbar.",
                "Untertitel für alle Videos.",
            ]
        )

    text = course_text(template=template, variant=variant, provider_name=provider_name)
    topics = list(template.topics)
    targets = list(template.targets)
    if len(targets) > 2 and rng.random() < 0.3:
        targets = rng.sample(targets, len(targets) - 1)
    dates = _date_specs(
        rng=rng,
        template=template,
        form=form,
        schedule=schedule,
        time_of_day=time_of_day,
        hours=hours,
        venue_count=len(venues),
        past_only=past_only,
        today=today,
        external_id=external_id,
        count=date_count,
    )
    used_venues = {d.venue for d in dates if d.venue is not None}
    if used_venues:
        wheelchair = all(venues[i][3] for i in used_venues)
        accessibility = " ".join(dict.fromkeys(venues[i][4] for i in used_venues if venues[i][4]))

    values = {
        **text,
        "level": template.level,
        "entry_requirements": template.requirements,
        "certificate": template.certificate,
        "certificate_name": template.certificate_name,
        "language": template.language,
        "price": price,
        "price_notes": price_notes,
        "azav_measure_number": measure,
        "wheelchair_accessible": wheelchair,
        "accessibility_notes": accessibility[:2000],
        "contact_name": "",
        "contact_email": f"weiterbildung.{provider}@example.org",
        "contact_phone": "",
        "url": f"https://example.org/{provider}/kurse/{external_id}/",
        "status": status,
        "last_reviewed_on": reviewed,
        "published_at": published_at,
        "created_at": created,
    }
    return OfferSpec(
        provider=provider,
        external_id=external_id,
        values=values,
        delivery_form=form,
        topics=topics,
        target_groups=targets,
        funding=funding,
        dates=dates,
    )


def demo_venues_load(*, institutions: dict[str, Institution]) -> dict[str, list[Venue]]:
    """Create or refresh the demo venues, keyed by institution and name.

    A venue takes coordinates and district from its municipality when the gazetteer is
    loaded (found by postcode and town, as imports and the back office find it); without it
    the map has no point but the district filter still works.
    """
    municipalities: dict[tuple[str, str], Municipality | None] = {}
    result: dict[str, list[Venue]] = {}
    for slug, rows in VENUES.items():
        institution = institutions.get(slug)
        if institution is None:
            continue
        result[slug] = []
        for name, street, (city, postcode, district), wheelchair, notes in rows:
            if (postcode, city) not in municipalities:
                municipalities[postcode, city] = venue_place_resolve(
                    postcode=postcode, city=city
                ).municipality
            place = municipalities[postcode, city]
            values = {
                "street": street,
                "postcode": postcode,
                "city": city,
                "municipality_id": place.pk if place else None,
                "district": place.district if place else district,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "wheelchair_accessible": wheelchair,
                "accessibility_notes": notes,
            }
            venue = demo_upsert(
                Venue, lookup={"institution": institution, "name": name}, values=values
            )
            result[slug].append(venue)
    return result


def _m2m_sync(manager, ids: set[int]) -> None:
    """Set a many-to-many relation only when it differs, so a second run writes nothing."""
    if set(manager.values_list("pk", flat=True)) != ids:
        manager.set(ids)


@transaction.atomic
def demo_offers_load(*, today: datetime.date | None = None, seed: int = DEMO_SEED) -> int:
    """Create or refresh the demo offers and return how many there are.

    Keyed on (institution, external_id) like an import would be, so a second run on the same
    day changes nothing; on a later day the dates move along with today, which keeps the
    demo catalogue current. Needs the demo institutions (`demo_data_load`) and the
    taxonomies (migration 0002).
    """
    # Imported here: the search module builds on the catalogue's models and selectors.
    from offerings.search import offer_search_refresh

    today = today or timezone.localdate()
    institutions = Institution.objects.in_bulk(list(VENUES), field_name="slug")
    specs = demo_offer_specs(
        today=today,
        provider_names={slug: i.name for slug, i in institutions.items()},
        seed=seed,
    )
    venues = demo_venues_load(institutions=institutions)
    forms = DeliveryForm.objects.in_bulk(field_name="slug")
    topics = Topic.objects.in_bulk(field_name="slug")
    groups = TargetGroup.objects.in_bulk(field_name="slug")
    funding = FundingProgramme.objects.in_bulk(field_name="slug")

    for spec in specs:
        institution = institutions[spec.provider]
        offer = demo_upsert(
            Offer,
            lookup={"institution": institution, "external_id": spec.external_id},
            values={**spec.values, "delivery_form_id": forms[spec.delivery_form].pk},
        )
        if offer.published_at:
            institution_mark_published(institution=institution, when=offer.published_at)
        _m2m_sync(offer.topics, {topics[s].pk for s in spec.topics})
        _m2m_sync(offer.target_groups, {groups[s].pk for s in spec.target_groups})
        _m2m_sync(offer.funding_programmes, {funding[s].pk for s in spec.funding})
        keep = []
        for date in spec.dates:
            venue = venues[spec.provider][date.venue] if date.venue is not None else None
            values = {**date.values, "venue_id": venue.pk if venue else None}
            external_id = values.pop("external_id")
            demo_upsert(
                OfferDate, lookup={"offer": offer, "external_id": external_id}, values=values
            )
            keep.append(external_id)
        # Dates a changed template no longer gives; dates added by hand are left alone.
        offer.dates.filter(external_id__startswith=DEMO_PREFIX).exclude(
            external_id__in=keep
        ).delete()

    offer_search_refresh(Offer.objects.all())
    return len(specs)
