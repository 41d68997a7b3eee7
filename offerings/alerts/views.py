"""Pages of course alerts: subscribe from any catalogue search, confirm, change, end, and
the list in the account. Every page but the list works without an account: the secret
token in the mail's links is the permission."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from common.ratelimit import rate_limited
from offerings.alerts.forms import CourseAlertFrequencyForm, CourseAlertSubscribeForm
from offerings.alerts.selectors import (
    course_alert_get_by_token,
    course_alert_list_for_user,
    user_verified_emails,
)
from offerings.alerts.services import (
    CONFIRM_MAX_AGE,
    UNCONFIRMED_DAYS,
    AlertError,
    alert_describe,
    alert_links,
    course_alert_confirm,
    course_alert_from_confirmation,
    course_alert_set_frequency,
    course_alert_subscribe,
    course_alert_unsubscribe,
)

# Subscriptions per hour: from one network address, and to one mail address. The second
# keeps the portal from mailing a stranger's inbox full of confirmation requests.
logger = logging.getLogger(__name__)

RATE_PER_IP = 10
RATE_PER_ADDRESS = 3


def _alert_for_token(token: str):
    alert = course_alert_get_by_token(token=token)
    if alert is None:
        raise Http404(_("Diesen Suchauftrag gibt es nicht (mehr)."))
    return alert


@require_http_methods(["GET", "POST"])
def alert_subscribe(request):
    if request.method == "POST":
        form = CourseAlertSubscribeForm(request.POST)
    else:
        params = request.GET.copy()
        params.pop("seite", None)
        params.pop("sortierung", None)
        initial = {"suche": params.urlencode()}
        if request.user.is_authenticated:
            initial["email"] = request.user.email
        form = CourseAlertSubscribeForm(initial=initial)
    search_query = request.POST.get("suche", "") if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if rate_limited(
            "alert-subscribe",
            request=request,
            contact=data["email"],
            per_ip=RATE_PER_IP,
            per_contact=RATE_PER_ADDRESS,
        ):
            form.add_error(
                None,
                _(
                    "Zu viele Suchaufträge in kurzer Zeit. "
                    "Bitte versuchen Sie es später noch einmal."
                ),
            )
        else:
            try:
                alert = course_alert_subscribe(
                    email=data["email"],
                    query=data["suche"],
                    frequency=data["frequency"],
                    verified_emails=user_verified_emails(request.user),
                )
            except AlertError as error:
                form.add_error(None, str(error))
            else:
                if alert.confirmed_at is not None and request.user.is_authenticated:
                    messages.success(request, _("Ihr Suchauftrag ist gespeichert."))
                    return redirect("offerings:alert_mine")
                return redirect("offerings:alert_sent")
    else:
        search_query = form["suche"].value() or ""
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "offerings/alerts/subscribe.html",
        {"form": form, "search": _describe_safely(search_query)},
        status=status,
    )


def _describe_safely(query: str) -> list[str]:
    try:
        return alert_describe(str(query)[:2000])
    except Exception:  # an unreadable query string describes nothing
        return []


@require_safe
def alert_sent(request):
    return render(
        request,
        "offerings/alerts/sent.html",
        {
            "valid_hours": int(CONFIRM_MAX_AGE.total_seconds() // 3600),
            "unconfirmed_days": UNCONFIRMED_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def alert_confirm(request, signed: str):
    """GET only shows a button: link scanners in mail systems open links, and must not
    confirm on the recipient's behalf."""
    alert = course_alert_from_confirmation(signed=signed)
    if alert is None:
        return render(request, "offerings/alerts/link_invalid.html", status=404)
    if request.method == "POST":
        course_alert_confirm(alert=alert)
        messages.success(request, _("Danke! Ihr Suchauftrag ist jetzt aktiv."))
        return redirect("offerings:alert_manage", token=alert.token)
    return render(
        request,
        "offerings/alerts/confirm.html",
        {"alert": alert, "search": alert_describe(alert.query)},
    )


@require_http_methods(["GET", "POST"])
def alert_manage(request, token: str):
    alert = _alert_for_token(token)
    if request.method == "POST":
        form = CourseAlertFrequencyForm(request.POST)
        if form.is_valid():
            course_alert_set_frequency(alert=alert, frequency=form.cleaned_data["frequency"])
            messages.success(request, _("Die Häufigkeit ist geändert."))
            return redirect("offerings:alert_manage", token=alert.token)
    else:
        wanted = request.GET.get("haeufigkeit")
        form = CourseAlertFrequencyForm(initial={"frequency": wanted or alert.frequency})
    return render(
        request,
        "offerings/alerts/manage.html",
        {
            "alert": alert,
            "form": form,
            "search": alert_describe(alert.query),
            "links": alert_links(alert),
        },
        status=400 if form.errors else 200,
    )


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without a cookie
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token: str):
    """GET asks (link scanners must not unsubscribe anyone); POST ends the alert. The token
    is the permission, so no CSRF token is needed; a repeated POST answers the same."""
    if request.method == "POST":
        course_alert_unsubscribe(token=token[:64])
        return render(request, "offerings/alerts/unsubscribed.html")
    alert = _alert_for_token(token)
    return render(
        request,
        "offerings/alerts/unsubscribe.html",
        {"alert": alert, "search": alert_describe(alert.query)},
    )


@login_required
@require_safe
def alert_mine(request):
    alerts = list(course_alert_list_for_user(request.user))
    for alert in alerts:
        alert.search = alert_describe(alert.query)
        alert.links = alert_links(alert)
    return render(request, "offerings/alerts/mine.html", {"alerts": alerts})
