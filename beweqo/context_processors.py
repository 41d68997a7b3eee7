"""Template context every page needs: the header's areas for the user's roles, and the
page's address in each language."""

from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.translation import get_language, override
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


def languages(request) -> dict:
    """The page in each language: the header's switcher and the head's hreflang alternates.

    Each link is this page's address (with its query) in the other language, found by the
    resolver; a page the resolver does not know (a 404) links each language's home page.
    """
    current = get_language()
    path = request.get_full_path()
    try:
        resolve(request.path_info)
    except Resolver404:
        path = None
    alternates = []
    for code, name in settings.LANGUAGES:
        if path is None:
            with override(code):
                url = reverse("portal:home")
        else:
            url = translate_url(path, code)
        alternates.append(
            {
                "code": code,
                "name": name,
                "url": url,
                # From SITE_URL, not the request's host: the 400 page for a foreign host
                # renders this too, and the alternates name the portal's one address.
                "absolute_url": settings.SITE_URL.rstrip("/") + url,
                "current": code == current,
            }
        )
    return {"language_alternates": alternates}
