"""Joint courses with quotes: invited providers quote from their back office, revise and
withdraw until the office chooses; the measure page shows the costs per company; the
companies confirm their participants; and when the course is published every company and
every person who asked is told exactly once, however often it is published again."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from counselling.joint.services import (
    joint_measure_offer_set,
    joint_measures_tell_published,
    joint_quote_choose,
    need_participants_confirm,
)
from counselling.models import (
    CompanyNeed,
    CourseWish,
    JointMeasureStatus,
    JointQuote,
    JointQuoteStatus,
)
from counselling.wishes.services import course_wish_confirm, course_wish_submit
from offerings.models import OfferStatus
from offerings.services import offer_publish, offer_update, offers_bulk_archive
from outbox.models import OutboxMessage
from tests.counselling.joint_helpers import (
    measure_for,
    provider_with_editor,
    quote_for,
    quote_post,
)
from tests.factories import WorkingGroupMemberFactory, seeded_group
from tests.offerings.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(office):
    provider, editor = provider_with_editor("Bildungswerk Aalen", "bw-aalen")
    other, other_editor = provider_with_editor("Technikakademie Heidenheim", "ta-hdh")
    measure, needs = measure_for(office, [provider, other])
    return {
        "office": office,
        "provider": provider,
        "editor": editor,
        "other": other,
        "other_editor": other_editor,
        "measure": measure,
        "needs": needs,
    }


def _invitation_url(cast, who="provider"):
    return reverse("counselling:joint_invitation", args=[cast[who].slug, cast["measure"].pk])


def test_a_provider_quotes_revises_withdraws_and_quotes_again(cast, client_for):
    client = client_for(cast["editor"])
    listing = client.get(reverse("counselling:joint_invitations", args=[cast["provider"].slug]))
    assert "Verbundkurs CNC" in listing.content.decode()
    page = client.get(_invitation_url(cast)).content.decode()
    assert "3 Unternehmen" in page
    assert "zusammen 9 Teilnehmende" in page
    assert "Firma lt10" not in page  # the companies stay anonymous to providers

    response = client.post(_invitation_url(cast), quote_post())
    assert response.status_code == 302
    quote = JointQuote.objects.get(institution=cast["provider"])
    assert (quote.price, quote.min_participants, quote.max_participants) == (
        Decimal("1000.00"),
        6,
        12,
    )
    assert [p.slug for p in quote.funding.all()] == ["foerderung-beschaeftigter"]
    assert OutboxMessage.objects.filter(key=f"counselling-jm-quote-new-{quote.pk}").count() == 1

    client.post(_invitation_url(cast), quote_post(price="950,50", starts_on="2027-03-10"))
    quote.refresh_from_db()
    assert quote.price == Decimal("950.50")
    # The form shows the saved values again, the date as a date field understands it.
    page = client.get(_invitation_url(cast)).content.decode()
    assert 'value="2027-03-10"' in page
    assert 'value="950,50"' in page
    assert quote.revised_at is not None
    assert JointQuote.objects.count() == 1  # revised, not a second quote
    assert OutboxMessage.objects.filter(key__startswith="counselling-jm-quote-new-").count() == 1

    client.post(
        reverse(
            "counselling:joint_quote_withdraw", args=[cast["provider"].slug, cast["measure"].pk]
        )
    )
    quote.refresh_from_db()
    assert quote.status == JointQuoteStatus.WITHDRAWN
    client.post(_invitation_url(cast), quote_post())
    quote.refresh_from_db()
    assert (quote.status, quote.withdrawn_at) == (JointQuoteStatus.SUBMITTED, None)


def test_a_provider_sees_only_its_own_quote(cast, client_for):
    quote_for(cast["measure"], cast["other"], cast["other_editor"], price=Decimal("777.77"))
    quote_for(cast["measure"], cast["provider"], cast["editor"], price=Decimal("1234.00"))
    page = client_for(cast["editor"]).get(_invitation_url(cast)).content.decode()
    assert "1.234,00" in page
    assert "777,77" not in page
    assert "Technikakademie" not in page


BAD = [
    ({"price": "-1"}, "price", "nicht negativ"),
    ({"price": "abc"}, "price", ""),
    ({"price": "100000"}, "price", ""),
    ({"min_participants": "10", "max_participants": "5"}, "max_participants", "Höchstzahl"),
    ({"min_participants": "0"}, "min_participants", ""),
    ({"dates": "x" * 301}, "dates", ""),
    ({"note": "x" * 2001}, "note", ""),
    ({"dates": "", "starts_on": ""}, "dates", "Termine"),
    ({"starts_on": "2027-03-10", "ends_on": "2027-03-01"}, "ends_on", "vor dem Beginn"),
    ({"delivery_form": "999999"}, "delivery_form", ""),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD)
def test_bad_quotes_are_refused_with_a_message(cast, client_for, change, field, words):
    response = client_for(cast["editor"]).post(_invitation_url(cast), quote_post(**change))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert words in " ".join(errors[field])
    assert not JointQuote.objects.exists()


def test_hostile_text_is_stored_as_text_and_shown_escaped(cast, client_for, office):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client_for(cast["editor"]).post(_invitation_url(cast), quote_post(note=hostile, place=hostile))
    quote = JointQuote.objects.get()
    assert quote.note == hostile
    page = client_for(office).get(reverse("counselling:joint_measure", args=[cast["measure"].pk]))
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_a_quote_for_a_measure_not_invited_to_is_a_404(cast, client_for, office):
    stranger, stranger_editor = provider_with_editor("Fremdanbieter", "fremd")
    url = reverse("counselling:joint_invitation", args=[stranger.slug, cast["measure"].pk])
    assert client_for(stranger_editor).get(url).status_code == 404
    assert client_for(stranger_editor).post(url, quote_post()).status_code == 404
    assert not JointQuote.objects.exists()


def _measure_page(client, cast):
    return client.get(reverse("counselling:joint_measure", args=[cast["measure"].pk]))


def test_the_measure_page_shows_the_costs_per_company(cast, client_for, office):
    quote_for(cast["measure"], cast["provider"], cast["editor"])
    CompanyNeed.objects.filter(pk=cast["needs"][2].pk).update(size_band="")  # size not known
    page = _measure_page(client_for(office), cast).content.decode()
    assert "Firma lt250" in page
    # 50–249 staff: the firm bears half of 1,000 € per person, 1,500 € for its three.
    assert "500,00 €" in page
    assert "1.500,00 €" in page
    assert "nicht bekannt" in page
    assert "0,00 €" in page  # under 50 staff the firm bears nothing


def test_working_group_members_see_the_costs_without_company_names(cast, client_for):
    quote_for(cast["measure"], cast["provider"], cast["editor"])
    member = WorkingGroupMemberFactory(group=seeded_group("unternehmen")).person
    page = _measure_page(client_for(member), cast).content.decode()
    assert "1.500,00 €" in page
    assert "Unternehmen 2" in page
    assert "Firma lt250" not in page
    assert "auswählen" not in page  # choosing is the office's


def test_the_office_chooses_a_quote_and_the_companies_are_asked(cast, client_for, office):
    chosen = quote_for(cast["measure"], cast["provider"], cast["editor"])
    other = quote_for(cast["measure"], cast["other"], cast["other_editor"])
    client = client_for(office)
    response = client.post(
        reverse("counselling:joint_measure_choose", args=[cast["measure"].pk]),
        {"quote": chosen.pk},
    )
    assert response.status_code == 302
    chosen.refresh_from_db()
    other.refresh_from_db()
    cast["measure"].refresh_from_db()
    assert (chosen.status, other.status) == (JointQuoteStatus.CHOSEN, JointQuoteStatus.NOT_CHOSEN)
    assert cast["measure"].status == JointMeasureStatus.CHOSEN
    asked = OutboxMessage.objects.filter(key__startswith="counselling-jm-chosen-")
    assert sorted(asked.values_list("recipient", flat=True)) == sorted(
        n.email for n in cast["needs"]
    )
    assert cast["needs"][0].reference in asked.get(recipient=cast["needs"][0].email).text
    assert (
        OutboxMessage.objects.filter(recipient="kurse@bw-aalen.de").count() == 2
    )  # invited, chosen

    # Nothing changes any more: neither a revision nor a second choice.
    response = client_for(cast["editor"]).post(_invitation_url(cast), quote_post(price="1,00"))
    assert response.status_code == 200
    chosen.refresh_from_db()
    assert chosen.price == Decimal("1000.00")
    with pytest.raises(ValidationError):
        joint_quote_choose(measure=cast["measure"], quote=other)


def test_choosing_a_withdrawn_quote_is_refused(cast, client_for, office):
    quote = quote_for(cast["measure"], cast["provider"], cast["editor"])
    JointQuote.objects.filter(pk=quote.pk).update(status=JointQuoteStatus.WITHDRAWN)
    client_for(office).post(
        reverse("counselling:joint_measure_choose", args=[cast["measure"].pk]), {"quote": quote.pk}
    )
    cast["measure"].refresh_from_db()
    assert cast["measure"].status == JointMeasureStatus.INVITING


def _status_post(need, **extra):
    return {"reference": need.reference, "contact": need.email, "website": "", **extra}


def test_a_company_sees_its_own_costs_and_confirms_its_participants(cast, client, office):
    quote = quote_for(cast["measure"], cast["provider"], cast["editor"])
    joint_quote_choose(measure=cast["measure"], quote=quote)
    need = cast["needs"][1]  # 50–249 staff
    page = client.post(reverse("counselling:status"), _status_post(need)).content.decode()
    assert "500,00 € je Person" in page
    assert "Firma lt10" not in page  # never another company's
    response = client.post(
        reverse("counselling:need_participants"), _status_post(need, participants="5")
    )
    assert response.status_code == 200
    need.refresh_from_db()
    assert need.confirmed_participants == 5
    assert "2.500,00 € für 5 Personen" in response.content.decode()


def test_confirmed_participants_may_not_exceed_the_quotes_maximum(cast, client, office):
    quote = quote_for(cast["measure"], cast["provider"], cast["editor"], max_participants=8)
    joint_quote_choose(measure=cast["measure"], quote=quote)
    first, second = cast["needs"][0], cast["needs"][1]
    need_participants_confirm(need=first, participants=6)
    response = client.post(
        reverse("counselling:need_participants"), _status_post(second, participants="3")
    )
    assert response.status_code == 200
    assert "höchstens 2 Personen" in response.content.decode()
    second.refresh_from_db()
    assert second.confirmed_participants is None
    for bad in ["0", "-3", "abc", "100000"]:
        client.post(
            reverse("counselling:need_participants"), _status_post(second, participants=bad)
        )
        second.refresh_from_db()
        assert second.confirmed_participants is None


def test_confirming_with_a_wrong_contact_changes_nothing(cast, client, office):
    quote = quote_for(cast["measure"], cast["provider"], cast["editor"])
    joint_quote_choose(measure=cast["measure"], quote=quote)
    need = cast["needs"][0]
    response = client.post(
        reverse("counselling:need_participants"),
        {"reference": need.reference, "contact": "falsch@example.org", "participants": "2"},
    )
    assert response.status_code == 200
    need.refresh_from_db()
    assert need.confirmed_participants is None


def test_before_a_choice_there_is_nothing_to_confirm(cast):
    with pytest.raises(ValidationError):
        need_participants_confirm(need=cast["needs"][0], participants=2)


# --- told once ------------------------------------------------------------------------------


def _wish(email, *, district="ostalbkreis", confirm=True, topic=None):
    wish = course_wish_submit(
        topic="CNC-Fräsen",
        district=district,
        soon="now",
        email=email,
        course_topic=topic,
    )
    if confirm:
        course_wish_confirm(wish=wish)
    return wish


def _told():
    return sorted(
        OutboxMessage.objects.filter(
            key__regex=r"^(counselling-need-met-|course-wish-told:)"
        ).values_list("recipient", flat=True)
    )


def test_everyone_who_asked_is_told_once_however_often_the_course_is_published(
    cast, client_for, office, django_capture_on_commit_callbacks
):
    topic = cast["measure"].topic
    _wish("person@example.org", topic=topic)
    _wish("unbestaetigt@example.org", topic=topic, confirm=False)
    _wish("anderswo@example.org", topic=topic, district="heidenheim")
    quote = quote_for(cast["measure"], cast["provider"], cast["editor"])
    joint_quote_choose(measure=cast["measure"], quote=quote)
    offer = OfferFactory(institution=cast["provider"], status=OfferStatus.DRAFT)
    client = client_for(cast["editor"])
    response = client.post(
        reverse(
            "counselling:joint_invitation_offer", args=[cast["provider"].slug, cast["measure"].pk]
        ),
        {"offer": offer.pk},
    )
    assert response.status_code == 302
    assert _told() == []  # a draft tells nobody

    expected = sorted([*(n.email for n in cast["needs"]), "person@example.org"])
    for _round in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert offer_publish(offer=offer, user=office) == "published"
        assert _told() == expected
        with django_capture_on_commit_callbacks(execute=True):
            offer_update(offer=offer, user=office, data={"title": "CNC kompakt"}, changed=["title"])
            offers_bulk_archive(offers=[offer], user=office)
        offer.refresh_from_db()
    assert _told() == expected
    # The daily safety net and linking again find every stamp set.
    assert joint_measures_tell_published() == 0
    with django_capture_on_commit_callbacks(execute=True):
        offer_publish(offer=offer, user=office)
    assert joint_measure_offer_set(measure=cast["measure"], offer=offer) == 0
    assert _told() == expected
    cast["measure"].refresh_from_db()
    assert cast["measure"].status == JointMeasureStatus.MET
    assert CourseWish.objects.get(email="person@example.org").told_at is not None
    mail = OutboxMessage.objects.get(
        recipient="person@example.org", key__startswith="course-wish-told"
    )
    assert offer.get_absolute_url() in mail.text


def test_a_withdrawn_company_is_not_told(cast, office, django_capture_on_commit_callbacks):
    CompanyNeed.objects.filter(pk=cast["needs"][0].pk).update(
        withdrawn_at="2026-12-01T10:00Z", email=""
    )
    offer = OfferFactory(institution=cast["provider"], status=OfferStatus.DRAFT)
    joint_measure_offer_set(measure=cast["measure"], offer=offer)
    with django_capture_on_commit_callbacks(execute=True):
        offer_publish(offer=offer, user=office)
    assert _told() == sorted(n.email for n in cast["needs"][1:])


def test_only_the_chosen_provider_links_its_course(cast, client_for):
    quote = quote_for(cast["measure"], cast["provider"], cast["editor"])
    quote_for(cast["measure"], cast["other"], cast["other_editor"])
    joint_quote_choose(measure=cast["measure"], quote=quote)
    foreign = OfferFactory(institution=cast["other"], status=OfferStatus.DRAFT)
    url = reverse(
        "counselling:joint_invitation_offer", args=[cast["other"].slug, cast["measure"].pk]
    )
    assert client_for(cast["other_editor"]).post(url, {"offer": foreign.pk}).status_code == 404
    own_url = reverse(
        "counselling:joint_invitation_offer", args=[cast["provider"].slug, cast["measure"].pk]
    )
    response = client_for(cast["editor"]).post(own_url, {"offer": foreign.pk})
    assert response.status_code == 200  # not one of its own courses
    cast["measure"].refresh_from_db()
    assert cast["measure"].offer is None


def test_the_measure_page_asks_the_same_queries_for_one_quote_or_three(cast, client_for, office):
    client = client_for(office)
    quote_for(cast["measure"], cast["provider"], cast["editor"])
    with CaptureQueriesContext(connection) as one:
        _measure_page(client, cast)
    third, third_editor = provider_with_editor("Dritter Anbieter", "dritter")
    cast["measure"].invited.add(third)
    quote_for(cast["measure"], cast["other"], cast["other_editor"], slugs=("esf-fachkurse-bw",))
    quote_for(cast["measure"], third, third_editor)
    with CaptureQueriesContext(connection) as three:
        page = _measure_page(client, cast).content.decode()
    assert page.count("Kosten je Unternehmen: Angebot") == 3
    assert len(three.captured_queries) == len(one.captured_queries)
