"""Beat tasks of counselling: thin wrappers around the services."""

import logging

from celery import shared_task

from counselling.services import requests_anonymise_closed, requests_escalate_untouched

logger = logging.getLogger(__name__)


@shared_task(name="counselling.requests_anonymise_closed")
def counselling_requests_anonymise_closed() -> int:
    count = requests_anonymise_closed()
    logger.info("Anonymised %s closed counselling requests and company needs.", count)
    return count


@shared_task(name="counselling.requests_escalate_untouched")
def counselling_requests_escalate_untouched() -> int:
    return requests_escalate_untouched()
