"""Two-factor by what a view shows: every URL is walked, and a view that shows or exports
personal data must carry `@personal_data`; the roles that must have a second factor (the
network office, counsellors) reach those views only with a confirmed one.

"Personal data" here: people's requests and contact data (counselling requests, company
needs with their contacts, event registrations, team and group e-mails, who answered an
invitation, the account behind a change) and everything in the admin (people, newsletter
subscribers, outbox contents, feedback, data-subject requests). Not: published offers,
events and news, figures, a person's own settings and subscriptions.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from beweqo.admin import PortalAdminSite
from common.twofactor import shows_personal_data
from events.services import event_register
from tests.access import with_second_factor
from tests.beweqo.test_url_access import BY_TOKEN, PUBLIC
from tests.events.test_support import portal_event
from tests.urls import is_account, is_admin, portal_routes, url_routes

PERSONAL = {
    # Counselling: the queue and its requests, the office's data tools (data-subject
    # requests), the demand board with the companies' contacts, joint measures built on them.
    "counselling:queue",
    "counselling:request_detail",
    "counselling:request_claim",
    "counselling:request_status",
    "counselling:request_note",
    "counselling:request_hand_over",
    "counselling:office",
    "counselling:person_data",
    "counselling:board",
    # The board's threshold: a wrong value shows the board again, contacts included.
    "counselling:board_threshold",
    "counselling:joint_measure_new",
    "counselling:joint_measure",
    "counselling:joint_measure_link",
    "counselling:joint_measure_choose",
    # Course wishes: the office's list with the addresses to tell.
    "counselling:wish_list",
    # Events: the registrations (names, e-mail addresses) as a list and as CSV; the approval
    # queue names the account that asked.
    "events:bo_event_registrations",
    "events:bo_event_registrations_csv",
    "events:bo_event_registration_remove",
    "events:bo_event_approvals",
    "events:bo_event_approve",
    # The team of an institution: names, e-mail addresses, roles.
    "network:team",
    "network:team_role",
    "network:team_remove",
    # Offers: the approval queue and an offer's history name the accounts behind them.
    "offerings:bo_approvals",
    "offerings:bo_approve",
    "offerings:bo_offer_history",
    # Working groups: the members' e-mail addresses, who comes to a meeting.
    "workgroups:group_internal",
    "workgroups:meeting_detail",
}

# What anyone may open, anonymous visitors included, shows no personal data: a second
# factor cannot guard a page that needs no login. The access walk declares these pages
# (tests/beweqo/test_url_access.py: PUBLIC, and BY_TOKEN for the links sent by mail); they
# are not declared again here.
OPEN_TO_ANYONE = PUBLIC | set(BY_TOKEN)

# The other views that show no personal data: behind a login, or public but decided by an
# app's access matrix (tests/beweqo/test_url_access.py, MATRICES).
NOT_PERSONAL = {
    # A person's own course alerts.
    "offerings:alert_mine",
    # The providers' back office: offers, dates, imports and exports of offers.
    "offerings:bo_offers",
    "offerings:bo_offer_create",
    "offerings:bo_offers_bulk",
    "offerings:bo_offer_edit",
    "offerings:bo_offer_preview",
    "offerings:bo_offer_publish",
    "offerings:bo_offer_review",
    "offerings:bo_offer_archive",
    "offerings:bo_offer_duplicate",
    "offerings:bo_offer_delete",
    "offerings:bo_date_create",
    "offerings:bo_dates_shift",
    "offerings:bo_date_edit",
    "offerings:bo_date_copy",
    "offerings:bo_date_delete",
    "offerings:bo_import",
    "offerings:bo_import_status",
    "offerings:bo_import_commit",
    "offerings:bo_import_defaults",
    "offerings:bo_csv_template",
    "offerings:bo_export_openqcat",
    "offerings:bo_export_csv",
    # Working groups: public pages, a person's own tasks and digest, the group's work
    # (meetings, minutes, tasks, measures: the group's own texts, no contact data).
    "workgroups:index",
    "workgroups:search",
    "workgroups:my_tasks",
    "workgroups:overview",
    "workgroups:digest_settings",
    "workgroups:group_detail",
    "workgroups:meeting_create",
    "workgroups:meeting_edit",
    "workgroups:meeting_ical",
    "workgroups:meeting_reply",
    "workgroups:minutes_edit",
    "workgroups:minutes_history",
    "workgroups:attachment_upload",
    "workgroups:attachment_download",
    "workgroups:attachment_remove",
    "workgroups:action_item_create",
    "workgroups:action_item_status",
    "workgroups:measure_create",
    "workgroups:measure_detail",
    "workgroups:measure_edit",
    "workgroups:milestone_create",
    "workgroups:milestone_done",
    # Counselling's public side: the directory, the forms a person sends, the funding check.
    "counselling:directory",
    "counselling:request",
    "counselling:funding_check",
    "counselling:need",
    "counselling:need_sent",
    # A provider's invitations to joint measures: numbers, never a company's name.
    "counselling:joint_invitations",
    "counselling:joint_invitation",
    "counselling:joint_quote_withdraw",
    "counselling:joint_invitation_offer",
    # A course wish: the form (its sent page and the links of its mail are public).
    "counselling:wish",
    # An institution's counselling services and the office's approval of them: what the
    # public directory shows (the service's own contact), no account names.
    "counselling:service_list",
    "counselling:service_create",
    "counselling:service_edit",
    "counselling:service_active",
    "counselling:service_approvals",
    "counselling:service_approve",
    "counselling:service_reject",
    # Events: the organisers' event pages.
    "events:bo_events",
    "events:bo_event_create",
    "events:bo_event_edit",
    "events:bo_event_preview",
    "events:bo_event_publish",
    "events:bo_event_unpublish",
    "events:bo_event_duplicate",
    "events:bo_event_cancel",
    "events:bo_event_delete",
    # News and the newsletter: posts, issues, the number of subscribers (the subscribers
    # themselves are in the admin).
    "news:news_manage",
    "news:news_create",
    "news:news_edit",
    "news:news_delete",
    "news:newsletter_manage",
    "news:newsletter_issue_create",
    "news:newsletter_issue_edit",
    "news:newsletter_preview",
    "news:newsletter_send_test",
    "news:newsletter_send",
    # The network's figures.
    "steering:dashboard",
    "steering:dashboard_print",
    "steering:dashboard_csv",
    "steering:dashboard_xlsx",
    # The funder report: aggregated, small cells suppressed (issue 21).
    "steering:funder_csv",
    "steering:funder_xlsx",
    # An institution's own profile.
    "network:institution_edit",
    # A person's own area.
    "portal:my_area",
}


def test_every_portal_view_is_declared_personal_or_not():
    names = {route.name for route in portal_routes()}
    not_personal = NOT_PERSONAL | OPEN_TO_ANYONE
    assert PERSONAL.isdisjoint(not_personal)
    assert NOT_PERSONAL.isdisjoint(OPEN_TO_ANYONE), "declared in test_url_access already"
    assert names - PERSONAL - not_personal == set(), "declare each new view in this module"
    assert (PERSONAL | not_personal) - names == set(), "a declared view is gone"


def test_every_view_that_shows_personal_data_carries_the_marker():
    routes = {route.name: route for route in portal_routes()}
    unmarked = {name for name in PERSONAL if not shows_personal_data(routes[name].view)}
    assert unmarked == set()


def test_no_view_carries_the_marker_without_being_declared():
    marked = {route.name for route in portal_routes() if shows_personal_data(route.view)}
    assert marked - PERSONAL == set()


def _admin_site_of(view):
    """The admin wraps its views at request time: the callback points to its site."""
    model_admin = getattr(view, "model_admin", None)
    return model_admin.admin_site if model_admin else getattr(view, "admin_site", None)


def test_every_admin_view_goes_through_the_marker():
    admin_routes = [route for route in url_routes() if is_admin(route)]
    assert len(admin_routes) > 50
    unguarded = {
        route.route
        for route in admin_routes
        if route.route != "verwaltung/login/"
        and not shows_personal_data(route.view)
        and not isinstance(_admin_site_of(route.view), PortalAdminSite)
    }
    assert unguarded == set()
    assert shows_personal_data(admin.site.admin_view(lambda request: None))


def test_allauth_pages_are_the_only_ones_left_out():
    """The walk covers everything: what is neither the portal nor the admin is allauth's."""
    others = [r for r in url_routes() if not is_admin(r) and not is_account(r)]
    assert len(others) == len(portal_routes())
    assert any(is_account(r) for r in url_routes())


# Behaviour: the hole the probe found, and the rule by role.


@pytest.fixture
def registrations(institution):
    event = portal_event(institution=institution, seats=5)
    event_register(event_id=event.pk, name="Anna Beispiel", email="anna@beispiel.de")
    base = f"/kurse/bereich/{institution.slug}/veranstaltungen/{event.pk}/"
    return base + "anmeldungen/", base + "anmeldungen.csv"


@pytest.mark.django_db
def test_the_office_without_totp_gets_no_registration_list_or_csv(
    client_for, network_office, registrations
):
    client = client_for(network_office)
    for url in registrations:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_activate_totp") + "?next=")
        assert "anna@beispiel.de" not in response.content.decode()
    page = client.get(response.url, follow=True).content.decode()
    assert "personenbezogene Daten" in page
    assert "Zwei-Faktor-Anmeldung" in page


@pytest.mark.django_db
def test_the_office_with_totp_gets_the_registration_list_and_csv(
    client_for, network_office, registrations
):
    client = client_for(with_second_factor(network_office))
    for url in registrations:
        response = client.get(url)
        assert response.status_code == 200
        assert "anna@beispiel.de" in response.content.decode()


@pytest.mark.django_db
def test_the_redirect_keeps_where_the_person_wanted_to_go(client_for, network_office):
    response = client_for(network_office).get("/beratung/anfragen/?status=open")
    assert (
        response.url
        == reverse("mfa_activate_totp") + "?next=%2Fberatung%2Fanfragen%2F%3Fstatus%3Dopen"
    )


@pytest.mark.django_db
def test_an_institution_admin_needs_no_second_factor_for_their_registrations(
    client_for, owner, registrations
):
    """The policy is kept: only the network office and counsellors must have one."""
    assert client_for(owner).get(registrations[0]).status_code == 200


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_log_in_not_to_set_up_totp(client, registrations):
    response = client.get(registrations[1])
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/verwaltung/",
        "/verwaltung/news/newslettersubscriber/",
        "/verwaltung/outbox/outboxmessage/",
        "/verwaltung/counselling/personaldataaccess/",
    ],
)
def test_the_admin_needs_the_second_factor(client_for, network_office, url):
    assert client_for(network_office).get(url).url.startswith(reverse("mfa_activate_totp"))
    assert client_for(with_second_factor(network_office)).get(url).status_code == 200
