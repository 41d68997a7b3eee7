"""Replace the events' page version (common.pagecache) on every write to an event or a
registration (free seats show on the pages), from the back office, the admin or a task."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from common.pagecache import page_version_bump
from events.models import Event, EventRegistration

EVENTS_PAGES_VERSION = "pagecache:version:events"


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    page_version_bump(EVENTS_PAGES_VERSION)


for model in (Event, EventRegistration):
    post_save.connect(_changed, sender=model, dispatch_uid=f"events-pages-save-{model.__name__}")
    post_delete.connect(
        _changed, sender=model, dispatch_uid=f"events-pages-delete-{model.__name__}"
    )
m2m_changed.connect(
    _changed, sender=Event.target_groups.through, dispatch_uid="events-pages-groups"
)
