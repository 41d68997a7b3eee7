"""The access matrix of event management: every URL and method, for the institution's
admin (owner) and editor (member), the admin of another institution (outsider), the
network office and anonymous visitors. Strangers get a 404, anonymous visitors the login
page, people who are not the office a 403 on the approval queue; a refused request
changes nothing, an allowed change changes something."""

from dataclasses import dataclass

import pytest

from events.models import Event, EventApproval, EventRegistration
from events.services import event_register
from network.models import MembershipRole
from tests.access import LOGIN, OK, assert_access, view_names, with_second_factor
from tests.events.test_support import EventFactory, event_form_data, portal_event
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "member", "outsider", "office", "anonymous"]
EXPECTED = {
    "backoffice": {"owner": OK, "member": OK, "outsider": 404, "office": OK, "anonymous": LOGIN},
    "office": {"owner": 403, "member": 403, "outsider": 403, "office": OK, "anonymous": LOGIN},
}


@dataclass
class World:
    draft: Event
    published: Event
    registration: EventRegistration
    pending: Event


@pytest.fixture
def world(institution, owner):
    draft = EventFactory(institution=institution, status="draft", published_at=None)
    published = portal_event(institution=institution, seats=5)
    registration = event_register(event_id=published.pk, name="Anna", email="anna@beispiel.de")
    pending = EventFactory(institution=institution, status="draft", published_at=None)
    EventApproval.objects.create(event=pending, requested_by=owner)
    return World(draft=draft, published=published, registration=registration, pending=pending)


@pytest.fixture
def users(owner, member, outsider, network_office):
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "office": with_second_factor(network_office),
        "anonymous": None,
    }


def cases(w: World, slug: str) -> dict[str, tuple]:
    base = f"/kurse/bereich/{slug}/veranstaltungen/"
    d, p, r = w.draft.pk, w.published.pk, w.registration.pk
    return {
        "list": ("backoffice", "get", base, None),
        "create form": ("backoffice", "get", f"{base}neu/", None),
        "create": ("backoffice", "post", f"{base}neu/", event_form_data()),
        "edit form": ("backoffice", "get", f"{base}{d}/", None),
        "edit": ("backoffice", "post", f"{base}{d}/", event_form_data(title="Neuer Titel")),
        "preview": ("backoffice", "get", f"{base}{d}/vorschau/", None),
        "publish": ("backoffice", "post", f"{base}{d}/veroeffentlichen/", {}),
        "unpublish": ("backoffice", "post", f"{base}{p}/zurueckziehen/", {}),
        "duplicate": ("backoffice", "post", f"{base}{p}/kopieren/", {}),
        "cancel form": ("backoffice", "get", f"{base}{p}/absagen/", None),
        "cancel": ("backoffice", "post", f"{base}{p}/absagen/", {}),
        "delete form": ("backoffice", "get", f"{base}{d}/loeschen/", None),
        "delete": ("backoffice", "post", f"{base}{d}/loeschen/", {}),
        "registrations": ("backoffice", "get", f"{base}{p}/anmeldungen/", None),
        "registrations csv": ("backoffice", "get", f"{base}{p}/anmeldungen.csv", None),
        "registration remove": (
            "backoffice",
            "post",
            f"{base}{p}/anmeldungen/{r}/stornieren/",
            {},
        ),
        "approvals": ("office", "get", "/kurse/bereich/freigaben/veranstaltungen/", None),
        "approve": (
            "office",
            "post",
            f"/kurse/bereich/freigaben/veranstaltungen/{w.pending.pk}/",
            {},
        ),
    }


CASE_NAMES = [
    "list",
    "create form",
    "create",
    "edit form",
    "edit",
    "preview",
    "publish",
    "unpublish",
    "duplicate",
    "cancel form",
    "cancel",
    "delete form",
    "delete",
    "registrations",
    "registrations csv",
    "registration remove",
    "approvals",
    "approve",
]


def state() -> tuple:
    return (
        sorted(Event.objects.values_list("pk", "title", "status", "published_at")),
        sorted(EventRegistration.objects.values_list("pk", "status", "name")),
        sorted(EventApproval.objects.values_list("event_id", flat=True)),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_access_matrix(client_for, institution, world, users, case, role):
    all_cases = cases(world, institution.slug)
    assert set(all_cases) == set(CASE_NAMES)
    kind, method, url, data = all_cases[case]
    expected = EXPECTED[kind][role]
    assert_access(
        client_for(users[role]),
        method=method,
        url=url,
        data=data,
        expected=expected,
        state=state,
    )


def test_counsellors_may_not_manage_events(client_for, institution, world):
    counsellor = with_second_factor(
        MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user
    )
    base = f"/kurse/bereich/{institution.slug}/veranstaltungen/"
    assert client_for(counsellor).get(base).status_code == 403
    assert client_for(counsellor).get(f"{base}{world.published.pk}/anmeldungen/").status_code == 403


def test_an_event_of_another_institution_is_not_found_under_ones_own(
    client_for, institution, other_institution, owner
):
    theirs = portal_event(institution=other_institution)
    event_register(event_id=theirs.pk, name="Bernd", email="bernd@beispiel.de")
    base = f"/kurse/bereich/{institution.slug}/veranstaltungen/{theirs.pk}/"
    for path in ("", "anmeldungen/", "anmeldungen.csv", "vorschau/"):
        assert client_for(owner).get(base + path).status_code == 404
    assert client_for(owner).post(base + "absagen/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "published"


def test_the_registration_list_is_shown_to_the_organiser_only(client_for, world, owner, outsider):
    slug = world.published.institution.slug
    url = f"/kurse/bereich/{slug}/veranstaltungen/{world.published.pk}/anmeldungen/"
    assert "anna@beispiel.de" in client_for(owner).get(url).content.decode()
    assert client_for(outsider).get(url).status_code == 404


# The URL names this matrix decides (tests/beweqo/test_url_access.py reads them).
COVERS = {
    "events:bo_events",
    "events:bo_event_create",
    "events:bo_event_edit",
    "events:bo_event_preview",
    "events:bo_event_publish",
    "events:bo_event_unpublish",
    "events:bo_event_duplicate",
    "events:bo_event_cancel",
    "events:bo_event_delete",
    "events:bo_event_registrations",
    "events:bo_event_registrations_csv",
    "events:bo_event_registration_remove",
    "events:bo_event_approvals",
    "events:bo_event_approve",
}


def test_the_matrix_covers_what_it_declares(world, institution):
    urls = [url for _kind, _method, url, _data in cases(world, institution.slug).values()]
    assert view_names(urls) == COVERS
