"""Pages of the events calendar: the public calendar (list, month, archive, detail,
calendar files), the portal's own registration with its cancel link, and the back office
where institutions announce events and see who registered.

Back-office views ask events.permissions (the back office's rule: strangers 404,
counsellors 403, anonymous visitors the login page), the approvals are the network
office's; the cancel link's signed token is the permission to cancel.
"""

import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.markdown import markdown_to_html
from common.pagecache import shared_page_cache
from common.ratelimit import rate_limited
from common.twofactor import personal_data
from events import services
from events.filters import event_filter_apply
from events.formats import event_filename, event_ical, event_jsonld, events_ical
from events.forms import EventForm, EventRegistrationForm
from events.models import Event, EventApproval, EventStatus, RegistrationStatus
from events.permissions import get_event_for, get_registration_for
from events.selectors import (
    backoffice_event_rows,
    event_approvals_pending,
    event_get_public,
    event_list_public,
    event_month,
    event_registrations,
    event_seat_counts,
    month_parse,
)
from events.signals import EVENTS_PAGES_VERSION
from network.permissions import require_network_office
from offerings.index import TOKEN_KEY
from offerings.permissions import get_backoffice_for
from offerings.templatetags.offerings_formats import jsonld_script

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
FEED_SIZE = 500
# Shared between anonymous visitors (common.pagecache): events and registrations (free
# seats) have their version; providers and target groups are the catalogue's.
events_page_cache = shared_page_cache(versions=[EVENTS_PAGES_VERSION, TOKEN_KEY], timeout=300)
# Registrations per hour from one network address and for one mail address.
RATE_PER_IP = 10
RATE_PER_ADDRESS = 3


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _filtered(request, events):
    filterset, events = event_filter_apply(request.GET, events)
    if filterset.form.errors:
        messages.warning(request, _("Einige Filter waren ungültig und wurden nicht angewendet."))
    return filterset, events


# --- public calendar ----------------------------------------------------------------------


@require_safe
@events_page_cache
def event_list(request):
    filterset, events = _filtered(request, event_list_public())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "events/list.html",
        {"filter": filterset, "page": page, "view": "list"},
        status=400 if filterset.form.errors else 200,
    )


@require_safe
def event_archive(request):
    filterset, events = _filtered(request, event_list_public(past=True))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("seite"))
    return render(
        request,
        "events/list.html",
        {"filter": filterset, "page": page, "view": "archive"},
        status=400 if filterset.form.errors else 200,
    )


@require_safe
def event_month_view(request):
    """A month as a calendar grid; it shows past days of the month too."""
    first = month_parse(request.GET.get("monat"), today=timezone.localdate())
    invalid_month = first is None
    if invalid_month:
        messages.warning(request, _("Diesen Monat gibt es nicht. Sie sehen den aktuellen Monat."))
        first = timezone.localdate().replace(day=1)
    filterset, events = _filtered(request, Event.objects.public().select_related("institution"))
    return render(
        request,
        "events/month.html",
        {"filter": filterset, "month": event_month(events=events, first=first), "view": "month"},
        status=400 if invalid_month or filterset.form.errors else 200,
    )


@require_safe
def event_feed(request):
    """The calendar as iCalendar for any filter (the list's query string): upcoming events
    and those of the last 30 days, so a subscribed calendar keeps recent entries."""
    since = timezone.now() - timedelta(days=30)
    events = Event.objects.public().select_related("institution").filter(ends_at__gte=since)
    _filterset, events = event_filter_apply(request.GET, events)
    events = events.order_by("starts_at", "pk")[:FEED_SIZE]
    content = events_ical(
        events, name=_("Veranstaltungen im BeWeQO-Netzwerk"), uid="events-feed@beweqo"
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "veranstaltungen.ics")
    return response


@require_safe
@events_page_cache  # rendered each time while the registration form (with its token) shows
def event_detail(request, pk: int):
    event = event_get_public(pk=pk)
    return _detail(request, event)


def _detail(request, event: Event, *, form=None, status: int = 200, preview: bool = False):
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "description": markdown_to_html(event.description),
            "jsonld": jsonld_script(event_jsonld(event)),
            "seats": event_seat_counts(event=event) if event.uses_portal_registration else None,
            "registration_open": services.registration_open(event),
            "form": form or EventRegistrationForm(),
            "preview": preview,
        },
        status=status,
    )


@require_safe
def event_ical_view(request, pk: int):
    event = event_get_public(pk=pk)
    return _calendar_response(event_ical(event), event_filename(event))


@require_POST
def event_register(request, pk: int):
    event = event_get_public(pk=pk)
    form = EventRegistrationForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        if rate_limited(
            "event-register",
            request=request,
            contact=email,
            per_ip=RATE_PER_IP,
            per_contact=RATE_PER_ADDRESS,
        ):
            form.add_error(
                None,
                _(
                    "Zu viele Anmeldungen in kurzer Zeit. "
                    "Bitte versuchen Sie es später noch einmal."
                ),
            )
        else:
            try:
                registration = services.event_register(
                    event_id=event.pk, name=form.cleaned_data["name"], email=email
                )
            except services.RegistrationError as error:
                form.add_error(None, str(error))
            else:
                return render(
                    request,
                    "events/registered.html",
                    {"event": event, "registration": registration},
                )
    return _detail(request, event, form=form, status=400)


@require_http_methods(["GET", "POST"])
def event_registration_cancel(request, token: str):
    registration = services.registration_from_token(token)
    if registration is None:
        return render(request, "events/link_invalid.html", status=404)
    if request.method == "POST" and registration.status != RegistrationStatus.CANCELLED:
        services.registration_cancel(registration_id=registration.pk)
        registration.refresh_from_db()
        messages.success(request, _("Sie sind abgemeldet. Danke, dass Sie Bescheid gegeben haben."))
    return render(request, "events/cancel.html", {"registration": registration, "token": token})


# --- back office ----------------------------------------------------------------------------


def _edit(event: Event):
    return redirect("events:bo_event_edit", event.institution.slug, event.pk)


@login_required
@require_safe
def bo_event_list(request, slug: str):
    institution = get_backoffice_for(request, slug).obj
    return render(
        request,
        "events/bo_list.html",
        {"institution": institution, "events": backoffice_event_rows(institution=institution)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bo_event_create(request, slug: str):
    institution = get_backoffice_for(request, slug, write=True).obj
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = services.event_create(
            institution=institution, user=request.user, data=form.cleaned_data
        )
        messages.success(
            request,
            _(
                "Die Veranstaltung ist als Entwurf gespeichert. Prüfen Sie die Vorschau und "
                "veröffentlichen Sie sie."
            ),
        )
        return _edit(event)
    return render(
        request,
        "events/bo_form.html",
        {"institution": institution, "form": form, "event": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bo_event_edit(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk, write=True).obj
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        services.event_update(
            event=event, user=request.user, data=form.cleaned_data, changed=form.changed_data
        )
        messages.success(request, _("Die Änderungen sind gespeichert."))
        return _edit(event)
    return render(
        request,
        "events/bo_form.html",
        {
            "institution": event.institution,
            "form": form,
            "event": event,
            "pending": EventApproval.objects.filter(event=event).exists(),
            "seats": event_seat_counts(event=event),
        },
    )


@login_required
@require_safe
def bo_event_preview(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk).obj
    messages.info(request, _("Vorschau: So sehen Besucherinnen und Besucher die Veranstaltung."))
    return _detail(request, event, preview=True)


@login_required
@require_POST
def bo_event_publish(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk, write=True).obj
    if event.status == EventStatus.CANCELLED:
        messages.error(
            request, _("Eine abgesagte Veranstaltung lässt sich nicht mehr veröffentlichen.")
        )
    elif services.event_publish(event=event, user=request.user) == "published":
        messages.success(request, _("Die Veranstaltung ist veröffentlicht."))
    else:
        messages.info(
            request,
            _(
                "Ihre erste Veröffentlichung prüft die Geschäftsstelle. Danach ist die "
                "Veranstaltung im Kalender."
            ),
        )
    return _edit(event)


@login_required
@require_POST
def bo_event_unpublish(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk, write=True).obj
    if event.status == EventStatus.PUBLISHED:
        services.event_unpublish(event=event)
        messages.success(request, _("Die Veranstaltung ist wieder ein Entwurf."))
    return _edit(event)


@login_required
@require_POST
def bo_event_duplicate(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk, write=True).obj
    copy = services.event_duplicate(event=event, user=request.user)
    messages.success(
        request, _("Die Kopie ist als Entwurf angelegt. Tragen Sie den neuen Termin ein.")
    )
    return _edit(copy)


@login_required
@require_http_methods(["GET", "POST"])
def bo_event_cancel(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk, write=True).obj
    if request.method == "POST":
        told = services.event_cancel(event=event, user=request.user)
        messages.success(
            request,
            _("Die Veranstaltung ist abgesagt. %(n)d angemeldete Personen bekommen eine E-Mail.")
            % {"n": told},
        )
        return _edit(event)
    return render(
        request,
        "events/bo_confirm.html",
        {"institution": event.institution, "event": event, "action": "cancel"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bo_event_delete(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk, write=True).obj
    has_registrations = event.registrations.exclude(status=RegistrationStatus.CANCELLED).exists()
    if request.method == "POST" and not has_registrations:
        services.event_delete(event=event)
        messages.success(request, _("Die Veranstaltung ist gelöscht."))
        return redirect("events:bo_events", slug)
    return render(
        request,
        "events/bo_confirm.html",
        {
            "institution": event.institution,
            "event": event,
            "action": "delete",
            "has_registrations": has_registrations,
        },
        status=409 if request.method == "POST" else 200,
    )


@login_required
@require_safe
@personal_data
def bo_event_registrations(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk).obj
    return render(
        request,
        "events/bo_registrations.html",
        {
            "institution": event.institution,
            "event": event,
            "registrations": event_registrations(event=event),
            "seats": event_seat_counts(event=event),
        },
    )


@login_required
@require_safe
@personal_data
def bo_event_registrations_csv(request, slug: str, pk: int):
    event = get_event_for(request, slug, pk).obj
    content = services.event_registrations_csv(registrations=event_registrations(event=event))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = event_filename(event).removesuffix(".ics") + "-anmeldungen.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_POST
@personal_data
def bo_event_registration_remove(request, slug: str, pk: int, registration_pk: int):
    """The organiser cancels a registration for someone (e.g. who called to say no)."""
    registration = get_registration_for(request, slug, pk, registration_pk, write=True).obj
    services.registration_cancel(registration_id=registration.pk)
    messages.success(request, _("Die Anmeldung ist storniert."))
    return redirect("events:bo_event_registrations", slug, pk)


@login_required
@require_safe
@personal_data
def bo_event_approvals(request):
    require_network_office(request)
    return render(request, "events/approvals.html", {"approvals": event_approvals_pending()})


@login_required
@require_POST
@personal_data
def bo_event_approve(request, pk: int):
    require_network_office(request)
    event = get_object_or_404(Event, pk=pk, approval__isnull=False)
    services.event_approve(event=event, user=request.user)
    messages.success(request, _("„%(title)s“ ist freigegeben.") % {"title": event.title})
    return redirect("events:bo_event_approvals")
