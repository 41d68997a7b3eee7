"""The pages in Leichte Sprache. Thin: the search asks the catalogue's selector, the request
goes through counselling's intake; the rest are texts."""

from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from counselling.forms import EasyCounsellingForm
from counselling.intake import SESSION_REFERENCE, IntakeAnswers, request_intake
from counselling.selectors import request_get_by_reference
from offerings.selectors import catalogue_search
from offerings.understanding import understanding_apply
from portal.easy_language.forms import EasyCourseSearchForm

# A short list is easier to read; "Weitere Kurse" pages on.
RESULTS_PER_PAGE = 10
# Around the place typed: the region's towns are 10 to 30 km apart.
RADIUS_KM = "25"

TOO_MANY = _(
    "Sie haben schon viele Anfragen geschickt. Bitte warten Sie 1 Stunde. "
    "Dann versuchen Sie es noch einmal. Oder rufen Sie uns an."
)
CANNOT_SEARCH = _("Diesen Text können wir nicht suchen. Bitte schreiben Sie ihn neu.")
UNKNOWN_PLACE = _(
    "Diesen Ort kennen wir nicht. Bitte prüfen Sie den Ort. "
    "Oder schreiben Sie die Post-Leitzahl. Zum Beispiel: 73430."
)


@require_safe
def start(request):
    return render(request, "portal/easy_language/start.html")


def _catalogue_params(data: dict, page: str) -> QueryDict:
    """The catalogue's parameters for the simple form's answers."""
    params = QueryDict(mutable=True)
    if data.get("was"):
        params["q"] = data["was"]
    if data.get("wo"):
        params["ort"] = data["wo"]
        params["umkreis"] = RADIUS_KM
    if data.get("erklaert"):
        params["leichte_sprache"] = "on"
    if page:
        params["seite"] = page
    # Words that name a filter ("kostenlos", "abends", a place) become that filter, as in
    # the catalogue (offerings.understanding).
    understood, _found = understanding_apply(params)
    return understood


@require_safe
def courses(request):
    """Step by step: what, where, then a short list. The search is the catalogue's."""
    asked = bool(request.GET)
    form = EasyCourseSearchForm(request.GET if asked else None)
    context = {"form": form, "asked": asked}
    if asked and form.is_valid():
        result = catalogue_search(
            _catalogue_params(form.cleaned_data, request.GET.get("seite", "")),
            page_size=RESULTS_PER_PAGE,
            with_facets=False,
        )
        errors = result.filterset.form.errors
        if "ort" in errors:
            form.add_error("wo", UNKNOWN_PLACE)
        elif errors:
            # Text the catalogue refuses (NUL, broken characters): say so in plain words.
            form.add_error(
                "was", _("Diesen Text können wir nicht suchen. Bitte schreiben Sie ihn neu.")
            )
        else:
            context["result"] = result
            params = request.GET.copy()
            params.pop("seite", None)
            context["query"] = params.urlencode()
    return render(request, "portal/easy_language/courses.html", context)


@require_http_methods(["GET", "POST"])
def counselling(request):
    """The short request form; the same intake as the standard form."""
    if request.method == "POST":
        form = EasyCounsellingForm(request.POST)
        if form.is_valid():
            answers = IntakeAnswers.from_cleaned_data(form.cleaned_data, easy_language=True)
            counselling_request = request_intake(request, answers)
            if counselling_request is None:
                form.add_error(None, TOO_MANY)
            else:
                return redirect("portal:easy_counselling_sent")
        return render(request, "portal/easy_language/counselling.html", {"form": form})
    return render(request, "portal/easy_language/counselling.html", {"form": EasyCounsellingForm()})


@require_safe
def counselling_sent(request):
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("portal:easy_counselling")
    return render(
        request,
        "portal/easy_language/counselling_sent.html",
        {
            "reference": reference,
            "counselling_request": request_get_by_reference(reference=reference),
        },
    )


@require_safe
def funding(request):
    return render(request, "portal/easy_language/funding.html")


@require_safe
def help_page(request):
    return render(request, "portal/easy_language/help.html")


@require_safe
def accessibility(request):
    return render(request, "portal/easy_language/accessibility.html")
