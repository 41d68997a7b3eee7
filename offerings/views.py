"""The public course catalogue and its course pages."""

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from common.middleware import checks_its_own_text
from common.pagecache import shared_page_cache
from common.text import fold
from offerings import formats, opendata
from offerings.filters import catalogue_back_query
from offerings.index import TOKEN_KEY
from offerings.places import PLACES_ATTRIBUTION_URL, PLACES_LICENCE_URL
from offerings.searchlog import search_log_record_request
from offerings.selectors import (
    PAGE_SIZE,
    CatalogueResult,
    catalogue_search,
    offer_cards_prefetch,
    offer_get_public,
)
from offerings.understanding import (
    typed_text,
    understanding_apply,
    understanding_redirect,
    understood_chips,
    understood_state,
)

PLACES_CREDIT = {"url": PLACES_ATTRIBUTION_URL, "licence_url": PLACES_LICENCE_URL}

# Public pages of the catalogue, shared between anonymous visitors (common.pagecache); the
# index's token changes with every write to what they show, the key's day with the date.
catalogue_page_cache = shared_page_cache(versions=[TOKEN_KEY], timeout=3600)


def _count_shared_search(request, data: dict) -> None:
    """A search answered from the shared cache is still counted (issue 8)."""
    search_log_record_request(request, **data)


@require_safe
@vary_on_headers("HX-Request")  # the same URL answers with a page or a fragment
@shared_page_cache(versions=[TOKEN_KEY], timeout=3600, on_hit=_count_shared_search)
def catalogue(request):
    # Words that name a place or a filter become that filter: one URL per state (issue 16).
    understood = understanding_redirect(request.GET)
    if understood is not None:
        target = reverse("offerings:catalogue") + understood
        if request.htmx:  # the form outside the results must show the new state too
            return HttpResponse(headers={"HX-Redirect": target})
        return redirect(target)
    result = catalogue_search(request.GET, cards=True)
    # Issue 8: count the search (no row per search, nothing about the visitor), as typed.
    searched = {
        "text": typed_text(request.GET),
        "found": result.total,
        "page_number": result.page.number,
    }
    search_log_record_request(request, **searched)
    _prepare_cards(result)
    # htmx restoring a page from history needs the whole page, not the results fragment.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "offerings/catalogue.html#results" if fragment else "offerings/catalogue.html"
    response = render(
        request,
        template,
        {
            "result": result,
            "filter": result.filterset,
            "places_credit": PLACES_CREDIT,
            "understood": _chips(request.GET, result),
            "understood_state": understood_state(request.GET),
        },
    )
    response.page_cache_data = searched  # counted again when the page is shared
    return response


def _chips(params: QueryDict, result: CatalogueResult):
    """What the search understood, as chips that take it back (offerings.understanding)."""
    form = result.filterset.form
    labels = {("kostenlos", "on"): form.fields["kostenlos"].label}
    for name in ("foerderung", "lernform", "zeitmodell", "tageszeit", "niveau", "landkreis"):
        labels.update(((name, str(v)), label) for v, label in form.fields[name].choices)
    return understood_chips(params, place=result.filterset.place, labels=labels)


def _prepare_cards(result: CatalogueResult) -> None:
    """Load the dates of the course cards that the fragment cache does not hold.

    offer_card.html caches each card under ("offer_card", pk, catalogue version, language);
    the same key here tells which cards will come from the cache.
    """
    offers = result.page.object_list
    keys = {
        make_template_fragment_key(
            "offer_card", [offer.pk, result.cache_version, get_language()]
        ): offer
        for offer in offers
    }
    cached = caches["fragments"].get_many(list(keys))
    offer_cards_prefetch([offer for key, offer in keys.items() if key not in cached])


@require_safe
@catalogue_page_cache
def offer_detail(request, pk: int):
    offer = offer_get_public(pk=pk)
    back_query = catalogue_back_query(request.GET.get("zurueck", ""))
    return render(
        request, "offerings/offer_detail.html", {"offer": offer, "back_query": back_query}
    )


# --- Open formats: calendar files, Atom feed per search, partner API ---------------------
# (Imports kept with the views they serve, so this section can be appended without touching
# the module's head; hoist them when the module is next reorganised.)


def _calendar_filename(offer, date=None) -> str:
    # fold() spells ß and umlauts out (ss, ae), which slugify alone would drop.
    name = slugify(fold(offer.title)) or "kurs"
    when = f"-{date.start:%Y-%m-%d}" if date is not None and date.start else ""
    return f"{name}{when}.ics"


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def offer_ical(request, pk: int):
    """All fixed dates of a published offer as one calendar file."""
    offer = offer_get_public(pk=pk)
    return _calendar_response(
        formats.offer_ical(offer, offer.open_dates), _calendar_filename(offer)
    )


@require_safe
def date_ical(request, pk: int, date_pk: int):
    """One date as a calendar file; only dates a visitor can still join."""
    offer = offer_get_public(pk=pk)
    date = next((d for d in offer.open_dates if d.pk == date_pk), None)
    if date is None:
        raise Http404(_("Diesen Termin gibt es nicht mehr."))
    return _calendar_response(formats.date_ical(offer, date), _calendar_filename(offer, date))


def _query_string(params: QueryDict, **changes) -> str:
    params = params.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


def _search_words(result: CatalogueResult) -> list[str]:
    """What a search asked for, in words: the text and the chosen filter options."""
    parts = [f"„{result.query}“"] if result.query else []
    form = result.filterset.form
    data = form.cleaned_data
    for name in ("kostenlos", "rollstuhl", "leichte_sprache"):
        if data.get(name):
            parts.append(str(form.fields[name].label))
    for name, field in form.fields.items():
        value = data.get(name)
        if name in {"q", "ort", "umkreis", "preis_bis", "sortierung"} or not value:
            continue
        if hasattr(field, "choices"):
            labels = {str(key): str(label) for key, label in field.choices}
            values = [value] if isinstance(value, str) else value
            parts.extend(labels.get(str(v), str(v)) for v in values)
    if getattr(result.filterset, "place", None) is not None:
        radius = data.get("umkreis")
        parts.append(
            _("%(place)s und %(km)s km Umkreis") % {"place": result.filterset.place, "km": radius}
            if radius
            else str(result.filterset.place)
        )
    if data.get("preis_bis") is not None:
        parts.append(_("bis %(price)s Euro") % {"price": data["preis_bis"]})
    return parts


@require_safe
@catalogue_page_cache
def catalogue_feed(request):
    """An Atom feed for any catalogue URL, so a search can be subscribed to."""
    # The same URLs as the page, with the words it would understand understood.
    params, _understood = understanding_apply(request.GET)
    params.pop("seite", None)
    # A feed reader wants what is new, whatever order the page was sorted in.
    params["sortierung"] = "newest"
    result = catalogue_search(
        params, page_size=formats.FEED_SIZE, with_facets=False, feed=True, partial=False
    )
    words = _search_words(result)
    title = (
        _("%(site)s-Kurse: %(search)s") % {"site": settings.SITE_NAME, "search": ", ".join(words)}
        if words
        else _("%(site)s: neue Kurse im Katalog") % {"site": settings.SITE_NAME}
    )
    own_query = _query_string(request.GET, seite=None)
    feed = formats.catalogue_feed(
        result.page.object_list,
        title=title,
        link=formats.absolute(reverse("offerings:catalogue") + own_query),
        feed_url=formats.absolute(reverse("offerings:catalogue_feed") + own_query),
        subtitle=_("Die %(n)s neuesten passenden Kurse aus dem Weiterbildungskatalog.")
        % {"n": formats.FEED_SIZE},
        rights=opendata.rights_statement(),
    )
    return HttpResponse(feed, content_type="application/atom+xml; charset=utf-8")


class ApiPageForm(forms.Form):
    seite = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)
    pro_seite = forms.IntegerField(min_value=1, max_value=100, required=False)


@checks_its_own_text  # names a bad parameter in its JSON "errors", as partners expect
@require_safe
@catalogue_page_cache
def api_offers(request):
    """Read-only JSON of the catalogue for partner websites: the catalogue's filters, paged.
    Every word of the text must occur (no partial matches, which the page explains).

    Invalid parameters are named in "errors" with status 400; the results then ignore them,
    as the catalogue page does.
    """
    page_form = ApiPageForm(request.GET)
    page_form.is_valid()
    page_size = page_form.cleaned_data.get("pro_seite") or PAGE_SIZE
    page_number = page_form.cleaned_data.get("seite") or 1
    params, _understood = understanding_apply(request.GET)
    params["seite"] = str(page_number)
    result = catalogue_search(params, page_size=page_size, with_facets=False, partial=False)
    errors = {
        name: [str(message) for message in messages]
        for form in (page_form, result.filterset.form)
        for name, messages in form.errors.items()
    }
    page = result.page
    base = formats.absolute(reverse("offerings:api_offers"))
    data = {
        "count": result.total,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": base + _query_string(request.GET, seite=page.next_page_number())
        if page.has_next()
        else None,
        "previous": base + _query_string(request.GET, seite=page.previous_page_number())
        if page.has_previous()
        else None,
        "generated_at": timezone.now().isoformat(),
        "results": [formats.offer_api_dict(offer) for offer in page.object_list],
    }
    if errors:
        data["errors"] = errors
    data["license"] = opendata.data_licence()
    # Tagged without the time of generation: unchanged results keep their tag.
    return opendata.conditional(request, _open_json(data, status=400 if errors else 200))


def _open_json(data, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public catalogue data: any website may read it, and caches may keep it briefly.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    response["Link"] = opendata.link_header()
    return response


@require_safe
def api_openapi(request):
    """The OpenAPI 3.1 description of the partner API."""
    description = opendata.openapi_description()
    response = _open_json(description)
    response["Content-Type"] = "application/vnd.oai.openapi+json;version=3.1"
    return opendata.conditional(request, response)
