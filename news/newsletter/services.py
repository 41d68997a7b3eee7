"""Writes of the newsletter: subscribe with double opt-in, confirm, unsubscribe, purge the
unconfirmed; compose an issue, send a test, and send it to every confirmed subscriber.

Sending is resumable and never mails an issue twice to one address: when it starts, the
issue's content is frozen; the delivery task then takes the subscribers in batches, and
for each batch claims one `NewsletterDelivery` per address (INSERT … ON CONFLICT DO
NOTHING on a unique (issue, address) pair) and writes the mails to the outbox in the same
transaction. A second run, or a run after a crash, finds the claims and sends only what
is missing. Reads are in news.newsletter.selectors.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from common.i18n import active_language
from common.markdown import markdown_to_html
from network.models import User
from news.models import (
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterIssueStatus,
    NewsletterSubscriber,
    NewsPost,
)
from news.newsletter.selectors import newsletter_events_by_ids, newsletter_offers_by_ids
from outbox.digests import digest_claims_attach
from outbox.models import MessageKind
from outbox.services import (
    message_build,
    message_enqueue,
    message_enqueue_rendered,
    message_render,
    messages_enqueue_many,
)

logger = logging.getLogger(__name__)

# The wording a subscriber agrees to. Change CONSENT_VERSION whenever the text changes:
# each subscription stores the version it was given under.
CONSENT_VERSION = "2026-11"
CONSENT_TEXT = _(
    "Ja, schicken Sie mir den Newsletter von BeWeQO mit Meldungen, Veranstaltungen und neuen "
    "Kursen aus der Region, etwa einmal im Monat. Ich kann ihn jederzeit mit einem Klick "
    "abbestellen. Meine Adresse wird nur dafür verwendet."
)
CONFIRM_SALT = "news.newsletter.services.confirm"
CONFIRM_MAX_AGE = timedelta(hours=48)
UNCONFIRMED_DAYS = 7
DELIVERY_BATCH = 500
TEMPLATE = "news/newsletter_issue"
# Issues are rendered once with this stand-in for the subscriber's token, which is then
# put in per subscriber (tokens are URL-safe base64: no escaping needed anywhere).
_TOKEN_STANDIN = "TOKENSTANDINforEachSubscriber"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def address_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def newsletter_unsubscribe_url(token: str) -> str:
    return _absolute(reverse("news:newsletter_unsubscribe", args=[token]))


def newsletter_confirm_url(subscriber: NewsletterSubscriber) -> str:
    signed = signing.dumps({"t": subscriber.token}, salt=CONFIRM_SALT, compress=False)
    return _absolute(reverse("news:newsletter_confirm", args=[signed]))


# --- subscribe, confirm, end ---------------------------------------------------------------


def _confirmation_send(subscriber: NewsletterSubscriber, *, now: datetime) -> None:
    message_enqueue(
        to=subscriber.email,
        subject="",
        template="news/newsletter_confirm",
        context={
            "confirm_url": newsletter_confirm_url(subscriber),
            "valid_hours": int(CONFIRM_MAX_AGE.total_seconds() // 3600),
            "unconfirmed_days": UNCONFIRMED_DAYS,
        },
        # One per request: asking again (rate-limited) sends a fresh link.
        key=f"newsletter-confirm:{subscriber.pk}:{now.timestamp():.6f}",
        kind=MessageKind.CONFIRMATION,
        language=subscriber.mail_language,
    )


@transaction.atomic
def newsletter_subscribe(*, email: str, now: datetime | None = None) -> NewsletterSubscriber:
    """Ask `email` to confirm the subscription. Only the confirmation mail is sent; no issue
    goes to the address before it is confirmed. Asking again sends a new link while the
    address is unconfirmed, and nothing once it is confirmed (the page says the same in
    both cases, so nobody learns whether an address subscribes)."""
    now = now or timezone.now()
    email = email.strip().lower()
    subscriber = NewsletterSubscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is None:
        subscriber = NewsletterSubscriber.objects.create(
            email=email,
            token=secrets.token_urlsafe(32),
            consent_version=CONSENT_VERSION,
            created_at=now,
            mail_language=active_language(),
        )
    if subscriber.confirmed_at is None:
        _confirmation_send(subscriber, now=now)
    return subscriber


def newsletter_subscriber_from_confirmation(*, signed: str) -> NewsletterSubscriber | None:
    """The subscription a confirmation link stands for; None when the link was tampered
    with, has expired or its subscription is gone."""
    try:
        data = signing.loads(signed, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        return None
    return NewsletterSubscriber.objects.filter(token=data["t"]).first()


def newsletter_confirm(
    *, subscriber: NewsletterSubscriber, now: datetime | None = None
) -> NewsletterSubscriber:
    """Record the consent: its time, under the wording version shown at subscription."""
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now or timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


def newsletter_unsubscribe(*, token: str) -> bool:
    """End a subscription; the row is deleted, nothing else needs the address."""
    deleted, _ = NewsletterSubscriber.objects.filter(token=token).delete()
    return bool(deleted)


def newsletter_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete subscriptions not confirmed within UNCONFIRMED_DAYS."""
    now = now or timezone.now()
    deleted, _ = NewsletterSubscriber.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS)
    ).delete()
    return deleted


# --- compose --------------------------------------------------------------------------------


class IssueNotEditable(Exception):
    """An issue that is being sent or was sent cannot change."""


@transaction.atomic
def newsletter_issue_save(
    *,
    issue: NewsletterIssue | None = None,
    subject: str,
    intro: str,
    news: list[NewsPost],
    event_ids: list[int],
    offer_ids: list[int],
    user: User | None = None,
) -> NewsletterIssue:
    if issue is None:
        issue = NewsletterIssue(created_by=user)
    elif issue.status != NewsletterIssueStatus.DRAFT:
        raise IssueNotEditable
    issue.subject, issue.intro = subject, intro
    issue.event_ids = sorted({int(i) for i in event_ids})
    issue.offer_ids = sorted({int(i) for i in offer_ids})
    issue.save()
    issue.news.set(news)
    return issue


def newsletter_issue_content_collect(issue: NewsletterIssue) -> dict:
    """What the issue shows now, as plain data (the form in which it is frozen)."""
    news = (
        [
            {
                "title": post.title,
                "teaser": post.teaser,
                "url": _absolute(post.get_absolute_url()),
                "published_at": post.published_at.isoformat() if post.published_at else None,
            }
            for post in issue.news.published().order_by("-published_at")
        ]
        if issue.pk
        else []
    )
    events = [
        {
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat() if event.ends_at else None,
            "url": _absolute(event.get_absolute_url()),
            "institution": str(event.institution),
        }
        for event in newsletter_events_by_ids(ids=issue.event_ids)
    ]
    courses = [
        {
            "title": offer.title,
            "summary": offer.summary,
            "institution": str(offer.institution.display_name),
            "url": _absolute(offer.get_absolute_url()),
        }
        for offer in newsletter_offers_by_ids(ids=issue.offer_ids)
    ]
    return {
        "subject": issue.subject,
        "intro": issue.intro,
        "news": news,
        "events": events,
        "courses": courses,
    }


def newsletter_issue_content(issue: NewsletterIssue) -> dict:
    """The issue as it reads: frozen once sending started, else from the current data.
    Times come back as datetimes and the introduction as sanitised HTML."""
    data = issue.content if issue.content is not None else newsletter_issue_content_collect(issue)
    events = [
        {
            **event,
            "starts_at": parse_datetime(event["starts_at"]),
            "ends_at": parse_datetime(event["ends_at"]) if event.get("ends_at") else None,
        }
        for event in data.get("events", [])
    ]
    news = [
        {
            **post,
            "published_at": parse_datetime(post["published_at"])
            if post.get("published_at")
            else None,
        }
        for post in data.get("news", [])
    ]
    return {
        "subject": data.get("subject", issue.subject),
        "intro": data.get("intro", ""),
        "intro_html": markdown_to_html(data.get("intro", "")),
        "news": news,
        "events": events,
        "courses": data.get("courses", []),
    }


def newsletter_issue_is_empty(issue: NewsletterIssue) -> bool:
    content = newsletter_issue_content(issue)
    return not (
        content["intro"].strip() or content["news"] or content["events"] or content["courses"]
    )


def newsletter_issue_render(
    *,
    issue: NewsletterIssue,
    content: dict,
    unsubscribe_url: str,
    test: bool = False,
    language: str = "",
) -> tuple[str, str, str]:
    """The issue's mail: the network's own text as written (German), the frame around it
    and its links in `language`, the one the subscriber used (German by default)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        archive_url = _absolute(reverse("news:newsletter_archive"))
        web_url = _absolute(issue.get_absolute_url()) if not test else ""
    subject, text, html = message_render(
        template=TEMPLATE,
        subject=content["subject"],
        context={
            "issue": issue,
            "content": content,
            "unsubscribe_url": unsubscribe_url,
            "archive_url": archive_url,
            "web_url": web_url,
            "test": test,
        },
        language=language,
    )
    if test:
        subject = f"[Test] {subject}"
    return subject, text, html


def newsletter_issue_send_test(*, issue: NewsletterIssue, user: User, now: datetime | None = None):
    """Send the issue as it would go out, marked as a test, to the person composing it."""
    now = now or timezone.now()
    subject, text, html = newsletter_issue_render(
        issue=issue,
        content=newsletter_issue_content(issue),
        unsubscribe_url=_absolute(reverse("news:newsletter_subscribe")),
        test=True,
    )
    return message_enqueue_rendered(
        to=user.email,
        subject=subject,
        text=text,
        html=html,
        key=f"newsletter-test:{issue.pk}:{user.pk}:{now.timestamp():.6f}",
        kind=MessageKind.NOTIFICATION,
    )


def _queue_delivery(issue_id: int) -> None:
    """Hand the delivery to the worker; with the broker down, beat's resume run does it."""
    from news.tasks import newsletter_issue_deliver_task

    try:
        newsletter_issue_deliver_task.apply_async((issue_id,), retry=False)
    except Exception:
        logger.warning(
            "Newsletter issue %s not queued (broker unreachable?); the resume run will.",
            issue_id,
            exc_info=True,
        )


@transaction.atomic
def newsletter_issue_send(*, issue: NewsletterIssue, now: datetime | None = None) -> bool:
    """Start sending `issue`: freeze its content and queue the delivery after commit.
    Returns False when it was already started (a second click sends nothing)."""
    now = now or timezone.now()
    locked = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.status != NewsletterIssueStatus.DRAFT:
        return False
    locked.content = newsletter_issue_content_collect(locked)
    locked.status = NewsletterIssueStatus.SENDING
    locked.sending_started_at = now
    locked.save(update_fields=["content", "status", "sending_started_at", "updated_at"])
    transaction.on_commit(partial(_queue_delivery, locked.pk))
    issue.refresh_from_db()
    return True


def _claim_many(issue_id: int, hashes: list[str]) -> dict[str, int]:
    """Claim the delivery of `issue_id` to each address hash in one statement; returns the
    claims won (hash → claim id). Taken before, or by a concurrent transaction that
    commits: left out (ON CONFLICT DO NOTHING waits for that transaction)."""
    if not hashes:
        return {}
    table = connection.ops.quote_name(NewsletterDelivery._meta.db_table)
    rows = ", ".join(["(%s, %s, %s)"] * len(hashes))
    params: list = []
    now = timezone.now()
    for value in hashes:
        params += [issue_id, value, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (issue_id, address_hash, created_at) VALUES {rows} "  # noqa: S608 (no user input in the SQL text)
            "ON CONFLICT DO NOTHING RETURNING id, address_hash",
            params,
        )
        return {value: pk for pk, value in cursor.fetchall()}


def newsletter_issue_deliver(*, issue_id: int, batch_size: int = DELIVERY_BATCH) -> int:
    """Write the mails of an issue that is being sent, batch by batch; returns how many
    were written in this run (0 on a re-run that finds everything claimed).

    Subscribers are those confirmed before sending started: a re-run weeks later must not
    send an old issue to someone who subscribed since.
    """
    issue = NewsletterIssue.objects.filter(pk=issue_id).first()
    if issue is None or issue.status != NewsletterIssueStatus.SENDING:
        logger.info("Newsletter issue %s is not being sent; nothing to do.", issue_id)
        return 0
    content = newsletter_issue_content(issue)
    # Rendered once per language the subscribers used, the token stood in.
    rendered: dict[str, tuple[str, str, str]] = {}
    subscribers = NewsletterSubscriber.objects.filter(
        confirmed_at__isnull=False, confirmed_at__lte=issue.sending_started_at
    )
    written, last_pk = 0, 0
    while True:
        batch = list(subscribers.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            break
        last_pk = batch[-1].pk
        with transaction.atomic():
            by_hash = {address_hash(s.email): s for s in batch}
            claims = _claim_many(issue.pk, list(by_hash))
            messages, claim_of_key = [], {}
            for value, claim_id in claims.items():
                subscriber = by_hash[value]
                language = subscriber.mail_language
                if language not in rendered:
                    rendered[language] = newsletter_issue_render(
                        issue=issue,
                        content=content,
                        unsubscribe_url=newsletter_unsubscribe_url(_TOKEN_STANDIN),
                        language=language,
                    )
                subject, text, html = rendered[language]
                key = f"newsletter:{issue.pk}:{value[:40]}"
                try:
                    message = message_build(
                        to=subscriber.email,
                        subject=subject,
                        text=text.replace(_TOKEN_STANDIN, subscriber.token),
                        html=html.replace(_TOKEN_STANDIN, subscriber.token),
                        key=key,
                        kind=MessageKind.DIGEST,
                        list_unsubscribe=newsletter_unsubscribe_url(subscriber.token),
                    )
                except ValueError:
                    # Claimed anyway: a bad stored address must not be retried every run.
                    logger.warning("Newsletter subscriber %s: address unusable.", subscriber.pk)
                    continue
                messages.append(message)
                claim_of_key[key] = claim_id
            stored = messages_enqueue_many(messages)
            digest_claims_attach(
                messages_by_claim={
                    claim_of_key[key]: message.pk for key, message in stored.items()
                },
                model=NewsletterDelivery,
            )
            written += len(stored)
    NewsletterIssue.objects.filter(pk=issue.pk, status=NewsletterIssueStatus.SENDING).update(
        status=NewsletterIssueStatus.SENT,
        sent_at=timezone.now(),
        recipients=NewsletterDelivery.objects.filter(issue=issue, message__isnull=False).count(),
    )
    logger.info("Newsletter issue %s: %s mails written.", issue.pk, written)
    return written


def newsletter_issues_resume() -> int:
    """Deliver what an interrupted send left (beat): every issue still being sent."""
    count = 0
    for issue_id in NewsletterIssue.objects.filter(
        status=NewsletterIssueStatus.SENDING
    ).values_list("pk", flat=True):
        count += newsletter_issue_deliver(issue_id=issue_id)
    return count
