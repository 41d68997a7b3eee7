"""Writes of the counselling app: routing and submitting requests, the counsellors' work on
them, data protection (anonymisation, escalation, export, erasure), company needs and joint
measures. Every mail goes through the outbox in the caller's transaction."""

import datetime
import json
import logging
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.i18n import active_language
from counselling.joint.services import joint_measure_offer_set
from counselling.models import (
    TOPIC_KIND,
    AccessAction,
    BoardSettings,
    CompanyNeed,
    CounsellingRequest,
    CounsellingService,
    EventKind,
    JointMeasure,
    Outcome,
    PersonalDataAccess,
    RequestEvent,
    RequestNote,
    RequestStatus,
    placement_funding_choices,
)
from counselling.periods import period_label
from network.models import Institution, Membership, MembershipRole
from outbox.models import OutboxMessage
from outbox.services import message_enqueue

logger = logging.getLogger(__name__)

# Without I, O, 0 and 1: a reference read out on the phone must not be misheard.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _reference(prefix: str = "BQ-") -> str:
    """A random reference (never sequential: with the contact it opens the person's status
    page, so it must not be guessable). "BQ-" for requests, "BD-" for company needs."""
    return prefix + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


# --- routing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    service: CounsellingService | None
    # Which rule decided, for the history and for tests: "exact", "any_language",
    # "any_district" or "none" (the network office routes it by hand).
    rule: str


def request_route(*, district: str, situation: str, language: str, topic: str) -> Route:
    """The service that fits a request best.

    The rules, in order: a service in the person's district, for their situation, in their
    language; else one in the district and situation in any language (counsellors arrange
    an interpreter); else one for the situation anywhere in the region. Among equals the one
    whose kind fits the topic wins, then the lower priority number, then the older service.
    With none at all, the request goes to the network office.
    """
    # Only listed services: a new one waits for the office's approval, and a proposed change
    # of an approved one does not route until approved (its approved values still do).
    services = list(CounsellingService.objects.listed())
    wanted_kind = TOPIC_KIND.get(topic)

    def best(candidates: list[CounsellingService]) -> CounsellingService:
        return min(candidates, key=lambda s: (s.kind != wanted_kind, s.priority, s.pk))

    for rule, test in (
        (
            "exact",
            lambda s: (
                district in s.districts and situation in s.situations and language in s.languages
            ),
        ),
        ("any_language", lambda s: district in s.districts and situation in s.situations),
        ("any_district", lambda s: situation in s.situations),
    ):
        candidates = [s for s in services if test(s)]
        if candidates:
            return Route(best(candidates), rule)
    return Route(None, "none")


def _counsellor_emails(institution: Institution) -> list[str]:
    return sorted(
        Membership.objects.filter(
            institution=institution, role=MembershipRole.COUNSELLOR, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _notify_institution(request: CounsellingRequest, *, occasion: str) -> None:
    """Tell the receiving counsellors a request is waiting; the mail holds no personal data,
    only the reference and a link to the queue (behind login and MFA)."""
    if request.institution is None:
        recipients = [settings.NETWORK_OFFICE_EMAIL]
    else:
        recipients = _counsellor_emails(request.institution)
        if not recipients:
            recipients = [settings.NETWORK_OFFICE_EMAIL]
    for address in recipients:
        message_enqueue(
            to=address,
            subject="",
            template="counselling/request_new",
            context={
                "reference": request.reference,
                "url": reverse("counselling:request_detail", args=[request.reference]),
                "occasion": occasion,
            },
            key=f"counselling-new-{request.pk}-{occasion}-{address.lower()}",
        )


class DuplicateSubmission(Exception):
    def __init__(self, request: CounsellingRequest):
        self.request = request


def request_submit(
    *,
    submission_key: uuid.UUID,
    name: str,
    email: str,
    phone: str,
    channel: str,
    language: str,
    district: str,
    situation: str,
    topic: str,
    message: str,
    easy_language: bool = False,
    now: datetime.datetime | None = None,
) -> CounsellingRequest:
    """Save a request from the public form, route it, confirm it to the person (when they
    gave an email address) and notify the receiving counsellors.

    The same `submission_key` (a form posted twice, a reload) returns the first request
    instead of a second one. The mails are outbox rows in this transaction: when the mail
    system is down, the request is saved and the mails leave later.
    """
    existing = CounsellingRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    route = request_route(district=district, situation=situation, language=language, topic=topic)
    try:
        with transaction.atomic():
            request = CounsellingRequest.objects.create(
                reference=_unique_reference(),
                submission_key=submission_key,
                name=name,
                email=email,
                phone=phone,
                channel=channel,
                language=language,
                district=district,
                situation=situation,
                topic=topic,
                message=message,
                easy_language=easy_language,
                consent_at=now,
                mail_language=active_language(),
                institution=route.service.institution if route.service else None,
                service=route.service,
                created_at=now,
                last_activity_at=now,
            )
            RequestEvent.objects.create(
                request=request,
                kind=EventKind.ROUTED,
                institution=request.institution,
                detail=route.rule,
                created_at=now,
            )
            if email:
                message_enqueue(
                    to=email,
                    subject="",
                    template="counselling/request_confirm",
                    context={
                        "reference": request.reference,
                        "institution": request.institution,
                        "service": request.service,
                    },
                    key=f"counselling-confirm-{request.pk}",
                    kind="confirmation",
                    language=request.mail_language,
                )
            _notify_institution(request, occasion="new")
    except IntegrityError:
        # The same form posted twice at the same moment: the other request is the one.
        return CounsellingRequest.objects.get(submission_key=submission_key)
    return request


def _unique_reference(model=CounsellingRequest, prefix: str = "BQ-") -> str:
    for _attempt in range(10):
        reference = _reference(prefix)
        if not model.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("No free reference found.")  # 32^6 ≈ 10^9: does not happen


# --- the counsellors' work --------------------------------------------------------------


def _touch(request: CounsellingRequest, now: datetime.datetime, **fields) -> None:
    for name, value in fields.items():
        setattr(request, name, value)
    request.last_activity_at = now
    request.save(update_fields=[*fields, "last_activity_at"])


def personal_data_access_log(
    *, user, request: CounsellingRequest | None, action: str, reference: str = ""
) -> None:
    """Record that `user` saw, exported or erased personal data of a request."""
    PersonalDataAccess.objects.create(
        user=user,
        request=request,
        reference=reference or (request.reference if request else ""),
        action=action,
    )


def request_claim(*, request: CounsellingRequest, user, now=None) -> None:
    """`user` takes the request over; a counsellor may also take it from a colleague."""
    now = now or timezone.now()
    _touch(request, now, claimed_by=user)
    RequestEvent.objects.create(request=request, kind=EventKind.CLAIMED, actor=user, created_at=now)


def _placement_errors(*, placed: bool, offer, course: str, funding: str) -> dict[str, str]:
    """What is wrong with a placement: a placed request names its course (from the catalogue
    or described, not both) and its funding; any other outcome names neither."""
    errors = {}
    if placed:
        if offer is None and not course:
            errors["placement_offer"] = _(
                "Bitte wählen Sie den Kurs aus dem Katalog oder beschreiben Sie den Kurs "
                "außerhalb des Katalogs."
            )
        elif offer is not None and course:
            errors["placement_course"] = _(
                "Bitte geben Sie entweder einen Kurs aus dem Katalog oder einen Kurs "
                "außerhalb des Katalogs an, nicht beides."
            )
        if not funding:
            errors["placement_funding"] = _(
                "Bitte geben Sie die Förderung an (auch „ohne Förderung“ oder „nicht bekannt“)."
            )
        elif funding not in dict(placement_funding_choices()):
            errors["placement_funding"] = _("Diese Förderung kennen wir nicht.")
    elif offer is not None or course or funding:
        errors["placement_offer"] = _(
            "Einen Kurs und seine Förderung gibt es nur beim Ergebnis „in einen Kurs vermittelt“."
        )
    return errors


def request_set_status(
    *,
    request: CounsellingRequest,
    user,
    status: str,
    outcome: str = "",
    placement_offer=None,
    placement_course: str = "",
    placement_funding: str = "",
    now=None,
) -> None:
    """Move the request on; closing needs an outcome, which statistics keep. Closing as
    "placed in a course" records the course and the funding used (issue 21), which the
    steering circle counts for the funders; reopening the request clears them with the
    outcome, as the history records."""
    now = now or timezone.now()
    if status == RequestStatus.CLOSED and not outcome:
        raise ValidationError({"outcome": _("Bitte geben Sie das Ergebnis an.")})
    if request.anonymised_at:
        raise ValidationError(
            _("Diese Anfrage ist anonymisiert und kann nicht mehr geändert werden.")
        )
    closed = status == RequestStatus.CLOSED
    placement_course = placement_course.strip()
    errors = _placement_errors(
        placed=closed and outcome == Outcome.COURSE,
        offer=placement_offer,
        course=placement_course,
        funding=placement_funding,
    )
    if errors:
        raise ValidationError(errors)
    fields = {
        "status": status,
        "outcome": outcome if closed else "",
        "placement_offer": placement_offer,
        "placement_course": placement_course,
        "placement_funding": placement_funding,
    }
    fields["closed_at"] = now if closed else None
    if request.claimed_by_id is None:
        fields["claimed_by"] = user
    _touch(request, now, **fields)
    RequestEvent.objects.create(
        request=request,
        kind=EventKind.STATUS,
        actor=user,
        detail=str(RequestStatus(status).label),
        created_at=now,
    )


def request_note_add(*, request: CounsellingRequest, user, text: str, now=None) -> RequestNote:
    now = now or timezone.now()
    note = RequestNote.objects.create(request=request, author=user, text=text, created_at=now)
    _touch(request, now)
    return note


def request_hand_over(
    *, request: CounsellingRequest, user, institution: Institution, reason: str, now=None
) -> None:
    """Give the request to another institution, with a reason its counsellors see; it
    starts there as new and unclaimed."""
    now = now or timezone.now()
    if institution.pk == request.institution_id:
        raise ValidationError({"institution": _("Die Anfrage liegt schon bei dieser Einrichtung.")})
    service = (
        CounsellingService.objects.listed()
        .filter(institution=institution)
        .order_by("priority", "pk")
        .first()
    )
    _touch(
        request,
        now,
        institution=institution,
        service=service,
        claimed_by=None,
        status=RequestStatus.NEW,
        escalated_at=None,
    )
    RequestEvent.objects.create(
        request=request,
        kind=EventKind.HANDED_OVER,
        actor=user,
        institution=institution,
        detail=reason[:500],
        created_at=now,
    )
    _notify_institution(request, occasion=f"handover-{now.timestamp():.0f}")


# --- data protection --------------------------------------------------------------------


def requests_escalate_untouched(*, now: datetime.datetime | None = None) -> int:
    """Report open requests nobody touched for COUNSELLING_ESCALATE_AFTER_DAYS to the
    network office, once per request; the mail lists references only."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.COUNSELLING_ESCALATE_AFTER_DAYS)
    with transaction.atomic():
        due = list(
            CounsellingRequest.objects.open()
            .filter(last_activity_at__lt=limit, escalated_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("created_at")
        )
        if not due:
            return 0
        CounsellingRequest.objects.filter(pk__in=[r.pk for r in due]).update(escalated_at=now)
        RequestEvent.objects.bulk_create(
            RequestEvent(
                request=r, kind=EventKind.ESCALATED, institution=r.institution, created_at=now
            )
            for r in due
        )
        message_enqueue(
            to=settings.NETWORK_OFFICE_EMAIL,
            subject="",
            template="counselling/escalation",
            context={
                "references": [r.reference for r in due],
                "days": settings.COUNSELLING_ESCALATE_AFTER_DAYS,
                "url": reverse("counselling:office"),
            },
            key=f"counselling-escalation-{now:%Y%m%d%H%M%S}-{due[0].pk}",
        )
    logger.info("%s counselling requests escalated to the network office.", len(due))
    return len(due)


def request_anonymise(*, request: CounsellingRequest, now=None) -> None:
    """Remove everything that could identify the person; keep district, situation, topic,
    dates, outcome and the placement's catalogue course and funding for statistics."""
    now = now or timezone.now()
    CounsellingRequest.objects.filter(pk=request.pk).update(
        name="",
        email="",
        phone="",
        message="",
        channel="",
        language="",
        # The placement's course and funding stay for the figures; a free description of
        # a course elsewhere is free text, which may name the person.
        placement_course="",
        anonymised_at=now,
    )
    request.notes.all().delete()
    # Hand-over reasons may name the person.
    request.events.update(detail="")
    RequestEvent.objects.create(request=request, kind=EventKind.ANONYMISED, created_at=now)


def requests_anonymise_closed(*, now: datetime.datetime | None = None) -> int:
    """Anonymise requests closed longer ago than COUNSELLING_ANONYMISE_AFTER_DAYS, and
    company needs met that long ago (or older than a year and never met)."""
    now = now or timezone.now()
    days = settings.COUNSELLING_ANONYMISE_AFTER_DAYS
    limit = now - datetime.timedelta(days=days)
    count = 0
    for request in CounsellingRequest.objects.filter(
        status=RequestStatus.CLOSED, closed_at__lt=limit, anonymised_at__isnull=True
    ):
        with transaction.atomic():
            request_anonymise(request=request, now=now)
        count += 1
    needs = CompanyNeed.objects.filter(anonymised_at__isnull=True).filter(
        Q(met_at__lt=limit) | Q(created_at__lt=now - datetime.timedelta(days=max(days, 365)))
    )
    count += needs.update(
        company_name="", contact_name="", email="", phone="", description="", anonymised_at=now
    )
    return count


def _request_export(request: CounsellingRequest) -> dict:
    return {
        "vorgangsnummer": request.reference,
        "eingegangen": request.created_at.isoformat(),
        "name": request.name,
        "email": request.email,
        "telefon": request.phone,
        "weg": request.channel,
        "sprache": request.language,
        "landkreis": request.district,
        "situation": request.situation,
        "thema": request.topic,
        "nachricht": request.message,
        "einwilligung": request.consent_at.isoformat() if request.consent_at else None,
        "einrichtung": request.institution.name if request.institution else None,
        "status": request.status,
        "ergebnis": request.outcome,
        "kurs": (
            request.placement_offer.title if request.placement_offer else request.placement_course
        ),
        "foerderung": request.placement_funding,
        "notizen": [{"am": n.created_at.isoformat(), "text": n.text} for n in request.notes.all()],
    }


def person_data_export(
    *, requests: list[CounsellingRequest], needs: list[CompanyNeed], user, wishes=()
) -> str:
    """Everything stored about one person, as JSON (Art. 15 GDPR); the access is logged."""
    for request in requests:
        personal_data_access_log(user=user, request=request, action=AccessAction.EXPORT)
    data = {
        "beratungsanfragen": [_request_export(r) for r in requests],
        "weiterbildungsbedarfe": [
            {
                "eingegangen": n.created_at.isoformat(),
                "unternehmen": n.company_name,
                "ansprechperson": n.contact_name,
                "email": n.email,
                "telefon": n.phone,
                "thema": n.topic.name,
                "zeitraum": n.period,
                "beschreibung": n.description,
            }
            for n in needs
        ],
        # Course wishes (counselling.wishes), found by their address.
        "kurswuensche": [
            {
                "eingegangen": w.created_at.isoformat(),
                "kurs": w.topic,
                "ort": w.place,
                "landkreis": w.district,
                "email": w.email,
                "bestaetigt": w.confirmed_at.isoformat() if w.confirmed_at else None,
            }
            for w in wishes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def person_data_erase(
    *,
    requests: list[CounsellingRequest],
    needs: list[CompanyNeed],
    contacts: list[str],
    user,
    wishes=(),
) -> int:
    """Erase one person's data on request (Art. 17 GDPR): their requests with notes and
    history, their company needs, and mails to them still in the outbox. The access log
    keeps the reference and who erased it."""
    count = 0
    with transaction.atomic():
        for request in requests:
            personal_data_access_log(
                user=user, request=None, action=AccessAction.ERASE, reference=request.reference
            )
            request.delete()
            count += 1
        for need in needs:
            need.delete()
            count += 1
        for wish in wishes:
            wish.delete()
            count += 1
        emails = [c for c in contacts if "@" in c]
        if emails:
            query = Q()
            for address in emails:
                query |= Q(recipient__iexact=address)
            OutboxMessage.objects.filter(query).delete()
    return count


# --- company needs and joint measures -------------------------------------------------------


def need_register(*, submission_key: uuid.UUID, now=None, **fields) -> CompanyNeed:
    """Save a company's need; the same form posted twice gives the first one back. The
    company gets a confirmation when it gave an email address."""
    existing = CompanyNeed.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    try:
        with transaction.atomic():
            need = CompanyNeed.objects.create(
                reference=_unique_reference(CompanyNeed, "BD-"),
                submission_key=submission_key,
                consent_at=now,
                created_at=now,
                mail_language=active_language(),
                **fields,
            )
            if need.email:
                message_enqueue(
                    to=need.email,
                    subject="",
                    template="counselling/need_confirm",
                    context={"need": need},
                    key=f"counselling-need-confirm-{need.pk}",
                    kind="confirmation",
                    language=need.mail_language,
                )
    except IntegrityError:
        return CompanyNeed.objects.get(submission_key=submission_key)
    return need


def board_threshold_set(*, value: int, user) -> BoardSettings:
    """Set the demand a board group needs to be marked as a chance for a joint course.

    The bounds are the model's (its validators, BOARD_THRESHOLD_MIN/MAX): a value outside
    them raises ValidationError and nothing is written. The office's form says why in
    words before it gets here."""
    BoardSettings(chance_threshold=value).full_clean()
    settings_row, _created = BoardSettings.objects.update_or_create(
        pk=1,
        defaults={"chance_threshold": value, "updated_at": timezone.now(), "updated_by": user},
    )
    logger.info("board threshold set to %s by user %s", value, getattr(user, "pk", None))
    return settings_row


def joint_measure_create(
    *,
    topic,
    district: str,
    period: str,
    title: str,
    note: str,
    providers: list[Institution],
    user,
    now=None,
) -> JointMeasure:
    """Create a joint measure from a group of the demand board: the group's open needs are
    attached, and each invited provider gets a mail asking for an offer (anonymous: numbers
    only, no company names)."""
    now = now or timezone.now()
    measure = JointMeasure.objects.create(
        title=title,
        topic=topic,
        district=district,
        period=period,
        note=note,
        created_by=user,
        created_at=now,
    )
    needs = CompanyNeed.objects.not_withdrawn().filter(
        topic=topic,
        district=district,
        period=period,
        joint_measure__isnull=True,
        met_at__isnull=True,
    )
    needs.update(joint_measure=measure)
    measure.invited.set(providers)
    participants = sum(n.participants for n in measure.needs.all())
    for provider in providers:
        if not provider.email:
            continue
        message_enqueue(
            to=provider.email,
            subject="",
            template="counselling/joint_measure_invitation",
            context={
                "measure": measure,
                "companies": measure.needs.count(),
                "participants": participants,
                "district": measure.get_district_display(),
                "period": period_label(measure.period),
                "url": settings.SITE_URL.rstrip("/")
                + reverse("counselling:joint_invitation", args=[provider.slug, measure.pk]),
            },
            key=f"counselling-jm-invite-{measure.pk}-{provider.pk}",
        )
    return measure


def joint_measure_link_offer(*, measure: JointMeasure, offer, now=None) -> int:
    """Link the published catalogue offer that meets the need; every company of the measure
    and every person of its group who asked is told once (counselling.joint.services).
    Returns the number told now."""
    return joint_measure_offer_set(measure=measure, offer=offer, now=now)
