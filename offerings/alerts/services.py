"""Writes of course alerts ("Suchaufträge"): subscribe with double opt-in, confirm, change,
unsubscribe, purge the unconfirmed, and the periodic digest of new matching courses.

An alert is a saved catalogue query string and an email address, nothing more; no account
is needed. Before the address is confirmed, the only mail it gets is the confirmation.
"""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from common.i18n import active_language
from offerings.filters import CatalogueFilter
from offerings.models import AlertFrequency, CourseAlert, Offer, OfferDate
from offerings.selectors import catalogue_offer_ids
from offerings.understanding import AS_TEXT
from outbox.digests import digest_claim_many, digest_claims_attach
from outbox.models import MessageKind
from outbox.services import (
    message_build,
    message_enqueue,
    message_render,
    messages_enqueue_many,
)

logger = logging.getLogger(__name__)

# The wording a subscriber agrees to. Change CONSENT_VERSION whenever the text changes:
# each alert stores the version it was given under.
CONSENT_VERSION = "2026-11"
CONSENT_TEXT = _(
    "Ja, schicken Sie mir neue Kurse zu dieser Suche per E-Mail. Ich kann den Suchauftrag "
    "jederzeit mit einem Klick beenden. Meine Adresse wird nur dafür verwendet."
)
CONFIRM_SALT = "offerings.course-alert.confirm"
CONFIRM_MAX_AGE = timedelta(hours=48)
UNCONFIRMED_DAYS = 7
MAX_ALERTS_PER_ADDRESS = 10
MAX_QUERY_LENGTH = 2000
DIGEST_KIND = "course_alert"
DIGEST_MAX_OFFERS = 20
# Parameters worth saving: the filters, not the page or the order of the results.
IGNORED_PARAMETERS = {"seite", "sortierung", "pro_seite"}


class AlertError(Exception):
    """A subscription that cannot be made; the message is for the visitor."""


class AlertLimitReached(AlertError):
    pass


class InvalidSearch(AlertError):
    pass


# --- the saved search --------------------------------------------------------------------


def alert_query_normalize(params: QueryDict) -> str:
    """The catalogue filters of `params` as a canonical query string: known parameters only,
    empty values dropped, sorted, so that the same search is the same alert.

    Raises InvalidSearch when a value is not one the catalogue accepts.
    """
    # AS_TEXT: words the person took back from the query understanding stay text when the
    # alert's "open the search" link is followed (the digest searches them as text anyway).
    allowed = (set(CatalogueFilter.base_filters) - IGNORED_PARAMETERS) | {AS_TEXT}
    clean = QueryDict(mutable=True)
    for name in sorted(allowed & set(params)):
        values = sorted({v.strip() for v in params.getlist(name) if v and v.strip()})
        if values:
            clean.setlist(name, values)
    form = CatalogueFilter(clean, queryset=Offer.objects.none()).form
    if not form.is_valid():
        raise InvalidSearch(_("Diese Suche enthält Angaben, die der Katalog nicht kennt."))
    encoded = clean.urlencode()
    if len(encoded) > MAX_QUERY_LENGTH:
        raise InvalidSearch(_("Diese Suche ist zu lang, um sie zu speichern."))
    return encoded


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def alert_links(alert: CourseAlert) -> dict[str, str]:
    """The absolute links every alert mail carries."""
    catalogue = reverse("offerings:catalogue") + (f"?{alert.query}" if alert.query else "")
    return {
        "results_url": _absolute(catalogue),
        "manage_url": _absolute(reverse("offerings:alert_manage", args=[alert.token])),
        "unsubscribe_url": _absolute(reverse("offerings:alert_unsubscribe", args=[alert.token])),
    }


def alert_confirm_url(alert: CourseAlert) -> str:
    signed = signing.dumps({"t": alert.token}, salt=CONFIRM_SALT, compress=False)
    return _absolute(reverse("offerings:alert_confirm", args=[signed]))


# --- subscribe, confirm, change, end -----------------------------------------------------


def _confirmation_send(alert: CourseAlert, *, now: datetime) -> None:
    message_enqueue(
        to=alert.email,
        subject="",
        template="offerings/course_alert_confirm",
        context={
            "alert": alert,
            "confirm_url": alert_confirm_url(alert),
            "valid_hours": int(CONFIRM_MAX_AGE.total_seconds() // 3600),
            "unconfirmed_days": UNCONFIRMED_DAYS,
            "search": alert_describe(alert.query),
            # Results, and the ways to change or end the alert, as every alert mail has.
            **alert_links(alert),
        },
        # One per request: asking again (rate-limited) sends a fresh link.
        key=f"course-alert-confirm:{alert.pk}:{now.timestamp():.6f}",
        kind=MessageKind.CONFIRMATION,
        language=alert.mail_language,
    )


@transaction.atomic
def course_alert_subscribe(
    *,
    email: str,
    query: str,
    frequency: str = AlertFrequency.WEEKLY,
    verified_emails: frozenset[str] = frozenset(),
    now: datetime | None = None,
) -> CourseAlert:
    """Save the search `query` (normalized) for `email` and ask for confirmation.

    Only the confirmation mail is sent; the alert stays silent until it is confirmed. An
    address the logged-in visitor has already verified (`verified_emails`) needs no second
    proof: the alert is confirmed at once. Asking again for the same search sends a new
    confirmation link instead of a second alert.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    existing = CourseAlert.objects.select_for_update().filter(email=email, query=query).first()
    if existing is not None:
        if existing.confirmed_at is None:
            _confirmation_send(existing, now=now)
        return existing
    if CourseAlert.objects.filter(email=email).count() >= MAX_ALERTS_PER_ADDRESS:
        raise AlertLimitReached(
            _("Für diese Adresse gibt es schon %(n)d Suchaufträge. Beenden Sie zuerst einen.")
            % {"n": MAX_ALERTS_PER_ADDRESS}
        )
    alert = CourseAlert.objects.create(
        email=email,
        query=query,
        frequency=frequency,
        token=secrets.token_urlsafe(32),
        consent_version=CONSENT_VERSION,
        created_at=now,
        mail_language=active_language(),
    )
    if email in verified_emails:
        course_alert_confirm(alert=alert, now=now)
    else:
        _confirmation_send(alert, now=now)
    return alert


def course_alert_from_confirmation(*, signed: str) -> CourseAlert | None:
    """The alert a confirmation link stands for; None when the link is tampered with,
    expired or its alert gone."""
    try:
        data = signing.loads(signed, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        return None
    return CourseAlert.objects.filter(token=data["t"]).first()


def course_alert_confirm(*, alert: CourseAlert, now: datetime | None = None) -> CourseAlert:
    """Record the consent. The first digest then covers what is new from this moment."""
    if alert.confirmed_at is not None:
        return alert
    now = now or timezone.now()
    alert.confirmed_at = now
    alert.last_digest_at = now
    alert.last_date_id = OfferDate.objects.aggregate(last=Max("pk"))["last"] or 0
    alert.save(update_fields=["confirmed_at", "last_digest_at", "last_date_id"])
    return alert


def course_alert_set_frequency(*, alert: CourseAlert, frequency: str) -> CourseAlert:
    if frequency not in AlertFrequency.values:
        raise ValueError(f"Unknown frequency {frequency!r}")
    alert.frequency = frequency
    alert.save(update_fields=["frequency"])
    return alert


def course_alert_unsubscribe(*, token: str) -> bool:
    """End an alert; its row is deleted, since nothing else needs the address."""
    deleted, _ = CourseAlert.objects.filter(token=token).delete()
    return bool(deleted)


def course_alerts_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete alerts whose address was not confirmed within UNCONFIRMED_DAYS."""
    now = now or timezone.now()
    deleted, _ = CourseAlert.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS)
    ).delete()
    return deleted


# --- what an alert's search means, in words ------------------------------------------------


def alert_describe(query: str) -> list[str]:
    """The search of an alert as short phrases: the text and the chosen options."""
    params = QueryDict(query)
    form = CatalogueFilter(params, queryset=Offer.objects.none()).form
    if not form.is_valid():
        return []
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], False) or name in IGNORED_PARAMETERS:
            continue
        if hasattr(value, "model") and not value:  # an empty queryset
            continue
        if name == "q":
            parts.append(f"„{value}“")
        elif name == "umkreis":
            parts.append(_("%(km)s km Umkreis") % {"km": value})
        elif name == "preis_bis":
            parts.append(_("bis %(price)s Euro") % {"price": value})
        elif value is True:
            parts.append(str(field.label))
        elif hasattr(value, "model") or hasattr(value, "pk"):
            items = value if hasattr(value, "model") else [value]
            parts.extend(str(item) for item in items)
        elif hasattr(field, "choices"):
            labels = {str(key): str(label) for key, label in field.choices}
            values = [value] if isinstance(value, str) else value
            parts.extend(labels.get(str(v), str(v)) for v in values)
        else:
            parts.append(str(value))
    return parts


# --- the digest --------------------------------------------------------------------------


def digest_period(frequency: str, when: datetime) -> str:
    """The period one digest covers, in Berlin time: a day, or an ISO week."""
    local = timezone.localtime(when)
    if frequency == AlertFrequency.DAILY:
        return local.date().isoformat()
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestRun:
    period: str
    alerts: int = 0
    sent: int = 0
    nothing_new: int = 0
    already_claimed: int = 0
    undeliverable: int = 0


def _new_offer_ids(since: datetime, last_date_id: int, today) -> set[int]:
    """Offers in the catalogue published after `since`, or with an open date added after
    the date id `last_date_id` (dates carry no timestamp; their ids only grow)."""
    new_date = OfferDate.objects.filter(
        OfferDate.open_q(today), offer=OuterRef("pk"), pk__gt=last_date_id
    )
    return set(
        Offer.objects.in_catalogue(today)
        .filter(
            Q(published_at__gt=since)
            | Q(published_at__isnull=True, created_at__gt=since)
            | Exists(new_date)
        )
        .values_list("pk", flat=True)
    )


def _digest_offers(ids: list[int], today, *, since: datetime) -> list[Offer]:
    """The offers `ids` as a digest lists them, in that order."""
    dates = Prefetch(
        "dates",
        queryset=OfferDate.objects.filter(OfferDate.open_q(today))
        .select_related("venue")
        .order_by("start", "pk"),
        to_attr="open_dates",
    )
    offers = (
        Offer.objects.filter(pk__in=ids)
        .select_related("institution")
        .prefetch_related(dates)
        .in_bulk()
    )
    listed = [offers[pk] for pk in ids if pk in offers]
    for offer in listed:
        offer.is_new = (offer.published_at or offer.created_at) > since
        offer.next_date = offer.open_dates[0] if offer.open_dates else None
        offer.url = _absolute(offer.get_absolute_url())
    return listed


# Digests are rendered once per saved search and watermark with this stand-in for the
# alert's token, which is then put in per alert: the token is the only part of a digest
# that differs between two alerts with the same search (tokens are URL-safe base64, so
# they need no escaping in text, HTML or URLs).
_TOKEN_STANDIN = "TOKENSTANDINforEachAlert"
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DIGEST_BATCH = 500


@dataclass
class _Rendered:
    subject: str
    text: str
    html: str


def _digest_render(alert: CourseAlert, offers: list[Offer], *, total: int, search) -> _Rendered:
    """The digest in the language the alert was set up in: its words and its links."""
    with translation.override(alert.mail_language):
        links = alert_links(alert)
    subject, text, html = message_render(
        language=alert.mail_language,
        template="offerings/course_alert_digest",
        context={
            "alert": alert,
            "offers": offers,
            "total": total,
            "more": max(total - len(offers), 0),
            "search": search,
            **links,
        },
    )
    return _Rendered(subject, text, html)


def course_alert_digests_send(
    *, frequency: str, now: datetime | None = None, alert_ids: list[int] | None = None
) -> DigestRun:
    """Build this period's digest for every confirmed alert of `frequency`.

    Alerts are taken DIGEST_BATCH at a time, each batch in one transaction: its digests
    are claimed (outbox DigestClaim, one INSERT that skips claims already taken),
    their mails written (one INSERT) and the alerts' watermarks moved (two UPDATEs), so a
    second run, or a second worker at the same time, sends nothing twice, and a crash
    leaves a batch wholly done or wholly undone. No mail when nothing new matches. The
    mails are handed to the worker in batches after each commit.

    The cost is per distinct saved search, not per alert: matching uses the catalogue's
    in-memory index (catalogue_offer_ids); new offers are asked for once per watermark,
    and offers, the search in words and the rendered mail once per search and watermark.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = DigestRun(period=digest_period(frequency, now))
    date_watermark = OfferDate.objects.aggregate(last=Max("pk"))["last"] or 0
    new_by_watermark: dict[tuple[datetime, int], set[int]] = {}
    # Alerts share searches and watermarks (all alerts of one run move to the same one), so
    # what follows from them is worked out once per search and watermark.
    matches_by_search: dict[tuple, list[int]] = {}
    rendered_by_search: dict[tuple, _Rendered] = {}
    words_by_query: dict[tuple[str, str], list[str]] = {}
    unsubscribe_standin = alert_links(CourseAlert(token=_TOKEN_STANDIN))["unsubscribe_url"]
    alerts = CourseAlert.objects.filter(frequency=frequency, confirmed_at__isnull=False)
    if alert_ids is not None:
        alerts = alerts.filter(pk__in=alert_ids)
    last_pk = 0
    while True:
        batch = list(alerts.filter(pk__gt=last_pk).order_by("pk")[:DIGEST_BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        run.alerts += len(batch)
        with transaction.atomic():
            claims = digest_claim_many(
                kind=DIGEST_KIND,
                recipients=[f"course-alert:{alert.pk}" for alert in batch],
                period=run.period,
            )
            claimed, messages, claim_of_key = [], [], {}
            for alert in batch:
                claim_id = claims.get(f"course-alert:{alert.pk}")
                if claim_id is None:
                    run.already_claimed += 1
                    continue
                claimed.append(alert.pk)
                since = alert.last_digest_at or alert.confirmed_at
                watermark = (since, alert.last_date_id)
                if watermark not in new_by_watermark:
                    new_by_watermark[watermark] = _new_offer_ids(since, alert.last_date_id, today)
                new_ids = new_by_watermark[watermark]
                search_key = (alert.query, *watermark)
                if search_key not in matches_by_search:
                    matches_by_search[search_key] = (
                        [
                            pk
                            for pk in catalogue_offer_ids(QueryDict(alert.query), today=today)
                            if pk in new_ids
                        ]
                        if new_ids
                        else []
                    )
                matches = matches_by_search[search_key]
                if not matches:
                    run.nothing_new += 1
                    continue
                # The search in words, and the mail, in the language of the alert.
                language = alert.mail_language
                if (language, alert.query) not in words_by_query:
                    with translation.override(language):
                        words = alert_describe(alert.query)
                    words_by_query[language, alert.query] = words
                search = words_by_query[language, alert.query]
                if _SAFE_TOKEN.match(alert.token):
                    rendered_key = (language, *search_key)
                    if rendered_key not in rendered_by_search:
                        offers = _digest_offers(matches[:DIGEST_MAX_OFFERS], today, since=since)
                        standin = CourseAlert(
                            query=alert.query, token=_TOKEN_STANDIN, mail_language=language
                        )
                        rendered_by_search[rendered_key] = _digest_render(
                            standin, offers, total=len(matches), search=search
                        )
                    template = rendered_by_search[rendered_key]
                    rendered = _Rendered(
                        *(
                            part.replace(_TOKEN_STANDIN, alert.token)
                            for part in (template.subject, template.text, template.html)
                        )
                    )
                    unsubscribe = unsubscribe_standin.replace(_TOKEN_STANDIN, alert.token)
                else:  # a token from elsewhere (the admin, an import): rendered on its own
                    offers = _digest_offers(matches[:DIGEST_MAX_OFFERS], today, since=since)
                    rendered = _digest_render(alert, offers, total=len(matches), search=search)
                    unsubscribe = alert_links(alert)["unsubscribe_url"]
                key = f"digest:{DIGEST_KIND}:{alert.pk}:{run.period}"
                try:
                    message = message_build(
                        to=alert.email,
                        subject=rendered.subject,
                        text=rendered.text,
                        html=rendered.html,
                        key=key,
                        kind=MessageKind.DIGEST,
                        list_unsubscribe=unsubscribe,
                    )
                except ValueError:
                    # One bad stored address must not hold up the batch: it is claimed
                    # (no retry every run) and logged.
                    logger.warning("Course alert %s: address not usable; skipped.", alert.pk)
                    run.undeliverable += 1
                    continue
                claim_of_key[key] = (claim_id, alert.pk)
                messages.append(message)
            stored = messages_enqueue_many(messages)
            digest_claims_attach(
                messages_by_claim={claim_of_key[k][0]: m.pk for k, m in stored.items()}
            )
            sent_ids = [claim_of_key[k][1] for k in stored]
            run.sent += len(sent_ids)
            CourseAlert.objects.filter(pk__in=claimed).update(
                last_digest_at=now, last_date_id=date_watermark
            )
            if sent_ids:
                CourseAlert.objects.filter(pk__in=sent_ids).update(last_sent_at=now)
    logger.info("Course alert digests %s: %s", frequency, run)
    return run
