"""Writes for the institutions' counselling services: create, change, (de)activate, and the
network office's approval or rejection, each mailed through the outbox in the same
transaction. The approval rules: README.md beside this file."""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from counselling.models import SERVICE_ROUTING_FIELDS, CounsellingService, ServiceApproval
from network.models import Institution, Membership, MembershipRole
from network.services import network_office_notify
from outbox.services import message_enqueue

# The fields the institution's form writes (the routing rank stays the office's).
SERVICE_FIELDS = (
    "name",
    "kind",
    "description",
    "situations",
    "districts",
    "languages",
    "channels",
    "opening_hours",
    "contact_email",
    "contact_phone",
)


class SubmissionKeyTaken(Exception):
    """The form's key belongs to another institution's service: the form was tampered with."""


class DecisionError(Exception):
    """The office's decision cannot be taken: nothing waits, or the service changed since
    the office looked (`stale`)."""

    def __init__(self, *, stale: bool):
        self.stale = stale


def service_version(service: CounsellingService) -> str:
    """What the office saw: changes whenever what waits for approval changes."""
    return service.submitted_at.isoformat() if service.submitted_at else ""


def _is_office(user) -> bool:
    return bool(getattr(user, "is_network_office", False))


def _same(old, new) -> bool:
    if isinstance(new, list):
        return sorted(old or []) == sorted(new)
    return old == new


def _office_notify(service: CounsellingService, *, occasion: str) -> None:
    network_office_notify(
        template="counselling/service_approval",
        context={
            "service_name": service.name,
            "institution_name": service.institution.name,
            "occasion": occasion,
            "approvals_path": reverse("counselling:service_approvals"),
        },
        key=f"counselling-service-approval:{service.pk}:{service_version(service)}",
    )


def _institution_recipients(institution: Institution) -> list[str]:
    """The institution's admins and editors (who keep the services); without any, the
    institution's own address."""
    recipients = sorted(
        set(
            Membership.objects.filter(
                institution=institution,
                role__in=(MembershipRole.ADMIN, MembershipRole.EDITOR),
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )
    if not recipients and institution.email:
        recipients = [institution.email]
    return recipients


def _institution_notify(service: CounsellingService, *, decision: str, occasion: str) -> None:
    stamp = service.decided_at.isoformat() if service.decided_at else ""
    for address in _institution_recipients(service.institution):
        message_enqueue(
            to=address,
            subject="",
            template=f"counselling/service_{decision}",
            context={
                "service_name": service.name,
                "institution_name": service.institution.name,
                "occasion": occasion,
                "reason": service.rejection_reason,
                "list_path": reverse("counselling:service_list", args=[service.institution.slug]),
            },
            key=f"counselling-service-{decision}:{service.pk}:{stamp}:{address.lower()}",
        )


def service_for_submission(
    *, institution: Institution, submission_key: uuid.UUID
) -> CounsellingService | None:
    """The service that the form with `submission_key` created, if it did.

    Raises SubmissionKeyTaken when the key is another institution's."""
    service = CounsellingService.objects.filter(submission_key=submission_key).first()
    if service is not None and service.institution_id != institution.pk:
        raise SubmissionKeyTaken
    return service


def service_create(
    *,
    institution: Institution,
    user,
    data: dict,
    submission_key: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
) -> CounsellingService:
    """A new service of `institution`: waiting for the office's approval, unless the office
    itself creates it.

    The same `submission_key` (the form posted twice: a double click, a reload) gives the
    first service back instead of a second one, and the office is told once. Raises
    SubmissionKeyTaken when the key is another institution's.
    """
    if submission_key is not None:
        existing = service_for_submission(institution=institution, submission_key=submission_key)
        if existing is not None:
            return existing
    now = now or timezone.now()
    values = {name: data[name] for name in SERVICE_FIELDS}
    if _is_office(user):
        approval = {"approval": ServiceApproval.APPROVED, "decided_at": now, "decided_by": user}
    else:
        approval = {"approval": ServiceApproval.PENDING, "submitted_at": now}
    try:
        with transaction.atomic():
            service = CounsellingService.objects.create(
                institution=institution, submission_key=submission_key, **approval, **values
            )
            if service.approval == ServiceApproval.PENDING:
                _office_notify(service, occasion="new")
    except IntegrityError:
        if submission_key is None:
            raise
        # The same form posted twice at the same moment: the other service is the one.
        existing = service_for_submission(institution=institution, submission_key=submission_key)
        if existing is None:
            raise
        return existing
    return service


def service_update(
    *, service: CounsellingService, user, data: dict, now: datetime.datetime | None = None
) -> str:
    """Save the institution's form. Returns what happened, for the message:

    - "saved": in force (or, for a service still waiting, part of what waits);
    - "proposed": the routing fields of an approved service changed and wait for approval,
      the rest is in force;
    - "resubmitted": a rejected service, changed, waits for approval again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            CounsellingService.objects.select_for_update(of=("self",))
            .select_related("institution")
            .get(pk=service.pk)
        )
        values = {name: data[name] for name in SERVICE_FIELDS}
        result, notify = "saved", False
        if locked.approval == ServiceApproval.APPROVED and not _is_office(user):
            proposal = {}
            for name in SERVICE_ROUTING_FIELDS:
                value = values.pop(name)
                if not _same(getattr(locked, name), value):
                    proposal[name] = value
            if proposal != locked.proposed:
                locked.proposed = proposal
                if proposal:
                    locked.submitted_at = now
                    locked.rejection_reason = ""
                    notify = True
            if proposal:
                result = "proposed"
        elif locked.approval == ServiceApproval.APPROVED:  # the office: in force at once
            locked.proposed = {}
        elif locked.approval == ServiceApproval.REJECTED:
            locked.approval = ServiceApproval.PENDING
            locked.rejection_reason = ""
            locked.submitted_at = now
            result, notify = "resubmitted", True
        elif any(not _same(getattr(locked, k), v) for k, v in values.items()):
            locked.submitted_at = now  # still waiting: what the office will see has changed
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        if notify:
            _office_notify(locked, occasion="change" if result == "proposed" else "new")
    service.refresh_from_db()
    return result


def service_active_set(*, service: CounsellingService, active: bool) -> None:
    """Take the service off the directory and routing, or put it back. Neither needs an
    approval: an approved service was approved, a waiting one still waits."""
    CounsellingService.objects.filter(pk=service.pk).update(is_active=active)
    service.refresh_from_db(fields=["is_active"])


def _decidable(pk: int, version: str) -> CounsellingService:
    locked = (
        CounsellingService.objects.select_for_update(of=("self",))
        .select_related("institution")
        .filter(pk=pk)
        .awaiting_approval()
        .first()
    )
    if locked is None:
        raise DecisionError(stale=False)
    if version != service_version(locked):
        raise DecisionError(stale=True)
    return locked


def service_approve(
    *, service_id: int, user, version: str, now: datetime.datetime | None = None
) -> CounsellingService:
    """The office approves a new service (it is listed from now on) or the proposed change
    of an approved one (it routes by the new values from now on)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _decidable(service_id, version)
        occasion = "change" if locked.approval == ServiceApproval.APPROVED else "new"
        for name, value in locked.proposed.items():
            if name in SERVICE_ROUTING_FIELDS:
                setattr(locked, name, value)
        locked.proposed = {}
        locked.approval = ServiceApproval.APPROVED
        locked.rejection_reason = ""
        locked.decided_at = now
        locked.decided_by = user
        locked.save()
        _institution_notify(locked, decision="approved", occasion=occasion)
    return locked


def service_reject(
    *, service_id: int, user, version: str, reason: str, now: datetime.datetime | None = None
) -> CounsellingService:
    """The office rejects a new service (it stays unlisted, with the reason) or the proposed
    change of an approved one (dropped; the approved values stay in force)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _decidable(service_id, version)
        occasion = "change" if locked.approval == ServiceApproval.APPROVED else "new"
        if occasion == "new":
            locked.approval = ServiceApproval.REJECTED
        locked.proposed = {}
        locked.rejection_reason = reason
        locked.decided_at = now
        locked.decided_by = user
        locked.save()
        _institution_notify(locked, decision="rejected", occasion=occasion)
    return locked
