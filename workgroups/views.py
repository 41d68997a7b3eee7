"""Pages of the bodies: public pages, the members' internal area with meetings, minutes,
action items and measures, the search over minutes, "Meine Aufgaben" and the steering
circle's overview.

Every view asks permissions.py for the object; a stranger gets a 404, a reader who tries
to write a 403, an anonymous visitor the login page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.twofactor import personal_data
from offerings.selectors import catalogue_offers
from workgroups import calendar
from workgroups.forms import (
    ActionItemForm,
    ActionStatusForm,
    AttachmentForm,
    MeasureForm,
    MeetingForm,
    MilestoneForm,
    MinutesForm,
    ReplyForm,
    SearchForm,
)
from workgroups.models import Milestone
from workgroups.permissions import (
    can_read_group,
    can_reply,
    can_see_network_overview,
    get_action_item_for,
    get_attachment_for,
    get_group_for,
    get_measure_for,
    get_meeting_for,
    minutes_visible,
    require_network_overview,
)
from workgroups.search import snippet_html
from workgroups.selectors import (
    action_items_for_person,
    body_list,
    group_action_items,
    group_get_public,
    group_institutions,
    group_measures,
    group_participants,
    group_past_meetings,
    group_public_measures,
    group_upcoming_meetings,
    meeting_replies,
    meeting_reply_of,
    minutes_for_display,
    minutes_search,
    minutes_versions,
    network_overview,
)
from workgroups.services import (
    action_item_create,
    action_item_set_status,
    attachment_add,
    attachment_delete,
    measure_save,
    meeting_create,
    meeting_reply_set,
    meeting_update,
    milestone_add,
    milestone_toggle,
    minutes_save,
)


def _apply_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form it came from."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- public ---------------------------------------------------------------------------


@require_safe
def body_index(request):
    bodies = list(body_list())
    return render(
        request,
        "workgroups/index.html",
        {
            "bodies": [(body, can_read_group(request, body)) for body in bodies],
            "can_see_overview": can_see_network_overview(request),
        },
    )


@require_safe
def group_detail(request, slug: str):
    group = group_get_public(slug=slug)
    return render(
        request,
        "workgroups/group_detail.html",
        {
            "group": group,
            "institutions": group_institutions(group=group),
            "measures": group_public_measures(group=group),
            "can_read": can_read_group(request, group),
        },
    )


# --- internal area ----------------------------------------------------------------------


@login_required
@require_safe
@personal_data
def group_internal(request, slug: str):
    access = get_group_for(request, slug)
    group = access.obj
    return render(
        request,
        "workgroups/group_internal.html",
        {
            "access": access,
            "group": group,
            "participants": group_participants(group=group),
            "upcoming": group_upcoming_meetings(group=group),
            "past": group_past_meetings(group=group),
            "action_items": group_action_items(group=group),
            "measures": group_measures(group=group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create_view(request, slug: str):
    access = get_group_for(request, slug, write=True)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(group=access.obj, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Sitzung ist angelegt."))
            return redirect(meeting)
    return render(
        request,
        "workgroups/meeting_form.html",
        {"access": access, "group": access.obj, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug: str, pk: int):
    access = get_meeting_for(request, slug, pk, write=True)
    meeting = access.obj
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, data=form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Sitzung ist geändert."))
            return redirect(meeting)
    return render(
        request,
        "workgroups/meeting_form.html",
        {"access": access, "group": meeting.group, "form": form, "meeting": meeting},
    )


@login_required
@require_safe
@personal_data
def meeting_detail(request, slug: str, pk: int):
    access = get_meeting_for(request, slug, pk)
    meeting = access.obj
    minutes = getattr(meeting, "minutes", None)
    may_reply = can_reply(request, meeting.group)
    reply = meeting_reply_of(meeting=meeting, person=request.user) if may_reply else None
    return render(
        request,
        "workgroups/meeting_detail.html",
        {
            "access": access,
            "group": meeting.group,
            "meeting": meeting,
            "minutes": minutes_for_display(minutes=minutes)
            if minutes_visible(minutes, can_write=access.can_write)
            else None,
            "can_reply": may_reply,
            "replies": meeting_replies(meeting=meeting),
            "reply_form": ReplyForm(initial={"answer": reply.answer} if reply else None),
            "reply": reply,
            "action_items": meeting.action_items.select_related("assignee", "assignee_institution"),
            "attachment_form": AttachmentForm() if access.can_write and minutes else None,
        },
    )


@login_required
@require_safe
def meeting_ical(request, slug: str, pk: int):
    """The meeting as an iCalendar invitation, for the members' calendars."""
    meeting = get_meeting_for(request, slug, pk).obj
    response = HttpResponse(
        calendar.meeting_ical(meeting, url=request.build_absolute_uri(meeting.get_absolute_url())),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, calendar.meeting_filename(meeting)
    )
    return response


@login_required
@require_POST
def meeting_reply(request, slug: str, pk: int):
    meeting = get_meeting_for(request, slug, pk).obj
    if not can_reply(request, meeting.group):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    if form.is_valid():
        meeting_reply_set(meeting=meeting, person=request.user, answer=form.cleaned_data["answer"])
        messages.success(request, _("Danke, Ihre Antwort ist gespeichert."))
    else:
        messages.error(request, _("Bitte wählen Sie eine Antwort."))
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, slug: str, pk: int):
    access = get_meeting_for(request, slug, pk, write=True)
    meeting = access.obj
    minutes = getattr(meeting, "minutes", None)
    participants = group_participants(group=meeting.group)
    initial = None
    if minutes is not None:
        initial = {
            "text": minutes.text,
            "guests": minutes.guests,
            "attendees": [str(pk) for pk in minutes.attendees.values_list("pk", flat=True)],
            "decisions": "\n".join(d.text for d in minutes.decisions.all()),
        }
    form = MinutesForm(request.POST or None, initial=initial, participants=participants)
    if request.method == "POST" and form.is_valid():
        publish = "publish" in request.POST
        was_published = minutes is not None and minutes.is_published
        saved = minutes_save(
            meeting=meeting,
            edited_by=request.user,
            text=form.cleaned_data["text"],
            decisions=form.cleaned_data["decisions"],
            attendees=form.cleaned_data["attendees"],
            guests=form.cleaned_data["guests"],
            publish=publish,
        )
        if was_published:
            message = _("Das Protokoll ist gespeichert; die Änderung ist als Version abgelegt.")
        elif saved.is_published:
            message = _("Das Protokoll ist veröffentlicht. Die Mitglieder werden benachrichtigt.")
        else:
            message = _("Der Entwurf ist gespeichert. Nur Leitung und Stellvertretung sehen ihn.")
        messages.success(request, message)
        return redirect(meeting)
    return render(
        request,
        "workgroups/minutes_form.html",
        {
            "access": access,
            "group": meeting.group,
            "meeting": meeting,
            "minutes": minutes,
            "form": form,
        },
    )


@login_required
@require_safe
def minutes_history(request, slug: str, pk: int):
    access = get_meeting_for(request, slug, pk)
    meeting = access.obj
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or not minutes.is_published:
        raise Http404
    return render(
        request,
        "workgroups/minutes_history.html",
        {
            "access": access,
            "group": meeting.group,
            "meeting": meeting,
            "versions": minutes_versions(minutes=minutes),
        },
    )


@login_required
@require_POST
def attachment_upload(request, slug: str, pk: int):
    meeting = get_meeting_for(request, slug, pk, write=True).obj
    minutes = getattr(meeting, "minutes", None)
    if minutes is None:
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = attachment_add(
                minutes=minutes, upload=form.cleaned_data["file"], uploaded_by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("„%(name)s“ ist angehängt.") % {"name": attachment.name})
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(f"{meeting.get_absolute_url()}#anhaenge")


@login_required
@require_safe
def attachment_download(request, slug: str, pk: int, attachment_pk: int):
    """An attachment as a download, for those who may read the minutes it belongs to."""
    attachment = get_attachment_for(request, slug, pk, attachment_pk).obj
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_remove(request, slug: str, pk: int, attachment_pk: int):
    attachment = get_attachment_for(request, slug, pk, attachment_pk, write=True).obj
    meeting_url = attachment.minutes.meeting.get_absolute_url()
    attachment_delete(attachment=attachment)
    messages.success(request, _("Der Anhang ist entfernt."))
    return redirect(f"{meeting_url}#anhaenge")


# --- action items -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_item_create_view(request, slug: str):
    access = get_group_for(request, slug, write=True)
    group = access.obj
    participants = group_participants(group=group)
    initial = (
        {"meeting": request.GET.get("termin")} if request.GET.get("termin", "").isdigit() else None
    )
    form = ActionItemForm(
        request.POST or None, initial=initial, group=group, participants=participants
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = action_item_create(group=group, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Aufgabe ist angelegt."))
            return redirect(
                item.meeting.get_absolute_url() if item.meeting else group.get_internal_url()
            )
    return render(
        request,
        "workgroups/action_item_form.html",
        {"access": access, "group": group, "form": form},
    )


@login_required
@require_POST
def action_item_status(request, slug: str, pk: int):
    item = get_action_item_for(request, slug, pk, write=True).obj
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        action_item_set_status(item=item, status=form.cleaned_data["status"])
        messages.success(request, _("Der Status der Aufgabe ist geändert."))
    else:
        messages.error(request, _("Diesen Status gibt es nicht."))
    target = request.POST.get("next", "")
    # Only our own two pages: never an address from outside.
    if target == "meine-aufgaben":
        return redirect("workgroups:my_tasks")
    return redirect(item.group.get_internal_url())


@login_required
@require_safe
def my_tasks(request):
    return render(
        request,
        "workgroups/my_tasks.html",
        {"items": action_items_for_person(person=request.user), "status_form": ActionStatusForm()},
    )


# --- measures ---------------------------------------------------------------------------


def _offers_for(participants):
    return (
        catalogue_offers()
        .filter(institution__in={p.institution.pk for p in participants})
        .order_by("title")
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, slug: str, pk: int | None = None):
    if pk is None:
        access, measure = get_group_for(request, slug, write=True), None
        group = access.obj
    else:
        access = get_measure_for(request, slug, pk, write=True)
        measure, group = access.obj, access.obj.group
    participants = group_participants(group=group)
    form = MeasureForm(
        request.POST or None,
        instance=measure,
        participants=participants,
        offers=_offers_for(participants),
    )
    if request.method == "POST" and form.is_valid():
        try:
            measure = measure_save(group=group, data=dict(form.cleaned_data), measure=measure)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Maßnahme ist gespeichert."))
            return redirect(measure)
    return render(
        request,
        "workgroups/measure_form.html",
        {"access": access, "group": group, "form": form, "measure": measure},
    )


@login_required
@require_safe
def measure_detail(request, slug: str, pk: int):
    access = get_measure_for(request, slug, pk)
    measure = access.obj
    return render(
        request,
        "workgroups/measure_detail.html",
        {
            "access": access,
            "group": measure.group,
            "measure": measure,
            "milestones": measure.milestones.all(),
            "offers": measure.offers.select_related("institution"),
            "milestone_form": MilestoneForm() if access.can_write else None,
        },
    )


@login_required
@require_POST
def milestone_create(request, slug: str, pk: int):
    measure = get_measure_for(request, slug, pk, write=True).obj
    form = MilestoneForm(request.POST)
    if form.is_valid():
        milestone_add(measure=measure, **form.cleaned_data)
        messages.success(request, _("Der Meilenstein ist angelegt."))
    else:
        messages.error(request, _("Bitte geben Sie dem Meilenstein einen Titel."))
    return redirect(measure)


@login_required
@require_POST
def milestone_done(request, slug: str, pk: int, milestone_pk: int):
    measure = get_measure_for(request, slug, pk, write=True).obj
    milestone = get_object_or_404(Milestone, measure=measure, pk=milestone_pk)
    milestone_toggle(milestone=milestone)
    return redirect(measure)


# --- across bodies ------------------------------------------------------------------------


@login_required
@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = minutes_search(roles=request.roles, text=query) if query else []
    for minutes in results:
        minutes.snippet_html = snippet_html(minutes.snippet)
    return render(
        request, "workgroups/search.html", {"form": form, "query": query, "results": results}
    )


@login_required
@require_safe
def overview(request):
    require_network_overview(request)
    return render(request, "workgroups/overview.html", {"groups": network_overview()})
