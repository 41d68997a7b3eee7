"""Reads of course wishes: the form's prefill from the catalogue's parameters, the office's
list and the demand board's groups."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import QueryDict

from counselling.models import CourseWish
from network.models import District
from offerings.models import Offer, Topic
from offerings.places import place_lookup

TOPIC_MAX = 200
PLACE_MAX = 100


def _text(value, limit: int) -> str:
    """A parameter as one line of printable text, cut to `limit`."""
    if not isinstance(value, str):
        return ""
    return " ".join("".join(c for c in value if c.isprintable()).split())[:limit]


def wish_district_for_place(place: str) -> str:
    """The district of a place of the region, or "" when it is unknown or elsewhere."""
    municipality = place_lookup(place) if place else None
    return municipality.district if municipality is not None else ""


def wish_initial(params: QueryDict) -> dict:
    """The form's first values from the link that led here: the catalogue's search (`q`,
    `ort`, `thema`) or a course without a date (`kurs`). Unknown values are dropped."""
    initial: dict = {}
    offer = None
    kurs = params.get("kurs", "")
    if kurs.isdigit() and len(kurs) < 12:
        offer = Offer.objects.published().filter(pk=int(kurs)).first()
    if offer is not None:
        initial["kurs"] = offer.pk
        initial["topic"] = _text(offer.title, TOPIC_MAX)
        topic = offer.topics.filter(is_active=True).order_by("position", "name").first()
        if topic is not None:
            initial["course_topic"] = topic.pk
    elif q := _text(params.get("q", ""), TOPIC_MAX):
        initial["topic"] = q
    if "course_topic" not in initial:
        slugs = [s for s in params.getlist("thema") if isinstance(s, str) and len(s) <= 60]
        topic = Topic.objects.filter(slug__in=slugs[:10], is_active=True).first()
        if topic is not None:
            initial["course_topic"] = topic.pk
    if place := _text(params.get("ort", ""), PLACE_MAX):
        initial["place"] = place
        district = wish_district_for_place(place)
        if district:
            initial["district"] = district
    return initial


def wish_list_for_office() -> QuerySet[CourseWish]:
    return CourseWish.objects.select_related("course_topic", "offer").order_by("-created_at", "-pk")


@dataclass
class WishGroup:
    """Wishes on one catalogue topic (or none) in one district, as the demand board lists
    them: counts and the people's own words, never an address."""

    topic: Topic | None
    district: str
    wishes: list[CourseWish] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.wishes)

    @property
    def district_label(self) -> str:
        return str(District(self.district).label)

    @property
    def words(self) -> list[tuple[str, int]]:
        """The wished courses in the people's words, the same words (ignoring case) once
        with their count, the most frequent first."""
        counts = Counter(w.topic.casefold() for w in self.wishes)
        first = {}
        for wish in self.wishes:
            first.setdefault(wish.topic.casefold(), wish.topic)
        return sorted(
            ((first[key], n) for key, n in counts.items()), key=lambda item: (-item[1], item[0])
        )


def wish_groups() -> list[WishGroup]:
    """All wishes grouped by catalogue topic and district, the largest groups first."""
    groups: dict[tuple, WishGroup] = {}
    for wish in CourseWish.objects.select_related("course_topic").order_by("created_at", "pk"):
        key = (wish.course_topic_id, wish.district)
        if key not in groups:
            groups[key] = WishGroup(topic=wish.course_topic, district=wish.district)
        groups[key].wishes.append(wish)
    return sorted(
        groups.values(),
        key=lambda g: (-g.count, g.topic is None, g.topic.name if g.topic else "", g.district),
    )


@dataclass
class DemandRow:
    """Company needs and course wishes on one catalogue topic (or none) in one district."""

    topic: Topic | None
    district: str
    companies: int = 0
    participants: int = 0
    wishes: int = 0

    @property
    def district_label(self) -> str:
        return str(District(self.district).label)


def demand_side_by_side(*, needs: list, wishes: list[WishGroup]) -> list[DemandRow]:
    """The demand board's overview: open company needs (the board's groups, all periods
    together) and course wishes side by side by topic and district, the most asked first.

    `needs` are counselling.selectors.DemandGroup; a company with needs in two periods of a
    topic counts once there, as it does in each group.
    """
    rows: dict[tuple, DemandRow] = {}
    companies: dict[tuple, set] = {}

    def row(topic, district) -> DemandRow:
        key = (topic.pk if topic else None, district)
        if key not in rows:
            rows[key] = DemandRow(topic=topic, district=district)
            companies[key] = set()
        return rows[key]

    for group in needs:
        target = row(group.topic, group.district)
        target.participants += group.participants
        companies[(group.topic.pk, group.district)] |= {
            (n.email or n.company_name or f"#{n.pk}").lower() for n in group.needs
        }
    for key, found in companies.items():
        rows[key].companies = len(found)
    for group in wishes:
        row(group.topic, group.district).wishes += group.count
    return sorted(
        rows.values(),
        key=lambda r: (
            -(r.companies + r.wishes),
            r.topic is None,
            r.topic.name if r.topic else "",
            r.district,
        ),
    )


def course_wishes_for_contact(*, contact: str) -> list[CourseWish]:
    """The wishes stored under an e-mail address, for the office's data-subject requests
    (a phone number finds none: wishes hold no phone numbers)."""
    contact = contact.strip()
    if "@" not in contact:
        return []
    return list(CourseWish.objects.filter(email__iexact=contact).select_related("course_topic"))
