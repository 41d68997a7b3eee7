"""Bulk work in the back office (issue 15): publish, archive or change the terms of many
offers at once, chosen by checkbox in the list or as "all of this import"; each in one
transaction, with a history entry per offer, one search refresh, and a message saying how
many changed and which did not and why. Ids of other institutions' offers are ignored and
reported. A new provider's bulk publication is one request to the network office, whose
approval publishes every offer that waits; after it, the rest publishes at once.

The access matrix (owner, member, outsider, office, anonymous) is in
test_backoffice_access.py."""

import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.models import MembershipRole
from network.selectors import institution_is_new_provider
from offerings import services
from offerings.imports import jobs
from offerings.models import (
    FundingProgramme,
    ImportJob,
    Offer,
    OfferApproval,
    OfferChange,
    OfferStatus,
    TargetGroup,
    Topic,
)
from tests.access import with_second_factor
from tests.factories import MembershipFactory
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def known(institution):
    """An institution that has published before: its publications go live at once."""
    OfferFactory(institution=institution, title="Älterer Kurs", published_at=timezone.now())
    assert not institution_is_new_provider(institution=institution)
    return institution


@pytest.fixture
def refreshes(monkeypatch):
    """The offers of each call of the search refresh of offerings.services."""
    calls = []
    real = services.offer_search_refresh
    monkeypatch.setattr(
        services, "offer_search_refresh", lambda offers: calls.append(offers) or real(offers)
    )
    return calls


def bulk_url(institution) -> str:
    return f"/kurse/bereich/{institution.slug}/auswahl/"


def drafts(institution, *titles) -> list[Offer]:
    return [OfferFactory(institution=institution, title=t, status="draft") for t in titles]


def status(*offers) -> list[str]:
    return [Offer.objects.get(pk=offer.pk).status for offer in offers]


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_list_offers_a_checkbox_per_offer_in_a_form_outside_the_table(
    client_for, known, member
):
    draft = drafts(known, "Schweißen")[0]
    html = client_for(member).get(f"/kurse/bereich/{known.slug}/").content.decode()
    assert '<form method="post" action="/kurse/bereich/vhs-aalen/auswahl/" id="auswahl"' in html
    assert (
        f'type="checkbox" name="offers" value="{draft.pk}" id="angebote-offers-{draft.pk}" '
        'form="auswahl"' in html
    )
    assert '<span class="kern-sr-only">Auswählen: Schweißen</span>' in html
    # The form closes before the table: the row actions stay forms of their own.
    assert html.index("</form>", html.index('id="auswahl"')) < html.index("<table")


def test_bulk_publish_changes_what_it_can_and_says_what_it_did_not(
    client_for, known, member, refreshes
):
    first, second = drafts(known, "Excel", "Word")
    live = OfferFactory(institution=known, title="Schon online")
    response = client_for(member).post(
        bulk_url(known),
        {"action": "publish", "offers": [first.pk, second.pk, live.pk]},
        follow=True,
    )
    text = page_text(response)
    assert "2 Angebote sind veröffentlicht." in text
    assert "1 Angebot blieb, wie es war: „Schon online“ (ist bereits veröffentlicht)." in text
    assert status(first, second) == [OfferStatus.PUBLISHED] * 2
    assert Offer.objects.get(pk=first.pk).published_at is not None
    assert sorted(
        OfferChange.objects.filter(action="publish").values_list("offer_id", flat=True)
    ) == sorted([first.pk, second.pk])
    assert [sorted(o.pk for o in offers) for offers in refreshes] == [sorted([first.pk, second.pk])]
    assert response.redirect_chain[-1][0] == f"/kurse/bereich/{known.slug}/"


def test_bulk_publish_queries_do_not_grow_with_the_offers(known, member):
    one = drafts(known, "Kurs A")
    three = drafts(known, "Kurs B", "Kurs C", "Kurs D")
    services.offers_bulk_publish(offers=drafts(known, "Kurs Z"), user=member)  # warm caches
    with CaptureQueriesContext(connection) as for_one:
        services.offers_bulk_publish(offers=one, user=member)
    with CaptureQueriesContext(connection) as for_three:
        services.offers_bulk_publish(offers=three, user=member)
    assert len(for_three) == len(for_one)


def test_ids_of_other_institutions_are_ignored_and_reported(
    client_for, known, other_institution, owner
):
    mine = drafts(known, "Meins")[0]
    theirs = OfferFactory(institution=other_institution, status="draft", title="Fremd")
    response = client_for(owner).post(
        bulk_url(known),
        {"action": "archive", "offers": [mine.pk, theirs.pk, 999_999, "x; DROP"]},
        follow=True,
    )
    text = page_text(response)
    assert "1 Angebot ist archiviert." in text
    assert "2 ausgewählte Angebote gehören nicht zu dieser Einrichtung oder sind gelöscht;" in text
    assert status(mine, theirs) == [OfferStatus.ARCHIVED, OfferStatus.DRAFT]
    assert not OfferChange.objects.filter(offer=theirs).exists()

    response = client_for(owner).post(
        bulk_url(known), {"action": "publish", "offers": [theirs.pk]}, follow=True
    )
    assert "1 ausgewähltes Angebot gehört nicht zu dieser Einrichtung" in page_text(response)
    assert status(theirs) == [OfferStatus.DRAFT]


def test_nothing_chosen_or_no_action_is_explained(client_for, known, member):
    offer = drafts(known, "Kurs")[0]
    client = client_for(member)
    response = client.post(bulk_url(known), {"action": "publish"}, follow=True)
    assert "Bitte wählen Sie mindestens ein Angebot aus." in page_text(response)
    response = client.post(bulk_url(known), {"action": "drop", "offers": [offer.pk]}, follow=True)
    assert "Bitte wählen Sie, was mit den Angeboten geschehen soll." in page_text(response)
    assert status(offer) == [OfferStatus.DRAFT]


def test_a_counsellor_of_the_institution_may_not_work_in_bulk(client_for, known):
    offer = drafts(known, "Kurs")[0]
    counsellor = MembershipFactory(institution=known, role=MembershipRole.COUNSELLOR).user
    response = client_for(counsellor).post(
        bulk_url(known), {"action": "publish", "offers": [offer.pk]}
    )
    assert response.status_code == 403
    assert status(offer) == [OfferStatus.DRAFT]


def test_bulk_archive_withdraws_a_waiting_approval(client_for, institution, owner):
    waiting, archived = drafts(institution, "Wartet", "Alt")
    OfferApproval.objects.create(offer=waiting, requested_by=owner)
    Offer.objects.filter(pk=archived.pk).update(status=OfferStatus.ARCHIVED)
    response = client_for(owner).post(
        bulk_url(institution),
        {"action": "archive", "offers": [waiting.pk, archived.pk]},
        follow=True,
    )
    text = page_text(response)
    assert "1 Angebot ist archiviert." in text
    assert "„Alt“ (ist bereits archiviert)" in text
    assert status(waiting) == [OfferStatus.ARCHIVED]
    assert not OfferApproval.objects.exists()


def test_terms_are_added_and_removed_in_a_second_step(client_for, known, member, refreshes):
    excel, word = drafts(known, "Excel", "Word")
    topic, other_topic = Topic.objects.filter(is_active=True)[:2]
    group = TargetGroup.objects.filter(is_active=True).first()
    funding = FundingProgramme.objects.filter(is_active=True).first()
    word.topics.add(topic)
    client = client_for(member)
    ids = [excel.pk, word.pk]

    step = client.post(bulk_url(known), {"action": "taxonomy", "offers": ids})
    assert step.status_code == 200
    html = step.content.decode()
    assert "Themen, Zielgruppen oder Förderung ändern" in html
    assert "Für 2 ausgewählte Angebote." in html
    for pk in ids:
        assert f'<input type="hidden" name="offers" value="{pk}"' in html
    assert re.search(r'<input type="radio" name="mode" value="add"[^>]* checked', html)
    assert "(optional)" not in html.split('name="mode"')[0].rsplit("<legend", 1)[1]

    # Without a term the step asks again and changes nothing.
    again = client.post(
        bulk_url(known), {"action": "taxonomy", "step": "True", "mode": "add", "offers": ids}
    )
    assert again.status_code == 200
    assert "Bitte wählen Sie mindestens ein Thema" in again.content.decode()

    refreshes.clear()
    response = client.post(
        bulk_url(known),
        {
            "action": "taxonomy",
            "step": "True",
            "mode": "add",
            "offers": ids,
            "topics": [topic.pk],
            "target_groups": [group.pk],
            "funding_programmes": [funding.pk],
        },
        follow=True,
    )
    assert "2 Angebote sind geändert." in page_text(response)
    for offer in (excel, word):
        assert list(offer.topics.all()) == [topic]
        assert list(offer.target_groups.all()) == [group]
        assert list(offer.funding_programmes.all()) == [funding]
    assert OfferChange.objects.get(offer=word, action="update").fields == [
        "funding_programmes",
        "target_groups",
    ]
    assert len(refreshes) == 1

    response = client.post(
        bulk_url(known),
        {
            "action": "taxonomy",
            "step": "True",
            "mode": "remove",
            "offers": ids,
            "topics": [topic.pk, other_topic.pk],
        },
        follow=True,
    )
    assert "2 Angebote sind geändert." in page_text(response)
    assert not Topic.objects.filter(offers__in=ids).exists()
    assert list(excel.funding_programmes.all()) == [funding]  # only what was named goes

    response = client.post(
        bulk_url(known),
        {
            "action": "taxonomy",
            "step": "True",
            "mode": "remove",
            "offers": ids,
            "topics": [topic.pk],
        },
        follow=True,
    )
    assert "2 Angebote blieben, wie sie waren: „Excel“ (war schon so)" in page_text(response)


# --- A new provider: one approval covers the provider ---------------------------------------


def test_a_new_providers_bulk_publication_is_one_request_and_one_approval(
    client_for, institution, member, network_office, on_commit
):
    offers = drafts(institution, "Kurs 1", "Kurs 2", "Kurs 3")
    later = drafts(institution, "Kurs 4", "Kurs 5")
    with on_commit():
        response = client_for(member).post(
            bulk_url(institution),
            {"action": "publish", "offers": [o.pk for o in offers]},
            follow=True,
        )
    text = page_text(response)
    assert "3 Angebote warten auf die Freigabe der Geschäftsstelle." in text
    assert status(*offers) == [OfferStatus.DRAFT] * 3
    assert OfferApproval.objects.count() == 3  # each shows as waiting in the list
    assert text.count("wartet auf Freigabe") == 3
    [message] = mail.outbox
    assert message.to == [network_office.email]
    assert "3 Angebote, darunter „Kurs 1“" in message.body

    # Publishing one more while the request is open: it waits with it, no new mail.
    with on_commit():
        services.offer_publish(offer=later[0], user=member)
    assert len(mail.outbox) == 1

    office = client_for(with_second_factor(network_office))
    page = office.get("/kurse/bereich/freigaben/").content.decode()
    assert page.count("Freigeben<span class=") == 1  # one approval for the provider
    assert "Volkshochschule Aalen (4 Angebote)" in page
    response = office.post(f"/kurse/bereich/freigaben/{offers[1].pk}/", follow=True)
    assert "Volkshochschule Aalen ist freigegeben: 4 Angebote sind veröffentlicht." in page_text(
        response
    )
    assert status(*offers, later[0]) == [OfferStatus.PUBLISHED] * 4
    assert not OfferApproval.objects.exists()
    assert not institution_is_new_provider(institution=institution)

    # After it, the rest publishes at once.
    response = client_for(member).post(
        bulk_url(institution), {"action": "publish", "offers": [later[1].pk]}, follow=True
    )
    assert "1 Angebot ist veröffentlicht." in page_text(response)
    assert status(later[1]) == [OfferStatus.PUBLISHED]
    assert len(mail.outbox) == 1


def test_all_of_an_import_is_published_in_one_step(
    client_for, institution, other_institution, member, network_office, on_commit
):
    unrelated = drafts(institution, "Von Hand")[0]
    rows = ["angebot_id;titel;kurzbeschreibung"] + [f"I{n};Import {n};Kurz" for n in range(4)]
    job = ImportJob.objects.create(
        institution=institution,
        user=member,
        format="csv",
        filename="angebote.csv",
        file=ContentFile("\n".join(rows).encode(), name="a.csv"),
    )
    jobs.import_job_check(job_id=job.pk)
    job.refresh_from_db()
    status_url = f"/kurse/bereich/{institution.slug}/import/{job.pk}/"
    client = client_for(member)
    assert "Alle Angebote dieses Imports" not in client.get(status_url).content.decode()
    response = client.post(bulk_url(institution), {"action": "publish", "job": job.pk}, follow=True)
    assert "Erst nach der Übernahme des Imports" in page_text(response)

    assert jobs.import_job_commit_request(job=job)
    jobs.import_job_commit(job_id=job.pk)
    imported = list(Offer.objects.filter(external_id__startswith="I").order_by("external_id"))
    assert status(*imported) == [OfferStatus.DRAFT] * 4  # a new provider's come as drafts
    page = client.get(status_url).content.decode()
    assert "Alle Angebote dieses Imports bearbeiten:" in page
    assert f'<input type="hidden" name="job" value="{job.pk}"' in page

    with on_commit():
        response = client.post(
            bulk_url(institution), {"action": "publish", "job": job.pk}, follow=True
        )
    assert response.redirect_chain[-1][0] == status_url
    assert "4 Angebote warten auf die Freigabe der Geschäftsstelle." in page_text(response)
    assert set(OfferApproval.objects.values_list("offer_id", flat=True)) == {o.pk for o in imported}
    assert len(mail.outbox) == 1

    client_for(with_second_factor(network_office)).post(
        f"/kurse/bereich/freigaben/{imported[0].pk}/"
    )
    assert status(*imported) == [OfferStatus.PUBLISHED] * 4
    assert status(unrelated) == [OfferStatus.DRAFT]

    # Another institution's job is not found under this one.
    theirs = ImportJob.objects.create(
        institution=other_institution, user=member, format="csv", filename="x.csv"
    )
    response = client.post(bulk_url(institution), {"action": "archive", "job": theirs.pk})
    assert response.status_code == 404
    assert status(*imported) == [OfferStatus.PUBLISHED] * 4


def test_terms_for_all_of_an_import_do_not_carry_every_id(client_for, known, member):
    job = ImportJob.objects.create(
        institution=known,
        user=member,
        format="csv",
        filename="angebote.csv",
        file=ContentFile(
            b"angebot_id;titel;kurzbeschreibung\nJ1;Eins;Kurz\nJ2;Zwei;Kurz", name="a"
        ),
    )
    jobs.import_job_check(job_id=job.pk)
    jobs.import_job_commit_request(job=ImportJob.objects.get(pk=job.pk))
    jobs.import_job_commit(job_id=job.pk)
    client = client_for(member)
    step = client.post(bulk_url(known), {"action": "taxonomy", "job": job.pk})
    html = step.content.decode()
    assert "Für alle 2 Angebote aus dem Import „angebote.csv“." in html
    assert 'name="offers"' not in html
    topic = Topic.objects.filter(is_active=True).first()
    client.post(
        bulk_url(known),
        {"action": "taxonomy", "step": "True", "mode": "add", "job": job.pk, "topics": [topic.pk]},
    )
    assert set(Offer.objects.filter(topics=topic).values_list("external_id", flat=True)) == {
        "J1",
        "J2",
    }
