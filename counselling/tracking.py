"""The person's own view of what they sent: with the reference and the contact they gave,
a person sees the status of their counselling request (a company that of its training
need) and may withdraw it, which erases the personal data at once.

The pair (reference, contact) is the only key. The references are random (six characters
of a 32-letter alphabet, about 10^9 values, see services._reference), the contact must
match as well, and the views limit attempts per client. A wrong reference and a wrong
contact give the same answer, and the contact is compared in constant time.

The person sees only the stage: received, in progress, closed or withdrawn; never what a
counsellor wrote (notes, hand-over reasons, outcome).
"""

import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.models import (
    AccessAction,
    CompanyNeed,
    CounsellingRequest,
    EventKind,
    Outcome,
    RequestEvent,
    RequestStatus,
)
from counselling.services import (
    _counsellor_emails,
    personal_data_access_log,
    request_anonymise,
)
from outbox.models import OutboxMessage
from outbox.services import message_enqueue

NEED_PREFIX = "BD-"

RECEIVED = "received"
IN_PROGRESS = "in_progress"
CLOSED = "closed"
WITHDRAWN = "withdrawn"

STAGE_LABELS = {
    RECEIVED: _("eingegangen"),
    IN_PROGRESS: _("in Bearbeitung"),
    CLOSED: _("abgeschlossen"),
    WITHDRAWN: _("zurückgezogen"),
}

# Stands in for a missing contact, so that every lookup makes the same comparisons; a
# contact typed into the form never normalises to it (NUL bytes are refused before).
_NO_CONTACT = "\x00"


@dataclass(frozen=True)
class Tracked:
    """What the person may see of a request or need found by its pair."""

    is_need: bool
    obj: CounsellingRequest | CompanyNeed
    stage: str

    @property
    def reference(self) -> str:
        return self.obj.reference

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS[self.stage])

    @property
    def received_on(self) -> datetime.date:
        return timezone.localdate(self.obj.created_at)

    @property
    def can_withdraw(self) -> bool:
        return self.stage != WITHDRAWN and self.obj.anonymised_at is None


def contact_normalise(value: str) -> str:
    """An email address in lower case; a phone number as its digits, with +49 / 0049
    written as the leading 0, so that "+49 7361 1234" and "07361/1234" are the same."""
    value = value.strip().lower()
    if "@" in value:
        return value
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        digits = "00" + digits
    if digits.startswith("0049"):
        digits = "0" + digits[4:]
    return digits


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def _contact_matches(given: str, stored: list[str]) -> bool:
    """Compare `given` with both stored contacts (email, phone) in constant time: always two
    comparisons of equal-length digests, whether or not anything was stored."""
    wanted = _digest(contact_normalise(given) or _NO_CONTACT + "given")
    matched = False
    for value in [*stored, "", ""][:2]:
        candidate = _digest(contact_normalise(value) if value else _NO_CONTACT)
        matched |= hmac.compare_digest(wanted, candidate)
    return matched


def request_stage(request: CounsellingRequest) -> str:
    if request.outcome == Outcome.WITHDRAWN:
        return WITHDRAWN
    if request.status == RequestStatus.NEW:
        return RECEIVED
    if request.status == RequestStatus.CLOSED:
        return CLOSED
    return IN_PROGRESS


def need_stage(need: CompanyNeed) -> str:
    if need.withdrawn_at is not None:
        return WITHDRAWN
    if need.met_at is not None:
        return CLOSED
    if need.joint_measure_id is not None:
        return IN_PROGRESS
    return RECEIVED


def tracked_find(*, reference: str, contact: str) -> Tracked | None:
    """The request or need with this reference whose email or phone is `contact`, or None
    when there is none, the contact is wrong, or its personal data is gone (anonymised or
    withdrawn): the caller cannot tell these apart."""
    reference = reference.strip().upper()
    is_need = reference.startswith(NEED_PREFIX)
    model = CompanyNeed if is_need else CounsellingRequest
    obj = model.objects.filter(reference=reference, anonymised_at__isnull=True).first()
    stored = [obj.email, obj.phone] if obj is not None else []
    if not _contact_matches(contact, stored) or obj is None:
        return None
    return Tracked(
        is_need=is_need, obj=obj, stage=need_stage(obj) if is_need else request_stage(obj)
    )


def _request_withdrawn_recipients(request: CounsellingRequest) -> list[str]:
    """The counsellor who took the request over, else its institution's counsellors, else
    the network office."""
    if request.claimed_by is not None and request.claimed_by.is_active and request.claimed_by.email:
        return [request.claimed_by.email]
    if request.institution is not None:
        recipients = _counsellor_emails(request.institution)
        if recipients:
            return recipients
    return [settings.NETWORK_OFFICE_EMAIL]


def _erase_outbox(keys: list[str]) -> None:
    """This request's or need's mails to the person, sent or still waiting in the outbox,
    carry their address: they go too. Mails about their other requests stay."""
    OutboxMessage.objects.filter(key__in=keys).delete()


def tracked_withdraw(*, tracked: Tracked, now: datetime.datetime | None = None) -> Tracked:
    """Withdraw what `tracked` found: erase its personal data now and tell whoever handles
    it, by reference only. Returns the new state (stage "withdrawn")."""
    now = now or timezone.now()
    with transaction.atomic():
        if tracked.is_need:
            obj = _need_withdraw(tracked.obj.pk, now)
        else:
            obj = _request_withdraw(tracked.obj.pk, now)
    if obj is None:  # withdrawn meanwhile by a second click
        obj = type(tracked.obj).objects.get(pk=tracked.obj.pk)
    return Tracked(is_need=tracked.is_need, obj=obj, stage=WITHDRAWN)


def _request_withdraw(pk: int, now: datetime.datetime) -> CounsellingRequest | None:
    request = (
        CounsellingRequest.objects.select_for_update(of=("self",))
        .select_related("claimed_by", "institution")
        .filter(pk=pk, anonymised_at__isnull=True)
        .first()
    )
    if request is None:
        return None
    CounsellingRequest.objects.filter(pk=pk).update(
        status=RequestStatus.CLOSED,
        outcome=Outcome.WITHDRAWN,
        closed_at=now,
        last_activity_at=now,
    )
    request_anonymise(request=request, now=now)
    RequestEvent.objects.create(
        request=request,
        kind=EventKind.STATUS,
        detail=str(Outcome.WITHDRAWN.label),
        created_at=now,
    )
    personal_data_access_log(
        user=None, request=request, action=AccessAction.ERASE, reference=request.reference
    )
    _erase_outbox([f"counselling-confirm-{request.pk}"])
    for recipient in _request_withdrawn_recipients(request):
        message_enqueue(
            to=recipient,
            subject="",
            template="counselling/request_withdrawn",
            context={
                "reference": request.reference,
                "url": reverse("counselling:request_detail", args=[request.reference]),
            },
            key=f"counselling-withdrawn-{request.pk}-{recipient.lower()}",
        )
    request.refresh_from_db()
    return request


def _need_withdraw(pk: int, now: datetime.datetime) -> CompanyNeed | None:
    need = CompanyNeed.objects.select_for_update().filter(pk=pk, anonymised_at__isnull=True).first()
    if need is None:
        return None
    CompanyNeed.objects.filter(pk=pk).update(
        company_name="",
        contact_name="",
        email="",
        phone="",
        description="",
        withdrawn_at=now,
        anonymised_at=now,
    )
    _erase_outbox([f"counselling-need-confirm-{need.pk}", f"counselling-need-met-{need.pk}"])
    message_enqueue(
        to=settings.NETWORK_OFFICE_EMAIL,
        subject="",
        template="counselling/need_withdrawn",
        context={"reference": need.reference, "url": reverse("counselling:board")},
        key=f"counselling-need-withdrawn-{need.pk}",
    )
    need.refresh_from_db()
    return need
