"""What the approvals of offers and events share (network.models.ApprovalRequest): the
mail to the network office and the row of the approvals pages."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from events.models import EventApproval
from network.services import network_office_notify
from offerings.models import OfferApproval
from outbox.models import OutboxMessage
from tests.access import with_second_factor
from tests.events.test_support import EventFactory
from tests.factories import UserFactory
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_every_active_person_of_the_office_is_told_once(institution, owner, network_office):
    colleague = UserFactory(is_network_office=True)
    UserFactory(is_network_office=True, is_active=False)
    UserFactory()
    context = {
        "offer": OfferFactory(institution=institution, status="draft"),
        "institution": institution,
        "requested_by": owner,
        "approvals_path": "/kurse/bereich/freigaben/",
    }
    for _ in range(2):
        network_office_notify(template="offerings/backoffice_approval", context=context, key="t:1")
    assert sorted(OutboxMessage.objects.values_list("recipient", flat=True)) == sorted(
        [network_office.email, colleague.email]
    )


@pytest.mark.parametrize(
    ("kind", "page", "approve"),
    [
        ("offer", "offerings:bo_approvals", "offerings:bo_approve"),
        ("event", "events:bo_event_approvals", "events:bo_event_approve"),
    ],
)
def test_an_approval_row_names_what_waits_for_screen_readers_too(
    client_for, institution, owner, network_office, kind, page, approve
):
    if kind == "offer":
        waiting = OfferFactory(institution=institution, status="draft", title="Erster Kurs")
        OfferApproval.objects.create(offer=waiting, requested_by=owner)
    else:
        waiting = EventFactory(
            institution=institution, status="draft", published_at=None, title="Erster Kurs"
        )
        EventApproval.objects.create(event=waiting, requested_by=owner)
    body = client_for(with_second_factor(network_office)).get(reverse(page)).content.decode()
    assert f'action="{reverse(approve, args=[waiting.pk])}"' in body
    assert body.count('<span class="kern-sr-only">: Erster Kurs</span>') == 2
    day = timezone.localtime(waiting.approval.requested_at)
    requested = f"am {day:%d.%m.%Y} von {escape(owner)}"  # in the column "angefragt"
    assert requested in body
