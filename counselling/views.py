"""Pages of counselling: the public directory, request form, funding check and company
needs; the counsellors' queue; the network office's data-protection tools; the demand
board and joint measures.

Every view asks permissions.py; counsellors of another institution get a 404, roles that
may read but not act a 403, anonymous visitors the login page. A form with errors is shown
again with status 200, as everywhere in the portal; nothing is saved then.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.permissions import Access
from common.ratelimit import rate_limited
from common.twofactor import personal_data
from counselling import funding
from counselling.forms import (
    BoardThresholdForm,
    CompanyNeedForm,
    CounsellingRequestForm,
    DirectoryFilterForm,
    FundingCheckForm,
    HandOverForm,
    JointMeasureForm,
    LinkOfferForm,
    NoteForm,
    PersonSearchForm,
    PlacementSearchForm,
    QueueFilterForm,
    StatusForm,
    StatusLookupForm,
    funding_check_initial,
)
from counselling.intake import (
    RATE_PER_CONTACT,
    RATE_PER_IP,
    SESSION_REFERENCE,
    IntakeAnswers,
    request_intake,
)
from counselling.joint.forms import ParticipantsForm
from counselling.joint.selectors import (
    company_offer_for,
    measure_quote_costs,
    measure_wishes_count,
    measure_withdrawn_quotes,
)
from counselling.joint.services import need_participants_confirm
from counselling.models import (
    AccessAction,
    CompanyNeed,
    CounsellingRequest,
    JointMeasure,
    JointMeasureStatus,
    Topic,
)
from counselling.periods import period_label
from counselling.permissions import (
    counselling_institution_ids,
    get_request_for,
    require_demand_board,
    require_queue,
)
from counselling.selectors import (
    board_threshold_get,
    demand_board,
    demand_group_get,
    joint_measure_list,
    person_data_find,
    request_handover_targets,
    request_queue,
    service_list_for_directory,
)
from counselling.services import (
    board_threshold_set,
    joint_measure_create,
    joint_measure_link_offer,
    need_register,
    person_data_erase,
    person_data_export,
    personal_data_access_log,
    request_claim,
    request_hand_over,
    request_note_add,
    request_set_status,
)
from counselling.tracking import tracked_find, tracked_withdraw
from counselling.wishes.selectors import (
    course_wishes_for_contact,
    demand_side_by_side,
    wish_groups,
)
from network.permissions import require_network_office
from offerings.selectors import course_funding_facts, offer_list_for_picker

SESSION_NEED_REFERENCE = "counselling_need_reference"
# Status look-ups per hour from one network address, and for one reference.
STATUS_RATE_PER_IP = 10
STATUS_RATE_PER_REFERENCE = 10


def _rate_limited(request, kind: str, contact: str) -> bool:
    return rate_limited(
        f"counselling-{kind}",
        request=request,
        contact=contact,
        per_ip=RATE_PER_IP,
        per_contact=RATE_PER_CONTACT,
    )


TOO_MANY = _(
    "Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es in einer Stunde noch einmal oder "
    "rufen Sie uns an."
)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- public -------------------------------------------------------------------------------


@require_safe
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    services = service_list_for_directory(
        kind=filters.get("art", ""),
        district=filters.get("landkreis", ""),
        language=filters.get("sprache", ""),
    )
    return render(request, "counselling/directory.html", {"form": form, "services": services})


@require_http_methods(["GET", "POST"])
def request_form(request):
    if request.method == "POST":
        form = CounsellingRequestForm(request.POST)
        if form.is_valid():
            answers = IntakeAnswers.from_cleaned_data(form.cleaned_data)
            counselling_request = request_intake(request, answers)
            if counselling_request is None:
                form.add_error(None, TOO_MANY)
            else:
                return redirect("counselling:request_sent")
        return render(request, "counselling/request_form.html", {"form": form})
    initial = {}
    if request.GET.get("thema") in Topic.values:
        initial["topic"] = request.GET["thema"]
    return render(
        request, "counselling/request_form.html", {"form": CounsellingRequestForm(initial=initial)}
    )


@require_safe
def request_sent(request):
    reference = request.session.get(SESSION_REFERENCE)
    if not reference:
        return redirect("counselling:request")
    counselling_request = (
        CounsellingRequest.objects.select_related("institution", "service")
        .filter(reference=reference)
        .first()
    )
    return render(
        request,
        "counselling/request_sent.html",
        {"reference": reference, "counselling_request": counselling_request},
    )


@require_safe
def funding_check(request):
    """The check, optionally for one catalogue course (`kurs=<pk>`): unanswered, the form
    starts with the course's hours, price and recognitions; a `kurs` that names no published
    course opens the check without them and says so."""
    raw_course = request.GET.get("kurs", "")
    course = course_funding_facts(raw_course) if raw_course else None
    answered = any(key != "kurs" for key in request.GET)
    if answered:
        form = FundingCheckForm(request.GET)
    else:
        form = FundingCheckForm(initial=funding_check_initial(course) if course else None)
    results = funding.funding_check(form.answers()) if answered and form.is_valid() else None
    hours_unknown = bool(results) and form.cleaned_data.get("hours") is None
    return render(
        request,
        "counselling/funding_check.html",
        {
            "form": form,
            "results": results,
            "legal_state": funding.LEGAL_STATE,
            "course": course,
            "course_missing": bool(raw_course) and course is None,
            "hours_unknown": hours_unknown,
            "instruments": funding.INSTRUMENTS,
        },
    )


@require_http_methods(["GET", "POST"])
def need_form(request):
    if request.method == "POST":
        form = CompanyNeedForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            existing = CompanyNeed.objects.filter(submission_key=data["submission_key"]).first()
            if existing is None and _rate_limited(request, "need", data["email"]):
                form.add_error(None, TOO_MANY)
            else:
                if existing is None:
                    fields = {
                        k: v
                        for k, v in data.items()
                        if k not in {"submission_key", "consent", "website"}
                    }
                    existing = need_register(submission_key=data["submission_key"], **fields)
                request.session[SESSION_NEED_REFERENCE] = existing.reference
                return redirect("counselling:need_sent")
        return render(
            request,
            "counselling/need_form.html",
            {"form": form, "threshold": board_threshold_get()},
        )
    return render(
        request,
        "counselling/need_form.html",
        {"form": CompanyNeedForm(), "threshold": board_threshold_get()},
    )


@require_safe
def need_sent(request):
    return render(
        request,
        "counselling/need_sent.html",
        {"reference": request.session.get(SESSION_NEED_REFERENCE, "")},
    )


# --- the person's status page -------------------------------------------------------------

NOT_FOUND = _(
    "Mit dieser Vorgangsnummer und dieser E-Mail-Adresse oder Telefonnummer finden wir keine "
    "offene Anfrage. Bitte prüfen Sie beide Angaben. Zurückgezogene Anfragen und Anfragen, "
    "deren Daten nach dem Abschluss gelöscht wurden, zeigen wir nicht mehr an."
)


def _status_lookup(request):
    """The pair from the POST, checked and counted: (form, tracked or None). A wrong pair,
    too many attempts or a bot leave an error on the form and nothing else."""
    form = StatusLookupForm(request.POST)
    if not form.is_valid():
        return form, None
    reference = form.cleaned_data["reference"]
    if rate_limited(
        "counselling-status",
        request=request,
        contact=reference,
        per_ip=STATUS_RATE_PER_IP,
        per_contact=STATUS_RATE_PER_REFERENCE,
    ):
        form.add_error(None, TOO_MANY)
        return form, None
    tracked = tracked_find(reference=reference, contact=form.cleaned_data["contact"])
    if tracked is None:
        form.add_error(None, NOT_FOUND)
    return form, tracked


@require_http_methods(["GET", "POST"])
def status(request):
    """Reference and contact in, the request's stage out. POST: the contact stays out of
    URLs and server logs; the mail's link carries the reference only."""
    if request.method == "POST":
        form, tracked = _status_lookup(request)
    else:
        reference = request.GET.get("nummer", "")[:12]
        form, tracked = StatusLookupForm(initial={"reference": reference}), None
    return _status_page(request, form, tracked)


def _status_page(request, form, tracked, *, participants_form=None, **extra):
    """The status page; a company whose joint measure has a chosen quote sees the course,
    its own costs (never another company's) and the form to confirm its participants."""
    company_offer = None
    if tracked is not None and tracked.is_need and tracked.stage != "withdrawn":
        company_offer = company_offer_for(need=tracked.obj)
    if company_offer is not None and participants_form is None:
        participants_form = ParticipantsForm(
            initial={"participants": tracked.obj.confirmed_participants or tracked.obj.participants}
        )
    return render(
        request,
        "counselling/status.html",
        {
            "form": form,
            "tracked": tracked,
            "company_offer": company_offer,
            "participants_form": participants_form,
            **extra,
        },
    )


@require_POST
def need_participants(request):
    """A company confirms how many people it sends, with the pair of its status page."""
    form, tracked = _status_lookup(request)
    if tracked is None or not tracked.is_need:
        return _status_page(request, form, None)
    participants_form = ParticipantsForm(request.POST)
    if participants_form.is_valid():
        try:
            need_participants_confirm(
                need=tracked.obj, participants=participants_form.cleaned_data["participants"]
            )
        except ValidationError as error:
            participants_form.add_error("participants", error.messages)
        else:
            tracked = tracked_find(
                reference=form.cleaned_data["reference"], contact=form.cleaned_data["contact"]
            )
            return _status_page(request, form, tracked, participants_saved=True)
    return _status_page(request, form, tracked, participants_form=participants_form)


@require_POST
def withdraw(request):
    """Withdraw with the same pair: first a page that asks, then (bestaetigt=ja) the
    erasure, after which the status reads "zurückgezogen"."""
    form, tracked = _status_lookup(request)
    if tracked is None or not tracked.can_withdraw:
        return _status_page(request, form, tracked)
    if request.POST.get("bestaetigt") != "ja":
        return render(
            request, "counselling/withdraw_confirm.html", {"form": form, "tracked": tracked}
        )
    tracked = tracked_withdraw(tracked=tracked)
    return render(
        request,
        "counselling/status.html",
        {"form": StatusLookupForm(), "tracked": tracked, "withdrawn_now": True},
    )


# --- the counsellors' queue -------------------------------------------------------------


@login_required
@require_safe
@personal_data
def queue(request):
    require_queue(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    view = filters.get("ansicht", "")
    ids = None if request.roles.is_network_office else counselling_institution_ids(request.roles)
    requests = request_queue(
        institution_ids=ids,
        status=filters.get("status", ""),
        situation=filters.get("situation", ""),
        district=filters.get("district", ""),
        mine_of=request.user if view == "meine" else None,
        unclaimed=view == "frei",
        escalated=view == "gemeldet",
    )
    page = Paginator(requests, 50).get_page(request.GET.get("seite"))
    return render(request, "counselling/queue.html", {"form": form, "page": page})


@login_required
@require_safe
@personal_data
def request_detail(request, reference: str):
    access = get_request_for(request, reference)
    search = PlacementSearchForm(request.GET or None)
    query = search.cleaned_data["kurs_suche"] if search.is_valid() else ""
    candidates = offer_list_for_picker(query=query) if query else []
    # A search means the counsellor is about to record a placement.
    initial = {"status": "closed", "outcome": "course"} if query else {"status": access.obj.status}
    return _detail(
        request,
        access,
        placement_search=search,
        placement_candidates=candidates,
        status_form=StatusForm(
            initial=initial,
            candidates=candidates,
        ),
    )


@login_required
@require_POST
@personal_data
def request_claim_view(request, reference: str):
    counselling_request = get_request_for(request, reference, write=True).obj
    request_claim(request=counselling_request, user=request.user)
    messages.success(request, _("Sie haben die Anfrage übernommen."))
    return redirect("counselling:request_detail", reference)


@login_required
@require_POST
@personal_data
def request_status_view(request, reference: str):
    access = get_request_for(request, reference, write=True)
    counselling_request = access.obj
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            request_set_status(
                request=counselling_request,
                user=request.user,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
                placement_offer=form.cleaned_data["placement_offer"],
                placement_course=form.cleaned_data["placement_course"],
                placement_funding=form.cleaned_data["placement_funding"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Der Status ist gespeichert."))
            return redirect("counselling:request_detail", reference)
    return _detail(request, access, status_form=form)


@login_required
@require_POST
@personal_data
def request_note_view(request, reference: str):
    access = get_request_for(request, reference, write=True)
    counselling_request = access.obj
    form = NoteForm(request.POST)
    if form.is_valid() and counselling_request.anonymised_at is None:
        request_note_add(
            request=counselling_request, user=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Die Notiz ist gespeichert."))
        return redirect("counselling:request_detail", reference)
    return _detail(request, access, note_form=form)


@login_required
@require_POST
@personal_data
def request_hand_over_view(request, reference: str):
    # Not write=True: the office hands over escalated requests too.
    access = get_request_for(request, reference)
    counselling_request = access.obj
    form = HandOverForm(request.POST, targets=request_handover_targets(request=counselling_request))
    if form.is_valid():
        try:
            request_hand_over(
                request=counselling_request,
                user=request.user,
                institution=form.cleaned_data["institution"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Anfrage ist weitergegeben."))
            return redirect("counselling:queue")
    return _detail(request, access, handover_form=form)


def _detail(request, access: Access[CounsellingRequest], **forms):
    """The request's page; `forms` are those that come back with errors. Every showing of
    its personal data is logged, also after a failed form."""
    counselling_request = access.obj
    if counselling_request.anonymised_at is None:
        personal_data_access_log(
            user=request.user, request=counselling_request, action=AccessAction.VIEW
        )
    context = {
        "counselling_request": counselling_request,
        "is_counsellor": access.can_write,
        "notes": counselling_request.notes.select_related("author"),
        "events": counselling_request.events.select_related("actor", "institution"),
        "status_form": StatusForm(initial={"status": counselling_request.status}),
        "placement_search": PlacementSearchForm(),
        "placement_candidates": [],
        "note_form": NoteForm(),
        "handover_form": HandOverForm(
            targets=request_handover_targets(request=counselling_request)
        ),
        **forms,
    }
    return render(request, "counselling/request_detail.html", context)


# --- the network office -------------------------------------------------------------------


@login_required
@require_safe
@personal_data
def office(request):
    require_network_office(request)
    escalated = request_queue(institution_ids=None, escalated=True)
    return render(
        request,
        "counselling/office.html",
        {"escalated": escalated, "search_form": PersonSearchForm()},
    )


@login_required
@require_POST
@personal_data
def person_data(request):
    """Find, export or erase one person's data. POST only: contacts stay out of URLs and
    server logs."""
    require_network_office(request)
    form = PersonSearchForm(request.POST)
    if not form.is_valid():
        return render(request, "counselling/person_data.html", {"form": form})
    contact = form.cleaned_data["contact"]
    requests, needs = person_data_find(contact=contact)
    wishes = course_wishes_for_contact(contact=contact)
    action = request.POST.get("aktion", "")
    if action == "export":
        body = person_data_export(requests=requests, needs=needs, wishes=wishes, user=request.user)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="auskunft-{timezone.localdate():%Y-%m-%d}.json"'
        )
        return response
    if action == "erase":
        if request.POST.get("bestaetigt") != "ja":
            messages.error(request, _("Bitte bestätigen Sie das Löschen."))
        else:
            count = person_data_erase(
                requests=requests,
                needs=needs,
                wishes=wishes,
                contacts=[contact],
                user=request.user,
            )
            messages.success(request, _("%(count)s Einträge wurden gelöscht.") % {"count": count})
            return redirect("counselling:office")
    for found in requests:
        personal_data_access_log(user=request.user, request=found, action=AccessAction.SEARCH)
    return render(
        request,
        "counselling/person_data.html",
        {"form": form, "requests": requests, "needs": needs, "wishes": wishes},
    )


# --- demand board and joint measures ----------------------------------------------------------


def _board_page(request, *, threshold_form=None, status=200):
    threshold = board_threshold_get()
    groups, wishes = demand_board(threshold=threshold), wish_groups()
    is_office = request.roles.is_network_office
    if is_office and threshold_form is None:
        threshold_form = BoardThresholdForm(initial={"threshold": threshold})
    return render(
        request,
        "counselling/board.html",
        {
            "groups": groups,
            "wish_groups": wishes,
            "overview": demand_side_by_side(needs=groups, wishes=wishes),
            "measures": joint_measure_list(),
            "show_contacts": is_office,
            "threshold": threshold,
            "threshold_form": threshold_form if is_office else None,
        },
        status=status,
    )


@login_required
@require_safe
@personal_data
def board(request):
    require_demand_board(request)
    return _board_page(request)


@login_required
@require_POST
@personal_data
def board_threshold(request):
    """The office sets the demand from which a board group is a chance for a joint course;
    a wrong value shows the board again with the message and changes nothing."""
    require_network_office(request)
    form = BoardThresholdForm(request.POST)
    if not form.is_valid():
        return _board_page(request, threshold_form=form, status=400)
    board_threshold_set(value=form.cleaned_data["threshold"], user=request.user)
    messages.success(
        request,
        _("Die Schwelle ist gespeichert: ab %(threshold)s gilt eine Gruppe als Chance.")
        % {"threshold": form.cleaned_data["threshold"]},
    )
    return redirect(reverse("counselling:board") + "#schwelle")


def _group_or_404(request):
    try:
        topic_id = int(request.GET.get("thema") or request.POST.get("thema") or 0)
    except ValueError:
        raise Http404 from None
    district = request.GET.get("landkreis") or request.POST.get("landkreis") or ""
    period = request.GET.get("zeitraum") or request.POST.get("zeitraum") or ""
    group = demand_group_get(topic_id=topic_id, district=district, period=period)
    if group is None:
        raise Http404
    return group


@login_required
@require_http_methods(["GET", "POST"])
@personal_data
def joint_measure_new(request):
    require_network_office(request)
    group = _group_or_404(request)
    if request.method == "POST":
        form = JointMeasureForm(request.POST)
        if form.is_valid():
            measure = joint_measure_create(
                topic=group.topic,
                district=group.district,
                period=group.period,
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                providers=list(form.cleaned_data["providers"]),
                user=request.user,
            )
            messages.success(request, _("Die Verbundmaßnahme ist angelegt."))
            return redirect("counselling:joint_measure", measure.pk)
    else:
        form = JointMeasureForm(
            initial={"title": _("Verbundkurs %(topic)s") % {"topic": group.topic.name}}
        )
    return render(
        request,
        "counselling/joint_measure_form.html",
        {"form": form, "group": group, "period": period_label(group.period)},
    )


def _measure_page(request, measure: JointMeasure, *, link_form=None, status: int = 200):
    office = request.roles.is_network_office
    return render(
        request,
        "counselling/joint_measure_detail.html",
        {
            "measure": measure,
            "needs": measure.needs.all(),
            "invited": measure.invited.all(),
            "quote_costs": measure_quote_costs(measure=measure),
            "withdrawn_quotes": measure_withdrawn_quotes(measure=measure),
            "wishes_waiting": measure_wishes_count(measure=measure),
            "show_contacts": office,
            "can_choose": office and measure.status == JointMeasureStatus.INVITING,
            "period": period_label(measure.period),
            "link_form": link_form or LinkOfferForm(),
        },
        status=status,
    )


@login_required
@require_safe
@personal_data
def joint_measure_detail(request, pk: int):
    require_demand_board(request)
    measure = get_object_or_404(JointMeasure.objects.select_related("topic", "offer"), pk=pk)
    return _measure_page(request, measure)


@login_required
@require_POST
@personal_data
def joint_measure_link(request, pk: int):
    require_network_office(request)
    measure = get_object_or_404(JointMeasure.objects.select_related("topic", "offer"), pk=pk)
    form = LinkOfferForm(request.POST)
    if form.is_valid():
        told = joint_measure_link_offer(measure=measure, offer=form.cleaned_data["offer"])
        messages.success(
            request,
            _(
                "Das Kursangebot ist verknüpft; %(n)s Unternehmen und Personen wurden "
                "benachrichtigt."
            )
            % {"n": told},
        )
        return redirect("counselling:joint_measure", pk)
    return _measure_page(request, measure, link_form=form)
