"""Institutions keep their own counselling services (issue 22): a new one waits for the
network office before it is in the directory or gets requests, a change of an approved
one's routing fields waits while the approved values stay in force, the institution sees
the state and the office's reason and is mailed on each decision, and bad input is refused
with a clear message and nothing written."""

import importlib
import re
import uuid

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counselling.backoffice.services import service_version
from counselling.models import CounsellingService
from counselling.services import request_route
from network.models import MembershipRole
from outbox.models import OutboxMessage
from tests.access import with_second_factor
from tests.counselling.test_service_access import service_data
from tests.factories import CounsellingServiceFactory, MembershipFactory

pytestmark = pytest.mark.django_db

APPROVALS = "/beratung/freigaben/"


def base(institution) -> str:
    return f"/beratung/einrichtung/{institution.slug}/angebote/"


def directory_names(client) -> str:
    return client.get("/beratung/").content.decode()


def route(**overrides):
    wanted = {
        "district": "ostalbkreis",
        "situation": "job_seeking",
        "language": "de",
        "topic": "continuing_education",
    }
    wanted.update(overrides)
    return request_route(**wanted).service


@pytest.fixture
def office(network_office):
    return with_second_factor(network_office)


@pytest.fixture
def counsellor(institution):
    return with_second_factor(
        MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR).user
    )


def approve(client, service):
    service.refresh_from_db()
    return client.post(f"{APPROVALS}{service.pk}/freigeben/", {"version": service_version(service)})


def reject(client, service, reason):
    service.refresh_from_db()
    return client.post(
        f"{APPROVALS}{service.pk}/ablehnen/",
        {"version": service_version(service), "reason": reason},
    )


def test_a_new_service_is_listed_and_routed_only_after_the_office_approves_it(
    client, client_for, institution, owner, member, counsellor, office
):
    response = client_for(member).post(f"{base(institution)}neu/", service_data())
    service = CounsellingService.objects.get()
    assert response.status_code == 302
    assert service.approval == "pending"
    assert service.situations == ["job_seeking", "employed"]
    assert "Beratung im Quartier" not in directory_names(client)
    assert route() is None
    page = client_for(member).get(base(institution)).content.decode()
    assert "wartet auf Freigabe" in page
    # The office is told and sees it in its queue.
    assert OutboxMessage.objects.filter(
        recipient=office.email, key__startswith="counselling-service-approval:"
    ).exists()
    assert "Beratung im Quartier" in client_for(office).get(APPROVALS).content.decode()

    assert approve(client_for(office), service).status_code == 302
    service.refresh_from_db()
    assert service.approval == "approved"
    assert service.decided_by == office
    assert "Beratung im Quartier" in directory_names(client)
    assert route() == service
    assert "Beratung im Quartier" not in client_for(office).get(APPROVALS).content.decode()
    # The admin and the editor are told; the counsellor (who does not keep services) not.
    told = set(
        OutboxMessage.objects.filter(key__startswith="counselling-service-approved:").values_list(
            "recipient", flat=True
        )
    )
    assert told == {owner.email, member.email}
    mail = OutboxMessage.objects.filter(recipient=owner.email, subject__contains="Freigegeben")
    assert "im Beratungsverzeichnis" in mail.get().text


def test_a_rejected_service_shows_the_reason_and_goes_back_to_the_office_when_changed(
    client, client_for, institution, owner, office
):
    client_for(owner).post(f"{base(institution)}neu/", service_data())
    service = CounsellingService.objects.get()
    reason = "Bitte nennen Sie Sprechzeiten für Heidenheim."
    assert reject(client_for(office), service, reason).status_code == 302
    service.refresh_from_db()
    assert service.approval == "rejected"
    assert "Beratung im Quartier" not in directory_names(client)
    page = client_for(owner).get(f"{base(institution)}{service.pk}/").content.decode()
    assert reason in page
    assert "abgelehnt" in client_for(owner).get(base(institution)).content.decode()
    mail = OutboxMessage.objects.get(key__startswith="counselling-service-rejected:")
    assert mail.recipient == owner.email
    assert reason in mail.text

    before = OutboxMessage.objects.filter(key__startswith="counselling-service-approval:").count()
    client_for(owner).post(
        f"{base(institution)}{service.pk}/", service_data(opening_hours="Di 9–12 Uhr")
    )
    service.refresh_from_db()
    assert service.approval == "pending"
    assert service.rejection_reason == ""
    after = OutboxMessage.objects.filter(key__startswith="counselling-service-approval:").count()
    assert after == before + 1


def test_a_routing_change_of_an_approved_service_waits_while_the_old_values_stay_in_force(
    client, client_for, institution, owner, office
):
    service = CounsellingServiceFactory(institution=institution, name="Beratung Aalen")
    new_hours = "Mo–Fr 8–16 Uhr"
    response = client_for(owner).post(
        f"{base(institution)}{service.pk}/",
        service_data(
            name="Beratung Aalen",
            languages=["de"],
            districts=["heidenheim"],
            situations=["job_seeking", "returning", "employed"],
            opening_hours=new_hours,
        ),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    # The description is in force at once; the district waits.
    assert service.opening_hours == new_hours
    assert service.districts == ["ostalbkreis"]
    assert service.proposed == {"districts": ["heidenheim"]}
    assert route() == service
    assert route(district="heidenheim") == service  # only by the "anywhere" rule
    assert (
        request_route(
            district="heidenheim", situation="job_seeking", language="de", topic="funding"
        ).rule
        == "any_district"
    )
    assert new_hours in directory_names(client)
    edit_page = client_for(owner).get(f"{base(institution)}{service.pk}/").content.decode()
    assert "wartet auf die Freigabe" in edit_page
    assert "bisher: Ostalbkreis; neu: Landkreis Heidenheim" in edit_page
    assert "neu: Landkreis Heidenheim" in client_for(office).get(APPROVALS).content.decode()

    approve(client_for(office), service)
    service.refresh_from_db()
    assert service.districts == ["heidenheim"]
    assert service.proposed == {}
    assert (
        request_route(
            district="heidenheim", situation="job_seeking", language="de", topic="funding"
        ).rule
        == "exact"
    )
    mail = OutboxMessage.objects.get(key__startswith="counselling-service-approved:")
    assert "Änderung" in mail.text


def test_a_rejected_change_is_dropped_and_the_approved_values_stay(
    client_for, institution, owner, office
):
    service = CounsellingServiceFactory(institution=institution, name="Beratung Aalen")
    client_for(owner).post(
        f"{base(institution)}{service.pk}/",
        service_data(name="Beratung Aalen", languages=["de"], kind="recognition"),
    )
    reject(client_for(office), service, "Für Anerkennung ist die IHK zuständig.")
    service.refresh_from_db()
    assert service.kind == "continuing_education"
    assert service.approval == "approved"
    assert service.proposed == {}
    page = client_for(owner).get(f"{base(institution)}{service.pk}/").content.decode()
    assert "nicht freigegeben" in page
    assert "Für Anerkennung ist die IHK zuständig." in page


def test_the_office_decides_only_on_what_it_saw(client_for, institution, owner, office):
    client_for(owner).post(f"{base(institution)}neu/", service_data())
    service = CounsellingService.objects.get()
    seen = service_version(service)
    # The institution changes the service while the office reads the queue.
    client_for(owner).post(
        f"{base(institution)}{service.pk}/", service_data(districts=["heidenheim"])
    )
    response = client_for(office).post(
        f"{APPROVALS}{service.pk}/freigeben/", {"version": seen}, follow=True
    )
    assert "inzwischen geändert" in response.content.decode()
    service.refresh_from_db()
    assert service.approval == "pending"
    assert not OutboxMessage.objects.filter(key__startswith="counselling-service-approved:")


def test_a_deactivated_service_leaves_directory_and_routing_and_comes_back(
    client, client_for, institution, member
):
    service = CounsellingServiceFactory(institution=institution, name="Beratung Aalen")
    client_for(member).post(f"{base(institution)}{service.pk}/aktiv/", {"aktiv": "0"})
    assert "Beratung Aalen" not in directory_names(client)
    assert route() is None
    client_for(member).post(f"{base(institution)}{service.pk}/aktiv/", {"aktiv": "1"})
    assert "Beratung Aalen" in directory_names(client)
    assert route() == service
    response = client_for(member).post(
        f"{base(institution)}{service.pk}/aktiv/", {"aktiv": "vielleicht"}, follow=True
    )
    assert "es wurde nichts geändert" in response.content.decode().lower()
    service.refresh_from_db()
    assert service.is_active


def test_a_service_the_office_creates_is_approved_at_once(client, client_for, institution, office):
    client_for(office).post(f"{base(institution)}neu/", service_data())
    assert CounsellingService.objects.get().approval == "approved"
    assert "Beratung im Quartier" in directory_names(client)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "B" * 151, "höchstens 150 Zeichen"),
        ("description", "x" * 1501, "höchstens 1500 Zeichen"),
        ("opening_hours", "9" * 301, "höchstens 300 Zeichen"),
        ("districts", ["ostalbkreis", "mars"], "„mars“ steht nicht zur Auswahl"),
        ("kind", "astrology", "Bitte wählen Sie eine Art der Beratung aus der Liste."),
        ("languages", [], "mindestens eine Sprache"),
        ("name", "Beratung \u202eTSET", "Steuerzeichen"),
        ("opening_hours", "Mo\x079 Uhr", "Steuerzeichen"),
        ("contact_phone", "ruf an!", "Telefonnummer"),
        ("contact_email", "beratung@", "E-Mail-Adresse"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    client_for, institution, owner, field, value, message
):
    service = CounsellingServiceFactory(institution=institution, name="Beratung Aalen")
    before = list(CounsellingService.objects.values())
    for url in (f"{base(institution)}neu/", f"{base(institution)}{service.pk}/"):
        response = client_for(owner).post(url, service_data(**{field: value}))
        assert response.status_code == 400
        assert message in response.content.decode()
    assert list(CounsellingService.objects.values()) == before
    assert not OutboxMessage.objects.exists()


def test_a_service_needs_a_way_to_reach_it(client_for, institution, owner):
    response = client_for(owner).post(
        f"{base(institution)}neu/", service_data(contact_email="", contact_phone="")
    )
    assert response.status_code == 400
    assert "E-Mail-Adresse oder eine Telefonnummer" in response.content.decode()
    assert not CounsellingService.objects.exists()


def test_hostile_markup_is_shown_as_text(client, client_for, institution, owner, office):
    client_for(owner).post(
        f"{base(institution)}neu/",
        service_data(name="<script>alert(1)</script>", description="<b>fett</b>"),
    )
    approve(client_for(office), CounsellingService.objects.get())
    page = directory_names(client)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;fett&lt;/b&gt;" in page


def test_a_rejection_needs_a_reason(client_for, institution, owner, office):
    client_for(owner).post(f"{base(institution)}neu/", service_data())
    service = CounsellingService.objects.get()
    for reason, message in (
        ("", "Bitte nennen Sie der Einrichtung einen Grund."),
        ("   ", "Bitte nennen Sie der Einrichtung einen Grund."),
        ("x" * 1001, "höchstens 1000 Zeichen"),
    ):
        response = reject(client_for(office), service, reason)
        assert response.status_code == 400
        assert message in response.content.decode()
    service.refresh_from_db()
    assert service.approval == "pending"
    assert not OutboxMessage.objects.filter(key__startswith="counselling-service-rejected:")


def test_my_area_links_the_services_for_admins_and_editors_only(
    client_for, institution, owner, member, counsellor
):
    link = base(institution)
    assert link in client_for(owner).get("/mein-bereich/").content.decode()
    assert link in client_for(member).get("/mein-bereich/").content.decode()
    assert link not in client_for(counsellor).get("/mein-bereich/").content.decode()


def test_the_office_finds_its_queue_in_my_area(client_for, office):
    assert APPROVALS in client_for(office).get("/mein-bereich/").content.decode()


def test_services_that_existed_before_stay_approved(institution):
    """The data migration: what the office set up in the admin stays listed."""
    migration = importlib.import_module("counselling.migrations.0004_service_approval")
    service = CounsellingServiceFactory(institution=institution, approval="pending")
    migration.existing_services_approve(django_apps, None)
    service.refresh_from_db()
    assert service.approval == "approved"


def test_setting_the_routing_fields_back_withdraws_the_proposal(
    client_for, institution, owner, office
):
    service = CounsellingServiceFactory(institution=institution, name="Beratung Aalen")
    kept = {
        "name": "Beratung Aalen",
        "situations": service.situations,
        "languages": service.languages,
    }
    client_for(owner).post(
        f"{base(institution)}{service.pk}/", service_data(**kept, districts=["heidenheim"])
    )
    service.refresh_from_db()
    assert service.proposed == {"districts": ["heidenheim"]}
    client_for(owner).post(
        f"{base(institution)}{service.pk}/", service_data(**kept, districts=["ostalbkreis"])
    )
    service.refresh_from_db()
    assert service.proposed == {}
    assert "Beratung Aalen" not in client_for(office).get(APPROVALS).content.decode()


@pytest.mark.parametrize("url", ["list", "approvals"])
def test_the_lists_ask_the_same_number_of_queries_for_one_service_and_for_three(
    client_for, institution, owner, office, url
):
    def count() -> int:
        client = client_for(office if url == "approvals" else owner)
        path = APPROVALS if url == "approvals" else base(institution)
        client.get(path)  # the session and roles, once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    CounsellingServiceFactory(institution=institution, approval="pending")
    one = count()
    CounsellingServiceFactory.create_batch(2, institution=institution, approval="pending")
    assert count() == one


# --- the same form posted twice ---------------------------------------------------------


def form_key(client, institution) -> str:
    """The key of the new-service form, as the page gives it."""
    page = client.get(f"{base(institution)}neu/").content.decode()
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page).group(1)


@pytest.mark.parametrize("who", ["member", "office"])
def test_the_same_form_posted_twice_creates_one_service(
    client_for, institution, member, office, who
):
    """A double click, or the form sent again after going back: one service, and the
    second answer leads to it like the first."""
    client = client_for({"member": member, "office": office}[who])
    data = service_data(submission_key=form_key(client, institution))

    first = client.post(f"{base(institution)}neu/", data)
    second = client.post(f"{base(institution)}neu/", data)

    service = CounsellingService.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"{base(institution)}{service.pk}/"
    page = client.get(second["Location"])
    assert page.status_code == 200
    assert "Beratung im Quartier" in page.content.decode()
    # The office is told of the new service once (its own needs no approval).
    told = OutboxMessage.objects.filter(key__startswith="counselling-service-approval:")
    assert told.count() == (1 if who == "member" else 0)


def test_two_forms_create_two_services(client_for, institution, member):
    client = client_for(member)
    for name in ("Beratung Aalen", "Beratung Ellwangen"):
        data = service_data(name=name, submission_key=form_key(client, institution))
        assert client.post(f"{base(institution)}neu/", data).status_code == 302
    assert sorted(CounsellingService.objects.values_list("name", flat=True)) == [
        "Beratung Aalen",
        "Beratung Ellwangen",
    ]


def test_another_institutions_form_key_creates_nothing_and_shows_nothing(
    client_for, institution, other_institution, member
):
    theirs = CounsellingServiceFactory(
        institution=other_institution, name="Fremde Beratung", submission_key=uuid.uuid4()
    )
    response = client_for(member).post(
        f"{base(institution)}neu/", service_data(submission_key=str(theirs.submission_key))
    )
    assert response.status_code == 400
    assert "Fremde Beratung" not in response.content.decode()
    assert list(CounsellingService.objects.all()) == [theirs]


def test_a_form_without_its_key_is_refused_and_writes_nothing(client_for, institution, member):
    data = service_data()
    del data["submission_key"]
    response = client_for(member).post(f"{base(institution)}neu/", data)
    assert response.status_code == 400
    assert not CounsellingService.objects.exists()


def test_two_posts_at_the_same_moment_make_one_service(institution, member, office, monkeypatch):
    """Both posts looked for the key before either saved: the unique key decides, and the
    second gets the first's service."""
    from counselling.backoffice import services

    data = service_data()
    key = uuid.UUID(data.pop("submission_key"))
    first = services.service_create(
        institution=institution, user=member, data=data, submission_key=key
    )
    looked_up = services.service_for_submission
    calls = []

    def racing(**kwargs):
        # The second post's look-up came before the first was saved; later ones see it.
        calls.append(kwargs)
        return None if len(calls) == 1 else looked_up(**kwargs)

    monkeypatch.setattr(services, "service_for_submission", racing)
    second = services.service_create(
        institution=institution, user=member, data=data, submission_key=key
    )
    assert second == first
    assert len(calls) == 2  # the second look-up, after the unique key refused the save
    assert CounsellingService.objects.count() == 1
    assert (
        OutboxMessage.objects.filter(key__startswith="counselling-service-approval:").count() == 1
    )


def test_services_of_an_institution_no_longer_active_wait_outside_the_queue(
    client_for, office, other_institution
):
    CounsellingServiceFactory(
        institution=other_institution, name="Beratung ohne Träger", approval="pending"
    )
    assert "Beratung ohne Träger" in client_for(office).get(APPROVALS).content.decode()

    other_institution.is_active = False
    other_institution.save()
    assert "Beratung ohne Träger" not in client_for(office).get(APPROVALS).content.decode()

    other_institution.is_active = True
    other_institution.save()
    assert "Beratung ohne Träger" in client_for(office).get(APPROVALS).content.decode()
