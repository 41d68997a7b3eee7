"""Celery tasks of the provider back office: thin wrappers that take ids."""

import logging

from celery import shared_task

from offerings.imports.jobs import import_job_check, import_job_commit, import_jobs_purge

logger = logging.getLogger(__name__)


@shared_task(name="offerings.import_check")
def import_check_task(job_id: int) -> None:
    import_job_check(job_id=job_id)


@shared_task(name="offerings.import_commit")
def import_commit_task(job_id: int) -> None:
    import_job_commit(job_id=job_id)


@shared_task(name="offerings.import_jobs_purge")
def import_jobs_purge_task() -> int:
    """Issue 15: the files of abandoned, failed and finished imports are deleted."""
    return import_jobs_purge()


@shared_task(name="offerings.freshness_reminders_send")
def freshness_reminders_send_task() -> int:
    from offerings.services import freshness_reminders_send

    return freshness_reminders_send()


@shared_task(name="offerings.review_reminders_send")
def review_reminders_send_task() -> int:
    """Issue 22: the two reminders before an unreviewed offer leaves the catalogue."""
    from offerings.services import review_reminders_send

    return review_reminders_send()


@shared_task(name="offerings.search_log_flush")
def search_log_flush_task() -> int:
    """Issue 8: move the catalogue's search counts from Redis into SearchDay."""
    from offerings.searchlog import search_log_flush

    return search_log_flush()
