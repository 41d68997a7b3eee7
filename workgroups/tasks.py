"""Celery task of the members' weekly digest, run by beat (Europe/Berlin): a thin wrapper
around workgroups.digest.services."""

from celery import shared_task

from workgroups.digest.services import workgroup_digests_send


@shared_task(name="workgroups.digests_send")
def workgroup_digests_send_task() -> int:
    return workgroup_digests_send().sent
