"""The optional "Kurz erklärt in Leichter Sprache" of an offer (issue 20): written by the
provider's editors in the back office, refused when too long or by a stranger, shown on
the course page in a marked German box, absent where there is none, and searched by the
catalogue like the description."""

import pytest
from django.core.cache import cache

from offerings.index import TOKEN_KEY
from offerings.models import EASY_LANGUAGE_SUMMARY_MAX, DeliveryForm, Offer
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db

EXPLAINED = "In diesem Kurs lernen Sie Excel.\nExcel ist ein Programm für Tabellen."


def edit_url(offer) -> str:
    return f"/kurse/bereich/{offer.institution.slug}/{offer.pk}/"


def offer_data(offer, **extra) -> dict:
    return {
        "title": offer.title,
        "summary": offer.summary,
        "delivery_form": DeliveryForm.objects.get(slug="praesenz").pk,
        "level": "none",
        "certificate": "attendance",
        "language": "de",
        "price": "120",
        **extra,
    }


def test_the_form_offers_the_field_with_the_rules(client_for, institution, member):
    offer = OfferFactory(institution=institution)
    page = client_for(member).get(edit_url(offer)).content.decode()
    assert "Kurz erklärt in Leichter Sprache" in page
    assert 'name="easy_language_summary"' in page
    assert f'maxlength="{EASY_LANGUAGE_SUMMARY_MAX}"' in page
    assert "einen Gedanken pro Satz" in page


@pytest.mark.parametrize("who", ["owner", "member"])
def test_the_institutions_editors_write_it(client_for, institution, request, who):
    offer = OfferFactory(institution=institution)
    response = client_for(request.getfixturevalue(who)).post(
        edit_url(offer), offer_data(offer, easy_language_summary=EXPLAINED)
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.easy_language_summary == EXPLAINED


def test_an_outsider_cannot_write_it(client_for, institution, outsider):
    offer = OfferFactory(institution=institution)
    response = client_for(outsider).post(
        edit_url(offer), offer_data(offer, easy_language_summary="Von fremder Hand.")
    )
    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.easy_language_summary == ""


def test_anonymous_visitors_are_sent_to_the_login(client_for, institution):
    offer = OfferFactory(institution=institution)
    response = client_for(None).post(
        edit_url(offer), offer_data(offer, easy_language_summary="Anonym.")
    )
    assert response.status_code == 302
    assert "/konto/login/" in response.url
    offer.refresh_from_db()
    assert offer.easy_language_summary == ""


def test_too_long_is_refused_with_the_limit_and_nothing_changes(client_for, institution, member):
    offer = OfferFactory(institution=institution, title="Excel")
    response = client_for(member).post(
        edit_url(offer),
        offer_data(offer, title="Neu", easy_language_summary="x" * (EASY_LANGUAGE_SUMMARY_MAX + 1)),
    )
    assert response.status_code == 200
    assert "höchstens 600 Zeichen" in response.content.decode()
    offer.refresh_from_db()
    assert (offer.title, offer.easy_language_summary) == ("Excel", "")


def test_the_course_page_shows_it_in_a_marked_german_box(client):
    offer = OfferFactory(easy_language_summary=EXPLAINED)
    page = client.get(f"/kurse/{offer.pk}/").content.decode()
    assert (
        '<aside class="easy-box" lang="de" aria-label="Kurz erklärt in Leichter Sprache">' in page
    )
    assert "<p>In diesem Kurs lernen Sie Excel.<br>Excel ist ein Programm für Tabellen.</p>" in page


def test_without_one_the_course_page_has_no_box(client):
    offer = OfferFactory()
    assert "easy-box" not in client.get(f"/kurse/{offer.pk}/").content.decode()


def test_its_text_is_escaped(client):
    offer = OfferFactory(easy_language_summary="<script>alert(1)</script>")
    page = client.get(f"/kurse/{offer.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert Offer.objects.get(pk=offer.pk).easy_language_summary.startswith("<script>")


def test_an_import_that_updates_the_offer_keeps_the_explanation(institution):
    """The import formats carry no such field: an update must not wipe what the provider
    wrote in the back office."""
    import io

    from offerings.exporters import csv_template
    from offerings.imports.csvfile import csv_parse
    from offerings.imports.lookups import delivery_form_lookup
    from offerings.imports.plan import import_apply, import_plan

    def run():
        parsed = csv_parse(io.BytesIO(csv_template()), delivery_forms=delivery_form_lookup())
        plan = import_apply(
            institution=institution,
            plan=import_plan(institution=institution, parsed=parsed),
            user=None,
        )
        return plan

    run()
    offer = Offer.objects.get(external_id="EXCEL-1")
    Offer.objects.filter(pk=offer.pk).update(easy_language_summary=EXPLAINED, price=1)
    run()
    offer.refresh_from_db()
    assert offer.price != 1  # the import did update the offer
    assert offer.easy_language_summary == EXPLAINED


# --- the catalogue's search -----------------------------------------------------------


def found(client, text: str) -> list[str]:
    """The titles the public catalogue shows for a search."""
    response = client.get("/kurse/", {"q": text})
    assert response.status_code == 200
    return [offer.title for offer in response.context["result"].page.object_list]


def test_a_word_only_in_the_explanation_finds_the_course(client):
    offer = OfferFactory(
        title="Tabellenkalkulation für Einsteiger",
        summary="Formeln, Diagramme und Pivot-Tabellen.",
        easy_language_summary="Sie lernen Excel.\nExcel ist ein Rechenblatt auf dem Computer.",
    )
    OfferFactory(title="Buchhaltung kompakt", summary="Konten und Belege.")
    assert found(client, "Rechenblatt") == [offer.title]


def test_editing_the_explanation_changes_what_the_search_finds_next(
    client, client_for, institution, member, django_capture_on_commit_callbacks
):
    offer = OfferFactory(
        institution=institution,
        title="Tabellen im Büro",
        easy_language_summary="Excel ist ein Rechenblatt.",
    )
    assert found(client, "Rechenblatt") == [offer.title]
    assert found(client, "Taschenrechner") == []
    token = cache.get(TOKEN_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            edit_url(offer),
            offer_data(offer, easy_language_summary="Excel rechnet wie ein Taschenrechner."),
        )
    assert response.status_code == 302
    # Every process learns of the change: the shared token of the catalogue index is new.
    assert cache.get(TOKEN_KEY) != token
    assert found(client, "Taschenrechner") == [offer.title]
    assert found(client, "Rechenblatt") == []
