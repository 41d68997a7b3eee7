"""Reads of the workgroups app: bodies, their meetings, minutes, action items and measures."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from network.models import Institution, SteeringCircleMember
from network.roles import PortalRoles
from workgroups.models import (
    ActionItem,
    BodyKind,
    Measure,
    Meeting,
    MeetingReply,
    Minutes,
    MinutesStatus,
    WorkingGroup,
    WorkingGroupMember,
)
from workgroups.permissions import readable_group_ids
from workgroups.search import clean_query, minutes_matching

SEARCH_LIMIT = 50


def group_memberships_for_person(person) -> QuerySet[WorkingGroupMember]:
    return WorkingGroupMember.objects.filter(person=person).select_related("group", "institution")


def working_group_list() -> QuerySet[WorkingGroup]:
    """The working groups (without the steering circle), as the network page lists them."""
    return (
        WorkingGroup.objects.filter(kind=BodyKind.WORKING_GROUP)
        .select_related("lead_institution")
        .order_by("position", "name")
    )


def body_list() -> QuerySet[WorkingGroup]:
    """All bodies: the working groups, then the steering circle."""
    return WorkingGroup.objects.select_related("lead_institution").order_by(
        "-kind", "position", "name"
    )


def working_groups_with_institution(institution) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(members__institution=institution).distinct()


def group_get_public(*, slug: str) -> WorkingGroup:
    return get_object_or_404(WorkingGroup.objects.select_related("lead_institution"), slug=slug)


@dataclass(frozen=True)
class Participant:
    """One person in a body, in the same shape for working groups and the steering circle."""

    person: object
    institution: Institution
    role: str  # "lead", "deputy" or "member"
    role_label: str


def group_participants(*, group: WorkingGroup) -> list[Participant]:
    """Who takes part in `group`: its members, or the steering circle's (chair as lead)."""
    if group.is_steering_circle:
        return [
            Participant(
                person=m.person,
                institution=m.institution,
                role="lead" if m.role == "chair" else "member",
                role_label=m.get_role_display(),
            )
            for m in SteeringCircleMember.objects.select_related("person", "institution")
        ]
    return [
        Participant(
            person=m.person,
            institution=m.institution,
            role=m.role,
            role_label=m.get_role_display(),
        )
        for m in group.members.select_related("person", "institution")
    ]


def group_institutions(*, group: WorkingGroup) -> list[Institution]:
    """The institutions taking part in `group`, each once, by name (for the public page)."""
    if group.is_steering_circle:
        return list(
            Institution.objects.filter(steering_members__isnull=False).distinct().order_by("name")
        )
    return list(Institution.objects.filter(group_members__group=group).distinct().order_by("name"))


def group_public_measures(*, group: WorkingGroup) -> QuerySet[Measure]:
    return group.measures.filter(is_public=True).order_by("status", "title")


def _meetings(group: WorkingGroup) -> QuerySet[Meeting]:
    return group.meetings.select_related("minutes").annotate(
        yes_count=Count("replies", filter=Q(replies__answer="yes"))
    )


def group_upcoming_meetings(*, group: WorkingGroup) -> list[Meeting]:
    return list(_meetings(group).upcoming())


def group_past_meetings(*, group: WorkingGroup, limit: int = 20) -> list[Meeting]:
    return list(_meetings(group).past()[:limit])


def group_action_items(*, group: WorkingGroup, open_only: bool = True) -> QuerySet[ActionItem]:
    items = group.action_items.select_related("assignee", "assignee_institution", "meeting")
    return items.open() if open_only else items


def group_measures(*, group: WorkingGroup) -> QuerySet[Measure]:
    return group.measures.select_related("responsible").order_by("status", "title")


def meeting_replies(*, meeting: Meeting) -> QuerySet[MeetingReply]:
    return meeting.replies.select_related("person").order_by("answer", "person__name")


def meeting_reply_of(*, meeting: Meeting, person) -> MeetingReply | None:
    return meeting.replies.filter(person=person).first()


def minutes_for_display(*, minutes: Minutes) -> Minutes:
    """`minutes` with what its page shows loaded in few queries."""
    return (
        Minutes.objects.select_related("meeting__group")
        .prefetch_related("decisions", "attachments", "attendees")
        .get(pk=minutes.pk)
    )


def minutes_versions(*, minutes: Minutes):
    return minutes.versions.select_related("edited_by").order_by("-number")


def action_items_for_person(*, person) -> QuerySet[ActionItem]:
    """'Meine Aufgaben': the open action items assigned to `person`, in all bodies."""
    return (
        ActionItem.objects.open()
        .filter(assignee=person)
        .select_related("group", "meeting", "assignee", "assignee_institution")
    )


def minutes_search(*, roles: PortalRoles, text: str) -> list[Minutes]:
    """Published minutes that `roles` may read and that match `text`, best first."""
    text = clean_query(text)
    if not text:
        return []
    minutes = Minutes.objects.filter(status=MinutesStatus.PUBLISHED).select_related(
        "meeting__group"
    )
    group_ids = readable_group_ids(roles)
    if group_ids is not None:
        minutes = minutes.filter(meeting__group_id__in=group_ids)
    return list(minutes_matching(minutes, text)[:SEARCH_LIMIT])


def network_overview() -> list[WorkingGroup]:
    """Every body with its measures and open action items, for the steering circle.

    Four queries however many bodies, measures and items there are.
    """
    return list(
        WorkingGroup.objects.select_related("lead_institution")
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("responsible").order_by("status", "title"),
                to_attr="overview_measures",
            ),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.open().select_related(
                    "assignee", "assignee_institution"
                ),
                to_attr="overview_items",
            ),
        )
        .order_by("-kind", "position", "name")
    )


def minutes_published_between(*, start: datetime, end: datetime) -> list[Minutes]:
    """Minutes published after `start` up to `end`, oldest first, with their meeting and
    body (the steering circle's weekly summary)."""
    return list(
        Minutes.objects.filter(
            status=MinutesStatus.PUBLISHED, published_at__gt=start, published_at__lte=end
        )
        .select_related("meeting__group")
        .order_by("published_at", "pk")
    )


def action_items_overdue(*, today: date) -> list[ActionItem]:
    """Open action items of every body due before `today`, the longest overdue first."""
    return list(
        ActionItem.objects.open()
        .filter(due_date__lt=today)
        .select_related("group", "assignee", "assignee_institution")
        .order_by("due_date", "pk")
    )
