"""Celery task of the steering circle's weekly summary, run by beat (Europe/Berlin): a thin
wrapper around network.summary. Listed in CELERY_IMPORTS."""

from celery import shared_task

from network.summary import steering_summary_send


@shared_task(name="network.steering_summary_send")
def steering_summary_send_task() -> int:
    return steering_summary_send().sent
