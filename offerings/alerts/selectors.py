"""Reads of course alerts: one by the secret of its links, and those of a logged-in user."""

from django.db.models import QuerySet

from offerings.models import CourseAlert


def course_alert_get_by_token(*, token: str) -> CourseAlert | None:
    if not token or len(token) > 64:
        return None
    return CourseAlert.objects.filter(token=token).first()


def user_verified_emails(user) -> frozenset[str]:
    """The addresses a logged-in user has proven to own (allauth), lower-cased."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    from allauth.account.models import EmailAddress

    return frozenset(
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    )


def course_alert_list_for_user(user) -> QuerySet[CourseAlert]:
    """Alerts sent to any verified address of `user`: the account shows what the address
    has subscribed, though alerts themselves need no account."""
    return CourseAlert.objects.filter(email__in=user_verified_emails(user)).order_by(
        "-created_at", "-pk"
    )
