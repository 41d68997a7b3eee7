"""The weekly digest for the members of the bodies, and the mail preferences it honours.

Once a week (Celery beat, Monday morning, Europe/Berlin) every person in a working group or
the steering circle gets one mail across all their bodies: minutes published since their
last digest, meetings of the coming two weeks, and their own open action items due in that
time or overdue. Nothing in any of the three: no mail. Each digest is claimed once per
person and ISO week (outbox DigestClaim), so beat firing twice or two workers send
it once. Everyone can turn it off, in the portal or with the one-click link of the mail.

Members of the working groups that see the demand board (issue 21) also read the board's
new chances for a joint course since their last digest. The board is counselling's, an app
of the same layer that this one must not import: the caller passes the chances in as plain
data (`DigestChance`, built by portal.digest, which also runs the weekly task).

Publishing minutes still mails the body's members at once (workgroups.services): minutes
carry decisions that should not wait up to a week, and a member who turns the digest off
keeps hearing about them. The digest lists the week's minutes again as part of the
overview; it is a summary, not the announcement.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from network.models import SteeringCircleMember
from outbox.digests import digest_claim_many, digest_claims_attach
from outbox.models import DigestClaim, MessageKind
from outbox.services import message_build, message_render, messages_enqueue_many
from workgroups.models import (
    ActionItem,
    BodyKind,
    DigestPreference,
    Meeting,
    Minutes,
    MinutesStatus,
    WorkingGroup,
    WorkingGroupMember,
)

logger = logging.getLogger(__name__)

DIGEST_KIND = "workgroup_digest"
# How far ahead meetings and due action items are listed.
LOOKAHEAD = timedelta(days=14)
# Without an earlier digest, minutes of the last week count as new.
FIRST_WINDOW = timedelta(days=7)
BATCH = 200

# The preferences a one-click link can turn off, by the name used in the signed token.
PREFERENCE_FIELDS = {"workgroup": "workgroup_digest", "steering": "steering_summary"}
UNSUBSCRIBE_SALT = "workgroups.digest.unsubscribe"


# --- preferences and the one-click link ------------------------------------------------------


def digest_preferences(person_ids) -> dict[int, DigestPreference]:
    return {p.person_id: p for p in DigestPreference.objects.filter(person_id__in=person_ids)}


def digest_preference_for(person) -> DigestPreference:
    """The person's preferences, the defaults (unsaved) when they never changed them."""
    return DigestPreference.objects.filter(person=person).first() or DigestPreference(person=person)


def digest_preference_set(*, person, **values: bool) -> DigestPreference:
    """Store the person's choices (`workgroup_digest`, `steering_summary`)."""
    unknown = set(values) - set(PREFERENCE_FIELDS.values())
    if unknown:
        raise ValueError(f"Unknown preferences: {sorted(unknown)}")
    preference, _created = DigestPreference.objects.update_or_create(person=person, defaults=values)
    return preference


def unsubscribe_token(*, person_id: int, what: str) -> str:
    """The secret of a one-click link: signed, so it needs no table, and without a time
    limit, since mail is read late. It only ever turns a digest off."""
    if what not in PREFERENCE_FIELDS:
        raise ValueError(what)
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"p": person_id, "w": what})


def unsubscribe_url(*, person_id: int, what: str) -> str:
    token = unsubscribe_token(person_id=person_id, what=what)
    path = reverse("workgroups:digest_unsubscribe", args=[token])
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_target(token: str) -> tuple[object, str] | None:
    """The person and the preference field a token stands for; None when tampered with."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token[:300])
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("w") not in PREFERENCE_FIELDS:
        return None
    person = get_user_model().objects.filter(pk=data.get("p")).first()
    if person is None:
        return None
    return person, PREFERENCE_FIELDS[data["w"]]


def digest_unsubscribe(*, token: str) -> bool:
    """Turn off what a one-click link stands for; repeating it changes nothing."""
    target = unsubscribe_target(token)
    if target is None:
        return False
    person, name = target
    digest_preference_set(person=person, **{name: False})
    return True


# --- the digest ----------------------------------------------------------------------------


def week_period(when: datetime) -> str:
    year, week, _day = timezone.localtime(when).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class DigestChance:
    """A group of the demand board that became a chance for a joint course, as the digest
    lists it: no names or addresses, only what the anonymised board shows."""

    title: str  # the topic
    detail: str  # district, period and how many companies
    url: str  # absolute, the board
    reached_at: datetime  # when the group reached the threshold


@dataclass(frozen=True)
class DigestChances:
    """The chances to list, and the working groups (slugs) whose members see them."""

    chances: list[DigestChance]
    group_slugs: frozenset[str]


NO_CHANCES = DigestChances(chances=[], group_slugs=frozenset())


@dataclass
class PersonDigest:
    person: object
    groups: list = field(default_factory=list)
    minutes: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    action_items: list = field(default_factory=list)
    chances: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.minutes or self.meetings or self.action_items or self.chances)


@dataclass
class WorkgroupDigestRun:
    period: str
    people: int = 0
    sent: int = 0
    nothing_new: int = 0
    turned_off: int = 0
    already_claimed: int = 0


def _bodies_by_person() -> dict[int, set[int]]:
    """Body ids per active person: their working groups, and the steering circle for its
    members (who are not WorkingGroupMember rows)."""
    bodies: dict[int, set[int]] = defaultdict(set)
    for person_id, group_id in WorkingGroupMember.objects.filter(
        person__is_active=True
    ).values_list("person_id", "group_id"):
        bodies[person_id].add(group_id)
    steering = list(WorkingGroup.objects.filter(kind=BodyKind.STEERING_CIRCLE).values_list("pk"))
    if steering:
        for person_id in SteeringCircleMember.objects.filter(person__is_active=True).values_list(
            "person_id", flat=True
        ):
            bodies[person_id].update(pk for (pk,) in steering)
    return bodies


def _last_digest_at(person_ids) -> dict[int, datetime]:
    recipients = {f"person:{pk}": pk for pk in person_ids}
    rows = (
        DigestClaim.objects.filter(kind=DIGEST_KIND, recipient__in=recipients)
        .values("recipient")
        .annotate(last=Max("created_at"))
    )
    return {recipients[row["recipient"]]: row["last"] for row in rows}


def workgroup_digests_collect(
    *, now: datetime, person_ids=None, chances: DigestChances = NO_CHANCES
) -> list[PersonDigest]:
    """What each person's digest would say, in a fixed number of queries however many
    people and bodies there are. `chances` go to the members of their groups, those
    reached since the person's last digest."""
    bodies = _bodies_by_person()
    if person_ids is not None:
        bodies = {pk: ids for pk, ids in bodies.items() if pk in set(person_ids)}
    if not bodies:
        return []
    people = get_user_model().objects.in_bulk(list(bodies))
    groups = WorkingGroup.objects.in_bulk({pk for ids in bodies.values() for pk in ids})
    last = _last_digest_at(bodies)
    earliest = min([*last.values(), now - FIRST_WINDOW])
    minutes = list(
        Minutes.objects.filter(
            status=MinutesStatus.PUBLISHED,
            published_at__gt=earliest,
            published_at__lte=now,
            meeting__group__in=groups,
        )
        .select_related("meeting__group")
        .order_by("published_at", "pk")
    )
    meetings = list(
        Meeting.objects.filter(group__in=groups, starts_at__gte=now, starts_at__lte=now + LOOKAHEAD)
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    today = timezone.localdate(now)
    items = list(
        ActionItem.objects.open()
        .filter(assignee__in=list(bodies), due_date__lte=today + LOOKAHEAD)
        .select_related("group")
        .order_by("due_date", "pk")
    )
    items_by_person = defaultdict(list)
    for item in items:
        items_by_person[item.assignee_id].append(item)
    digests = []
    board_groups = {pk for pk, g in groups.items() if g.slug in chances.group_slugs}
    for person_id in sorted(bodies):
        own = bodies[person_id]
        since = last.get(person_id, now - FIRST_WINDOW)
        sees_board = bool(own & board_groups)
        digests.append(
            PersonDigest(
                person=people[person_id],
                groups=sorted((groups[pk] for pk in own), key=lambda g: (g.position, g.name)),
                minutes=[
                    m for m in minutes if m.meeting.group_id in own and m.published_at > since
                ],
                meetings=[m for m in meetings if m.group_id in own],
                action_items=[i for i in items_by_person[person_id] if i.group_id in own],
                chances=[c for c in chances.chances if since < c.reached_at <= now]
                if sees_board
                else [],
            )
        )
    return digests


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _render(digest: PersonDigest, *, today) -> tuple[str, str, str, str]:
    unsubscribe = unsubscribe_url(person_id=digest.person.pk, what="workgroup")
    for minutes in digest.minutes:
        minutes.url = _absolute(minutes.meeting.get_absolute_url())
    for meeting in digest.meetings:
        meeting.url = _absolute(meeting.get_absolute_url())
    for item in digest.action_items:
        item.url = _absolute(item.group.get_internal_url())
        item.overdue = item.due_date < today
    subject, text, html = message_render(
        template="workgroups/digest",
        context={
            "digest": digest,
            "person": digest.person,
            "unsubscribe_url": unsubscribe,
            "settings_url": _absolute(reverse("workgroups:digest_settings")),
            "tasks_url": _absolute(reverse("workgroups:my_tasks")),
        },
    )
    return subject, text, html, unsubscribe


def workgroup_digests_send(
    *, now: datetime | None = None, person_ids=None, chances: DigestChances = NO_CHANCES
) -> WorkgroupDigestRun:
    """Build and enqueue this week's digest for every member of a body who wants one.

    People who turned it off are skipped without a claim, so turning it on again in the
    same week still brings that week's digest. For the others, BATCH at a time in one
    transaction: claim (one INSERT skipping claims already taken), write the mails (one
    INSERT), record which mail each claim produced.
    """
    now = now or timezone.now()
    run = WorkgroupDigestRun(period=week_period(now))
    today = timezone.localdate(now)
    digests = workgroup_digests_collect(now=now, person_ids=person_ids, chances=chances)
    preferences = digest_preferences([d.person.pk for d in digests])
    run.people = len(digests)
    wanted = []
    for digest in digests:
        preference = preferences.get(digest.person.pk)
        if preference is not None and not preference.workgroup_digest:
            run.turned_off += 1
        else:
            wanted.append(digest)
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        with transaction.atomic():
            claims = digest_claim_many(
                kind=DIGEST_KIND,
                recipients=[f"person:{d.person.pk}" for d in batch],
                period=run.period,
            )
            messages, claim_of_key = [], {}
            for digest in batch:
                claim_id = claims.get(f"person:{digest.person.pk}")
                if claim_id is None:
                    run.already_claimed += 1
                    continue
                if digest.is_empty:
                    run.nothing_new += 1
                    continue
                subject, text, html, unsubscribe = _render(digest, today=today)
                key = f"digest:{DIGEST_KIND}:{digest.person.pk}:{run.period}"
                try:
                    messages.append(
                        message_build(
                            to=digest.person.email,
                            subject=subject,
                            text=text,
                            html=html,
                            key=key,
                            kind=MessageKind.DIGEST,
                            list_unsubscribe=unsubscribe,
                        )
                    )
                except ValueError:
                    logger.warning("Person %s: address not usable; skipped.", digest.person.pk)
                    continue
                claim_of_key[key] = claim_id
            stored = messages_enqueue_many(messages)
            digest_claims_attach(
                messages_by_claim={claim_of_key[k]: m.pk for k, m in stored.items()}
            )
            run.sent += len(stored)
    logger.info("Working-group digests: %s", run)
    return run
