"""News posts in the sitemap: those published (not drafts, not scheduled ones)."""

from common.sitemaps import PortalSitemap
from news.models import NewsPost


class NewsSitemap(PortalSitemap):
    def items(self):
        return NewsPost.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at
