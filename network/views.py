"""The members directory, an institution's logo and profile editing, and the accessibility
feedback form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from network.filters import InstitutionDirectoryFilter
from network.forms import AccessibilityFeedbackForm, InstitutionProfileForm
from network.permissions import get_institution_for
from network.selectors import (
    institution_get_public,
    institution_list_for_directory,
    institution_people,
    logo_content_type,
)
from network.services import accessibility_feedback_submit, institution_update_profile

DIRECTORY_PAGE_SIZE = 24


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
    institution = get_institution_for(request, slug, write=True).obj
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
