"""The admin site, which is the network office's tool ("Verwaltung")."""

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from common.twofactor import personal_data


class PortalAdminSite(AdminSite):
    site_header = _("BeWeQO – Verwaltung")
    site_title = _("BeWeQO Verwaltung")
    index_title = _("Geschäftsstelle")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_network_office or user.is_superuser)

    def admin_view(self, view, cacheable=False):
        """Every admin page shows personal data (people, subscribers, outbox contents,
        feedback): each carries the second-factor marker."""
        return personal_data(super().admin_view(view, cacheable))
