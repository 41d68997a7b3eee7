"""The coded values of open-Q-cat 1.1 and how they map to the catalogue's fields and terms.

open-Q-cat carries most of what a job seeker filters on as integer codes in a `type`
attribute, whose value lists the Federal Employment Agency publishes with the format
("Wertebereiche" of KURSNET: foerderartenbund.dat, foerderartenland.dat, unterrichtsform.dat,
unterrichtszeit.dat, durchfuehrungsform.dat, unterrichtssprache.dat, bildungsart.dat,
zertstatus.dat, vgstrukturart.dat) and topics as codes of its course classification
("Kurssystematik", Systematik.csv). The lists below are copied from those files; a code
without an entry here has no counterpart in the portal and is reported, never guessed.

The Kurssystematik code starts with its field of education ("Bildungsbereich"): A general
education and preparation, B vocational training and retraining (followed by the five-digit
KldB 2010 code of the occupation, e.g. "B 43412-90200"), C adaptive further training (four
digits, grouped by the first two, e.g. "C 1415-20-10" MS Excel), D upgrade training, MC/ME
job-related German courses. Topics are mapped from the C groups and, for B and D, from the
occupation's KldB 2010 "Berufshauptgruppe" (its first two digits).

Slugs are those seeded in offerings/migrations/0002_seed_taxonomies.py; a slug the network
office has since removed simply maps to nothing.
"""

import re

# foerderartenbund.dat: FUNDING_TYPES_FEDERAL @type → funding programme.
FUNDING_FEDERAL = {
    "1": "aufstiegs-bafoeg",  # Aufstiegs-BAföG (AFBG)
    "2": "bildungsgutschein",  # Bildungsgutschein
    "5": "weiterbildungsstipendium",  # Weiterbildungsstipendium (SBB)
    "8": "qualifizierungsgeld",  # Qualifizierungsgeld
    "11": "foerderung-beschaeftigter",  # Zuschuss bei der Qualifizierung Beschäftigter
}
# The federal codes the portal has no programme for, with their names for the report.
FUNDING_FEDERAL_UNMAPPED = {
    "4": "Aufstiegsstipendium (SBB)",
    "6": "Förderung beruflicher Weiterbildung in der Binnenschifffahrt",
    "7": "Förderung von Weiterbildung im Güterkraftverkehr",
    "9": "Förderung für Beschäftigte in Transfergesellschaften",
    "10": "KOMPASS (Solo-Selbstständige)",
    "12": "Arbeitslosengeld bei beruflicher Weiterbildung",
    "13": "Förderung von Menschen mit gesundheitlicher Beeinträchtigung",
}
# foerderartenland.dat, Baden-Württemberg: FUNDING_TYPES_REGIONAL @type → programme.
FUNDING_REGIONAL = {
    "20": "esf-fachkurse-bw",  # ESF-Plus-Förderprogramm „Fachkurse“ in Baden-Württemberg
    "53": "bildungszeit-bw",  # Bildungszeit (Baden-Württemberg)
}
# The funding programmes' names as files write them in the element text, lower case.
FUNDING_WORDS = {
    "bildungsgutschein": "bildungsgutschein",
    "aufstiegs-bafög": "aufstiegs-bafoeg",
    "aufstiegs-bafoeg": "aufstiegs-bafoeg",
    "afbg": "aufstiegs-bafoeg",
    "weiterbildungsstipendium": "weiterbildungsstipendium",
    "qualifizierungsgeld": "qualifizierungsgeld",
    "bildungszeit": "bildungszeit-bw",
    "fachkurse": "esf-fachkurse-bw",
}
# The labels KURSNET writes with the codes, for the export.
FUNDING_LABELS = {
    "1": "Aufstiegs-BAföG (AFBG)",
    "2": "Bildungsgutschein",
    "5": "Weiterbildungsstipendium bei der Stiftung Begabtenförderung berufliche Bildung (SBB)",
    "8": "Qualifizierungsgeld zur Förderung der beruflichen Weiterbildung Beschäftigter",
    "11": "Zuschuss bei der Qualifizierung Beschäftigter",
    "20": "ESF-Plus-Förderprogramm „Fachkurse“ in Baden-Württemberg",
    "53": "Bildungszeit",
}
# The reverse, for the export: programme → (element, code).
FUNDING_EXPORT = {slug: ("FUNDING_TYPES_FEDERAL", code) for code, slug in FUNDING_FEDERAL.items()}
FUNDING_EXPORT |= {
    slug: ("FUNDING_TYPES_REGIONAL", code) for code, slug in FUNDING_REGIONAL.items()
}
# zertstatus.dat: CERTIFICATE_STATUS 1 "Zugelassen" is the AZAV approval for the
# Bildungsgutschein.
CERTIFICATE_APPROVED = "1"

# unterrichtsform.dat: INSTRUCTION_FORM @type → delivery form slug (None: no single form).
INSTRUCTION_FORMS = {
    "1": "praesenz",  # Vor-Ort-Vollzeit
    "2": "praesenz",  # Vor-Ort-Teilzeit
    "3": "praesenz",  # Wochenendveranstaltung
    "4": "fernunterricht",  # Fernunterricht/Fernstudium
    "6": "praesenz",  # Blockunterricht
    "7": "praesenz",  # Inhouse-/Firmenseminar
    "8": "praesenz",  # Einzelmaßnahme
    "9": "praesenz",  # Gruppenmaßnahme
    "101": "praesenz",  # Präsenzunterricht
    "102": "praesenz",  # Seminar
    "103": "praesenz",  # Workshop
    "104": "praesenz",  # Praxistraining
    "105": "praesenz",  # Sonstige Präsenzveranstaltung
    "201": "online-live",  # Virtuelles Klassenzimmer
    "202": "online-live",  # Online-Seminar
    "203": "online-live",  # Online-Coaching
    "204": "selbstlernkurs",  # Selbstlernmodul
    "301": "blended-learning",  # Blended Learning
    "302": "blended-learning",  # Combined Learning
    "303": "blended-learning",  # Hybrid Learning
    "304": "blended-learning",  # Sonstige kombinierte Lernform
    "401": "fernunterricht",  # Fernunterricht
    "402": "fernunterricht",  # Fernlehrgang
    "403": "fernunterricht",  # Sonstiger Fernunterricht
}
# Codes that are known but say nothing the catalogue can use as a delivery form.
INSTRUCTION_FORMS_VAGUE = {
    "0": "Auf Anfrage",
    "5": "E-Learning/Blended Learning/Virtuelles Klassenzimmer",
    "205": "Virtual Reality",
    "206": "Sonstige digitale Lernform",
}
# Full- and part-time as INSTRUCTION_FORM says it (1 Vor-Ort-Vollzeit, 2 Vor-Ort-Teilzeit).
INSTRUCTION_FORM_SCHEDULE = {"1": "full_time", "2": "part_time"}
INSTRUCTION_FORM_WEEKEND = "3"  # Wochenendveranstaltung
# unterrichtszeit.dat: INSTRUCTION_TIME @type.
INSTRUCTION_TIMES = {"1": "full_time", "2": "part_time"}
# durchfuehrungsform.dat: EXECUTION_FORM @type.
EXECUTION_FORMS = {"1": "praesenz", "2": "online-live", "3": "blended-learning"}
EXECUTION_FORM_EXPORT = {
    "praesenz": "1",
    "online-live": "2",
    "selbstlernkurs": "2",
    "fernunterricht": "2",
    "blended-learning": "3",
}
# vgstrukturart.dat: SEGMENT_TYPE @type. MODULE_COURSEs with these types are the parts of
# one date (block teaching, internship, exam, holidays), not dates of their own.
SEGMENT_TYPES = {
    "1": "Blockunterricht",
    "2": "Praktikum",
    "3": "Praktikum parallel zu Unterricht",
    "4": "Prüfung",
    "5": "Ferien",
}

# TEACHING_LANGUAGES (unterrichtssprache.dat) and EDUCATION/LANGUAGE are ISO 639-2 codes.
LANGUAGES = {
    "deu": "de",
    "ger": "de",
    "eng": "en",
    "tur": "tr",
    "ara": "ar",
    "ukr": "uk",
    "rus": "ru",
}
LANGUAGE_EXPORT = {"de": "deu", "en": "eng", "tr": "tur", "ar": "ara", "uk": "ukr", "ru": "rus"}

# bildungsart.dat: EDUCATION_TYPE @type → (level, target group slug).
EDUCATION_TYPES = {
    "102": ("dqr4", None),  # Berufsausbildung
    "105": ("dqr4", "an-und-ungelernte"),  # Nachholen des Berufsabschlusses
    "107": ("dqr6", None),  # Studienangebot – grundständig
    "108": ("dqr7", None),  # Studienangebot – weiterführend
    "109": ("dqr4", "arbeitsuchende"),  # Umschulung
    "110": (None, "menschen-mit-migrationsgeschichte"),  # Berufssprachkurse
    "130": (None, "arbeitsuchende"),  # Aktivierung/berufliche Eingliederung
}
# Flags of EDUCATION/EXTENDED_INFO that name a target group when true.
TARGET_GROUP_FLAGS = {
    "TRAINEE_SUITABLE": "auszubildende",
    "EMPLOYEE_SUITABLE": "beschaeftigte",
    "EXTRA_OCCUPATIONAL": "beschaeftigte",
    "INHOUSE_SEMINAR": "unternehmen-fuehrungskraefte",
}

# Kurssystematik, field C: the first two digits name the group (Systematik.csv).
KURSSYSTEMATIK_C = {
    "00": "handwerk-bau",  # Bau, Architektur, Vermessung, Rohstoffe
    "02": "kaufmaennisches-verwaltung",  # Büro, Rechnungswesen, Recht, Personal, Marketing
    "04": "metall-elektro",  # Elektrotechnik, Mechatronik
    "06": "technik-produktion",  # Forschung, Konstruktion, CAD
    "10": "pflege-gesundheit",  # Medizin, Pflege, Therapie
    "12": "technik-produktion",  # Holz, Kunststoff, Textil
    "14": "it-digitalisierung",  # IT-Anwendungen, Administration, Programmierung
    "16": "logistik",  # Einkauf, Lager, Verkehr, Logistik
    "24": "metall-elektro",  # Metallbearbeitung, Maschinenbau, Schweißen
    "26": "erziehung-soziales",  # Pädagogik, Erwachsenenbildung, Soziale Arbeit
    "28": "technik-produktion",  # Qualitätsmanagement, Instandhaltung
    "34": "sprachen",  # Fremdsprachen, Übersetzen
}
# Finer groups of field C that have a more precise term (prefix → slug; longest wins).
KURSSYSTEMATIK_C_DETAIL = {
    "0225-15": "handel",  # Groß- und Einzelhandel
    "0225-20": "handel",  # Waren-, Verkaufskunde
    "0235": "fuehrung-management",  # Management, Unternehmensführung, Projektmanagement
    "0240-25": "handel",  # Vertrieb, Verkaufstraining
    "0425": "nachhaltigkeit-energie",  # Energieversorgung, erneuerbare Energien
    "0430": "nachhaltigkeit-energie",  # Wasserwirtschaft
    "0435": "nachhaltigkeit-energie",  # Abfallwirtschaft, Recycling
    "1845": "nachhaltigkeit-energie",  # Umwelt- und Naturschutz
    "2420": "handwerk-bau",  # Sanitär, Heizung, Klima, Gebäudetechnik
    "2430": "technik-produktion",  # Produktions-, CNC-Technik, Robotik
    "2435": "technik-produktion",  # Automatisierung, SPS
    "2440": "technik-produktion",  # Fahrzeugtechnik
    "3210-25": "lernfaehigkeit-anpassung",  # Lern- und Gedächtnistechniken
    "3210-30": "problemloesen",  # Kreativitäts- und Problemlösungstechniken
    "3215-15": "teamarbeit-kommunikation",  # Soziale Kompetenzen
    "3215-20": "teamarbeit-kommunikation",  # Kommunikationstraining
    "3220-10": "fuehrung-management",  # Mitarbeiterführung
    "3220-15": "fuehrung-management",  # Führungsstile
    "3220-20": "teamarbeit-kommunikation",  # Teamarbeit, -führung
    "3235": "unternehmerisches-denken",  # Existenzgründung
    "3420": "deutsch-als-zweitsprache",  # Deutsch
}
# Target groups named by field C (prefix → slug).
KURSSYSTEMATIK_C_TARGET_GROUPS = {
    "3225-20-15": "berufsrueckkehrende",  # Maßnahmen für Berufsrückkehrer/innen
    "3225-20-20": "arbeitsuchende",  # Maßnahmen für Langzeitarbeitslose
    "3225-20-25": "arbeitsuchende",  # Maßnahmen für ältere Arbeitslose
    "3235": "selbststaendige",  # Existenzgründung, Existenzsicherung
}
# KldB 2010 Berufshauptgruppen (first two digits of the occupation code in fields B and D).
KLDB_MAIN_GROUPS = {
    "21": "technik-produktion",  # Rohstoffgewinnung, Glas, Keramik
    "22": "technik-produktion",  # Kunststoff, Holz
    "23": "technik-produktion",  # Papier, Druck, Gestaltung
    "24": "metall-elektro",  # Metallerzeugung, -bearbeitung, Metallbau
    "25": "metall-elektro",  # Maschinen- und Fahrzeugtechnik
    "26": "metall-elektro",  # Mechatronik, Energie, Elektro
    "27": "technik-produktion",  # Technische Entwicklung, Konstruktion, Produktionssteuerung
    "28": "technik-produktion",  # Textil, Leder
    "31": "handwerk-bau",  # Bauplanung, Architektur, Vermessung
    "32": "handwerk-bau",  # Hoch- und Tiefbau
    "33": "handwerk-bau",  # (Innen-)Ausbau
    "34": "handwerk-bau",  # Gebäude- und versorgungstechnische Berufe
    "42": "nachhaltigkeit-energie",  # Geologie, Geografie, Umweltschutz
    "43": "it-digitalisierung",  # Informatik, Informations- und Kommunikationstechnologie
    "51": "logistik",  # Verkehr und Logistik
    "52": "logistik",  # Führer von Fahrzeug- und Transportgeräten
    "61": "handel",  # Einkauf, Vertrieb, Handel
    "62": "handel",  # Verkauf
    "71": "kaufmaennisches-verwaltung",  # Unternehmensführung und -organisation
    "72": "kaufmaennisches-verwaltung",  # Finanzdienstleistungen, Rechnungswesen
    "73": "kaufmaennisches-verwaltung",  # Recht und Verwaltung
    "81": "pflege-gesundheit",  # Medizinische Gesundheitsberufe
    "82": "pflege-gesundheit",  # Nichtmedizinische Gesundheits-, Körperpflegeberufe
    "83": "erziehung-soziales",  # Erziehung, soziale und hauswirtschaftliche Berufe
    "84": "erziehung-soziales",  # Lehrende und ausbildende Berufe
}
# Kurssystematik fields whose whole field maps to a term.
KURSSYSTEMATIK_FIELDS = {
    "MC": ("deutsch-als-zweitsprache", "menschen-mit-migrationsgeschichte"),  # Berufssprachkurse
    "ME": ("deutsch-als-zweitsprache", "menschen-mit-migrationsgeschichte"),  # ESF-BAMF
}
KURSSYSTEMATIK_GRUNDBILDUNG = "A 11"  # Alphabetisierung, Lese-/Rechtschreib-/Rechenschwäche

# "C 1415-20-10", "B 43412-90200", "C  8968-g32", "MC 01 1", "D 34": a field of one or two
# capitals, then the code.
CODE_PATTERN = re.compile(r"^(?P<field>[A-Z]{1,2})\s+(?P<code>[0-9][0-9A-Za-z. -]*)$")


_C_DETAIL_LONGEST_FIRST = sorted(KURSSYSTEMATIK_C_DETAIL.items(), key=lambda item: -len(item[0]))


def kurssystematik_terms(code: str) -> tuple[str | None, str | None] | None:
    """(topic slug, target group slug) for a Kurssystematik code; None when the text is no
    such code, (None, None) for a code the portal has no term for."""
    match = CODE_PATTERN.match(" ".join(code.split()))
    if match is None:
        return None
    field, number = match["field"], match["code"].strip()
    if field in KURSSYSTEMATIK_FIELDS:
        return KURSSYSTEMATIK_FIELDS[field]
    if f"{field} {number}".startswith(KURSSYSTEMATIK_GRUNDBILDUNG + "."):
        return ("grundbildung", None)
    if field == "C":
        topic = next(
            (slug for prefix, slug in _C_DETAIL_LONGEST_FIRST if number.startswith(prefix)),
            KURSSYSTEMATIK_C.get(number[:2]),
        )
        group = next(
            (
                slug
                for prefix, slug in KURSSYSTEMATIK_C_TARGET_GROUPS.items()
                if number.startswith(prefix)
            ),
            None,
        )
        return (topic, group)
    if field in {"B", "D"} and number[:5].isdigit():
        return (KLDB_MAIN_GROUPS.get(number[:2]), None)
    return (None, None)


TRUE_WORDS = {"true", "1", "ja", "yes", "x", "wahr"}
FALSE_WORDS = {"false", "0", "nein", "no", "falsch"}
# Words that mark a course as free of charge in a price field (PRICE_AMOUNT, the CSV's
# price column).
FREE_PATTERN = re.compile(
    r"\b(kostenlos|kostenfrei|gebührenfrei|entgeltfrei|gratis|unentgeltlich)\b", re.IGNORECASE
)
# Price remarks that say nothing but "free": "kostenlos", "Die Teilnahme ist kostenfrei."
# (remarks like "für Arbeitsuchende kostenlos" are a condition, not a free course).
FREE_REMARK = re.compile(
    r"\s*(?:(?:die\s+)?(?:teilnahme|der\s+kurs|das\s+angebot)\s+ist\s+)?"
    r"(?:kostenlos|kostenfrei|gebührenfrei|entgeltfrei|gratis|unentgeltlich)[.!]?\s*",
    re.IGNORECASE,
)
# Remarks that say the price is only given on request.
ON_REQUEST_PATTERN = re.compile(r"auf anfrage|nach vereinbarung|auf nachfrage", re.IGNORECASE)

# What the elements a report names mean (the schema's own descriptions), by element name.
ELEMENT_LABELS = {
    "ADDRESS_REMARKS": "Bemerkungen zum Ort",
    "CERTIFICATE_STATUS": "Zertifizierungsstatus",
    "CONTACT_REMARKS": "Bemerkungen zur Ansprechperson",
    "CREDITS": "angerechnete Vorleistungen",
    "DATE_REMARKS": "Bemerkungen zum Zeitraum",
    "DEGREE_ADD_QUALIFICATION": "Zusatzberechtigungen",
    "DEGREE_DESCRIPTION": "Beschreibung des Abschlusses",
    "DEGREE_ENTITLED": "erworbene Berechtigung",
    "DEGREE_EXAM": "Abschlussprüfung",
    "DESCRIPTION_LONG": "Langbeschreibung",
    "DIGITAL_ACCESSIBILITY_REMARKS": "Hinweise zur digitalen Barrierefreiheit",
    "EXECUTION_FORM": "Durchführungsform",
    "FUNDING_TYPES_FEDERAL": "Förderart bundesweit",
    "FUNDING_TYPES_REGIONAL": "Förderart Bundesländer",
    "FUNDING_TYPES_REMARKS": "Zusatzinfo Förderart",
    "HANDICAP": "Behinderungen",
    "INSTRUCTION_FORM": "Unterrichtsform",
    "INSTRUCTOR": "Referent:innen",
    "KEYWORD": "Schlagwort",
    "MARKETINGTEXT": "Vertriebstext",
    "MIME_INFO": "Bilder und Dokumente",
    "MIME_SOURCE": "Link",
    "MODULE_COURSE": "Termin im Angebotseintrag",
    "MODULE_ORGANIZER": "durchführende Einrichtung",
    "PRICE_AMOUNT": "Preis",
    "REMARKS": "Bemerkung",
    "SERVICE_CLASSIFICATION": "Klassifikation",
    "SERVICE_REFERENCE": "Verweis auf ein anderes Angebot",
    "STUDY_COURSE": "Angaben zum Studium",
    "SUBSIDY": "Fördermöglichkeiten",
    "SUBSIDY_DESCRIPTION": "Beschreibung der Förderung",
    "SUBSIDY_INSTITUTION": "Fördereinrichtung",
    "TARGET_GROUP": "Zielgruppe",
    "TARGET_GROUP_TEXT": "Zielgruppe",
    "TEACHING_LANGUAGES": "Unterrichtssprache",
    "TEACHING_LANGUAGES_REMARKS": "Hinweise zur Unterrichtssprache",
    "TERMS_AND_CONDITIONS": "allgemeine Regelungen",
    "URL": "Internetadresse",
}


def element_label(path: str) -> str:
    """ "Zielgruppe (TARGET_GROUP/TARGET_GROUP_TEXT)" for a path the report names; CSV
    columns and unknown elements as they are."""
    label = ELEMENT_LABELS.get(path.rsplit("/", 1)[-1])
    return f"{label} ({path})" if label else path
