"""Demo content of counselling for `load_demo`: counselling services of the demo
institutions, a few requests in the demo counsellor's queue, and company needs of which
one group is a chance for a joint course.

Keyed on (institution, name), the reference and a fixed submission key: running it again
creates nothing new. No mail is sent: requests are written directly, not submitted.
"""

import datetime
import uuid

from django.utils import timezone

from counselling.models import CompanyNeed, CounsellingRequest, CounsellingService, EventKind
from counselling.periods import period_choices
from counselling.services import request_route
from network.models import Institution

# (institution slug, name, kind, situations, districts, languages, channels, hours, phone)
SERVICES = [
    (
        "agentur-fuer-arbeit-aalen",
        "Berufsberatung im Erwerbsleben",
        "career",
        ["job_seeking", "returning", "employed"],
        ["ostalbkreis", "heidenheim"],
        ["de", "en", "tr", "ar", "uk"],
        ["phone", "video", "in_person"],
        "Mo–Fr 8–12:30 Uhr, Do bis 18 Uhr",
        "0800 4 5555 00",
    ),
    (
        "agentur-fuer-arbeit-aalen",
        "Arbeitgeber-Service: Qualifizierungsberatung",
        "company",
        ["company"],
        ["ostalbkreis", "heidenheim"],
        ["de", "en"],
        ["phone", "video", "in_person"],
        "Mo–Fr 8–16 Uhr",
        "0800 4 5555 20",
    ),
    (
        "regionalbuero-fortbildung-ostwuerttemberg",
        "Weiterbildungsberatung des Regionalbüros",
        "continuing_education",
        ["job_seeking", "returning", "employed", "company"],
        ["ostalbkreis", "heidenheim"],
        ["de", "en", "ru"],
        ["phone", "video", "in_person"],
        "Di und Do 9–12 Uhr, sonst nach Vereinbarung",
        "07361 555 100",
    ),
    (
        "vhs-heidenheim",
        "Lernberatung und Anerkennung",
        "recognition",
        ["job_seeking", "returning", "employed"],
        ["heidenheim"],
        ["de", "tr", "ar", "ro"],
        ["phone", "in_person"],
        "Mi 14–17 Uhr",
        "07321 555 200",
    ),
]

# (reference, name, district, situation, topic, language, days ago, status, outcome)
REQUESTS = [
    ("BQ-DEMO01", "Sabine K.", "ostalbkreis", "returning", "career_change", "de", 2, "new", ""),
    (
        "BQ-DEMO02",
        "Oleksandr P.",
        "ostalbkreis",
        "job_seeking",
        "funding",
        "uk",
        9,
        "in_contact",
        "",
    ),
    ("BQ-DEMO03", "M. Yılmaz", "heidenheim", "employed", "career_change", "tr", 40, "new", ""),
    (
        "BQ-DEMO04",
        "Jonas",
        "ostalbkreis",
        "employed",
        "continuing_education",
        "de",
        60,
        "closed",
        "course",
    ),
]

# (topic slug, participants, district, size band, sector, company name)
NEEDS = [
    ("metall-elektro", 6, "ostalbkreis", "lt50", "industry", "Metallbau Kessler GmbH"),
    ("metall-elektro", 4, "ostalbkreis", "lt250", "industry", "Präzisionsteile Aalen GmbH"),
    ("metall-elektro", 3, "ostalbkreis", "lt10", "craft", "Schlosserei Brenner"),
    ("it-digitalisierung", 8, "heidenheim", "lt250", "services", "Logistik Brenztal GmbH"),
    ("pflege-gesundheit", 5, "heidenheim", "lt50", "health", "Pflegedienst Giengen"),
]

NAMESPACE = uuid.UUID("6f1d3c1e-6a38-4d4e-9a57-2b1c0c3a6e06")


def demo_counselling_load() -> int:
    """Create the demo services, requests and needs once; return the number of requests."""
    from offerings.models import Topic

    institutions = Institution.objects.in_bulk(field_name="slug")
    for slug, name, kind, situations, districts, languages, channels, hours, phone in SERVICES:
        if slug not in institutions:
            continue
        CounsellingService.objects.update_or_create(
            institution=institutions[slug],
            name=name,
            defaults={
                "kind": kind,
                "situations": situations,
                "districts": districts,
                "languages": languages,
                "channels": channels,
                "opening_hours": hours,
                "contact_phone": phone,
                "contact_email": institutions[slug].email,
            },
        )
    now = timezone.now()
    for reference, name, district, situation, topic, language, days, status, outcome in REQUESTS:
        if CounsellingRequest.objects.filter(reference=reference).exists():
            continue
        route = request_route(
            district=district, situation=situation, language=language, topic=topic
        )
        created = now - datetime.timedelta(days=days)
        request = CounsellingRequest.objects.create(
            reference=reference,
            submission_key=uuid.uuid5(NAMESPACE, reference),
            name=name,
            email=f"{reference.lower()}@example.org",
            channel="phone",
            language=language,
            district=district,
            situation=situation,
            topic=topic,
            message="Demo-Anfrage: Ich möchte wissen, welche Weiterbildung zu mir passt.",
            consent_at=created,
            institution=route.service.institution if route.service else None,
            service=route.service,
            status=status,
            outcome=outcome,
            created_at=created,
            last_activity_at=created,
            closed_at=now - datetime.timedelta(days=days - 5) if status == "closed" else None,
        )
        request.events.create(
            kind=EventKind.ROUTED,
            institution=request.institution,
            detail=route.rule,
            created_at=created,
        )
    topics = Topic.objects.in_bulk(field_name="slug")
    period = period_choices()[1][0]
    for number, (topic, participants, district, size, sector, company) in enumerate(NEEDS):
        CompanyNeed.objects.get_or_create(
            submission_key=uuid.uuid5(NAMESPACE, f"need-{number}"),
            defaults={
                "topic": topics[topic],
                "participants": participants,
                "period": period,
                "format": "onsite",
                "district": district,
                "size_band": size,
                "sector": sector,
                "company_name": company,
                "contact_name": "Demo-Ansprechperson",
                "email": f"bedarf{number}@example.org",
                "consent_at": now,
            },
        )
    return CounsellingRequest.objects.count()
