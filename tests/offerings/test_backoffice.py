"""The provider back office as its users notice it: the offer list with problems first and
a completeness score, forms with wrong, missing and oversized values, the change history,
preview, publication with the network office's approval, dates, imports through the
pages, the monthly freshness reminder and the team page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.models import Membership, MembershipRole, User
from offerings.exporters import csv_template
from offerings.imports import jobs
from offerings.models import (
    DeliveryForm,
    ImportJob,
    ImportStatus,
    Offer,
    OfferApproval,
    OfferChange,
    OfferStatus,
    TargetGroup,
    Topic,
    Venue,
)
from offerings.services import freshness_reminders_send
from offerings.tasks import freshness_reminders_send_task
from tests.access import with_second_factor
from tests.factories import MembershipFactory
from tests.offerings.factories import OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def base(institution) -> str:
    return f"/kurse/bereich/{institution.slug}/"


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


# --- List and completeness -------------------------------------------------------------------


def test_list_puts_problem_offers_first_and_says_what_is_missing(client_for, institution, member):
    complete = OfferFactory(
        institution=institution,
        title="A vollständig",
        description="x" * 250,
        keywords="Excel",
        contact_email="a@vhs.test",
        url="https://vhs.test/a",
    )
    complete.topics.set(Topic.objects.all()[:1])

    complete.target_groups.set(TargetGroup.objects.all()[:1])
    OfferFactory(institution=institution, title="B ohne Termin", dates=[])
    response = client_for(member).get(base(institution))
    rows = response.context["rows"]
    assert [r.offer.title for r in rows] == ["B ohne Termin", "A vollständig"]
    assert rows[1].score == 100
    assert rows[1].missing == []
    assert rows[0].no_open_date
    assert "kommender Termin" in [str(m) for m in rows[0].missing]
    assert "Kein kommender Termin" in response.content.decode()


def test_list_query_count_does_not_grow_with_offers(client_for, institution, member):
    OfferFactory(institution=institution)
    client = client_for(member)
    client.get(base(institution))
    with CaptureQueriesContext(connection) as one:
        client.get(base(institution))
    OfferFactory.create_batch(2, institution=institution)
    with CaptureQueriesContext(connection) as three:
        client.get(base(institution))
    assert len(three) == len(one)


# --- Forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"summary": ""}, "summary"),
        ({"title": "x" * 201}, "title"),
        ({"summary": "x" * 401}, "summary"),
        ({"price": "-1"}, "price"),
        ({"price": "100000"}, "price"),
        ({"price": "zwölf"}, "price"),
        ({"contact_email": "keine-adresse"}, "contact_email"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"delivery_form": "999999"}, "delivery_form"),
        ({"level": "dqr99"}, "level"),
    ],
)
def test_offer_form_rejects_wrong_missing_and_oversized_values(
    client_for, institution, member, data, field
):
    response = client_for(member).post(f"{base(institution)}neu/", offer_data(**data))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Offer.objects.exists()


def test_create_and_edit_record_who_changed_which_fields(client_for, institution, member, owner):
    response = client_for(member).post(f"{base(institution)}neu/", offer_data())
    offer = Offer.objects.get()
    assert response.url == f"{base(institution)}{offer.pk}/"
    assert offer.status == OfferStatus.DRAFT
    client_for(owner).post(
        f"{base(institution)}{offer.pk}/", offer_data(title="Gabelstapler", price="99")
    )
    offer.refresh_from_db()
    assert offer.title == "Gabelstapler"
    assert "gabelstapler" in offer.search_text
    last = OfferChange.objects.filter(offer=offer).first()
    assert (last.user, last.action, sorted(last.fields)) == (owner, "update", ["price", "title"])
    page = client_for(member).get(f"{base(institution)}{offer.pk}/verlauf/").content.decode()
    assert "Titel" in page
    assert "Preis in Euro" in page
    assert str(owner) in page


def test_preview_shows_a_draft_as_the_public_would_see_it(client_for, institution, member):
    offer = OfferFactory(institution=institution, status="draft", title="Geheimer Entwurf")
    assert client_for(None).get(f"/kurse/{offer.pk}/").status_code == 404
    response = client_for(member).get(f"{base(institution)}{offer.pk}/vorschau/")
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "offerings/offer_detail.html"
    assert "Geheimer Entwurf" in response.content.decode()
    assert len(response.context["offer"].open_dates) == 1


def test_preview_leads_back_to_the_editor_and_can_publish(client_for, institution, member):
    offer = OfferFactory(institution=institution, status="draft")
    page = client_for(member).get(f"{base(institution)}{offer.pk}/vorschau/").text
    assert f'href="{base(institution)}{offer.pk}/"' in page
    assert "Zurück zum Bearbeiten" in page
    assert f'action="{base(institution)}{offer.pk}/veroeffentlichen/"' in page
    # Not the visitor's parts: no Merkliste button, no way back to a search.
    assert 'id="merken-' not in page
    assert "Zurück zur Kurssuche" not in page

    offer.status = "published"
    offer.save()
    page = client_for(member).get(f"{base(institution)}{offer.pk}/vorschau/").text
    assert "veroeffentlichen/" not in page


# --- Publication ----------------------------------------------------------------------------


def test_first_publication_waits_for_the_office_later_ones_go_live(
    client_for, institution, member, network_office, on_commit
):
    first = OfferFactory(institution=institution, status="draft")
    with on_commit():
        client_for(member).post(f"{base(institution)}{first.pk}/veroeffentlichen/")
    assert [m.to for m in mail.outbox] == [[network_office.email]]
    assert "/kurse/bereich/freigaben/" in mail.outbox[0].body
    first.refresh_from_db()
    assert first.status == OfferStatus.DRAFT
    assert OfferApproval.objects.filter(offer=first).exists()
    # The queue names who asked: the office sees it with its second factor.
    office = with_second_factor(network_office)
    page = client_for(office).get("/kurse/bereich/freigaben/").content.decode()
    assert first.title in page
    client_for(network_office).post(f"/kurse/bereich/freigaben/{first.pk}/")
    first.refresh_from_db()
    assert first.status == OfferStatus.PUBLISHED
    assert first.published_at
    assert client_for(None).get(f"/kurse/{first.pk}/").status_code == 200

    second = OfferFactory(institution=institution, status="draft")
    client_for(member).post(f"{base(institution)}{second.pk}/veroeffentlichen/")
    second.refresh_from_db()
    assert second.status == OfferStatus.PUBLISHED
    assert not OfferApproval.objects.exists()


def test_duplicate_archive_and_delete(client_for, institution, member):
    offer = OfferFactory(institution=institution, external_id="X-1")
    client = client_for(member)
    client.post(f"{base(institution)}{offer.pk}/kopieren/")
    copy = Offer.objects.exclude(pk=offer.pk).get()
    assert copy.status == OfferStatus.DRAFT
    assert copy.external_id == ""
    assert copy.dates.count() == 1
    assert copy.title.endswith("(Kopie)")
    client.post(f"{base(institution)}{offer.pk}/archivieren/")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ARCHIVED
    client.post(f"{base(institution)}{copy.pk}/loeschen/")
    assert not Offer.objects.filter(pk=copy.pk).exists()


# --- Dates ----------------------------------------------------------------------------------


def date_data(**extra) -> dict:
    start = timezone.localdate() + timedelta(days=40)
    return {
        "start_kind": "fixed",
        "start": start.isoformat(),
        "end": (start + timedelta(days=2)).isoformat(),
        "schedule": "part_time",
        "time_of_day": "evening",
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"start": ""}, "start"),
        ({"end": "2000-01-01"}, "end"),
        ({"seats": "100000"}, "seats"),
        ({"hours_total": "-3"}, "hours_total"),
        ({}, "venue"),  # an on-site course needs a place
        ({"new_venue_name": "Halle", "new_venue_postcode": "7343"}, "new_venue_postcode"),
    ],
)
def test_date_form_rejects_wrong_values(client_for, institution, member, extra, field):
    offer = OfferFactory(institution=institution, dates=[])
    response = client_for(member).post(
        f"{base(institution)}{offer.pk}/termine/neu/", date_data(**extra)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not offer.dates.exists()


def test_dates_reuse_venues_copy_and_shift(client_for, institution, other_institution, member):
    offer = OfferFactory(institution=institution, dates=[])
    theirs = VenueFactory(institution=other_institution, name="Fremder Ort")
    client = client_for(member)
    url = f"{base(institution)}{offer.pk}/termine/neu/"
    # Another institution's venue is not offered.
    response = client.post(url, date_data(venue=theirs.pk))
    assert "venue" in response.context["form"].errors
    new_venue = {
        "new_venue_name": "Halle 2",
        "new_venue_city": "Aalen",
        "new_venue_postcode": "73430",
    }
    client.post(url, date_data(**new_venue))
    client.post(url, date_data(**new_venue))
    assert Venue.objects.filter(institution=institution, name="Halle 2").count() == 1
    first = offer.dates.first()
    client.post(f"{base(institution)}{offer.pk}/termine/{first.pk}/kopieren/")
    assert offer.dates.count() == 3
    starts = sorted(d.start for d in offer.dates.all())
    client.post(f"{base(institution)}{offer.pk}/termine/verschieben/", {"days": "7"})
    assert sorted(d.start for d in offer.dates.all()) == [s + timedelta(days=7) for s in starts]
    assert set(OfferChange.objects.filter(offer=offer).values_list("action", flat=True)) == {
        "date_add",
        "date_copy",
        "dates_shift",
    }


def test_a_new_venue_gets_its_place_and_a_second_spelling_reuses_it(
    client_for, institution, member, german_places
):
    offer = OfferFactory(institution=institution, dates=[])
    client = client_for(member)
    url = f"{base(institution)}{offer.pk}/termine/neu/"
    new_venue = {
        "new_venue_name": "Werkhalle",
        "new_venue_street": "Dreißentalstraße 2",
        "new_venue_postcode": "73447",
        "new_venue_city": "Oberkochen",
    }

    response = client.post(url, date_data(**new_venue), follow=True)

    venue = Venue.objects.get(institution=institution, name="Werkhalle")
    assert venue.municipality == german_places["oberkochen"]
    assert venue.district == "ostalbkreis"
    assert venue.latitude == german_places["oberkochen"].latitude
    assert "nicht nach Ort finden" not in response.content.decode()
    respelled = new_venue | {"new_venue_street": "Dreissentalstr. 2", "new_venue_name": "werkhalle"}
    client.post(url, date_data(**respelled))
    assert Venue.objects.filter(institution=institution).count() == 1
    assert [d.venue for d in offer.dates.all()] == [venue, venue]


def test_a_venue_that_cannot_be_placed_is_saved_with_a_warning(
    client_for, institution, member, german_places
):
    offer = OfferFactory(institution=institution, dates=[])
    url = f"{base(institution)}{offer.pk}/termine/neu/"
    new_venue = {"new_venue_name": "Schloss", "new_venue_city": "Lorch"}

    response = client_for(member).post(url, date_data(**new_venue), follow=True)

    page = response.content.decode()
    assert "Der Termin ist gespeichert." in page
    assert "Ort „Lorch“ ist nicht eindeutig" in page
    assert "Die Kurse dieses Angebots lassen sich nicht nach Ort finden." in page
    assert offer.dates.get().venue.municipality is None


def test_choosing_an_old_venue_without_place_places_it(
    client_for, institution, member, german_places
):
    offer = OfferFactory(institution=institution, dates=[])
    old = VenueFactory(
        institution=institution,
        postcode="73525",
        city="Schwäbisch Gmünd",
        municipality=None,
        district="outside",
        latitude=None,
        longitude=None,
    )

    client_for(member).post(f"{base(institution)}{offer.pk}/termine/neu/", date_data(venue=old.pk))

    old.refresh_from_db()
    assert old.municipality == german_places["schwaebisch-gmuend"]
    assert old.district == "ostalbkreis"


# --- Imports through the pages ----------------------------------------------------------------


def test_import_dry_run_then_commit(client_for, institution, member, on_commit):
    client = client_for(member)
    with on_commit():
        response = client.post(
            f"{base(institution)}import/",
            {"file": SimpleUploadedFile("angebote.csv", csv_template(), "text/csv")},
        )
    job = ImportJob.objects.get()
    assert response.url == f"{base(institution)}import/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert "Probelauf" in page
    assert "EXCEL-1" in page
    assert "Import übernehmen" in page
    assert not Offer.objects.exists()
    with on_commit():
        client.post(f"{base(institution)}import/{job.pk}/uebernehmen/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert bytes(job.content) == b""
    assert Offer.objects.get().dates.count() == 2
    # A second commit of the same job does nothing.
    with on_commit():
        client.post(f"{base(institution)}import/{job.pk}/uebernehmen/")
    assert Offer.objects.count() == 1


def test_import_status_polls_as_a_partial_for_htmx(client_for, institution, member):
    job = ImportJob.objects.create(
        institution=institution, user=member, format="csv", filename="a.csv", content=b"x"
    )
    response = client_for(member).get(
        f"{base(institution)}import/{job.pk}/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="import-status"')
    assert 'data-hx-trigger="every 2s"' in html


def test_oversized_and_broken_uploads_get_a_message(
    client_for, institution, member, on_commit, monkeypatch
):
    monkeypatch.setattr(jobs, "MAX_IMPORT_BYTES", 100)
    response = client_for(member).post(
        f"{base(institution)}import/",
        {"file": SimpleUploadedFile("gross.xml", b"<OPENQCAT>" + b" " * 200, "text/xml")},
    )
    assert "größer als" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()
    monkeypatch.undo()
    # Issue 15: refused at upload, before anything is stored (the parser refuses DTDs too).
    with on_commit():
        response = client_for(member).post(
            f"{base(institution)}import/",
            {"file": SimpleUploadedFile("bombe.xml", b'<!DOCTYPE x [<!ENTITY a "b">]><OPENQCAT/>')},
        )
    assert "Sicherheitsgründen" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()
    assert not Offer.objects.exists()


# --- Freshness reminders ----------------------------------------------------------------------


def test_monthly_reminder_mails_editors_with_one_link_per_offer(
    institution, owner, member, on_commit
):
    MembershipFactory(institution=institution, role=MembershipRole.COUNSELLOR)
    stale = OfferFactory(institution=institution, title="Alter Kurs")
    Offer.objects.filter(pk=stale.pk).update(
        last_reviewed_on=timezone.localdate() - timedelta(days=200)
    )
    dateless = OfferFactory(institution=institution, title="Ohne Termin", dates=[])
    OfferFactory(institution=institution, title="Alles gut")
    with on_commit():
        assert freshness_reminders_send_task.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, member.email])
    body = mail.outbox[0].body
    assert "Alter Kurs" in body
    assert "Ohne Termin" in body
    assert "Alles gut" not in body
    assert f"https://beweqo.test/kurse/bereich/{institution.slug}/{stale.pk}/" in body
    assert f"https://beweqo.test/kurse/bereich/{institution.slug}/{dateless.pk}/" in body
    # Run again in the same month: nothing new is sent.
    with on_commit():
        freshness_reminders_send()
    assert len(mail.outbox) == 2


# --- Team -------------------------------------------------------------------------------------


def test_admin_invites_changes_role_and_removes(client_for, institution, owner, on_commit):
    client = client_for(owner)
    with on_commit():
        client.post(
            f"/mitglieder/{institution.slug}/team/",
            {"email": "Neu@VHS.test", "name": "Nina Neu", "role": "editor"},
        )
    user = User.objects.get(email__iexact="neu@vhs.test")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, institution=institution)
    assert membership.role == MembershipRole.EDITOR
    assert mail.outbox[0].to == [user.email]
    assert "/konto/password/reset/" in mail.outbox[0].body
    response = client.post(
        f"/mitglieder/{institution.slug}/team/",
        {"email": "neu@vhs.test", "role": "admin"},
    )
    assert "schon zum Team" in str(response.context["form"].errors)
    client.post(
        f"/mitglieder/{institution.slug}/team/{membership.pk}/rolle/",
        {f"m{membership.pk}-role": "counsellor"},
    )
    membership.refresh_from_db()
    assert membership.role == MembershipRole.COUNSELLOR
    client.post(f"/mitglieder/{institution.slug}/team/{membership.pk}/entfernen/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_can_neither_be_demoted_nor_removed(client_for, institution, owner):
    own = Membership.objects.get(user=owner)
    client = client_for(owner)
    client.post(
        f"/mitglieder/{institution.slug}/team/{own.pk}/rolle/", {f"m{own.pk}-role": "editor"}
    )
    client.post(f"/mitglieder/{institution.slug}/team/{own.pk}/entfernen/")
    own.refresh_from_db()
    assert own.role == MembershipRole.ADMIN


def test_invitation_form_rejects_bad_addresses(client_for, institution, owner):
    for email in ("", "kein-at", "a" * 250 + "@x.de"):
        response = client_for(owner).post(
            f"/mitglieder/{institution.slug}/team/", {"email": email, "role": "editor"}
        )
        assert "email" in response.context["form"].errors
    assert Membership.objects.count() == 1


def test_the_venue_menu_asks_in_german_for_a_choice(client_for, institution, member):
    offer = OfferFactory(institution=institution, dates=[])
    VenueFactory(institution=institution, name="Werkstatt Nord")
    html = client_for(member).get(f"{base(institution)}{offer.pk}/termine/neu/").text
    menu = html.split('name="venue"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>– bitte wählen –</option>' in menu
    assert "Select" not in html
