"""Pages of course wishes: the public form (no account), the sent page, the confirmation
and withdrawal links from the mail (the signed link, or the secret token, is the
permission), and the network office's list with the addresses."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from common.ratelimit import client_key, rate_limited
from common.twofactor import personal_data
from counselling.wishes.forms import CourseWishForm
from counselling.wishes.selectors import wish_initial, wish_list_for_office
from counselling.wishes.services import (
    CONFIRM_MAX_AGE,
    UNCONFIRMED_DAYS,
    course_wish_confirm,
    course_wish_from_confirmation,
    course_wish_get_by_token,
    course_wish_submit,
    course_wish_withdraw,
)
from network.permissions import require_network_office

# Wishes per hour from one network address, and to one mail address (so that nobody fills
# a stranger's inbox with confirmation requests).
RATE_PER_IP = 10
RATE_PER_ADDRESS = 3
WISHES_PER_PAGE = 100
TOO_MANY = _(
    "Zu viele Kurswünsche in kurzer Zeit. Bitte versuchen Sie es in einer Stunde noch einmal."
)


@require_http_methods(["GET", "POST"])
def wish_form(request):
    if request.method == "GET":
        form = CourseWishForm(initial=wish_initial(request.GET))
        return render(request, "counselling/wishes/form.html", {"form": form})
    form = CourseWishForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        email = data["email"]
        if rate_limited(
            "course-wish",
            request=request,
            contact=email or f"client:{client_key(request)}",
            per_ip=RATE_PER_IP,
            per_contact=RATE_PER_ADDRESS if email else RATE_PER_IP,
        ):
            form.add_error(None, TOO_MANY)
        else:
            course_wish_submit(
                topic=data["topic"],
                course_topic=data["course_topic"],
                offer=data["kurs"],
                place=data["place"],
                district=data["district"],
                times=data["times"],
                schedule=data["schedule"],
                soon=data["soon"],
                email=email,
            )
            request.session["course_wish_email"] = bool(email)
            return redirect("counselling:wish_sent")
    return render(request, "counselling/wishes/form.html", {"form": form})


@require_safe
def wish_sent(request):
    return render(
        request,
        "counselling/wishes/sent.html",
        {
            "with_email": request.session.get("course_wish_email", False),
            "valid_hours": int(CONFIRM_MAX_AGE.total_seconds() // 3600),
            "unconfirmed_days": UNCONFIRMED_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def wish_confirm(request, signed: str):
    """GET only shows a button: mail systems open links, and must not confirm for the
    recipient."""
    wish = course_wish_from_confirmation(signed=signed)
    if wish is None:
        return render(request, "counselling/wishes/link_invalid.html", status=404)
    if request.method == "POST":
        course_wish_confirm(wish=wish)
        return render(request, "counselling/wishes/confirmed.html", {"wish": wish})
    return render(request, "counselling/wishes/confirm.html", {"wish": wish})


@csrf_exempt  # the token is the permission; a one-click POST from a mail client has no cookie
@require_http_methods(["GET", "POST"])
def wish_withdraw(request, token: str):
    """GET asks (link scanners must not withdraw for anyone); POST removes the address. A
    repeated POST answers the same."""
    if request.method == "POST":
        course_wish_withdraw(token=token)
        return render(request, "counselling/wishes/withdrawn.html")
    wish = course_wish_get_by_token(token=token)
    if wish is None:
        return render(request, "counselling/wishes/link_invalid.html", status=404)
    return render(request, "counselling/wishes/withdraw.html", {"wish": wish})


@login_required
@require_safe
@personal_data
def wish_list(request):
    require_network_office(request)
    page = Paginator(wish_list_for_office(), WISHES_PER_PAGE).get_page(request.GET.get("seite"))
    return render(request, "counselling/wishes/office_list.html", {"page": page})
