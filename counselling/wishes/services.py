"""Writes of course wishes: submit, confirm the address, withdraw it, and the retention.

The address is the only personal datum of a wish. It is used for nothing until confirmed
by the link in the one confirmation mail; the link is signed for that one purpose and
expires. It is removed when the person withdraws (one click, the `token` is the secret),
when they are told of a course, after UNCONFIRMED_DAYS when never confirmed, and after a
year in any case. The wish stays, anonymous, as demand.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.i18n import active_language
from counselling.models import CourseWish
from outbox.models import MessageKind
from outbox.services import message_enqueue

logger = logging.getLogger(__name__)

# The wording a person agrees to; a change of the text needs a new version.
CONSENT_VERSION = "2026-12"
CONSENT_TEXT = _(
    "Ja, sagen Sie mir per E-Mail Bescheid, wenn es einen passenden Kurs gibt. Meine Adresse "
    "wird nur dafür verwendet und danach, spätestens nach einem Jahr, gelöscht."
)
CONFIRM_SALT = "counselling.course-wish.confirm"
CONFIRM_MAX_AGE = timedelta(hours=48)
UNCONFIRMED_DAYS = 7
RETENTION_DAYS = 365


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def course_wish_confirm_url(wish: CourseWish) -> str:
    signed = signing.dumps({"t": wish.token}, salt=CONFIRM_SALT, compress=False)
    return _absolute(reverse("counselling:wish_confirm", args=[signed]))


def course_wish_withdraw_url(wish: CourseWish) -> str:
    return _absolute(reverse("counselling:wish_withdraw", args=[wish.token]))


@transaction.atomic
def course_wish_submit(
    *,
    topic: str,
    district: str,
    soon: str,
    place: str = "",
    times: list[str] | None = None,
    schedule: str = "any",
    course_topic=None,
    offer=None,
    email: str = "",
    now: datetime | None = None,
) -> CourseWish:
    """Save a wish. With an address, only the confirmation mail is sent; the address is
    used for nothing else until the link in it is followed."""
    now = now or timezone.now()
    email = email.strip().lower()
    wish = CourseWish.objects.create(
        topic=topic,
        district=district,
        soon=soon,
        place=place,
        times=list(times or []),
        schedule=schedule,
        course_topic=course_topic,
        offer=offer,
        email=email,
        token=secrets.token_urlsafe(32) if email else None,
        consent_version=CONSENT_VERSION if email else "",
        created_at=now,
        mail_language=active_language(),
    )
    if email:
        message_enqueue(
            to=email,
            subject="",
            template="counselling/course_wish_confirm",
            context={
                "wish": wish,
                "confirm_url": course_wish_confirm_url(wish),
                "withdraw_url": course_wish_withdraw_url(wish),
                "valid_hours": int(CONFIRM_MAX_AGE.total_seconds() // 3600),
                "unconfirmed_days": UNCONFIRMED_DAYS,
            },
            key=f"course-wish-confirm:{wish.pk}",
            kind=MessageKind.CONFIRMATION,
            language=wish.mail_language,
        )
    return wish


def course_wish_from_confirmation(*, signed: str) -> CourseWish | None:
    """The wish a confirmation link stands for; None when the link is tampered with, made
    for another purpose, expired, or its address already removed."""
    try:
        data = signing.loads(signed, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        return None
    return CourseWish.objects.filter(token=data["t"]).exclude(email="").first()


def course_wish_confirm(*, wish: CourseWish, now: datetime | None = None) -> CourseWish:
    if wish.confirmed_at is None and wish.email:
        wish.confirmed_at = now or timezone.now()
        wish.save(update_fields=["confirmed_at"])
    return wish


def course_wish_get_by_token(*, token: str) -> CourseWish | None:
    if not token or len(token) > 64:
        return None
    return CourseWish.objects.filter(token=token).exclude(email="").first()


def _addresses_remove(wishes, *, now: datetime) -> int:
    return wishes.exclude(email="").update(
        email="", token=None, confirmed_at=None, email_removed_at=now
    )


def course_wish_withdraw(*, token: str, now: datetime | None = None) -> bool:
    """Remove the address of the wish behind `token`; the wish stays, anonymous. A second
    click answers the same and changes nothing."""
    if not token or len(token) > 64:
        return False
    now = now or timezone.now()
    return bool(_addresses_remove(CourseWish.objects.filter(token=token), now=now))


def course_wishes_retain(*, now: datetime | None = None) -> int:
    """Remove the addresses that served their purpose: of wishes whose person was told,
    never confirmed within UNCONFIRMED_DAYS, or older than RETENTION_DAYS. Idempotent: a
    second run the same day finds nothing."""
    now = now or timezone.now()
    due = CourseWish.objects.filter(
        Q(told_at__isnull=False)
        | Q(confirmed_at__isnull=True, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS))
        | Q(created_at__lt=now - timedelta(days=RETENTION_DAYS))
    )
    count = _addresses_remove(due, now=now)
    if count:
        logger.info("Removed the addresses of %s course wishes.", count)
    return count
