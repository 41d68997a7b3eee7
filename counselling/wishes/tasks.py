"""Beat task of course wishes: a thin wrapper around the retention. Listed in
CELERY_IMPORTS, as autodiscovery only finds an app's tasks.py."""

from celery import shared_task

from counselling.wishes.services import course_wishes_retain


@shared_task(name="counselling.course_wishes_retain")
def course_wishes_retain_task() -> int:
    return course_wishes_retain()
