"""The events calendar in the sitemap: every public event, past ones included (their pages
stay, in the archive)."""

from common.sitemaps import PortalSitemap
from events.models import Event


class EventSitemap(PortalSitemap):
    def items(self):
        return Event.objects.public().only("pk", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at
