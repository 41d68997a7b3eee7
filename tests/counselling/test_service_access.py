"""The access matrix of the institutions' counselling services (issue 22): every URL and
method for the institution's admin (owner) and editor (member), its counsellor (a plain
member for the back office), the admin of another institution (outsider), the network
office and anonymous visitors. Strangers get a 404, counsellors a 403, anonymous visitors
the login page, everybody but the office a 403 on the approval queue; a refused request
changes nothing, an allowed change changes something."""

import uuid
from dataclasses import dataclass

import pytest

from counselling.models import CounsellingService
from network.models import MembershipRole
from outbox.models import OutboxMessage
from tests.access import LOGIN, OK, assert_access, view_names, with_second_factor
from tests.factories import CounsellingServiceFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "member", "counsellor", "outsider", "office", "anonymous"]
EXPECTED = {
    "backoffice": {
        "owner": OK,
        "member": OK,
        "counsellor": 403,
        "outsider": 404,
        "office": OK,
        "anonymous": LOGIN,
    },
    "office": {
        "owner": 403,
        "member": 403,
        "counsellor": 403,
        "outsider": 403,
        "office": OK,
        "anonymous": LOGIN,
    },
}


def service_data(**overrides) -> dict:
    data = {
        "name": "Beratung im Quartier",
        "kind": "continuing_education",
        "description": "Wir beraten zu Weiterbildung und Förderung.",
        "situations": ["job_seeking", "employed"],
        "districts": ["ostalbkreis"],
        "languages": ["de", "tr"],
        "channels": ["phone", "in_person"],
        "opening_hours": "Mo–Do 9–12 Uhr",
        "contact_email": "beratung@vhs-aalen.de",
        "contact_phone": "07361 123456",
        # The new-service form's key, fresh per call as per form shown (the edit form has
        # none and ignores it).
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@dataclass
class World:
    approved: CounsellingService
    pending: CounsellingService


@pytest.fixture
def world(institution, other_institution):
    approved = CounsellingServiceFactory(institution=institution, name="Weiterbildungsberatung")
    pending = CounsellingServiceFactory(institution=institution, name="Neu", approval="pending")
    CounsellingService.objects.filter(pk=pending.pk).update(submitted_at="2026-11-30T09:00Z")
    pending.refresh_from_db()
    return World(approved=approved, pending=pending)


@pytest.fixture
def users(owner, member, outsider, institution, network_office):
    counsellor = MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user
    return {
        "owner": owner,
        "member": member,
        "counsellor": with_second_factor(counsellor),
        "outsider": outsider,
        "office": with_second_factor(network_office),
        "anonymous": None,
    }


def cases(w: World, slug: str) -> dict[str, tuple]:
    base = f"/beratung/einrichtung/{slug}/angebote/"
    a, p = w.approved.pk, w.pending.pk
    version = w.pending.submitted_at.isoformat()
    return {
        "list": ("backoffice", "get", base, None),
        "create form": ("backoffice", "get", f"{base}neu/", None),
        "create": ("backoffice", "post", f"{base}neu/", service_data()),
        "edit form": ("backoffice", "get", f"{base}{a}/", None),
        "edit": ("backoffice", "post", f"{base}{a}/", service_data(name="Neuer Name")),
        "deactivate": ("backoffice", "post", f"{base}{a}/aktiv/", {"aktiv": "0"}),
        "approvals": ("office", "get", "/beratung/freigaben/", None),
        "approve": ("office", "post", f"/beratung/freigaben/{p}/freigeben/", {"version": version}),
        "reject form": ("office", "get", f"/beratung/freigaben/{p}/ablehnen/", None),
        "reject": (
            "office",
            "post",
            f"/beratung/freigaben/{p}/ablehnen/",
            {"version": version, "reason": "Bitte Sprechzeiten ergänzen."},
        ),
    }


CASE_NAMES = [
    "list",
    "create form",
    "create",
    "edit form",
    "edit",
    "deactivate",
    "approvals",
    "approve",
    "reject form",
    "reject",
]


def state() -> tuple:
    return (
        sorted(
            CounsellingService.objects.values_list(
                "pk", "name", "approval", "is_active", "proposed", "rejection_reason"
            )
        ),
        OutboxMessage.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_access_matrix(client_for, institution, world, users, case, role):
    all_cases = cases(world, institution.slug)
    assert set(all_cases) == set(CASE_NAMES)
    kind, method, url, data = all_cases[case]
    assert_access(
        client_for(users[role]),
        method=method,
        url=url,
        data=data,
        expected=EXPECTED[kind][role],
        state=state,
    )


def test_nobody_edits_another_institutions_service(
    client_for, institution, other_institution, owner, member
):
    theirs = CounsellingServiceFactory(institution=other_institution, name="Beratung Heidenheim")
    before = state()
    for user in (owner, member):
        client = client_for(user)
        # Under one's own institution's path, and under theirs.
        for slug in (institution.slug, other_institution.slug):
            base = f"/beratung/einrichtung/{slug}/angebote/{theirs.pk}/"
            assert client.get(base).status_code == 404
            assert client.post(base, service_data(name="Übernommen")).status_code == 404
            assert client.post(f"{base}aktiv/", {"aktiv": "0"}).status_code == 404
    assert state() == before


# The URL names this matrix decides (tests/beweqo/test_url_access.py reads them).
COVERS = {
    "counselling:service_list",
    "counselling:service_create",
    "counselling:service_edit",
    "counselling:service_active",
    "counselling:service_approvals",
    "counselling:service_approve",
    "counselling:service_reject",
}


def test_the_matrix_covers_what_it_declares(world, institution):
    urls = [url for _kind, _method, url, _data in cases(world, institution.slug).values()]
    assert view_names(urls) == COVERS
