"""Celery tasks of the newsletter: thin wrappers around news.newsletter.services."""

from celery import shared_task


@shared_task(name="news.newsletter_issue_deliver")
def newsletter_issue_deliver_task(issue_id: int) -> int:
    from news.newsletter.services import newsletter_issue_deliver

    return newsletter_issue_deliver(issue_id=issue_id)


@shared_task(name="news.newsletter_issues_resume")
def newsletter_issues_resume_task() -> int:
    from news.newsletter.services import newsletter_issues_resume

    return newsletter_issues_resume()


@shared_task(name="news.newsletter_purge_unconfirmed")
def newsletter_purge_unconfirmed_task() -> int:
    from news.newsletter.services import newsletter_purge_unconfirmed

    return newsletter_purge_unconfirmed()
