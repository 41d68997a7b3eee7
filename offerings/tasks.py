"""Celery tasks of the provider back office: thin wrappers that take ids."""

import logging

from celery import shared_task

from offerings.imports.jobs import import_job_check, import_job_commit

logger = logging.getLogger(__name__)


@shared_task(name="offerings.import_check")
def import_check_task(job_id: int) -> None:
    import_job_check(job_id=job_id)


@shared_task(name="offerings.import_commit")
def import_commit_task(job_id: int) -> None:
    import_job_commit(job_id=job_id)


@shared_task(name="offerings.freshness_reminders_send")
def freshness_reminders_send_task() -> int:
    from offerings.services import freshness_reminders_send

    return freshness_reminders_send()


@shared_task(name="offerings.search_log_flush")
def search_log_flush_task() -> int:
    """Issue 8: move the catalogue's search counts from Redis into SearchDay."""
    from offerings.searchlog import search_log_flush

    return search_log_flush()


@shared_task(name="offerings.event_registrations_erase")
def event_registrations_erase_task() -> int:
    """Issue 9: erase names and addresses of event registrations 30 days after the event."""
    from offerings.events_services import events_registrations_erase_due

    return events_registrations_erase_due()


@shared_task(name="offerings.event_reminders_send")
def event_reminders_send_task() -> int:
    """Issue 9: remind people with a seat of tomorrow's events."""
    from offerings.events_services import event_reminders_send

    return event_reminders_send()
