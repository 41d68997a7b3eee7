"""The base of every sitemap section: addresses on the portal's public address
(settings.SITE_URL), as the feeds and the API give them, whatever host a request came by."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap


class PortalSitemap(Sitemap):
    # Files of at most this many addresses; the index (/sitemap.xml) lists every file.
    limit = 5000

    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc
