"""Celery task of the members' weekly digest, run by beat (Europe/Berlin): a thin wrapper
around workgroups.digest. Listed in CELERY_IMPORTS, as autodiscovery only finds tasks.py."""

from celery import shared_task

from workgroups.digest import workgroup_digests_send


@shared_task(name="workgroups.digests_send")
def workgroup_digests_send_task() -> int:
    return workgroup_digests_send().sent
