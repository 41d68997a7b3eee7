"""Celery tasks of the events calendar: thin wrappers around events.services."""

from celery import shared_task

from events.services import event_reminders_send, events_registrations_erase_due


@shared_task(name="events.registrations_erase")
def event_registrations_erase_task() -> int:
    """Erase names and addresses of event registrations 30 days after the event."""
    return events_registrations_erase_due()


@shared_task(name="events.reminders_send")
def event_reminders_send_task() -> int:
    """Remind people with a seat of tomorrow's events."""
    return event_reminders_send()
