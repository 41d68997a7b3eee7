"""Reads of the counselling app: the public directory, the counsellors' queue, the office's
lists and the demand board (the figures for the steering circle are in counselling.stats)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from counselling.models import (
    CompanyNeed,
    CounsellingRequest,
    CounsellingService,
    JointMeasure,
    RequestStatus,
)
from network.models import District, Institution

# A group of needs on one topic, in one district and period, with this many companies is
# a chance for a joint course.
JOINT_COURSE_MIN_COMPANIES = 3


def service_list_for_directory(
    *, kind: str = "", district: str = "", language: str = ""
) -> list[CounsellingService]:
    """Listed services (approved and active) for the public directory, filtered in Python:
    the lists are JSON and the directory holds a few dozen services."""
    services = CounsellingService.objects.listed().select_related("institution")
    if kind:
        services = services.filter(kind=kind)
    return [
        s
        for s in services
        if (not district or district in s.districts) and (not language or language in s.languages)
    ]


def request_queue(
    *,
    institution_ids: list[int] | None,
    status: str = "",
    situation: str = "",
    district: str = "",
    mine_of=None,
    unclaimed: bool = False,
    escalated: bool = False,
) -> QuerySet[CounsellingRequest]:
    """The queue: requests of `institution_ids` (None: all, for the network office),
    newest open ones first. No personal data is shown in the list."""
    requests = CounsellingRequest.objects.select_related("institution", "claimed_by")
    if institution_ids is not None:
        requests = requests.filter(institution_id__in=institution_ids)
    if status:
        requests = requests.filter(status=status)
    else:
        requests = requests.exclude(status=RequestStatus.CLOSED)
    if situation:
        requests = requests.filter(situation=situation)
    if district:
        requests = requests.filter(district=district)
    if mine_of is not None:
        requests = requests.filter(claimed_by=mine_of)
    if unclaimed:
        requests = requests.filter(claimed_by__isnull=True)
    if escalated:
        requests = requests.filter(Q(escalated_at__isnull=False) | Q(institution__isnull=True))
    return requests.order_by("created_at")


def request_handover_targets(*, request: CounsellingRequest) -> QuerySet[Institution]:
    """Institutions with a listed counselling service, except the current one."""
    return (
        Institution.objects.active()
        .filter(
            counselling_services__in=CounsellingService.objects.listed(),
        )
        .exclude(pk=request.institution_id or 0)
        .distinct()
        .order_by("name")
    )


def person_data_find(*, contact: str) -> tuple[list[CounsellingRequest], list[CompanyNeed]]:
    """Requests and needs stored under an email address or phone number."""
    contact = contact.strip()
    if not contact:
        return [], []
    if "@" in contact:
        requests = CounsellingRequest.objects.filter(email__iexact=contact)
        needs = CompanyNeed.objects.filter(email__iexact=contact)
    else:
        digits = "".join(c for c in contact if c.isdigit())
        requests = [
            r
            for r in CounsellingRequest.objects.exclude(phone="")
            if "".join(c for c in r.phone if c.isdigit()) == digits
        ]
        needs = [
            n
            for n in CompanyNeed.objects.exclude(phone="")
            if "".join(c for c in n.phone if c.isdigit()) == digits
        ]
    return list(requests), list(needs)


# --- demand board -----------------------------------------------------------------------


@dataclass
class DemandGroup:
    topic: object
    district: str
    period: str
    needs: list[CompanyNeed] = field(default_factory=list)

    @property
    def companies(self) -> int:
        """Distinct companies: the same address twice is one company."""
        return len({(n.email or n.company_name or f"#{n.pk}").lower() for n in self.needs})

    @property
    def participants(self) -> int:
        return sum(n.participants for n in self.needs)

    @property
    def is_joint_course_chance(self) -> bool:
        return self.companies >= JOINT_COURSE_MIN_COMPANIES

    @property
    def district_label(self) -> str:
        return str(District(self.district).label)

    @property
    def key(self) -> str:
        return f"{self.topic.pk}:{self.district}:{self.period}"


def demand_board(*, today: datetime.date | None = None) -> list[DemandGroup]:
    """Open needs (not yet part of a joint measure, not met) grouped by topic, district and
    period; the chances for a joint course first, then by size."""
    groups: dict[tuple, DemandGroup] = {}
    needs = (
        CompanyNeed.objects.not_withdrawn()
        .filter(joint_measure__isnull=True, met_at__isnull=True)
        .select_related("topic")
        .order_by("created_at")
    )
    for need in needs:
        key = (need.topic_id, need.district, need.period)
        if key not in groups:
            groups[key] = DemandGroup(topic=need.topic, district=need.district, period=need.period)
        groups[key].needs.append(need)
    return sorted(
        groups.values(),
        key=lambda g: (
            not g.is_joint_course_chance,
            -g.companies,
            g.topic.name,
            g.district,
            g.period,
        ),
    )


def demand_group_get(*, topic_id: int, district: str, period: str) -> DemandGroup | None:
    for group in demand_board():
        if group.topic.pk == topic_id and group.district == district and group.period == period:
            return group
    return None


def joint_measure_list() -> QuerySet[JointMeasure]:
    return JointMeasure.objects.select_related("topic", "offer").order_by("-created_at")


def _company_key(need: CompanyNeed) -> str:
    return (need.email or need.company_name or f"#{need.pk}").lower()


def demand_group_chance_reached_at(group: DemandGroup) -> datetime.datetime | None:
    """When `group` became a chance: the arrival of the need that brought its companies to
    the threshold (the needs are in order of arrival); None when it is none."""
    seen: set[str] = set()
    for need in sorted(group.needs, key=lambda n: (n.created_at, n.pk)):
        seen.add(_company_key(need))
        if len(seen) >= JOINT_COURSE_MIN_COMPANIES:
            return need.created_at
    return None


def demand_chances() -> list[tuple[DemandGroup, datetime.datetime]]:
    """The board's open groups that are chances for a joint course, each with when it
    became one (for the working groups' weekly digest), the newest first."""
    found = []
    for group in demand_board():
        reached = demand_group_chance_reached_at(group)
        if group.is_joint_course_chance and reached is not None:
            found.append((group, reached))
    return sorted(found, key=lambda item: item[1], reverse=True)


def request_get_by_reference(*, reference: str) -> CounsellingRequest | None:
    """A request with where it went, for the page after sending it (the session holds the
    reference), or None when it is gone."""
    return (
        CounsellingRequest.objects.select_related("institution", "service")
        .filter(reference=reference)
        .first()
    )
