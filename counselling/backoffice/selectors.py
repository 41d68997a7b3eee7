"""Reads for the institutions' counselling services and the office's approval queue."""

from dataclasses import dataclass

from django.db.models import QuerySet

from counselling.backoffice.services import SERVICE_FIELDS
from counselling.models import (
    Channel,
    CounsellingService,
    Language,
    ServiceKind,
    Situation,
)
from network.models import District, Institution

_CHOICES = {
    "kind": ServiceKind.choices,
    "situations": Situation.choices,
    "districts": District.choices,
    "languages": Language.choices,
    "channels": Channel.choices,
}


@dataclass(frozen=True)
class ProposedChange:
    """One routing field of an approved service: in force, and as proposed."""

    label: str
    current: str
    proposed: str


def _labels(name: str, value) -> str:
    labels = dict(_CHOICES[name])
    values = value if isinstance(value, list) else [value]
    return ", ".join(str(labels.get(v, v)) for v in values) or "–"


def service_list_for_institution(*, institution: Institution) -> QuerySet[CounsellingService]:
    return (
        CounsellingService.objects.filter(institution=institution)
        .select_related("institution")
        .order_by("name", "pk")
    )


def service_approvals_pending() -> QuerySet[CounsellingService]:
    """What waits for the office, the longest waiting first. Services of an institution that
    is no longer active wait outside the queue (approving them would list nothing) and are
    back in it when the institution is active again."""
    return (
        CounsellingService.objects.awaiting_approval()
        .filter(institution__is_active=True)
        .select_related("institution")
        .order_by("submitted_at", "pk")
    )


def service_proposed_changes(*, service: CounsellingService) -> list[ProposedChange]:
    return [
        ProposedChange(
            label=str(CounsellingService._meta.get_field(name).verbose_name),
            current=_labels(name, getattr(service, name)),
            proposed=_labels(name, value),
        )
        for name, value in service.proposed.items()
        if name in _CHOICES
    ]


def service_form_initial(*, service: CounsellingService) -> dict:
    """The form shows what the institution last asked for: the proposal over the values
    in force."""
    initial = {name: getattr(service, name) for name in SERVICE_FIELDS}
    initial.update({k: v for k, v in service.proposed.items() if k in initial})
    return initial
