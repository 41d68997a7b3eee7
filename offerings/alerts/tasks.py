"""Celery tasks of course alerts, run by beat (Europe/Berlin): thin wrappers around
offerings.alerts. Listed in CELERY_IMPORTS, as autodiscovery only finds tasks.py."""

import logging

from celery import shared_task

from offerings.alerts.services import course_alert_digests_send, course_alerts_purge_unconfirmed
from offerings.models import AlertFrequency

logger = logging.getLogger(__name__)


@shared_task(name="offerings.course_alert_digests_send")
def course_alert_digests_send_task(frequency: str) -> int:
    if frequency not in AlertFrequency.values:
        logger.warning("Unknown alert frequency %r; nothing sent.", frequency)
        return 0
    return course_alert_digests_send(frequency=frequency).sent


@shared_task(name="offerings.course_alerts_purge_unconfirmed")
def course_alerts_purge_unconfirmed_task() -> int:
    return course_alerts_purge_unconfirmed()
