"""Celery tasks of the steering circle's dashboard: count a period's figures anew in the
background, and keep the presets counted (beat), so that the page rarely waits."""

import datetime
import logging

from celery import shared_task
from django.utils import translation

from network.dashboard import PRESETS, Period, dashboard_refresh, period_for_preset

logger = logging.getLogger(__name__)


@shared_task(name="network.dashboard_refresh")
def dashboard_refresh_task(*, start: str, end: str, language: str = "de") -> list[str]:
    period = Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    with translation.override(language):
        return dashboard_refresh(period=period)


@shared_task(name="network.dashboard_presets_refresh")
def dashboard_presets_refresh_task() -> int:
    """Count the preset periods whose data changed (beat, every ten minutes)."""
    built = 0
    with translation.override("de"):
        for preset in PRESETS:
            if preset != "frei":
                built += len(dashboard_refresh(period=period_for_preset(preset)))
    logger.info("Dashboard: %s parts of the preset periods counted anew.", built)
    return built
