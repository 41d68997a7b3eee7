"""Reads of news posts: what the public sees (published only), and the editors' list."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from news.models import NewsPost, NewsTag


def news_post_list_public(*, tag: NewsTag | None = None) -> QuerySet[NewsPost]:
    posts = NewsPost.objects.published().prefetch_related("tags").order_by("-published_at", "-pk")
    if tag is not None:
        posts = posts.filter(tags=tag)
    return posts


def news_post_list_latest(*, limit: int = 3) -> list[NewsPost]:
    """The latest published posts, for the home page."""
    return list(NewsPost.objects.published().order_by("-published_at", "-pk")[:limit])


def news_post_get_public(*, slug: str) -> NewsPost:
    return get_object_or_404(NewsPost.objects.published().prefetch_related("tags"), slug=slug)


def news_tag_list_public() -> list[NewsTag]:
    """The tags that at least one published post carries, for the list's filter."""
    now = timezone.now()
    return list(
        NewsTag.objects.annotate(
            published=Count(
                "posts",
                filter=Q(posts__published_at__isnull=False, posts__published_at__lte=now),
            )
        )
        .filter(published__gt=0)
        .order_by("name")
    )


def news_tag_get(*, slug: str) -> NewsTag:
    return get_object_or_404(NewsTag, slug=slug)


def news_post_list_for_editors() -> QuerySet[NewsPost]:
    """Every post, drafts and scheduled first, for the management page."""
    return NewsPost.objects.select_related("author").prefetch_related("tags")


def news_post_get_for_editors(*, pk: int | None = None, slug: str | None = None) -> NewsPost:
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    return get_object_or_404(NewsPost.objects.prefetch_related("tags"), **lookup)


def news_post_list_for_newsletter(*, days: int = 120) -> QuerySet[NewsPost]:
    """Posts an issue may pick: those published in the last `days` days, newest first (not
    sliced: a form validates its choices against it). Not drafts or scheduled posts: the
    mail would link to a page that does not exist yet."""
    since = timezone.now() - timedelta(days=days)
    return NewsPost.objects.published().filter(published_at__gte=since).order_by("-published_at")
