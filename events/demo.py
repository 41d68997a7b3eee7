"""Demo events for `make run`: information days, workshops, dialogues, a conference and an
open day of the demo institutions, dated relative to today so that the calendar always has
a month ahead, one past event for the archive and one cancelled event.

Keyed on (institution, title) and written only when something differs, so a second run on
the same day changes nothing. Called by `manage.py load_demo` after the demo offers.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from events.models import Event, EventRegistration, EventStatus
from network.demo import demo_upsert
from network.models import Institution
from network.services import institution_mark_published
from offerings.models import TargetGroup


@dataclass
class DemoEvent:
    institution: str
    kind: str
    title: str
    summary: str
    description: str
    days: int  # from today
    start: tuple[int, int]
    hours: float
    place: tuple[str, str, str, str, str] = (
        "",
        "",
        "",
        "",
        "",
    )  # name, street, PLZ, city, district
    online_url: str = ""
    price: str = "0"
    price_notes: str = ""
    registration_mode: str = "none"
    registration_url: str = ""
    seats: int | None = None
    target_groups: list[str] = field(default_factory=list)
    audience_notes: str = ""
    wheelchair_accessible: bool = True
    accessibility_notes: str = ""
    status: str = EventStatus.PUBLISHED
    registrations: int = 0


EVENTS = [
    DemoEvent(
        institution="agentur-fuer-arbeit-aalen",
        kind="info_day",
        title="Infotag Weiterbildung und Förderung",
        summary="Bildungsgutschein, Qualifizierungschancengesetz, Aufstiegs-BAföG: "
        "Beraterinnen und Berater beantworten Ihre Fragen.",
        description="Am Infotag stellen die Agentur für Arbeit und Bildungsträger aus der "
        "Region ihre Angebote vor.\n\n## Programm\n\n- 9:00 Begrüßung\n"
        "- 9:30 Vortrag: Welche Förderung passt zu mir?\n- ab 10:30 Beratung an den Ständen\n\n"
        "Bringen Sie gern Ihren Lebenslauf mit.",
        days=9,
        start=(9, 0),
        hours=4,
        place=(
            "Agentur für Arbeit Aalen",
            "Julius-Bausch-Straße 12",
            "73430",
            "Aalen",
            "ostalbkreis",
        ),
        target_groups=["arbeitsuchende", "berufsrueckkehrende", "beschaeftigte"],
        accessibility_notes="Aufzug vorhanden; Gebärdensprachdolmetschung auf Anfrage "
        "bis eine Woche vorher.",
    ),
    DemoEvent(
        institution="vhs-aalen",
        kind="workshop",
        title="Workshop: Digitale Bewerbung",
        summary="Lebenslauf, Anschreiben und Online-Bewerbungsportale Schritt für Schritt.",
        description="In kleiner Gruppe erstellen Sie Ihre Bewerbungsunterlagen am Rechner. "
        "Laptops sind vorhanden.",
        days=5,
        start=(17, 30),
        hours=3,
        place=("VHS Aalen, Raum 2.04", "Gmünder Straße 9", "73430", "Aalen", "ostalbkreis"),
        price="15",
        price_notes="Mit Bildungsgutschein oder Jobcenter-Zusage kostenlos.",
        registration_mode="portal",
        seats=12,
        target_groups=["arbeitsuchende", "berufsrueckkehrende"],
        registrations=12,
    ),
    DemoEvent(
        institution="landratsamt-heidenheim",
        kind="municipal_dialogue",
        title="Dialog mit den Kommunen: Fachkräfte im Landkreis Heidenheim",
        summary="Bürgermeisterinnen, Bürgermeister und Wirtschaftsförderungen im Gespräch "
        "mit dem Netzwerk.",
        description="Wie halten wir Fachkräfte in der Region? Das Netzwerk stellt Zahlen und "
        "Projekte vor, danach Austausch in Arbeitsgruppen.",
        days=16,
        start=(14, 0),
        hours=3,
        place=(
            "Landratsamt Heidenheim, Großer Sitzungssaal",
            "Felsenstraße 36",
            "89518",
            "Heidenheim an der Brenz",
            "heidenheim",
        ),
        registration_mode="external",
        registration_url="https://example.org/landratsamt-heidenheim/anmeldung/",
        audience_notes="Verwaltungen und Gemeinderäte der Kommunen",
    ),
    DemoEvent(
        institution="agentur-q",
        kind="citizen_dialogue",
        title="Bürgerdialog: Weiterbildung im Wandel der Arbeitswelt",
        summary="Was bedeutet die Transformation für meinen Arbeitsplatz? Offene "
        "Gesprächsrunde mit Betriebsräten und Unternehmen.",
        description="Offenes Format ohne Anmeldung. Es gibt Kaffee und Brezeln.",
        days=23,
        start=(18, 0),
        hours=2,
        place=(
            "Rathaus Schwäbisch Gmünd, Prediger",
            "Johannisplatz 3",
            "73525",
            "Schwäbisch Gmünd",
            "ostalbkreis",
        ),
        target_groups=["beschaeftigte"],
    ),
    DemoEvent(
        institution="hochschule-aalen",
        kind="conference",
        title="Konferenz Zukunftskompetenzen Ostwürttemberg",
        summary="Ein Tag zu Digitalisierung, KI und lebenslangem Lernen in Unternehmen der Region.",
        description="Vorträge, Praxisforen und Markt der Möglichkeiten. Die Teilnahme vor Ort "
        "oder online ist möglich.",
        days=37,
        start=(9, 30),
        hours=7.5,
        place=("Hochschule Aalen, Aula", "Beethovenstraße 1", "73430", "Aalen", "ostalbkreis"),
        online_url="https://example.org/hochschule-aalen/konferenz-live/",
        price="49",
        price_notes="Online-Teilnahme kostenlos.",
        registration_mode="portal",
        seats=150,
        target_groups=["unternehmen-fuehrungskraefte", "beschaeftigte"],
        registrations=3,
    ),
    DemoEvent(
        institution="bildungszentrum-brenztal",
        kind="open_day",
        title="Tag der offenen Tür im Bildungszentrum Brenztal",
        summary="Werkstätten, Schulungsräume und Kurse kennenlernen, CNC-Maschine ausprobieren.",
        description="Für Familien, Schulabgänger und alle, die sich beruflich verändern möchten.",
        days=30,
        start=(10, 0),
        hours=6,
        place=(
            "Bildungszentrum Brenztal",
            "Bahnhofstraße 20",
            "89542",
            "Herbrechtingen",
            "heidenheim",
        ),
    ),
    DemoEvent(
        institution="ihk-ostwuerttemberg",
        kind="info_day",
        title="Online-Infoabend: Aufstiegsfortbildungen",
        summary="Fachwirt, Meister, Betriebswirt: Wege, Dauer, Kosten und Aufstiegs-BAföG.",
        description="Online über ein Videokonferenz-Werkzeug im Browser; der Link steht hier "
        "und kommt mit der Bestätigung.",
        days=12,
        start=(18, 30),
        hours=1.5,
        online_url="https://example.org/ihk-ostwuerttemberg/infoabend/",
        registration_mode="portal",
        seats=80,
        target_groups=["beschaeftigte"],
        accessibility_notes="Mit Live-Untertiteln.",
    ),
    DemoEvent(
        institution="vhs-heidenheim",
        kind="workshop",
        title="Workshop: Lernen lernen",
        summary="Lerntechniken für den Wiedereinstieg in Kurs und Prüfung.",
        description="Wie lerne ich neben Beruf und Familie? Praktische Techniken.",
        days=-14,
        start=(9, 0),
        hours=3,
        place=("VHS Heidenheim", "Karlstraße 13", "89518", "Heidenheim an der Brenz", "heidenheim"),
    ),
    DemoEvent(
        institution="pflegeakademie-ostalb",
        kind="info_day",
        title="Infotag Umschulung in der Pflege",
        summary="Ausbildung zur Pflegefachkraft in Teilzeit und mit Förderung.",
        description="Wegen Krankheit muss der Infotag leider ausfallen. Ein neuer Termin folgt.",
        days=19,
        start=(15, 0),
        hours=2,
        place=("Pflegeakademie Ostalb", "Wilhelm-Merz-Straße 4", "73430", "Aalen", "ostalbkreis"),
        status=EventStatus.CANCELLED,
    ),
]


def _aware(today: datetime.date, days: int, start: tuple[int, int]) -> datetime.datetime:
    day = today + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, *start))


def demo_events_load(*, today: datetime.date | None = None) -> int:
    """Create or refresh the demo events (and a few demo registrations); returns how many."""
    today = today or timezone.localdate()
    institutions = Institution.objects.in_bulk([e.institution for e in EVENTS], field_name="slug")
    groups = TargetGroup.objects.in_bulk(field_name="slug")
    count = 0
    for spec in EVENTS:
        institution = institutions.get(spec.institution)
        if institution is None:
            continue
        starts = _aware(today, spec.days, spec.start)
        name, street, postcode, city, district = spec.place
        event = demo_upsert(
            Event,
            lookup={"institution": institution, "title": spec.title},
            values={
                "kind": spec.kind,
                "summary": spec.summary,
                "description": spec.description,
                "audience_notes": spec.audience_notes,
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=spec.hours),
                "venue_name": name,
                "street": street,
                "postcode": postcode,
                "city": city,
                "district": district,
                "online_url": spec.online_url,
                "wheelchair_accessible": spec.wheelchair_accessible,
                "accessibility_notes": spec.accessibility_notes,
                "price": Decimal(spec.price),
                "price_notes": spec.price_notes,
                "registration_mode": spec.registration_mode,
                "registration_url": spec.registration_url,
                "seats": spec.seats,
                "contact_email": institution.email,
                "status": spec.status,
            },
        )
        if event.published_at is None:
            event.published_at = timezone.now()
            Event.objects.filter(pk=event.pk).update(published_at=event.published_at)
        institution_mark_published(institution=institution, when=event.published_at)
        wanted = {groups[s].pk for s in spec.target_groups if s in groups}
        if set(event.target_groups.values_list("pk", flat=True)) != wanted:
            event.target_groups.set(wanted)
        for number in range(1, spec.registrations + 1):
            EventRegistration.objects.get_or_create(
                event=event,
                email=f"teilnahme{number}.{event.pk}@example.org",
                defaults={"name": f"Demo-Teilnehmer {number}", "status": "confirmed"},
            )
        count += 1
    return count
