"""The "Merkliste": offers a visitor keeps for later, without an account.

The list lives in the session (offer ids, newest first, at most 100), so it works for anonymous
visitors and disappears with the session; nothing about the visitor is stored elsewhere.

Catalogue and course pages are shared between anonymous visitors (common.pagecache), so
their buttons carry no CSRF token: the toggle checks that the request comes from this site
instead (common.sameorigin), which suffices for an idempotent change of the visitor's own
session. A visitor with bookmarks gets pages rendered for them (their session is not
empty); where a shared copy reached them anyway (a proxy, the browser's cache),
static/js/bookmarks.js asks `bookmark_state` and marks the buttons.
"""

from django.contrib import messages
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from common.sameorigin import same_origin_post
from offerings.models import Offer, OfferDate
from offerings.selectors import catalogue_offers

SESSION_KEY = "offerings_bookmarks"
MAX_BOOKMARKS = 100
ADD, REMOVE = "merken", "entfernen"


def bookmark_ids(session) -> list[int]:
    """The bookmarked offer ids, newest first (whatever the session holds, cleaned)."""
    stored = session.get(SESSION_KEY) or []
    if not isinstance(stored, list):
        return []
    ids: list[int] = []
    for value in stored:
        if isinstance(value, int) and not isinstance(value, bool) and value not in ids:
            ids.append(value)
    return ids[:MAX_BOOKMARKS]


def is_bookmarked(session, pk: int) -> bool:
    return pk in bookmark_ids(session)


def _store(session, ids: list[int]) -> None:
    session[SESSION_KEY] = ids[:MAX_BOOKMARKS]


def bookmark_set(session, pk: int, *, on: bool) -> bool:
    """Put the offer on the list (at the front) or take it off; returns the new state.

    When the list is full, the oldest bookmark makes room for the new one.
    """
    ids = [i for i in bookmark_ids(session) if i != pk]
    if on:
        ids.insert(0, pk)
    _store(session, ids)
    return on


def bookmarked_offers(session, *, today=None) -> tuple[list[Offer], int]:
    """The bookmarked offers still in the catalogue, newest bookmark first, and how many
    bookmarks were dropped because their offer is no longer offered."""
    today = today or timezone.localdate()
    ids = bookmark_ids(session)
    if not ids:
        return [], 0
    found = {
        offer.pk: offer
        for offer in catalogue_offers()
        .with_open_dates(today)
        .filter(pk__in=ids)
        .prefetch_related(
            Prefetch(
                "dates",
                queryset=OfferDate.objects.filter(OfferDate.open_q(today))
                .select_related("venue")
                .order_by(F("start").asc(nulls_last=True), "pk"),
                to_attr="open_dates",
            )
        )
    }
    offers = [found[pk] for pk in ids if pk in found]
    removed = len(ids) - len(offers)
    kept = [offer.pk for offer in offers]
    if session.get(SESSION_KEY) != kept:
        _store(session, kept)
    return offers, removed


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@same_origin_post
@require_POST
def bookmark_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or remove a bookmark. `aktion` (merken/entfernen) makes a repeated click harmless;
    without it the state flips."""
    currently = is_bookmarked(request.session, pk)
    action = request.POST.get("aktion")
    on = {ADD: True, REMOVE: False}.get(action, not currently)
    if on:
        # Only offers a visitor can find may be added; removing always works.
        offer = get_object_or_404(catalogue_offers().with_open_dates(), pk=pk)
    else:
        offer = Offer.objects.filter(pk=pk).only("pk", "title").first()
    if on != currently:
        bookmark_set(request.session, pk, on=on)
    next_url = _safe_next(request)
    if request.htmx:
        return render(
            request,
            "offerings/bookmarks.html#bookmark_button",
            {
                "pk": pk,
                "title": offer.title if offer else "",
                "bookmarked": on,
                "next": next_url or "",
            },
        )
    if offer is not None:
        text = (
            _("„%(title)s“ steht jetzt auf Ihrer Merkliste.")
            if on
            else _("„%(title)s“ wurde von Ihrer Merkliste entfernt.")
        )
        messages.success(request, text % {"title": offer.title})
    if next_url:
        return HttpResponseRedirect(next_url)
    if offer is not None and on:
        return HttpResponseRedirect(offer.get_absolute_url())
    return HttpResponseRedirect(reverse("offerings:bookmarks"))


@require_safe
def bookmarks(request: HttpRequest) -> HttpResponse:
    offers, removed = bookmarked_offers(request.session)
    return render(
        request,
        "offerings/bookmarks.html",
        {"offers": offers, "removed": removed, "max_bookmarks": MAX_BOOKMARKS},
    )


@require_safe
def bookmark_state(request: HttpRequest) -> JsonResponse:
    """The bookmarked offer ids, for the buttons of a shared page (static/js/bookmarks.js)."""
    response = JsonResponse(
        {"ids": bookmark_ids(request.session), "label_on": _("Von der Merkliste entfernen")}
    )
    response["Cache-Control"] = "private, no-store"
    return response
