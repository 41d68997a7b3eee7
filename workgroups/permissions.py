"""Who may see and do what in the bodies. The shape: common.permissions.

Internal content of a body is for its members, the steering circle and the network office;
anyone else gets a 404, so strangers do not learn what exists. Writing (meetings, minutes,
action items, measures) is for the body's lead and deputy (the chair, in the steering
circle) and the network office; readers who ask to write get a 403. An action item's
assignee may change its status, and only the body's own members answer invitations.

The rules read the `PortalRoles` the middleware puts on the request (`request.roles`), so
an access check costs no query beyond fetching the object itself.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from common.permissions import Access, check_access
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
class _Rights:
    """What one person may do in one body."""

    is_member: bool  # takes part in the body (may reply to invitations)
    can_read: bool
    can_write: bool


def _rights(roles: PortalRoles, group: WorkingGroup) -> _Rights:
    if group.is_steering_circle:
        is_member = roles.steering is not None
        leads = is_member and roles.steering.role == SteeringRole.CHAIR
    else:
        membership = next((m for m in roles.group_memberships if m.group_id == group.pk), None)
        is_member = membership is not None
        leads = is_member and membership.role in WRITING_ROLES
    can_write = leads or roles.is_network_office
    can_read = is_member or roles.is_steering_member or roles.is_network_office
    return _Rights(is_member=is_member, can_read=can_read, can_write=can_write)


def can_read_group(request, group: WorkingGroup) -> bool:
    """Whether the public pages link the body's internal area."""
    return _rights(request.roles, group).can_read


def can_reply(request, group: WorkingGroup) -> bool:
    """Only people in the body answer its invitations (not the office, not the circle)."""
    return _rights(request.roles, group).is_member


def get_group_for(request, slug: str, *, write: bool = False) -> Access[WorkingGroup]:
    """The body `slug` as seen from its internal area."""
    group = get_object_or_404(WorkingGroup, slug=slug)
    rights = _rights(request.roles, group)
    return check_access(group, can_read=rights.can_read, can_write=rights.can_write, write=write)


def get_meeting_for(request, slug: str, pk: int, *, write: bool = False) -> Access[Meeting]:
    group = get_group_for(request, slug, write=write)
    meeting = get_object_or_404(
        Meeting.objects.select_related("group", "minutes"), group=group.obj, pk=pk
    )
    return Access(meeting, group.can_write)


def minutes_visible(minutes: Minutes | None, *, can_write: bool) -> bool:
    """Drafts are for those who write them; published minutes for every reader."""
    if minutes is None:
        return False
    return minutes.is_published or can_write


def get_attachment_for(
    request, slug: str, meeting_pk: int, pk: int, *, write: bool = False
) -> Access[Attachment]:
    meeting = get_meeting_for(request, slug, meeting_pk, write=write)
    minutes = getattr(meeting.obj, "minutes", None)
    if not minutes_visible(minutes, can_write=meeting.can_write):
        raise Http404
    attachment = get_object_or_404(Attachment, minutes=minutes, pk=pk)
    return Access(attachment, meeting.can_write)


def get_action_item_for(request, slug: str, pk: int, *, write: bool = False) -> Access[ActionItem]:
    """An action item; its status may be changed by whoever writes in the body and by its
    assignee."""
    group = get_group_for(request, slug)
    item = get_object_or_404(ActionItem, group=group.obj, pk=pk)
    is_assignee = item.assignee_id is not None and item.assignee_id == request.user.pk
    return check_access(item, can_read=True, can_write=group.can_write or is_assignee, write=write)


def get_measure_for(request, slug: str, pk: int, *, write: bool = False) -> Access[Measure]:
    group = get_group_for(request, slug, write=write)
    measure = get_object_or_404(Measure.objects.select_related("group"), group=group.obj, pk=pk)
    return Access(measure, group.can_write)


def can_see_network_overview(request) -> bool:
    """The overview over all bodies is the steering circle's (and the office's) tool."""
    return request.roles.is_steering_member or request.roles.is_network_office


def require_network_overview(request) -> None:
    """A 404 for everybody else, as for a body's internal pages."""
    if not can_see_network_overview(request):
        raise Http404


def readable_group_ids(roles: PortalRoles) -> list[int] | None:
    """The bodies whose internal content `roles` may read; None means all of them (for the
    selectors, which get the roles, not the request)."""
    if roles.is_steering_member or roles.is_network_office:
        return None
    return [m.group_id for m in roles.group_memberships]
