"""Public pages of the network, its members directory and the personal area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from events.selectors import events_upcoming
from network.filters import InstitutionDirectoryFilter
from network.forms import AccessibilityFeedbackForm, InstitutionProfileForm
from network.permissions import can_manage_institution, get_institution_for_user
from network.selectors import (
    institution_get_public,
    institution_list_for_directory,
    institution_people,
    institution_working_groups,
    logo_content_type,
    steering_institutions,
)
from network.services import accessibility_feedback_submit, institution_update_profile
from news.permissions import can_write_news
from news.selectors import news_post_list_latest
from workgroups.selectors import working_group_list

DIRECTORY_PAGE_SIZE = 24


@require_safe
def home(request):
    return render(
        request,
        "network/home.html",
        {
            "latest_news": news_post_list_latest(limit=3),
            "upcoming_events": events_upcoming(limit=3),
        },
    )


# The audiences of the home page's entry paths: URL key -> template.
AUDIENCE_TEMPLATES = {
    "weiterbildung-und-arbeit": "network/audience_weiterbildung_und_arbeit.html",
    "beschaeftigte": "network/audience_beschaeftigte.html",
    "unternehmen": "network/audience_unternehmen.html",
    "einrichtungen": "network/audience_einrichtungen.html",
}


@require_safe
def audience(request, key: str):
    template = AUDIENCE_TEMPLATES.get(key)
    if template is None:
        raise Http404
    return render(request, template, {"audience_key": key})


@require_safe
def about(request):
    return render(
        request,
        "network/about.html",
        {"working_groups": working_group_list(), "steering_institutions": steering_institutions()},
    )


@require_safe
@vary_on_headers("HX-Request")  # the same URL answers with a page or a fragment
def directory(request):
    filterset = InstitutionDirectoryFilter(
        request.GET or None, queryset=institution_list_for_directory()
    )
    paginator = Paginator(filterset.qs, DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("seite"))
    template = "network/directory.html#results" if request.htmx else "network/directory.html"
    return render(request, template, {"filter": filterset, "page": page})


@require_safe
def institution_detail(request, slug: str):
    institution = institution_get_public(slug=slug)
    return render(
        request,
        "network/institution_detail.html",
        {
            "institution": institution,
            "working_groups": institution_working_groups(institution=institution),
            "upcoming_events": events_upcoming(limit=6, institution=institution),
            "can_edit": can_manage_institution(request.user, institution),
        },
    )


@require_safe
def institution_logo(request, slug: str):
    """The logo of a member institution. Served through a view because uploads never live
    under the static paths; the content type comes from the validated format."""
    institution = institution_get_public(slug=slug)
    if not institution.logo:
        raise Http404
    try:
        handle = institution.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=logo_content_type(institution.logo.name))
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request, slug: str):
    institution = get_institution_for_user(request.user, slug, manage=True)
    form = InstitutionProfileForm(request.POST or None, request.FILES or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        institution_update_profile(institution=institution, data=form.cleaned_data)
        messages.success(request, _("Das Profil wurde gespeichert."))
        return redirect(institution)
    return render(
        request,
        "network/institution_edit.html",
        {
            "institution": institution,
            "form": form,
            "people": institution_people(institution=institution),
        },
    )


@require_safe
def imprint(request):
    return render(request, "network/imprint.html")


@require_safe
def privacy(request):
    return render(request, "network/privacy.html")


@require_safe
def easy_language(request):
    return render(request, "network/easy_language.html")


@require_http_methods(["GET", "POST"])
def accessibility(request):
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accessibility_feedback_submit(
            message=form.cleaned_data["message"],
            page_url=form.cleaned_data["page_url"],
            email=form.cleaned_data["email"],
        )
        messages.success(
            request,
            _(
                "Danke für Ihre Rückmeldung. "
                "Die Geschäftsstelle meldet sich innerhalb von zwei Wochen."
            ),
        )
        return redirect("network:accessibility")
    return render(request, "network/accessibility.html", {"form": form})


@login_required
@require_safe
def my_area(request):
    from allauth.mfa.utils import is_mfa_enabled

    return render(
        request,
        "network/my_area.html",
        {
            "roles": request.roles,
            "mfa_enabled": is_mfa_enabled(request.user),
            "can_write_news": can_write_news(request.roles),
        },
    )
