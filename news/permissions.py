"""Who may write news and newsletter issues."""

from django.core.exceptions import PermissionDenied

PUBLIC_RELATIONS_GROUP = "aussendarstellung"


def can_write_news(roles) -> bool:
    """News and the newsletter speak for the network: the public-relations working group
    (any member) and the network office write them. `roles` is `request.roles`."""
    return bool(
        roles.is_network_office
        or any(m.group.slug == PUBLIC_RELATIONS_GROUP for m in roles.group_memberships)
    )


def require_news_writer(request) -> None:
    """403 for a logged-in person who may not write news (views are behind login_required)."""
    if not can_write_news(request.roles):
        raise PermissionDenied
