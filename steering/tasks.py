"""Celery tasks of the steering circle: the dashboard's figures counted anew in the background
and kept counted for the presets (beat), so that the page rarely waits; the weekly summary."""

import datetime
import logging

from celery import shared_task
from django.utils import translation

from steering.dashboard import dashboard_refresh
from steering.periods import PRESETS, Period, period_for_preset
from steering.summary import steering_summary_send

logger = logging.getLogger(__name__)


@shared_task(name="steering.dashboard_refresh")
def dashboard_refresh_task(*, start: str, end: str, language: str = "de") -> list[str]:
    period = Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    with translation.override(language):
        return dashboard_refresh(period=period)


@shared_task(name="steering.dashboard_presets_refresh")
def dashboard_presets_refresh_task() -> int:
    """Count the preset periods whose data changed (beat, every ten minutes)."""
    built = 0
    with translation.override("de"):
        for preset in PRESETS:
            if preset != "frei":
                built += len(dashboard_refresh(period=period_for_preset(preset)))
    logger.info("Dashboard: %s parts of the preset periods counted anew.", built)
    return built


@shared_task(name="steering.summary_send")
def steering_summary_send_task() -> int:
    """The steering circle's weekly summary (beat, Mondays 7:30 Europe/Berlin)."""
    return steering_summary_send().sent
