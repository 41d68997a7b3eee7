"""Demo news posts and one sent newsletter issue for `make run` (called by portal.demo), from
data/posts.toml and data/newsletter.toml.

Keyed on slugs and the issue's subject, so loading again changes nothing. The demo issue
counts as sent without mailing anyone: its content is frozen as a real send would.
"""

from datetime import timedelta

from django.utils import timezone

from common.demo import demo_data_read
from news.models import NewsletterIssue, NewsletterIssueStatus, NewsPost
from news.newsletter.services import newsletter_issue_content_collect
from news.services import news_post_save


def demo_news_load() -> int:
    """Create the demo posts and the sent issue; returns how many posts exist afterwards."""
    now = timezone.now()
    posts = []
    for row in demo_data_read(__package__, "posts.toml")["post"]:
        existing = NewsPost.objects.filter(slug=row["slug"]).first()
        if existing is not None:
            posts.append(existing)
            continue
        days_ago = row.get("days_ago")
        post = news_post_save(
            title=row["title"],
            teaser=row["teaser"],
            body=row["body"],
            tags=row["tags"],
            published_at=None if days_ago is None else now - timedelta(days=days_ago),
        )
        NewsPost.objects.filter(pk=post.pk).update(slug=row["slug"])
        post.slug = row["slug"]
        posts.append(post)
    issue_data = demo_data_read(__package__, "newsletter.toml")["issue"]
    if not NewsletterIssue.objects.filter(subject=issue_data["subject"]).exists():
        issue = NewsletterIssue.objects.create(
            subject=issue_data["subject"], intro=issue_data["intro"]
        )
        issue.news.set([p for p in posts if p.published_at and p.published_at <= now])
        issue.content = newsletter_issue_content_collect(issue)
        issue.status = NewsletterIssueStatus.SENT
        issue.sending_started_at = issue.sent_at = now - timedelta(days=2)
        issue.save()
    return NewsPost.objects.count()
