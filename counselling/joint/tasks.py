"""Tasks of joint measures: thin, idempotent wrappers (the stamps make a repeat send
nothing). Listed in CELERY_IMPORTS, as autodiscovery only finds an app's tasks.py."""

from celery import shared_task

from counselling.joint.services import joint_measures_tell_published


@shared_task(name="counselling.joint_measures_tell_published")
def joint_measures_tell_published_task(*, offer_ids: list[int] | None = None) -> int:
    return joint_measures_tell_published(offer_ids=offer_ids)
