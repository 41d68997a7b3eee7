"""The sitemap's sections (/sitemap.xml is their index): the public pages without data of
their own, the member institutions' profiles, and each app's own section."""

from django.urls import reverse

from common.sitemaps import PortalSitemap
from events.sitemaps import EventSitemap
from network.selectors import institution_list_for_directory
from news.sitemaps import NewsSitemap
from offerings.sitemaps import OfferSitemap
from portal.views import AUDIENCE_TEMPLATES
from workgroups.selectors import working_group_list

# The public pages a visitor reaches from the menus; no forms' "sent" pages, nothing that
# needs a login.
PAGES = [
    "portal:home",
    *(("portal:audience", key) for key in AUDIENCE_TEMPLATES),
    "offerings:catalogue",
    "events:event_list",
    "events:event_archive",
    "counselling:directory",
    "counselling:request",
    "counselling:funding_check",
    "counselling:need",
    "news:news_list",
    "news:newsletter_subscribe",
    "news:newsletter_archive",
    "network:directory",
    "portal:about",
    "workgroups:index",
    "portal:open_data",
    "portal:easy_language",
    "portal:easy_courses",
    "portal:easy_counselling",
    "portal:easy_funding",
    "portal:easy_help",
    "portal:easy_accessibility",
    "network:accessibility",
    "portal:imprint",
    "portal:privacy",
]


class PageSitemap(PortalSitemap):
    def items(self):
        return PAGES

    def location(self, item):
        if isinstance(item, tuple):
            name, key = item
            return reverse(name, kwargs={"key": key})
        return reverse(item)


class InstitutionSitemap(PortalSitemap):
    def items(self):
        return institution_list_for_directory().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class WorkingGroupSitemap(PortalSitemap):
    def items(self):
        return working_group_list()


# The section names appear in the addresses: /sitemap-<name>.xml.
SITEMAPS = {
    "seiten": PageSitemap,
    "kurse": OfferSitemap,
    "veranstaltungen": EventSitemap,
    "aktuelles": NewsSitemap,
    "mitglieder": InstitutionSitemap,
    "arbeitsgruppen": WorkingGroupSitemap,
}
