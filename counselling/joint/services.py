"""Writes of joint courses with quotes: a provider's quote (save, withdraw), the office's
choice, the companies' confirmed numbers, linking the course and telling everyone who asked
once it is in the catalogue. Every mail goes through the outbox in the caller's transaction.

"Told once": each company need and each course wish carries a stamp (`told_at`), set by a
conditional UPDATE in the transaction that queues its one mail. Publishing again, editing,
archiving and publishing again, or a second worker find every stamp set and send nothing;
the outbox key is a second guard while the row is kept.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.models import (
    CompanyNeed,
    CourseWish,
    JointMeasure,
    JointMeasureStatus,
    JointQuote,
    JointQuoteStatus,
)
from counselling.periods import period_label
from network.models import Institution
from offerings.models import Offer, OfferStatus
from outbox.services import message_enqueue

logger = logging.getLogger(__name__)

QUOTE_FIELDS = (
    "price",
    "min_participants",
    "max_participants",
    "hours",
    "starts_on",
    "ends_on",
    "dates",
    "place",
    "delivery_form",
    "note",
)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _open_for_quotes(measure: JointMeasure) -> None:
    if measure.status != JointMeasureStatus.INVITING:
        raise ValidationError(
            _(
                "Die Geschäftsstelle hat bereits ein Angebot ausgewählt; Änderungen sind "
                "nicht mehr möglich."
            )
        )


@transaction.atomic
def joint_quote_save(
    *,
    measure: JointMeasure,
    institution: Institution,
    user,
    values: dict,
    funding: list,
    now: datetime.datetime | None = None,
) -> JointQuote:
    """Submit or revise `institution`'s quote for `measure` (a withdrawn one comes back).
    Refused once the office has chosen. The office hears of the first submission."""
    now = now or timezone.now()
    measure = JointMeasure.objects.select_for_update().get(pk=measure.pk)
    _open_for_quotes(measure)
    if not measure.invited.filter(pk=institution.pk).exists():
        raise ValidationError(_("Ihre Einrichtung ist zu dieser Verbundmaßnahme nicht eingeladen."))
    quote = JointQuote.objects.filter(measure=measure, institution=institution).first()
    first = quote is None
    if first:
        quote = JointQuote(measure=measure, institution=institution, created_at=now)
    else:
        quote.revised_at = now
    for name in QUOTE_FIELDS:
        setattr(quote, name, values[name])
    quote.status = JointQuoteStatus.SUBMITTED
    quote.withdrawn_at = None
    quote.submitted_by = user
    quote.full_clean(exclude=["measure", "institution"])
    quote.save()
    quote.funding.set(funding)
    if first:
        message_enqueue(
            to=settings.NETWORK_OFFICE_EMAIL,
            subject="",
            template="counselling/joint_quote_new",
            context={
                "measure": measure,
                "institution": institution,
                "url": _absolute(reverse("counselling:joint_measure", args=[measure.pk])),
            },
            key=f"counselling-jm-quote-new-{quote.pk}",
        )
    return quote


@transaction.atomic
def joint_quote_withdraw(*, quote: JointQuote, now: datetime.datetime | None = None) -> JointQuote:
    """The provider takes its quote back; it stays on record as withdrawn."""
    measure = JointMeasure.objects.select_for_update().get(pk=quote.measure_id)
    _open_for_quotes(measure)
    quote.status = JointQuoteStatus.WITHDRAWN
    quote.withdrawn_at = now or timezone.now()
    quote.save(update_fields=["status", "withdrawn_at"])
    return quote


@transaction.atomic
def joint_quote_choose(
    *, measure: JointMeasure, quote: JointQuote, now: datetime.datetime | None = None
) -> JointMeasure:
    """The office chooses `quote`: the other quotes are not chosen, the chosen provider is
    asked to put the course into the catalogue, and every company with an address is asked
    to confirm how many people it sends (on its status page, with its reference)."""
    now = now or timezone.now()
    measure = JointMeasure.objects.select_for_update().get(pk=measure.pk)
    _open_for_quotes(measure)
    quote = JointQuote.objects.select_related("institution").get(pk=quote.pk)
    if quote.measure_id != measure.pk or quote.status != JointQuoteStatus.SUBMITTED:
        raise ValidationError(_("Dieses Angebot kann nicht ausgewählt werden."))
    measure.quotes.filter(status=JointQuoteStatus.SUBMITTED).exclude(pk=quote.pk).update(
        status=JointQuoteStatus.NOT_CHOSEN
    )
    quote.status = JointQuoteStatus.CHOSEN
    quote.save(update_fields=["status"])
    measure.status = JointMeasureStatus.CHOSEN
    measure.chosen_at = now
    measure.save(update_fields=["status", "chosen_at"])
    if quote.institution.email:
        message_enqueue(
            to=quote.institution.email,
            subject="",
            template="counselling/joint_quote_chosen",
            context={
                "measure": measure,
                "url": _absolute(
                    reverse(
                        "counselling:joint_invitation", args=[quote.institution.slug, measure.pk]
                    )
                ),
            },
            key=f"counselling-jm-quote-chosen-{quote.pk}",
        )
    status_url = _absolute(reverse("counselling:status"))
    for need in measure.needs.not_withdrawn().exclude(email=""):
        message_enqueue(
            to=need.email,
            subject="",
            template="counselling/joint_measure_chosen",
            context={
                "need": need,
                "measure": measure,
                "period": period_label(measure.period),
                "url": f"{status_url}?nummer={need.reference}",
            },
            language=need.mail_language,
            key=f"counselling-jm-chosen-{need.pk}",
        )
    return measure


def chosen_quote(measure: JointMeasure) -> JointQuote | None:
    return (
        measure.quotes.filter(status=JointQuoteStatus.CHOSEN)
        .select_related("institution", "delivery_form")
        .first()
    )


@transaction.atomic
def need_participants_confirm(
    *, need: CompanyNeed, participants: int, now: datetime.datetime | None = None
) -> CompanyNeed:
    """The company confirms how many people it sends to its measure's chosen course. The
    course has `max_participants` places for all companies together: a number beyond what
    the others left is refused, with what is left."""
    need = CompanyNeed.objects.select_for_update().get(pk=need.pk)
    if need.withdrawn_at is not None or need.joint_measure_id is None:
        raise ValidationError(_("Zu diesem Bedarf gibt es keinen gemeinsamen Kurs."))
    measure = JointMeasure.objects.select_for_update().get(pk=need.joint_measure_id)
    quote = chosen_quote(measure)
    if quote is None:
        raise ValidationError(_("Die Geschäftsstelle hat noch kein Angebot ausgewählt."))
    if participants < 1:
        raise ValidationError(_("Bitte nennen Sie mindestens eine Person."))
    taken = (
        measure.needs.not_withdrawn()
        .exclude(pk=need.pk)
        .aggregate(n=Sum("confirmed_participants"))["n"]
        or 0
    )
    left = quote.max_participants - taken
    if participants > left:
        raise ValidationError(
            _(
                "Der Kurs hat höchstens %(max)s Plätze, %(taken)s davon haben andere "
                "Unternehmen bestätigt. Sie können höchstens %(left)s Personen anmelden."
            )
            % {"max": quote.max_participants, "taken": taken, "left": max(left, 0)}
        )
    need.confirmed_participants = participants
    need.participants_confirmed_at = now or timezone.now()
    need.save(update_fields=["confirmed_participants", "participants_confirmed_at"])
    return need


# --- the course and the one mail ------------------------------------------------------------


@transaction.atomic
def joint_measure_offer_set(
    *, measure: JointMeasure, offer: Offer, now: datetime.datetime | None = None
) -> int:
    """Link the catalogue course of the measure. When it is published already, everyone
    who asked is told now; otherwise when it is published (receivers.py). Returns how many
    were told now."""
    measure = JointMeasure.objects.select_for_update().get(pk=measure.pk)
    measure.offer = offer
    measure.save(update_fields=["offer"])
    if offer.status == OfferStatus.PUBLISHED:
        return joint_measure_tell(measure=measure, now=now)
    return 0


def _wishes_of(measure: JointMeasure):
    """The course wishes of the measure's group (its topic and district) whose address is
    confirmed and who were not told yet."""
    return (
        CourseWish.objects.filter(
            course_topic_id=measure.topic_id,
            district=measure.district,
            confirmed_at__isnull=False,
            told_at__isnull=True,
        )
        .exclude(email="")
        .order_by("pk")
    )


@transaction.atomic
def joint_measure_tell(*, measure: JointMeasure, now: datetime.datetime | None = None) -> int:
    """Tell every company of the measure and every person of its group who asked, once,
    that the course is in the catalogue. Each is claimed by its stamp before its mail is
    queued, so repeating this sends nothing. Returns how many mails were queued."""
    now = now or timezone.now()
    measure = (
        JointMeasure.objects.select_for_update(of=("self",))
        .select_related("offer")
        .get(pk=measure.pk)
    )
    offer = measure.offer
    if offer is None or offer.status != OfferStatus.PUBLISHED:
        return 0
    if measure.status != JointMeasureStatus.MET:
        measure.status = JointMeasureStatus.MET
        measure.met_at = measure.met_at or now
        measure.save(update_fields=["status", "met_at"])
    offer_url = _absolute(offer.get_absolute_url())
    told = 0
    for need in measure.needs.not_withdrawn().filter(told_at__isnull=True):
        CompanyNeed.objects.filter(pk=need.pk, met_at__isnull=True).update(met_at=now)
        if not need.email:
            continue  # the office phones them; the page shows who has no address
        if not CompanyNeed.objects.filter(pk=need.pk, told_at__isnull=True).update(told_at=now):
            continue
        message_enqueue(
            to=need.email,
            subject="",
            template="counselling/need_met",
            context={"need": need, "measure": measure, "offer": offer, "offer_url": offer_url},
            key=f"counselling-need-met-{need.pk}",
            language=need.mail_language,
        )
        told += 1
    for wish in _wishes_of(measure):
        if not CourseWish.objects.filter(pk=wish.pk, told_at__isnull=True).update(told_at=now):
            continue
        message_enqueue(
            to=wish.email,
            subject="",
            template="counselling/course_wish_told",
            context={"wish": wish, "offer": offer, "offer_url": offer_url},
            key=f"course-wish-told:{wish.pk}",
            language=wish.mail_language,
        )
        told += 1
    if told:
        logger.info("Joint measure %s: told %s companies and people.", measure.pk, told)
    return told


def joint_measures_tell_published(*, offer_ids: list[int] | None = None) -> int:
    """Tell, once, everyone who asked for the measures whose course is published (those of
    `offer_ids`, or all as the daily safety net for publications that sent no signal)."""
    measures = JointMeasure.objects.filter(offer__status=OfferStatus.PUBLISHED)
    if offer_ids is not None:
        measures = measures.filter(offer_id__in=offer_ids)
    return sum(joint_measure_tell(measure=m) for m in measures)
