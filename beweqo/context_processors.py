"""Template context every page needs: the header's areas for the user's roles."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _


def portal(request) -> dict:
    roles = getattr(request, "roles", None)
    areas = []
    if roles is not None and request.user.is_authenticated:
        areas.append((reverse("portal:my_area"), _("Mein Bereich")))
        for membership in roles.memberships:
            if membership.role == "admin":
                areas.append(
                    (
                        reverse("network:institution_edit", args=[membership.institution.slug]),
                        membership.institution.display_name,
                    )
                )
        if roles.is_network_office:
            areas.append((reverse("admin:index"), _("Verwaltung")))
    return {"nav_areas": areas, "site_name": settings.SITE_NAME}
