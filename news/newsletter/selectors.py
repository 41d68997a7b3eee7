"""Reads of the newsletter: what an issue may pick (news, upcoming events, new courses),
the public archive, and the figures the composing page shows.

Events and courses come from their apps through their selectors
(`events.selectors.events_upcoming`, `offerings.selectors.catalogue_offers`).
"""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.selectors import events_upcoming
from news.models import NewsletterIssue, NewsletterIssueStatus, NewsletterSubscriber
from offerings.selectors import catalogue_offers

NEW_COURSE_DAYS = 30
CANDIDATE_LIMIT = 30


def newsletter_event_candidates(*, limit: int = CANDIDATE_LIMIT) -> list:
    """Published events that have not started yet, soonest first."""
    return events_upcoming(limit=limit)


def newsletter_events_by_ids(*, ids: list[int]) -> list:
    """The picked events that are still upcoming and published, soonest first. Looked up
    among the upcoming ones: a cancelled or past event drops out of a draft by itself."""
    if not ids:
        return []
    wanted = set(ids)
    return [e for e in newsletter_event_candidates(limit=500) if e.pk in wanted]


def newsletter_course_candidates(*, days: int = NEW_COURSE_DAYS, limit: int = CANDIDATE_LIMIT):
    """Courses in the catalogue published in the last `days` days, newest first."""
    since = timezone.now() - timedelta(days=days)
    return list(
        catalogue_offers().filter(published_at__gte=since).order_by("-published_at", "pk")[:limit]
    )


def newsletter_offers_by_ids(*, ids: list[int]) -> list:
    if not ids:
        return []
    return list(catalogue_offers().filter(pk__in=ids).order_by("-published_at", "pk"))


def newsletter_subscriber_count() -> int:
    return NewsletterSubscriber.objects.filter(confirmed_at__isnull=False).count()


def newsletter_subscriber_get_by_token(*, token: str) -> NewsletterSubscriber | None:
    return NewsletterSubscriber.objects.filter(token=token[:64]).first()


def newsletter_issue_list_sent() -> QuerySet[NewsletterIssue]:
    return NewsletterIssue.objects.filter(status=NewsletterIssueStatus.SENT).order_by("-sent_at")


def newsletter_issue_get_sent(*, pk: int) -> NewsletterIssue:
    return get_object_or_404(newsletter_issue_list_sent(), pk=pk)


def newsletter_issue_list_for_editors() -> QuerySet[NewsletterIssue]:
    """Every issue, with how many mails each has written so far (progress while sending)."""
    return NewsletterIssue.objects.select_related("created_by").annotate(
        written=Count("deliveries", filter=Q(deliveries__message__isnull=False))
    )


def newsletter_issue_get_for_editors(*, pk: int) -> NewsletterIssue:
    return get_object_or_404(NewsletterIssue, pk=pk)
