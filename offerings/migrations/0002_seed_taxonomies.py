"""Seed the catalogue's taxonomies: target groups, topics (with the future skills), the funding
instruments of the network's funding navigator, and the delivery forms.

Keyed on the slug with get_or_create, so running it on a database where the network office has
already renamed or re-described a term leaves the office's wording alone. The data is written
out here rather than imported from the app: a migration must give the same result whatever the
code around it looks like later.
"""

from django.db import migrations

TARGET_GROUPS = [
    (
        "arbeitsuchende",
        "Arbeitsuchende",
        "Menschen ohne Arbeit oder mit drohender Arbeitslosigkeit.",
    ),
    (
        "berufsrueckkehrende",
        "Berufsrückkehrer:innen",
        "Menschen, die nach Familienzeit, Pflege oder Krankheit wieder in den Beruf einsteigen.",
    ),
    (
        "beschaeftigte",
        "Beschäftigte",
        "Menschen in einem Arbeitsverhältnis, die sich neben oder im Beruf weiterbilden.",
    ),
    (
        "an-und-ungelernte",
        "An- und Ungelernte",
        "Beschäftigte und Arbeitsuchende ohne anerkannten Berufsabschluss.",
    ),
    ("fachkraefte", "Fachkräfte", "Menschen mit abgeschlossener Berufsausbildung."),
    (
        "akademiker",
        "Akademiker:innen",
        "Menschen mit Hochschulabschluss oder Hochschulzugang, die sich spezialisieren.",
    ),
    (
        "auszubildende",
        "Auszubildende",
        "Menschen in einer Berufsausbildung, die Zusatzqualifikationen suchen.",
    ),
    (
        "menschen-mit-migrationsgeschichte",
        "Menschen mit Migrationsgeschichte",
        "Zugewanderte und Geflüchtete, die in Deutschland beruflich Fuß fassen.",
    ),
    (
        "aeltere-beschaeftigte",
        "Ältere Beschäftigte (55+)",
        "Beschäftigte ab 55 Jahren, die bis zur Rente fit im Beruf bleiben wollen.",
    ),
    (
        "unternehmen-fuehrungskraefte",
        "Unternehmen/Führungskräfte",
        "Betriebe, Personalverantwortliche und Führungskräfte.",
    ),
    (
        "selbststaendige",
        "Selbstständige",
        "Gründerinnen, Gründer, Selbstständige und Inhaber kleiner Betriebe.",
    ),
]

# (slug, name, is_future_skill, description)
TOPICS = [
    (
        "it-digitalisierung",
        "IT und Digitalisierung",
        False,
        "Büroanwendungen, IT-Administration, Programmierung, Daten und digitale Werkzeuge.",
    ),
    (
        "kaufmaennisches-verwaltung",
        "Kaufmännisches und Verwaltung",
        False,
        "Buchhaltung, Lohn, Büroorganisation, Controlling und Verwaltung.",
    ),
    (
        "metall-elektro",
        "Metall und Elektro",
        False,
        "Metallbearbeitung, Schweißen, Elektrotechnik und Elektrosicherheit.",
    ),
    (
        "technik-produktion",
        "Technik und Produktion",
        False,
        "CNC, Automatisierung, Instandhaltung, Qualitätssicherung und Fertigung.",
    ),
    (
        "pflege-gesundheit",
        "Pflege und Gesundheit",
        False,
        "Pflegehilfe, Betreuung, Praxisanleitung und Gesundheitsberufe.",
    ),
    (
        "erziehung-soziales",
        "Erziehung und Soziales",
        False,
        "Kindertagesbetreuung, Sozialarbeit, Erwachsenenbildung und Beratung.",
    ),
    ("sprachen", "Sprachen", False, "Fremdsprachen für Beruf und Alltag."),
    (
        "deutsch-als-zweitsprache",
        "Deutsch als Zweitsprache",
        False,
        "Deutschkurse für Beruf und Alltag, Integrations- und Berufssprachkurse.",
    ),
    (
        "grundbildung",
        "Grundbildung",
        False,
        "Lesen, Schreiben, Rechnen und digitale Grundkenntnisse für Erwachsene.",
    ),
    ("logistik", "Logistik", False, "Lager, Transport, Flurförderzeuge und Gefahrgut."),
    ("handel", "Handel", False, "Verkauf, Kundenberatung, E-Commerce und Handelsfachwirt."),
    (
        "fuehrung-management",
        "Führung und Management",
        False,
        "Führen, Projektmanagement, Personal und Unternehmensführung.",
    ),
    (
        "nachhaltigkeit-energie",
        "Nachhaltigkeit und Energie",
        False,
        "Energieeffizienz, erneuerbare Energien, Umwelt- und Klimaschutz im Betrieb.",
    ),
    (
        "handwerk-bau",
        "Handwerk und Bau",
        False,
        "Gewerke am Bau, Gebäudetechnik und Meistervorbereitung im Handwerk.",
    ),
    (
        "digitale-kompetenz",
        "Digitale Kompetenz",
        True,
        "Digitale Werkzeuge sicher und kritisch nutzen, mit Daten umgehen.",
    ),
    (
        "problemloesen",
        "Problemlösen",
        True,
        "Probleme erkennen, strukturiert analysieren und Lösungen umsetzen.",
    ),
    (
        "unternehmerisches-denken",
        "Unternehmerisches Denken",
        True,
        "Chancen erkennen, Verantwortung übernehmen, Ideen umsetzen.",
    ),
    (
        "teamarbeit-kommunikation",
        "Teamarbeit und Kommunikation",
        True,
        "Zusammenarbeiten, verständlich kommunizieren, Konflikte lösen.",
    ),
    (
        "lernfaehigkeit-anpassung",
        "Lernfähigkeit und Anpassung",
        True,
        "Selbstständig lernen und mit Veränderungen umgehen.",
    ),
    (
        "nachhaltigkeitsbewusstsein",
        "Nachhaltigkeitsbewusstsein",
        True,
        "Folgen des eigenen Handelns für Umwelt und Gesellschaft mitdenken.",
    ),
]

# The instruments of the funding navigator in ../shared/DOMAIN.md:
# (slug, name, legal_basis, short_name, description)
FUNDING_PROGRAMMES = [
    (
        "bildungsgutschein",
        "Bildungsgutschein",
        "§ 81 SGB III",
        "Bildungsgutschein",
        "Die Agentur für Arbeit oder das Jobcenter übernimmt die Kurskosten, wenn Sie arbeitslos "
        "sind, Ihnen Arbeitslosigkeit droht oder Ihnen ein verwertbarer Berufsabschluss fehlt. Vorher "
        "gibt es ein Beratungsgespräch; Kurs und Anbieter müssen nach AZAV zugelassen sein.",
    ),
    (
        "foerderung-beschaeftigter",
        "Förderung Beschäftigter",
        "§ 82 SGB III",
        "§ 82 SGB III",
        "Die Agentur für Arbeit zahlt einen Teil der Kurskosten für Beschäftigte, manchmal auch einen "
        "Zuschuss zum Lohn. Der Kurs dauert mehr als 120 Stunden und ist nach AZAV zugelassen; wie "
        "viel der Betrieb selbst trägt, hängt von seiner Größe ab.",
    ),
    (
        "qualifizierungsgeld",
        "Qualifizierungsgeld",
        "§ 82a SGB III",
        "Qualifizierungsgeld",
        "Wenn der Strukturwandel viele Arbeitsplätze in Ihrem Betrieb verändert, zahlt die Agentur "
        "für Arbeit während der Weiterbildung einen Lohnersatz. Der Betrieb trägt die Kurskosten; "
        "nötig ist eine Vereinbarung im Betrieb.",
    ),
    (
        "aufstiegs-bafoeg",
        "Aufstiegs-BAföG",
        "AFBG",
        "Aufstiegs-BAföG",
        "Für die Vorbereitung auf eine Aufstiegsprüfung wie Meister, Techniker oder Fachwirt, in "
        "jedem Alter. Die Hälfte der Kursgebühren ist ein Zuschuss, der Rest ein günstiges Darlehen, "
        "von dem bei bestandener Prüfung die Hälfte erlassen wird.",
    ),
    (
        "bildungszeit-bw",
        "Bildungszeit Baden-Württemberg",
        "BzG BW",
        "Bildungszeit BW",
        "Beschäftigte in Baden-Württemberg können sich bis zu fünf Arbeitstage im Jahr bezahlt für "
        "Weiterbildung freistellen lassen. Den Antrag stellen Sie mindestens neun Wochen vorher beim "
        "Arbeitgeber; die Kursgebühr zahlen Sie selbst.",
    ),
    (
        "esf-fachkurse-bw",
        "ESF-Plus Fachkurse Baden-Württemberg",
        "ESF Plus / L-Bank",
        "ESF-Fachkurs",
        "Das Land und der Europäische Sozialfonds zahlen 30 Prozent der Kursgebühr, 70 Prozent ab "
        "55 Jahren oder ohne Berufsabschluss. Für Beschäftigte, Selbstständige und Berufsrückkehrende "
        "in Baden-Württemberg.",
    ),
    (
        "weiterbildungsstipendium",
        "Weiterbildungsstipendium",
        "SBB",
        "Weiterbildungsstipendium",
        "Ein Stipendium für junge Fachkräfte unter 25 Jahren mit sehr gutem Berufsabschluss. Es "
        "zahlt einen Zuschuss zu Kursen, die Sie neben dem Beruf besuchen.",
    ),
]

# (slug, name, course_mode, needs_venue, description)
DELIVERY_FORMS = [
    ("praesenz", "Präsenz", "onsite", True, "Unterricht vor Ort in einer Gruppe."),
    (
        "online-live",
        "Online live",
        "online",
        False,
        "Unterricht in einem virtuellen Klassenzimmer zu festen Zeiten.",
    ),
    (
        "selbstlernkurs",
        "Selbstlernkurs",
        "online",
        False,
        "Lernen im eigenen Tempo mit Online-Material, meist mit Begleitung.",
    ),
    (
        "blended-learning",
        "Blended Learning",
        "blended",
        True,
        "Präsenztermine vor Ort im Wechsel mit Online-Phasen.",
    ),
    (
        "fernunterricht",
        "Fernunterricht",
        "online",
        False,
        "Zugelassener Fernlehrgang mit Studienbriefen und Betreuung.",
    ),
]


def seed(apps, schema_editor):
    TargetGroup = apps.get_model("offerings", "TargetGroup")
    Topic = apps.get_model("offerings", "Topic")
    FundingProgramme = apps.get_model("offerings", "FundingProgramme")
    DeliveryForm = apps.get_model("offerings", "DeliveryForm")

    for position, (slug, name, description) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for position, (slug, name, future, description) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "is_future_skill": future,
                "position": position,
            },
        )
    for position, (slug, name, legal_basis, short_name, description) in enumerate(
        FUNDING_PROGRAMMES
    ):
        FundingProgramme.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "legal_basis": legal_basis,
                "short_name": short_name,
                "description": description,
                "position": position,
            },
        )
    for position, (slug, name, course_mode, needs_venue, description) in enumerate(DELIVERY_FORMS):
        DeliveryForm.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "course_mode": course_mode,
                "needs_venue": needs_venue,
                "description": description,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("offerings", "0001_initial")]

    # Reverse is a no-op: the terms may be in use by offers, and 0001's reverse drops the tables.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
