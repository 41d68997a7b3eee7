"""The catalogue's courses in the sitemap: those the catalogue lists (published, with a
date still open)."""

from common.sitemaps import PortalSitemap
from offerings.models import Offer


class OfferSitemap(PortalSitemap):
    def items(self):
        return Offer.objects.in_catalogue().only("pk", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at
