"""Reads of the counselling app: the public directory, the counsellors' queue, the office's
lists and the demand board (the figures for the steering circle are in counselling.stats)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from counselling.models import (
    BOARD_THRESHOLD_DEFAULT,
    BoardSettings,
    CompanyNeed,
    CounsellingRequest,
    CounsellingService,
    CourseWish,
    JointMeasure,
    RequestStatus,
)
from network.models import District, Institution

# Without a threshold set by the office, a group with this much demand (companies and
# course wishes together) is a chance for a joint course.
JOINT_COURSE_MIN_COMPANIES = BOARD_THRESHOLD_DEFAULT


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


def board_threshold_get() -> int:
    """The demand a group needs to be marked as a chance for a joint course: what the network
    office set on the board, else the default."""
    value = BoardSettings.objects.filter(pk=1).values_list("chance_threshold", flat=True).first()
    return value if value is not None else JOINT_COURSE_MIN_COMPANIES


@dataclass
class DemandGroup:
    """Open company needs on one catalogue topic, in one district and period, with the
    open course wishes of people on the same topic in the same district (wishes name no
    period, so they count in every period of their topic and district).

    Its demand is the number of distinct companies plus the number of wishes: a company
    asking for twelve places counts once, as a person asking for one; each wish counts,
    with its e-mail confirmed or not (a wish without an address has nothing to confirm)."""

    topic: object
    district: str
    period: str
    needs: list[CompanyNeed] = field(default_factory=list)
    wishes: list[CourseWish] = field(default_factory=list)
    threshold: int = JOINT_COURSE_MIN_COMPANIES

    @property
    def companies(self) -> int:
        """Distinct companies: the same address twice is one company."""
        return len({_company_key(n) for n in self.needs})

    @property
    def participants(self) -> int:
        return sum(n.participants for n in self.needs)

    @property
    def demand(self) -> int:
        return self.companies + len(self.wishes)

    @property
    def is_joint_course_chance(self) -> bool:
        return self.demand >= self.threshold

    @property
    def district_label(self) -> str:
        return str(District(self.district).label)

    @property
    def key(self) -> str:
        return f"{self.topic.pk}:{self.district}:{self.period}"


def demand_board(
    *, today: datetime.date | None = None, threshold: int | None = None
) -> list[DemandGroup]:
    """Open needs (not yet part of a joint measure, not met) grouped by topic, district and
    period, each with the open course wishes on its topic and district; the chances for a
    joint course (demand at the office's threshold or above) first, then by demand."""
    if threshold is None:
        threshold = board_threshold_get()
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
            groups[key] = DemandGroup(
                topic=need.topic, district=need.district, period=need.period, threshold=threshold
            )
        groups[key].needs.append(need)
    if groups:
        wishes: dict[tuple, list[CourseWish]] = {}
        open_wishes = CourseWish.objects.filter(
            told_at__isnull=True,
            course_topic_id__in={g.topic.pk for g in groups.values()},
        ).order_by("created_at", "pk")
        for wish in open_wishes:
            wishes.setdefault((wish.course_topic_id, wish.district), []).append(wish)
        for group in groups.values():
            group.wishes = wishes.get((group.topic.pk, group.district), [])
    return sorted(
        groups.values(),
        key=lambda g: (
            not g.is_joint_course_chance,
            -g.demand,
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
    """When `group` became a chance: the arrival of the need or wish that brought its demand
    to the threshold (in order of arrival); None when it is none."""
    arrivals = sorted(
        [(n.created_at, 0, n.pk, _company_key(n)) for n in group.needs]
        + [(w.created_at, 1, w.pk, f"wish#{w.pk}") for w in group.wishes]
    )
    seen: set[str] = set()
    for created_at, _kind, _pk, key in arrivals:
        seen.add(key)
        if len(seen) >= group.threshold:
            return created_at
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
