"""Who may write news and newsletter issues. The shape: common.permissions."""

from django.core.exceptions import PermissionDenied

from common.permissions import Access, check_access
from news.models import NewsPost
from news.selectors import news_post_get_for_editors, news_post_get_public

PUBLIC_RELATIONS_GROUP = "aussendarstellung"


def can_write_news(request) -> bool:
    """News and the newsletter speak for the network: the public-relations working group
    (any member) and the network office write them."""
    return bool(
        request.roles.is_network_office
        or any(m.group.slug == PUBLIC_RELATIONS_GROUP for m in request.roles.group_memberships)
    )


def require_newsroom(request) -> None:
    """The management pages of news and the newsletter (views are behind login_required)."""
    if not can_write_news(request):
        raise PermissionDenied


def get_post_for(request, slug: str, *, write: bool = False) -> Access[NewsPost]:
    """A post as its page shows it: published ones for everybody; drafts and scheduled
    ones also for those who write news (the preview), a 404 for the rest."""
    can_write = can_write_news(request)
    get = news_post_get_for_editors if can_write else news_post_get_public
    post = get(slug=slug)
    return check_access(post, can_read=True, can_write=can_write, write=write)
