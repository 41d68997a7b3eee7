"""Who may see and do what in the bodies. Views ask these helpers, never decide themselves.

Internal content of a body is for its members, the steering circle and the network office;
anyone else gets a 404, so strangers do not learn what exists. Writing (meetings, minutes,
action items, measures) is for the body's lead and deputy (the chair, in the steering
circle) and the network office; readers who ask to write get a 403.

The helpers take the `PortalRoles` the middleware puts on the request (`request.roles`), so
an access check costs no query beyond fetching the object itself.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from network.models import SteeringRole
from network.roles import PortalRoles
from workgroups.models import (
    ActionItem,
    Attachment,
    GroupRole,
    Measure,
    Meeting,
    Minutes,
    WorkingGroup,
)

WRITING_ROLES = {GroupRole.LEAD, GroupRole.DEPUTY}


@dataclass(frozen=True)
class GroupAccess:
    """What one person may do in one body."""

    group: WorkingGroup
    is_member: bool  # takes part in the body (may reply to invitations)
    can_read: bool
    can_write: bool


def group_access(roles: PortalRoles, group: WorkingGroup) -> GroupAccess:
    if group.is_steering_circle:
        is_member = roles.steering is not None
        leads = is_member and roles.steering.role == SteeringRole.CHAIR
    else:
        membership = next((m for m in roles.group_memberships if m.group_id == group.pk), None)
        is_member = membership is not None
        leads = is_member and membership.role in WRITING_ROLES
    can_write = leads or roles.is_network_office
    can_read = is_member or roles.is_steering_member or roles.is_network_office
    return GroupAccess(group=group, is_member=is_member, can_read=can_read, can_write=can_write)


def get_group_for(roles: PortalRoles, slug: str, *, write: bool = False) -> GroupAccess:
    """The body `slug` as seen from its internal area: 404 for strangers, 403 for readers
    who ask to write."""
    group = get_object_or_404(WorkingGroup, slug=slug)
    access = group_access(roles, group)
    if not access.can_read:
        raise Http404
    if write and not access.can_write:
        raise PermissionDenied
    return access


def get_meeting_for(
    roles: PortalRoles, slug: str, pk: int, *, write: bool = False
) -> tuple[GroupAccess, Meeting]:
    access = get_group_for(roles, slug, write=write)
    meeting = get_object_or_404(
        Meeting.objects.select_related("group", "minutes"), group=access.group, pk=pk
    )
    return access, meeting


def minutes_visible(access: GroupAccess, minutes: Minutes | None) -> bool:
    """Drafts are for those who write them; published minutes for every reader."""
    if minutes is None:
        return False
    return minutes.is_published or access.can_write


def get_attachment_for(
    roles: PortalRoles, slug: str, meeting_pk: int, pk: int, *, write: bool = False
) -> tuple[GroupAccess, Attachment]:
    access, meeting = get_meeting_for(roles, slug, meeting_pk, write=write)
    minutes = getattr(meeting, "minutes", None)
    if not minutes_visible(access, minutes):
        raise Http404
    attachment = get_object_or_404(Attachment, minutes=minutes, pk=pk)
    return access, attachment


def get_action_item_for(
    roles: PortalRoles, user, slug: str, pk: int
) -> tuple[GroupAccess, ActionItem]:
    """An action item whose status `user` wants to change: its assignee may, and so may
    whoever writes in the body; other readers get a 403."""
    access = get_group_for(roles, slug)
    item = get_object_or_404(ActionItem, group=access.group, pk=pk)
    if not (access.can_write or (item.assignee_id is not None and item.assignee_id == user.pk)):
        raise PermissionDenied
    return access, item


def get_measure_for(
    roles: PortalRoles, slug: str, pk: int, *, write: bool = False
) -> tuple[GroupAccess, Measure]:
    access = get_group_for(roles, slug, write=write)
    measure = get_object_or_404(Measure, group=access.group, pk=pk)
    return access, measure


def can_see_network_overview(roles: PortalRoles) -> bool:
    """The overview over all bodies is the steering circle's (and the office's) tool."""
    return roles.is_steering_member or roles.is_network_office


def readable_group_ids(roles: PortalRoles) -> list[int] | None:
    """The bodies whose internal content `roles` may read; None means all of them."""
    if roles.is_steering_member or roles.is_network_office:
        return None
    return [m.group_id for m in roles.group_memberships]
