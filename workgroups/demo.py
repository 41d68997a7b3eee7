"""Demo content of the bodies for `load_demo`: meetings, published minutes with decisions,
action items (one of them overdue) and measures, so a demo login sees a working area.

Keyed on (body, title): running it again creates nothing new and changes nothing, as
`load_demo` promises. It expects network.demo to have loaded the people and institutions;
the groups themselves come from a migration.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from network.demo import PEOPLE, demo_roles_prune, demo_upsert
from network.models import Institution, SteeringCircleMember, SteeringRole
from workgroups.models import (
    ActionItem,
    Measure,
    Meeting,
    Milestone,
    WorkingGroup,
    WorkingGroupMember,
)
from workgroups.services import minutes_save

DOMAIN = "beweqo.example"


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# body slug → meetings: (title, days from today, place, agenda, minutes text, decisions)
MEETINGS = {
    "unternehmen": [
        (
            "Auftakt Qualifizierungsverbund Metall",
            -21,
            "IHK Ostwürttemberg, Heidenheim",
            "1. Bedarfe der Betriebe\n2. Verbundmanagement\n3. Förderung",
            "## Bedarfe der Betriebe\n\nVier Betriebe aus dem Raum Aalen melden Bedarf an "
            "**Schweißtechnik** und **CNC-Programmierung** für insgesamt 23 Beschäftigte.\n\n"
            "## Förderung\n\nDie Agentur für Arbeit prüft die Förderung nach §82 SGB III; "
            "das Regionalbüro berät die Betriebe anbieterneutral.",
            [
                "Die AG startet einen Qualifizierungsverbund Metall mit vier Betrieben.",
                "Das Regionalbüro übernimmt die Lotsenfunktion zur Förderung.",
            ],
        ),
        (
            "Verbundtreffen Frühjahr",
            12,
            "Hochschule Aalen, Raum G 2.21",
            "1. Stand Verbund\n2. Termine",
            "",
            [],
        ),
    ],
    "arbeitsuchende-und-rueckkehrende": [
        (
            "Teilqualifizierungen im Überblick",
            -14,
            "Agentur für Arbeit Aalen",
            "1. Angebote Teilqualifizierung\n2. Infotag",
            "Die Jobcenter berichten, dass Teilqualifizierungen mit **Bildungsgutschein** gut "
            "angenommen werden. Rückkehrerinnen wünschen Kurse in Teilzeit.",
            ["Ein Infotag für Berufsrückkehrer:innen findet im Herbst in Heidenheim statt."],
        ),
    ],
    "beschaeftigte": [
        (
            "Bildungszeit bekannter machen",
            -10,
            "online",
            "1. Bildungszeit BW\n2. Aufstiegs-BAföG",
            "Beschäftigte kennen die **Bildungszeit** oft nicht. Die IG Metall und die Agentur Q "
            "schlagen Betriebsversammlungen als Weg vor.",
            ["Die AG erstellt ein Merkblatt zur Bildungszeit in Leichter Sprache."],
        ),
    ],
    "aussendarstellung": [
        (
            "Weiterbildungstag 2027 planen",
            20,
            "Wirtschaftsregion Ostwürttemberg, Heidenheim",
            "1. Termin und Ort\n2. Programm",
            "",
            [],
        ),
    ],
    "steuerkreis": [
        (
            "Steuerkreis: Jahresplanung",
            -30,
            "Landratsamt Ostalbkreis, Aalen",
            "1. Berichte der Arbeitsgruppen\n2. Schwerpunkte",
            "Die Arbeitsgruppen berichten. Schwerpunkt des Jahres ist die **Weiterbildung in "
            "kleinen Betrieben**; die AG Unternehmen führt dazu den Qualifizierungsverbund.",
            ["Schwerpunkt des Jahres: Weiterbildung in kleinen und mittleren Betrieben."],
        ),
    ],
}

# body slug → (title, person local part or "", days until due or None, status)
ACTION_ITEMS = {
    "unternehmen": [
        ("Bedarfsliste der Betriebe zusammenführen", "ag-leitung", -3, "open"),
        ("Förderfähigkeit nach §82 SGB III prüfen", "s.wiedmann", 10, "in_progress"),
        ("Verbundvertrag entwerfen", "c.lang", 25, "open"),
    ],
    "arbeitsuchende-und-rueckkehrende": [
        ("Raum für den Infotag reservieren", "a.demir", 14, "open"),
    ],
    "beschaeftigte": [
        ("Merkblatt Bildungszeit in Leichter Sprache", "m.roth", 30, "open"),
    ],
    "steuerkreis": [
        ("Jahresbericht an die Landkreise", "steuerkreis", 21, "open"),
    ],
}

# body slug → (title, goal, target group, responsible, status, public, result, milestones)
MEASURES = {
    "unternehmen": [
        (
            "Qualifizierungsverbund Metall",
            "Vier Betriebe schulen ihre Beschäftigten gemeinsam in Schweißtechnik und CNC.",
            "kleine und mittlere Metallbetriebe",
            "ag-leitung",
            "running",
            True,
            "",
            [("Bedarf erhoben", -20, True), ("Erster Verbundkurs", 45, False)],
        ),
        (
            "Lotsendienst Förderung",
            "Betriebe finden in einem Gespräch die passende Förderung.",
            "Betriebe unter 50 Beschäftigten",
            "c.lang",
            "idea",
            False,
            "",
            [],
        ),
    ],
    "arbeitsuchende-und-rueckkehrende": [
        (
            "Infotag Wiedereinstieg",
            "Rückkehrer:innen lernen Kurse, Beratung und Förderung an einem Tag kennen.",
            "Berufsrückkehrer:innen",
            "s.wiedmann",
            "completed",
            True,
            "120 Besucher:innen, 35 Beratungsgespräche am Tag selbst.",
            [],
        ),
    ],
    "beschaeftigte": [
        (
            "Merkblatt Bildungszeit",
            "Beschäftigte wissen, dass ihnen fünf Tage Bildungszeit im Jahr zustehen.",
            "Beschäftigte in Baden-Württemberg",
            "j.bader",
            "planned",
            True,
            "",
            [],
        ),
    ],
}


# group slug → (lead institution slug, [(person key, represented institution slug, role)])
WORKING_GROUPS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "arbeitsuchende-und-rueckkehrende": (
        "agentur-fuer-arbeit-aalen",
        [
            ("aa", "agentur-fuer-arbeit-aalen", "lead"),
            ("jc-hdh", "jobcenter-heidenheim", "deputy"),
            ("jc-oak", "jobcenter-ostalbkreis", "member"),
            ("vhs-hdh", "vhs-heidenheim", "member"),
            ("brenztal", "bildungszentrum-brenztal", "member"),
        ],
    ),
    "unternehmen": (
        "ihk-ostwuerttemberg",
        [
            ("lead", "ihk-ostwuerttemberg", "lead"),
            ("swm", "suedwestmetall-ostwuerttemberg", "deputy"),
            ("agq", "agentur-q", "member"),
            ("hs-aalen", "hochschule-aalen", "member"),
            ("regionalbuero", "regionalbuero-fortbildung-ostwuerttemberg", "member"),
        ],
    ),
    "beschaeftigte": (
        "ig-metall-aalen",
        [
            ("igm", "ig-metall-aalen", "lead"),
            ("agq", "agentur-q", "deputy"),
            ("dhbw", "dhbw-heidenheim", "member"),
            ("vhs-hdh", "vhs-heidenheim", "member"),
            ("regionalbuero", "regionalbuero-fortbildung-ostwuerttemberg", "member"),
        ],
    ),
    "aussendarstellung": (
        "wirtschaftsregion-ostwuerttemberg",
        [
            ("wro", "wirtschaftsregion-ostwuerttemberg", "lead"),
            ("chair", "landratsamt-ostalbkreis", "member"),
            ("ph", "ph-schwaebisch-gmuend", "member"),
            ("zsl", "zsl-regionalstelle-schwaebisch-gmuend", "member"),
        ],
    ),
}


def demo_group_members_load() -> None:
    """Give each of the four working groups (made by a migration) a lead institution and
    members, among them the demo login that leads a group."""
    people = {
        person.key: user
        for person in PEOPLE
        if (user := get_user_model().objects.filter(email=person.email).first())
    }
    institutions = Institution.objects.in_bulk(field_name="slug")
    groups = WorkingGroup.objects.in_bulk(list(WORKING_GROUPS), field_name="slug")
    kept = []
    for slug, (lead_slug, members) in WORKING_GROUPS.items():
        group = groups[slug]
        if group.lead_institution_id != institutions[lead_slug].pk:
            group.lead_institution = institutions[lead_slug]
            group.save(update_fields=["lead_institution"])
        for key, institution_slug, role in members:
            member = demo_upsert(
                WorkingGroupMember,
                lookup={"group": group, "person": people[key]},
                values={"institution": institutions[institution_slug], "role": role},
            )
            kept.append(member.pk)
    demo_roles_prune(WorkingGroupMember, person_field="person", people=people, kept=kept)


def _people() -> dict[str, object]:
    users = get_user_model().objects.filter(email__endswith=f"@{DOMAIN}")
    return {user.email.split("@")[0]: user for user in users}


@transaction.atomic
def demo_workgroups_load() -> int:
    """Create the demo content of the bodies once; return how many meetings exist."""
    demo_group_members_load()
    groups = WorkingGroup.objects.in_bulk(field_name="slug")
    people = _people()
    # The steering circle is led by its chair's institution, as a working group by its lead's.
    chair = SteeringCircleMember.objects.filter(role=SteeringRole.CHAIR).first()
    steering = groups["steuerkreis"]
    if chair is not None and steering.lead_institution_id != chair.institution_id:
        steering.lead_institution_id = chair.institution_id
        steering.save(update_fields=["lead_institution"])
    for slug, meetings in MEETINGS.items():
        group = groups[slug]
        for title, days, place, agenda, text, decisions in meetings:
            meeting, created = Meeting.objects.get_or_create(
                group=group,
                title=title,
                defaults={
                    "starts_at": _at(days, 14),
                    "ends_at": _at(days, 16),
                    "location": place if place != "online" else "",
                    "online_url": "https://konferenz.example/beweqo" if place == "online" else "",
                    "agenda": agenda,
                },
            )
            if created and text:
                attendees = [m.person for m in group.members.select_related("person")]
                minutes_save(
                    meeting=meeting,
                    edited_by=None,
                    text=text,
                    decisions=decisions,
                    attendees=attendees,
                    publish=True,
                    notify=False,
                )
    for slug, items in ACTION_ITEMS.items():
        group = groups[slug]
        meeting = group.meetings.order_by("starts_at").first()
        for title, person, days, status in items:
            ActionItem.objects.get_or_create(
                group=group,
                title=title,
                defaults={
                    "assignee": people.get(person),
                    "due_date": timezone.localdate() + datetime.timedelta(days=days),
                    "status": status,
                    "meeting": meeting,
                },
            )
    for slug, measures in MEASURES.items():
        group = groups[slug]
        for title, goal, target, person, status, public, result, milestones in measures:
            measure, created = Measure.objects.get_or_create(
                group=group,
                title=title,
                defaults={
                    "goal": goal,
                    "target_group": target,
                    "responsible": people.get(person),
                    "status": status,
                    "is_public": public,
                    "result": result,
                },
            )
            if created:
                Milestone.objects.bulk_create(
                    Milestone(
                        measure=measure,
                        title=name,
                        due_date=timezone.localdate() + datetime.timedelta(days=days),
                        done=done,
                    )
                    for name, days, done in milestones
                )
    return Meeting.objects.count()
