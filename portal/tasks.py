"""Celery tasks of the composed features, run by beat (Europe/Berlin): thin wrappers."""

from celery import shared_task

from portal.digest import workgroup_digests_send_with_chances


# The name is the one beat has always used: the task moved here from workgroups.tasks when
# the digest began to carry the demand board's chances (issue 21).
@shared_task(name="workgroups.digests_send")
def workgroup_digests_send_task() -> int:
    return workgroup_digests_send_with_chances().sent
