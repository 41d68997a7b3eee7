"""The composed pages: the home page, the audience pages, the network's own pages, a member
institution's public profile and "Mein Bereich". Each asks the apps' selectors for its parts.
"""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from common.pagecache import shared_page_cache
from counselling.permissions import DEMAND_BOARD_GROUPS
from events.selectors import events_upcoming
from events.signals import EVENTS_PAGES_VERSION
from network.permissions import can_manage_institution
from network.selectors import institution_get_public, steering_institutions
from news.permissions import can_write_news
from news.selectors import news_post_list_latest
from news.signals import NEWS_PAGES_VERSION
from offerings import opendata
from offerings.formats import absolute
from offerings.index import TOKEN_KEY
from workgroups.selectors import working_group_list, working_groups_with_institution


@require_safe
@shared_page_cache(versions=[NEWS_PAGES_VERSION, EVENTS_PAGES_VERSION, TOKEN_KEY], timeout=300)
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "latest_news": news_post_list_latest(limit=3),
            "upcoming_events": events_upcoming(limit=3),
        },
    )


# The audiences of the home page's entry paths: URL key -> template.
AUDIENCE_TEMPLATES = {
    "weiterbildung-und-arbeit": "portal/audience_weiterbildung_und_arbeit.html",
    "beschaeftigte": "portal/audience_beschaeftigte.html",
    "unternehmen": "portal/audience_unternehmen.html",
    "einrichtungen": "portal/audience_einrichtungen.html",
}


@require_safe
def audience(request, key: str):
    template = AUDIENCE_TEMPLATES.get(key)
    if template is None:
        raise Http404
    return render(request, template, {"audience_key": key})


@require_safe
def about(request):
    return render(
        request,
        "portal/about.html",
        {"working_groups": working_group_list(), "steering_institutions": steering_institutions()},
    )


@require_safe
def institution_detail(request, slug: str):
    institution = institution_get_public(slug=slug)
    return render(
        request,
        "portal/institution_detail.html",
        {
            "institution": institution,
            "working_groups": list(working_groups_with_institution(institution)),
            "upcoming_events": events_upcoming(limit=6, institution=institution),
            "can_edit": can_manage_institution(request, institution),
        },
    )


@require_safe
def imprint(request):
    return render(request, "portal/imprint.html")


@require_safe
def privacy(request):
    return render(request, "portal/privacy.html")


@require_safe
def open_data(request):
    """What the portal publishes for other programs, under which licence, and how."""
    return render(
        request,
        "portal/open_data.html",
        {
            "licence": opendata.data_licence(),
            "parameters": opendata.api_parameters(),
        },
    )


# Addresses crawlers leave alone, in every language (German without prefix, "/en/…").
ROBOTS_PRIVATE = [
    "/konto/",
    "/mein-bereich/",
    "/kurse/bereich/",
    "/kurse/merkliste/",
    "/kurse/suchauftrag/",
    "/kurse/*/merken/",
    "/kurse/feed/",
    "/kurse/api/",
    "/veranstaltungen/*/anmelden/",
    "/veranstaltungen/abmelden/",
    "/aktuelles/verwalten/",
    "/newsletter/verwalten/",
    "/newsletter/bestaetigen/",
    "/newsletter/abmelden/",
    "/beratung/anfrage/gesendet/",
    "/beratung/bedarf/gesendet/",
    "/beratung/anfragen/",
    "/beratung/geschaeftsstelle/",
    "/beratung/freigaben/",
    "/beratung/einrichtung/",
    "/beratung/bedarfsboerse/",
    "/netzwerk/kennzahlen/",
    "/mitglieder/*/profil/",
    "/mitglieder/*/team/",
    "/arbeitsgruppen/suche/",
    "/arbeitsgruppen/meine-aufgaben/",
    "/arbeitsgruppen/uebersicht/",
    "/arbeitsgruppen/zusammenfassung/",
    "/arbeitsgruppen/*/intern/",
    "/arbeitsgruppen/*/sitzungen/",
    "/arbeitsgruppen/*/aufgaben/",
    "/arbeitsgruppen/*/massnahmen/",
]
# Outside the language prefix.
ROBOTS_PRIVATE_UNPREFIXED = ["/verwaltung/", "/healthz", "/readyz"]


@require_safe
def robots_txt(request):
    """Crawlers may read the public pages; not the back office, accounts, forms' answers,
    or the endless variants of a search (any address with parameters)."""
    prefixes = [""] + [
        f"/{code}" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    ]
    disallowed = [prefix + path for prefix in prefixes for path in ROBOTS_PRIVATE]
    return render(
        request,
        "portal/robots.txt",
        {
            "disallowed": disallowed + ROBOTS_PRIVATE_UNPREFIXED,
            "sitemap_url": absolute(reverse("portal:sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )


@login_required
@require_safe
def my_area(request):
    return render(
        request,
        "portal/my_area.html",
        {
            "roles": request.roles,
            "mfa_enabled": is_mfa_enabled(request.user),
            "can_write_news": can_write_news(request),
            "demand_board_groups": DEMAND_BOARD_GROUPS,
        },
    )
