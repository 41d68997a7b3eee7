"""Demo content of counselling for `load_demo`: counselling services of the demo
institutions, a few requests in the demo counsellor's queue, and company needs of which
one group is a chance for a joint course. The data is in data/*.toml, one file per kind.

Keyed on (institution, name), the reference and a fixed submission key: running it again
creates nothing new. No mail is sent: requests are written directly, not submitted.
"""

import datetime
import uuid

from django.utils import timezone

from common.demo import demo_data_read
from counselling.models import (
    CompanyNeed,
    CounsellingRequest,
    CounsellingService,
    EventKind,
    ServiceApproval,
)
from counselling.periods import period_choices
from counselling.services import request_route
from network.models import Institution
from offerings.models import Topic

NAMESPACE = uuid.UUID("6f1d3c1e-6a38-4d4e-9a57-2b1c0c3a6e06")


def demo_counselling_load() -> int:
    """Create the demo services, requests and needs once; return the number of requests."""
    institutions = Institution.objects.in_bulk(field_name="slug")
    for row in demo_data_read(__package__, "services.toml")["service"]:
        institution = institutions.get(row["institution"])
        if institution is None:
            continue
        CounsellingService.objects.update_or_create(
            institution=institution,
            name=row["name"],
            defaults={
                "kind": row["kind"],
                "situations": row["situations"],
                "districts": row["districts"],
                "languages": row["languages"],
                "channels": row["channels"],
                "opening_hours": row["opening_hours"],
                "contact_phone": row["contact_phone"],
                "contact_email": institution.email,
                "approval": ServiceApproval.APPROVED,
            },
        )
    now = timezone.now()
    for row in demo_data_read(__package__, "requests.toml")["requests"]:
        reference, status, days = row["reference"], row["status"], row["days_ago"]
        if CounsellingRequest.objects.filter(reference=reference).exists():
            continue
        route = request_route(
            district=row["district"],
            situation=row["situation"],
            language=row["language"],
            topic=row["topic"],
        )
        created = now - datetime.timedelta(days=days)
        request = CounsellingRequest.objects.create(
            reference=reference,
            submission_key=uuid.uuid5(NAMESPACE, reference),
            name=row["name"],
            email=f"{reference.lower()}@example.org",
            channel="phone",
            language=row["language"],
            district=row["district"],
            situation=row["situation"],
            topic=row["topic"],
            message="Demo-Anfrage: Ich möchte wissen, welche Weiterbildung zu mir passt.",
            consent_at=created,
            institution=route.service.institution if route.service else None,
            service=route.service,
            status=status,
            outcome=row.get("outcome", ""),
            placement_course=row.get("placement_course", ""),
            placement_funding=row.get("placement_funding", ""),
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
    for number, row in enumerate(demo_data_read(__package__, "needs.toml")["needs"]):
        CompanyNeed.objects.get_or_create(
            submission_key=uuid.uuid5(NAMESPACE, f"need-{number}"),
            defaults={
                "reference": f"BD-DEMO{number:02d}",
                "topic": topics[row["topic"]],
                "participants": row["participants"],
                "period": period,
                "format": "onsite",
                "district": row["district"],
                "size_band": row["size_band"],
                "sector": row["sector"],
                "company_name": row["company_name"],
                "contact_name": "Demo-Ansprechperson",
                "email": f"bedarf{number}@example.org",
                "consent_at": now,
            },
        )
    return CounsellingRequest.objects.count()
