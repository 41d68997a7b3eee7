"""Pages of the newsletter: subscribe, confirm, unsubscribe (the token in the mail is the
permission) and the public archive; composing, previewing, test-sending and sending for
the public-relations group and the network office."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

# The course alerts' limiter: subscriptions per hour from one network address and to one
# mail address (the second keeps the portal from filling a stranger's inbox).
from common.ratelimit import rate_limited
from news.models import NewsletterIssueStatus
from news.newsletter.forms import NewsletterIssueForm, NewsletterSubscribeForm
from news.newsletter.selectors import (
    newsletter_issue_get_for_editors,
    newsletter_issue_get_sent,
    newsletter_issue_list_for_editors,
    newsletter_issue_list_sent,
    newsletter_subscriber_count,
    newsletter_subscriber_get_by_token,
)
from news.newsletter.services import (
    CONFIRM_MAX_AGE,
    UNCONFIRMED_DAYS,
    IssueNotEditable,
    newsletter_confirm,
    newsletter_issue_content,
    newsletter_issue_save,
    newsletter_issue_send,
    newsletter_issue_send_test,
    newsletter_subscribe,
    newsletter_subscriber_from_confirmation,
    newsletter_unsubscribe,
)
from news.permissions import require_newsroom

RATE_PER_IP = 10
RATE_PER_ADDRESS = 3


@require_http_methods(["GET", "POST"])
def newsletter_subscribe_view(request):
    initial = {"email": request.user.email} if request.user.is_authenticated else None
    form = NewsletterSubscribeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            if rate_limited(
                "newsletter-subscribe",
                request=request,
                contact=email,
                per_ip=RATE_PER_IP,
                per_contact=RATE_PER_ADDRESS,
            ):
                form.add_error(
                    None,
                    _(
                        "Zu viele Anmeldungen in kurzer Zeit. "
                        "Bitte versuchen Sie es in einer Stunde noch einmal."
                    ),
                )
                status = 429
            else:
                newsletter_subscribe(email=email)
                return redirect("news:newsletter_sent")
    return render(request, "news/newsletter/subscribe.html", {"form": form}, status=status)


@require_safe
def newsletter_sent(request):
    return render(
        request,
        "news/newsletter/sent.html",
        {
            "valid_hours": int(CONFIRM_MAX_AGE.total_seconds() // 3600),
            "unconfirmed_days": UNCONFIRMED_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def newsletter_confirm_view(request, signed: str):
    """GET only shows a button: link scanners in mail systems open links, and must not
    confirm on the recipient's behalf."""
    subscriber = newsletter_subscriber_from_confirmation(signed=signed[:500])
    if subscriber is None:
        return render(request, "news/newsletter/link_invalid.html", status=404)
    if request.method == "POST":
        newsletter_confirm(subscriber=subscriber)
        return render(request, "news/newsletter/confirmed.html", {"subscriber": subscriber})
    return render(request, "news/newsletter/confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" without a cookie
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe_view(request, token: str):
    """GET asks (link scanners must not unsubscribe anyone); POST ends the subscription. The
    token is the permission, so no CSRF token is needed; a repeated POST answers the same."""
    if request.method == "POST":
        newsletter_unsubscribe(token=token[:64])
        return render(request, "news/newsletter/unsubscribed.html")
    subscriber = newsletter_subscriber_get_by_token(token=token)
    if subscriber is None:
        return render(request, "news/newsletter/link_invalid.html", status=404)
    return render(request, "news/newsletter/unsubscribe.html", {"subscriber": subscriber})


@require_safe
def newsletter_archive(request):
    return render(request, "news/newsletter/archive.html", {"issues": newsletter_issue_list_sent()})


@require_safe
def newsletter_archive_detail(request, pk: int):
    issue = newsletter_issue_get_sent(pk=pk)
    return render(
        request,
        "news/newsletter/issue.html",
        {"issue": issue, "content": newsletter_issue_content(issue)},
    )


# --- management ----------------------------------------------------------------------------


@login_required
@require_safe
def newsletter_manage(request):
    require_newsroom(request)
    return render(
        request,
        "news/newsletter/manage.html",
        {
            "issues": newsletter_issue_list_for_editors(),
            "subscribers": newsletter_subscriber_count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_issue_create(request):
    require_newsroom(request)
    return _issue_edit(request, issue=None)


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_issue_edit(request, pk: int):
    require_newsroom(request)
    issue = newsletter_issue_get_for_editors(pk=pk)
    if issue.status != NewsletterIssueStatus.DRAFT:
        messages.info(
            request, _("Diese Ausgabe wurde schon versendet und lässt sich nicht mehr ändern.")
        )
        return redirect("news:newsletter_preview", pk=issue.pk)
    return _issue_edit(request, issue=issue)


def _issue_edit(request, *, issue):
    form = NewsletterIssueForm(request.POST or None, issue=issue)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = newsletter_issue_save(
                issue=issue,
                subject=data["subject"],
                intro=data["intro"],
                news=list(data["news"]),
                event_ids=data["events"],
                offer_ids=data["courses"],
                user=request.user,
            )
        except IssueNotEditable:
            messages.error(request, _("Diese Ausgabe wird schon versendet."))
            return redirect("news:newsletter_manage")
        messages.success(request, _("Die Ausgabe ist gespeichert. Prüfen Sie die Vorschau."))
        return redirect("news:newsletter_preview", pk=saved.pk)
    return render(
        request,
        "news/newsletter/edit.html",
        {"form": form, "issue": issue},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def newsletter_preview(request, pk: int):
    require_newsroom(request)
    issue = newsletter_issue_get_for_editors(pk=pk)
    return render(
        request,
        "news/newsletter/preview.html",
        {
            "issue": issue,
            "content": newsletter_issue_content(issue),
            "subscribers": newsletter_subscriber_count(),
        },
    )


@login_required
@require_POST
def newsletter_send_test(request, pk: int):
    require_newsroom(request)
    issue = newsletter_issue_get_for_editors(pk=pk)
    newsletter_issue_send_test(issue=issue, user=request.user)
    messages.success(
        request,
        _("Die Testausgabe ist an %(email)s unterwegs.") % {"email": request.user.email},
    )
    return redirect("news:newsletter_preview", pk=issue.pk)


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_send(request, pk: int):
    """GET asks for confirmation with the number of recipients; POST starts the send."""
    require_newsroom(request)
    issue = newsletter_issue_get_for_editors(pk=pk)
    if request.method == "POST":
        if newsletter_issue_send(issue=issue):
            messages.success(
                request,
                _("Der Versand hat begonnen. Die E-Mails gehen in den nächsten Minuten hinaus."),
            )
        else:
            messages.info(request, _("Diese Ausgabe wurde schon versendet."))
        return redirect("news:newsletter_manage")
    return render(
        request,
        "news/newsletter/send.html",
        {"issue": issue, "subscribers": newsletter_subscriber_count()},
    )
