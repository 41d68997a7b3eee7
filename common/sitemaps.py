"""The base of every sitemap section: addresses on the portal's public address
(settings.SITE_URL), as the feeds and the API give them, whatever host a request came by;
each page in every language, with the others as its alternates."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap


class PortalSitemap(Sitemap):
    # Files of at most this many addresses (each page counts once per language); the index
    # (/sitemap.xml) lists every file.
    limit = 5000
    # Each page in German (no prefix) and English (/en/), and with each one the page in
    # every language and the German one as x-default: what the page's own head names
    # (beweqo.context_processors.languages).
    i18n = True
    alternates = True
    x_default = True

    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        # Django builds x-default from the German address by removing the first "/de/" in
        # it, for sites whose default language has a prefix. Ours has none
        # (prefix_default_language=False): the German address is the x-default as it is, and
        # the removal would cut a path segment "de" (an institution's slug) out of it.
        for url in urls:
            locations = {a["lang_code"]: a["location"] for a in url["alternates"]}
            for alternate in url["alternates"]:
                if alternate["lang_code"] == "x-default":
                    alternate["location"] = locations[settings.LANGUAGE_CODE]
        return urls
