"""Who may see the network's figures. The shape: common.permissions."""

from django.core.exceptions import PermissionDenied


def can_see_dashboard(request) -> bool:
    """The network's figures (steering.dashboard) are for the steering circle, which reports
    to the funders, and the network office; nobody else, not even institution admins."""
    return bool(request.roles.is_steering_member or request.roles.is_network_office)


def require_dashboard(request) -> None:
    """403 for a logged-in person who may not see the dashboard (views are behind
    login_required)."""
    if not can_see_dashboard(request):
        raise PermissionDenied
