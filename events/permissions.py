"""Who may work on an institution's events: the rule of the offers' back office."""

from django.shortcuts import get_object_or_404

from events.models import Event
from offerings.permissions import get_backoffice_institution


def get_event_for_user(user, slug: str, pk: int) -> Event:
    """An event of the institution's back office (events calendar): the same rule as
    offers, so an editor of another institution gets a 404."""
    institution = get_backoffice_institution(user, slug)
    return get_object_or_404(
        Event.objects.select_related("institution"), institution=institution, pk=pk
    )
