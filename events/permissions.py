"""Who may work on an institution's events: the rule of the back office
(offerings.permissions), so an editor of another institution gets a 404. The shape:
common.permissions."""

from django.shortcuts import get_object_or_404

from common.permissions import Access
from events.models import Event, EventRegistration
from offerings.permissions import get_backoffice_for


def get_event_for(request, slug: str, pk: int, *, write: bool = False) -> Access[Event]:
    backoffice = get_backoffice_for(request, slug, write=write)
    event = get_object_or_404(
        Event.objects.select_related("institution"), institution=backoffice.obj, pk=pk
    )
    return Access(event, backoffice.can_write)


def get_registration_for(
    request, slug: str, pk: int, registration_pk: int, *, write: bool = False
) -> Access[EventRegistration]:
    event = get_event_for(request, slug, pk, write=write)
    registration = get_object_or_404(event.obj.registrations, pk=registration_pk)
    return Access(registration, event.can_write)
