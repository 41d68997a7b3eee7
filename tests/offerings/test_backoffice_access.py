"""The access matrix of the provider back office and the team page: every URL and method,
for the institution's admin (owner) and editor (member), the admin of another institution
(outsider), the network office and anonymous visitors. Strangers get a 404, editors who
try to manage the team a 403, anonymous visitors the login page; a refused request
changes nothing, an allowed change changes something."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from network.models import Membership, MembershipRole
from offerings.exporters import csv_template
from offerings.models import (
    DeliveryForm,
    ImportJob,
    ImportStatus,
    Offer,
    OfferApproval,
    OfferDate,
    Topic,
)
from tests.access import LOGIN, OK, assert_access, view_names, with_second_factor
from tests.factories import MembershipFactory
from tests.offerings.factories import OfferDateFactory, OfferFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "member", "outsider", "office", "anonymous"]
EXPECTED = {
    "backoffice": {"owner": OK, "member": OK, "outsider": 404, "office": OK, "anonymous": LOGIN},
    "team": {"owner": OK, "member": 403, "outsider": 404, "office": OK, "anonymous": LOGIN},
    "office": {"owner": 403, "member": 403, "outsider": 403, "office": OK, "anonymous": LOGIN},
}


@dataclass
class World:
    offer: Offer
    date: OfferDate
    job: ImportJob
    colleague: Membership
    pending: Offer


@pytest.fixture
def world(institution, owner, member):
    offer = OfferFactory(institution=institution, status="draft", dates=[])
    Offer.objects.filter(pk=offer.pk).update(
        last_reviewed_on=timezone.localdate() - timedelta(days=400)
    )
    offer_date = OfferDateFactory(offer=offer)
    job = ImportJob.objects.create(
        institution=institution,
        user=owner,
        format="csv",
        filename="vorlage.csv",
        content=csv_template(),
        status=ImportStatus.CHECKED,
        report={"counts": {"create": 1}, "entries": []},
    )
    pending = OfferFactory(institution=institution, status="draft", title="Wartet")
    OfferApproval.objects.create(offer=pending, requested_by=owner)
    colleague = MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR)
    return World(offer=offer, date=offer_date, job=job, colleague=colleague, pending=pending)


@pytest.fixture
def users(owner, member, outsider, network_office):
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "office": with_second_factor(network_office),
        "anonymous": None,
    }


def offer_data(**extra) -> dict:
    return {
        "title": "Stapler-Führerschein",
        "summary": "Theorie und Praxis an zwei Tagen.",
        "delivery_form": DeliveryForm.objects.get(slug="praesenz").pk,
        "level": "none",
        "certificate": "attendance",
        "language": "de",
        "price": "120",
        **extra,
    }


def date_data(w: World) -> dict:
    start = timezone.localdate() + timedelta(days=60)
    return {
        "start_kind": "fixed",
        "start": start.isoformat(),
        "end": (start + timedelta(days=1)).isoformat(),
        "schedule": "full_time",
        "time_of_day": "morning",
        "venue": w.date.venue_id,
    }


def cases(w: World, slug: str) -> dict[str, tuple]:
    base = f"/kurse/bereich/{slug}/"
    o, d = w.offer.pk, w.date.pk
    return {
        "list": ("backoffice", "get", base, None),
        "create form": ("backoffice", "get", f"{base}neu/", None),
        "create": ("backoffice", "post", f"{base}neu/", offer_data()),
        "edit form": ("backoffice", "get", f"{base}{o}/", None),
        "edit": ("backoffice", "post", f"{base}{o}/", offer_data(title="Neuer Titel")),
        "preview": ("backoffice", "get", f"{base}{o}/vorschau/", None),
        "history": ("backoffice", "get", f"{base}{o}/verlauf/", None),
        "publish": ("backoffice", "post", f"{base}{o}/veroeffentlichen/", {}),
        "review": ("backoffice", "post", f"{base}{o}/geprueft/", {}),
        "archive": ("backoffice", "post", f"{base}{o}/archivieren/", {}),
        "duplicate": ("backoffice", "post", f"{base}{o}/kopieren/", {}),
        "delete form": ("backoffice", "get", f"{base}{o}/loeschen/", None),
        "delete": ("backoffice", "post", f"{base}{o}/loeschen/", {}),
        "date form": ("backoffice", "get", f"{base}{o}/termine/neu/", None),
        "date create": ("backoffice", "post", f"{base}{o}/termine/neu/", date_data(w)),
        "date edit form": ("backoffice", "get", f"{base}{o}/termine/{d}/", None),
        "date edit": ("backoffice", "post", f"{base}{o}/termine/{d}/", date_data(w)),
        "date copy": ("backoffice", "post", f"{base}{o}/termine/{d}/kopieren/", {}),
        "date delete": ("backoffice", "post", f"{base}{o}/termine/{d}/loeschen/", {}),
        "shift form": ("backoffice", "get", f"{base}{o}/termine/verschieben/", None),
        "shift": ("backoffice", "post", f"{base}{o}/termine/verschieben/", {"days": "7"}),
        "import form": ("backoffice", "get", f"{base}import/", None),
        "import": (
            "backoffice",
            "post",
            f"{base}import/",
            {"file": SimpleUploadedFile("k.csv", csv_template(), "text/csv")},
        ),
        "bulk publish": (
            "backoffice",
            "post",
            f"{base}auswahl/",
            {"action": "publish", "offers": [o]},
        ),
        "bulk archive": (
            "backoffice",
            "post",
            f"{base}auswahl/",
            {"action": "archive", "offers": [o, w.pending.pk]},
        ),
        "bulk terms": (
            "backoffice",
            "post",
            f"{base}auswahl/",
            {
                "action": "taxonomy",
                "step": "True",
                "mode": "add",
                "offers": [o],
                "topics": [Topic.objects.filter(is_active=True).first().pk],
            },
        ),
        # Issue 22: the confirmed step of the bulk review (the page before it changes nothing,
        # tests/offerings/test_review_deadline.py).
        "bulk review": (
            "backoffice",
            "post",
            f"{base}auswahl/",
            {"action": "review", "step": "True", "offers": [o]},
        ),
        "import status": ("backoffice", "get", f"{base}import/{w.job.pk}/", None),
        "import commit": ("backoffice", "post", f"{base}import/{w.job.pk}/uebernehmen/", {}),
        "csv template": ("backoffice", "get", f"{base}import/vorlage.csv", None),
        "export openqcat": ("backoffice", "get", f"{base}export/openqcat.xml", None),
        "export csv": ("backoffice", "get", f"{base}export/angebote.csv", None),
        "team": ("team", "get", f"/mitglieder/{slug}/team/", None),
        "team invite": (
            "team",
            "post",
            f"/mitglieder/{slug}/team/",
            {"email": "neu@vhs.test", "name": "Neu", "role": "editor"},
        ),
        "team role": (
            "team",
            "post",
            f"/mitglieder/{slug}/team/{w.colleague.pk}/rolle/",
            {f"m{w.colleague.pk}-role": "editor"},
        ),
        "team remove": (
            "team",
            "post",
            f"/mitglieder/{slug}/team/{w.colleague.pk}/entfernen/",
            {},
        ),
        "approvals": ("office", "get", "/kurse/bereich/freigaben/", None),
        "approve": ("office", "post", f"/kurse/bereich/freigaben/{w.pending.pk}/", {}),
    }


CASE_NAMES = [
    "list",
    "create form",
    "create",
    "edit form",
    "edit",
    "preview",
    "history",
    "publish",
    "review",
    "archive",
    "duplicate",
    "delete form",
    "delete",
    "date form",
    "date create",
    "date edit form",
    "date edit",
    "date copy",
    "date delete",
    "shift form",
    "shift",
    "import form",
    "import",
    "bulk publish",
    "bulk archive",
    "bulk terms",
    "bulk review",
    "import status",
    "import commit",
    "csv template",
    "export openqcat",
    "export csv",
    "team",
    "team invite",
    "team role",
    "team remove",
    "approvals",
    "approve",
]


def state() -> tuple:
    return (
        sorted(
            Offer.objects.values_list("pk", "title", "status", "last_reviewed_on", "published_at")
        ),
        sorted(OfferDate.objects.values_list("pk", "start", "end", "schedule")),
        sorted(ImportJob.objects.values_list("pk", "status")),
        sorted(Membership.objects.values_list("pk", "role")),
        sorted(OfferApproval.objects.values_list("offer_id", flat=True)),
        sorted(Offer.topics.through.objects.values_list("offer_id", "topic_id")),
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


def test_counsellors_may_not_edit_offers(client_for, institution, world):
    response = client_for(world.colleague.user).get(f"/kurse/bereich/{institution.slug}/")
    assert response.status_code == 403


def test_an_offer_of_another_institution_is_not_found_under_ones_own(
    client_for, institution, other_institution, owner
):
    theirs = OfferFactory(institution=other_institution)
    response = client_for(owner).get(f"/kurse/bereich/{institution.slug}/{theirs.pk}/")
    assert response.status_code == 404


# The URL names this matrix decides (tests/beweqo/test_url_access.py reads them).
COVERS = {
    "offerings:bo_offers",
    "offerings:bo_offer_create",
    "offerings:bo_offers_bulk",
    "offerings:bo_offer_edit",
    "offerings:bo_offer_preview",
    "offerings:bo_offer_history",
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
    "offerings:bo_csv_template",
    "offerings:bo_export_openqcat",
    "offerings:bo_export_csv",
    "offerings:bo_approvals",
    "offerings:bo_approve",
    "network:team",
    "network:team_role",
    "network:team_remove",
}


def test_the_matrix_covers_what_it_declares(world, institution):
    urls = [url for _kind, _method, url, _data in cases(world, institution.slug).values()]
    assert view_names(urls) == COVERS
