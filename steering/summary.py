"""The steering circle's weekly summary: what happened in the network in the past week.

Once a week (Celery beat, Monday morning, Europe/Berlin) the members of the steering circle
and the network office get one mail: the week's new offers in the catalogue, counselling
requests and company needs (counselling.stats), minutes published in any body, and action
items overdue across the network, each read through its app's selectors or stats. Nothing
at all: no mail. Claimed once per recipient and ISO week (outbox DigestClaim). Members turn
it off like the working-group digest (workgroups.digest.services preferences, one-click
link); the network office's address is the office's own mailbox, set by
NETWORK_OFFICE_EMAIL, so its copy has no unsubscribe link.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from counselling.stats import summary_figures as counselling_figures
from network.selectors import steering_members_active
from offerings.selectors import offers_published_between
from outbox.digests import digest_claim_many, digest_claims_attach
from outbox.services import MessageKind, message_build, message_render, messages_enqueue_many
from workgroups.digest.services import digest_preferences, unsubscribe_url, week_period
from workgroups.selectors import action_items_overdue, minutes_published_between

logger = logging.getLogger(__name__)

SUMMARY_KIND = "steering_summary"
WINDOW = timedelta(days=7)
LIST_LIMIT = 15


def _rows(section: dict) -> list[dict]:
    """A counselling dict as rows for a generic table: headings with their label → number
    rows, and loose numbers under no heading, in the order given."""
    loose, groups = [], []
    for label, value in section.items():
        if isinstance(value, dict):
            groups.append({"heading": str(label), "rows": [(str(k), v) for k, v in value.items()]})
        else:
            loose.append((str(label), value))
    return ([{"heading": "", "rows": loose}] if loose else []) + groups


def _has_numbers(groups: list[dict]) -> bool:
    return any(
        value not in (0, None, "", "0") for group in groups for _label, value in group["rows"]
    )


@dataclass
class Summary:
    start: datetime
    end: datetime
    new_offers: int = 0
    offers: list = field(default_factory=list)
    counselling: list = field(default_factory=list)
    minutes: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.new_offers or self.minutes or self.overdue or _has_numbers(self.counselling)
        )


@dataclass
class SummaryRun:
    period: str
    recipients: int = 0
    sent: int = 0
    nothing_new: bool = False
    turned_off: int = 0
    already_claimed: int = 0


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def steering_summary_collect(*, now: datetime) -> Summary:
    """The network's week up to `now`, in a fixed handful of queries."""
    start, today = now - WINDOW, timezone.localdate(now)
    summary = Summary(start=start, end=now)
    offers = offers_published_between(start=start, end=now)
    summary.new_offers = offers.count()
    summary.offers = list(offers[:LIST_LIMIT])
    for offer in summary.offers:
        offer.url = _absolute(offer.get_absolute_url())
    summary.counselling = _rows(counselling_figures(start=start, end=now))
    summary.minutes = minutes_published_between(start=start, end=now)
    for minutes in summary.minutes:
        minutes.url = _absolute(minutes.meeting.get_absolute_url())
    summary.overdue = action_items_overdue(today=today)
    return summary


def _recipients() -> list[tuple[str, object]]:
    """(claim recipient, person or None) for every active steering circle member, and the
    network office's address."""
    recipients = [(f"person:{m.person_id}", m.person) for m in steering_members_active()]
    if settings.NETWORK_OFFICE_EMAIL:
        recipients.append((f"office:{settings.NETWORK_OFFICE_EMAIL.lower()}", None))
    return recipients


def steering_summary_send(*, now: datetime | None = None) -> SummaryRun:
    """Build and enqueue this week's summary for the steering circle and the office.

    One transaction: claims (one INSERT skipping those already taken), mails (one
    INSERT), and which claim produced which mail. The summary is the same for everyone;
    only the greeting and the unsubscribe link differ.
    """
    now = now or timezone.now()
    run = SummaryRun(period=week_period(now))
    summary = steering_summary_collect(now=now)
    recipients = _recipients()
    preferences = digest_preferences([p.pk for _key, p in recipients if p is not None])
    wanted = []
    for key, person in recipients:
        preference = preferences.get(person.pk) if person is not None else None
        if preference is not None and not preference.steering_summary:
            run.turned_off += 1
        else:
            wanted.append((key, person))
    run.recipients = len(wanted)
    context = {
        "summary": summary,
        "overview_url": _absolute(reverse("workgroups:overview")),
        "settings_url": _absolute(reverse("workgroups:digest_settings")),
    }
    with transaction.atomic():
        claims = digest_claim_many(
            kind=SUMMARY_KIND, recipients=[key for key, _p in wanted], period=run.period
        )
        run.already_claimed = len(wanted) - len(claims)
        if summary.is_empty:
            run.nothing_new = True
            logger.info("Steering summary %s: nothing new, no mail.", run.period)
            return run
        messages, claim_of_key = [], {}
        for key, person in wanted:
            if key not in claims:
                continue
            unsubscribe = unsubscribe_url(person_id=person.pk, what="steering") if person else ""
            subject, text, html = message_render(
                template="steering/summary",
                context={**context, "person": person, "unsubscribe_url": unsubscribe},
            )
            message_key = f"digest:{SUMMARY_KIND}:{key}:{run.period}"
            try:
                messages.append(
                    message_build(
                        to=person.email if person else settings.NETWORK_OFFICE_EMAIL,
                        subject=subject,
                        text=text,
                        html=html,
                        key=message_key,
                        kind=MessageKind.DIGEST,
                        list_unsubscribe=unsubscribe,
                    )
                )
            except ValueError:
                logger.warning("Steering summary: address of %s not usable; skipped.", key)
                continue
            claim_of_key[message_key] = claims[key]
        stored = messages_enqueue_many(messages)
        digest_claims_attach(messages_by_claim={claim_of_key[k]: m.pk for k, m in stored.items()})
        run.sent = len(stored)
    logger.info("Steering summary: %s", run)
    return run
