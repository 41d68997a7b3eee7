"""Every URL has an access decision: the resolver is walked, and each pattern must be decided
by an access matrix (owner, member, outsider, the roles, anonymous) or declared public, so a
new URL cannot ship without one.

The matrices live beside the code they test and declare the URL names they decide
(`COVERS`, checked in each module against its own cases). This module adds the decisions
that fit no app's matrix: a person's own pages, the admin (the network office only, walked
from the resolver), and the public pages (open to anonymous visitors, walked too).
"""

from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse

from offerings.exporters import csv_template
from offerings.models import ImportJob, ImportStatus
from tests.access import LOGIN, with_second_factor
from tests.counselling import test_access as counselling_matrix
from tests.counselling import test_joint_access as joint_matrix
from tests.counselling import test_service_access as service_matrix
from tests.counselling import test_wish_access as wish_matrix
from tests.events import test_access as events_matrix
from tests.network import test_institution_profile as profile_matrix
from tests.news import test_news_access as news_matrix
from tests.offerings import test_backoffice_access as backoffice_matrix
from tests.steering import test_dashboard_views as dashboard_matrix
from tests.urls import is_account, is_admin, portal_routes, url_routes
from tests.workgroups import test_access as workgroups_matrix

MATRICES = {
    "tests/counselling/test_access.py": counselling_matrix.COVERS,
    "tests/counselling/test_wish_access.py": wish_matrix.COVERS,
    "tests/counselling/test_service_access.py": service_matrix.COVERS,
    "tests/counselling/test_joint_access.py": joint_matrix.COVERS,
    "tests/events/test_access.py": events_matrix.COVERS,
    "tests/network/test_institution_profile.py": profile_matrix.COVERS,
    "tests/news/test_news_access.py": news_matrix.COVERS,
    "tests/offerings/test_backoffice_access.py": backoffice_matrix.COVERS,
    "tests/steering/test_dashboard_views.py": dashboard_matrix.COVERS,
    "tests/workgroups/test_access.py": workgroups_matrix.COVERS,
}

PUBLIC = {
    # Anyone, anonymous visitors included: published content, forms anyone may send, the
    # visitor's own session (bookmarks), health checks. None shows personal data: the
    # second-factor walk (tests/common/test_twofactor.py) counts these, and BY_TOKEN, as not
    # personal instead of listing them again.
    "healthz",
    "readyz",
    "portal:home",
    "portal:about",
    "portal:audience",
    "portal:institution_detail",
    "portal:imprint",
    "portal:privacy",
    "portal:easy_language",
    # The portal in Leichte Sprache: texts, the simple search, the short request form and
    # its "sent" page (the reference of this browser's own request, as counselling's).
    "portal:easy_courses",
    "portal:easy_counselling",
    "portal:easy_counselling_sent",
    "portal:easy_funding",
    "portal:easy_help",
    "portal:easy_accessibility",
    # Open data: its page, the sitemap and robots.txt.
    "portal:open_data",
    "portal:robots_txt",
    "portal:sitemap",
    "portal:sitemap_section",
    "offerings:catalogue",
    "offerings:detail",
    "offerings:offer_ical",
    "offerings:date_ical",
    "offerings:catalogue_feed",
    "offerings:api_offers",
    "offerings:api_openapi",
    "offerings:bookmark_toggle",
    "offerings:bookmark_state",
    "offerings:bookmarks",
    "offerings:alert_subscribe",
    "offerings:alert_sent",
    "counselling:request_sent",
    # A person's status page and withdrawal: anonymous, but only the pair of reference and
    # contact (POSTed) opens anything; tests/counselling/test_status.py checks the rest.
    "counselling:status",
    "counselling:withdraw",
    "counselling:need_participants",
    "counselling:wish_sent",
    "events:event_list",
    "events:event_month",
    "events:event_archive",
    "events:event_feed",
    "events:event_detail",
    "events:event_ical",
    "events:event_register",
    "news:news_list",
    "news:news_feed",
    "news:news_detail",
    "news:news_image",
    "news:newsletter_subscribe",
    "news:newsletter_sent",
    "news:newsletter_archive",
    "news:newsletter_archive_detail",
    "network:directory",
    "network:institution_logo",
    "network:accessibility",
}

# Public, but the URL carries its key (a signed or random token sent by mail): whoever has
# the mail may act; a made-up key gets the page that says the link is not valid, and no data.
BY_TOKEN = {
    "offerings:alert_confirm": "/kurse/suchauftrag/bestaetigen/{token}/",
    "offerings:alert_manage": "/kurse/suchauftrag/{token}/",
    "offerings:alert_unsubscribe": "/kurse/suchauftrag/{token}/abmelden/",
    "news:newsletter_confirm": "/newsletter/bestaetigen/{token}/",
    "news:newsletter_unsubscribe": "/newsletter/abmelden/{token}/",
    "events:event_registration_cancel": "/veranstaltungen/abmelden/{token}/",
    "counselling:wish_confirm": "/beratung/kurswunsch/bestaetigen/{token}/",
    "counselling:wish_withdraw": "/beratung/kurswunsch/loeschen/{token}/",
    "workgroups:digest_unsubscribe": "/arbeitsgruppen/zusammenfassung/abbestellen/{token}/",
}

ROLES = ["owner", "member", "outsider", "office", "anonymous"]
ANY_ACCOUNT = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}

# This module's matrix: (method, url template, data, expected status per role).
# {slug} is the owner's institution, {job} an import job of it.
MATRIX = {
    "portal:my_area": ("get", "/mein-bereich/", None, ANY_ACCOUNT),
    "offerings:alert_mine": ("get", "/kurse/suchauftrag/meine/", None, ANY_ACCOUNT),
    "workgroups:digest_settings": ("get", "/arbeitsgruppen/zusammenfassung/", None, ANY_ACCOUNT),
    "offerings:bo_import_defaults": (
        "post",
        "/kurse/bereich/{slug}/import/{job}/vorgaben/",
        {},
        {"owner": 302, "member": 302, "outsider": 404, "office": 302, "anonymous": LOGIN},
    ),
}


def _decided() -> dict[str, str]:
    decided = {}
    for where, names in MATRICES.items():
        decided.update(dict.fromkeys(names, where))
    decided.update(dict.fromkeys(MATRIX, "this module's MATRIX"))
    decided.update(dict.fromkeys(PUBLIC, "PUBLIC"))
    decided.update(dict.fromkeys(BY_TOKEN, "BY_TOKEN"))
    return decided


def test_every_url_has_an_access_decision():
    decided = _decided()
    undecided = sorted(route.name for route in portal_routes() if route.name not in decided)
    assert undecided == [], "add each to an access matrix (COVERS) or to PUBLIC"


def test_no_url_is_decided_twice_or_decided_but_gone():
    names = [name for covers in MATRICES.values() for name in covers]
    names += [*MATRIX, *PUBLIC, *BY_TOKEN]
    assert len(names) == len(set(names)), "one decision per URL"
    assert set(names) - {route.name for route in portal_routes()} == set()


def test_the_walk_reaches_the_admin_and_the_account_pages_too():
    routes = list(url_routes())
    assert sum(is_admin(r) for r in routes) > 50
    assert sum(is_account(r) for r in routes) > 10
    assert len(routes) == len(portal_routes()) + sum(is_admin(r) or is_account(r) for r in routes)


@pytest.fixture
def cast(db, institution, owner, member, outsider, network_office):
    job = ImportJob.objects.create(
        institution=institution,
        user=owner,
        format="csv",
        filename="vorlage.csv",
        content=csv_template(),
        status=ImportStatus.CHECKED,
        report={"counts": {"create": 1}, "entries": []},
    )
    return SimpleNamespace(
        users={
            "owner": owner,
            "member": member,
            "outsider": outsider,
            "office": with_second_factor(network_office),
            "anonymous": None,
        },
        values={"slug": institution.slug, "job": job.pk},
    )


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(client_for, cast, name):
    method, template, data, expected = MATRIX[name]
    url = template.format(**cast.values)
    for role in ROLES:
        client = client_for(cast.users[role])
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        if expected[role] == LOGIN:
            assert response.status_code == 302, role
            assert response.url.startswith("/konto/login/"), role
        else:
            assert response.status_code == expected[role], role
            if response.status_code == 302:
                assert not response.url.startswith("/konto/"), role


def _public_urls() -> list[str]:
    """The public pages that need no object: each opened by an anonymous visitor."""
    urls = []
    for name in sorted(PUBLIC):
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue  # needs an object: its app's tests open it
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("url", _public_urls())
def test_public_pages_open_to_anonymous_visitors(client, url):
    response = client.get(url)
    # 405: a POST-only action (bookmark, registration); 302: a "sent" page with nothing
    # sent goes back to its form. Never the login.
    assert response.status_code in (200, 302, 405), response.status_code
    if response.status_code == 302:
        assert not response.url.startswith("/konto/")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BY_TOKEN))
def test_a_made_up_token_opens_nothing(client, name):
    url = BY_TOKEN[name].format(token="x" * 40)
    response = client.get(url)
    assert response.status_code in (400, 404), response.status_code


def _admin_pages() -> list[str]:
    """Every admin page that needs no object: the index and each model's list."""
    return sorted(
        "/" + route.route
        for route in url_routes()
        if is_admin(route)
        and "<" not in route.route
        and "(" not in route.route
        and route.route.count("/") in (1, 3)
        and not route.route.endswith(("login/", "logout/", "add/"))
    )


def test_the_admin_pages_are_walked():
    pages = _admin_pages()
    assert "/verwaltung/" in pages
    assert "/verwaltung/outbox/outboxmessage/" in pages
    assert len(pages) > 20


@pytest.mark.django_db
def test_the_admin_is_for_the_network_office_only(client_for, owner, network_office):
    office = client_for(with_second_factor(network_office))
    staff = client_for(owner)
    anonymous = client_for(None)
    for url in _admin_pages():
        assert office.get(url).status_code == 200, url
        for client in (staff, anonymous):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.url.startswith("/verwaltung/login/"), url
