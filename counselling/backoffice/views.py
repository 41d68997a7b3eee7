"""Pages where an institution keeps its counselling services, and the network office's
approval queue. Access: counselling.permissions (the back office's rule) and
network.permissions.require_network_office; the rules of approval: README.md."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from counselling.backoffice import services
from counselling.backoffice.forms import (
    CounsellingServiceCreateForm,
    CounsellingServiceForm,
    ServiceDecisionForm,
    ServiceRejectForm,
)
from counselling.backoffice.selectors import (
    service_approvals_pending,
    service_form_initial,
    service_list_for_institution,
    service_proposed_changes,
)
from counselling.models import CounsellingService
from counselling.permissions import get_service_backoffice_for, get_service_for
from network.permissions import require_network_office

UPDATE_MESSAGES = {
    "saved": gettext_lazy("Die Änderungen sind gespeichert."),
    "proposed": gettext_lazy(
        "Gespeichert. Die Änderung von Art, Zielgruppen, Landkreisen oder Sprachen prüft die "
        "Geschäftsstelle; bis zur Freigabe gelten die bisherigen Angaben."
    ),
    "resubmitted": gettext_lazy(
        "Gespeichert und der Geschäftsstelle erneut zur Freigabe vorgelegt."
    ),
}


def _edit(service: CounsellingService):
    return redirect("counselling:service_edit", service.institution.slug, service.pk)


@login_required
@require_safe
def service_list(request, slug: str):
    institution = get_service_backoffice_for(request, slug).obj
    return render(
        request,
        "counselling/backoffice/list.html",
        {
            "institution": institution,
            "services": service_list_for_institution(institution=institution),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request, slug: str):
    institution = get_service_backoffice_for(request, slug, write=True).obj
    form = CounsellingServiceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # Posted before (a double click, a reload): the service it created, once.
            service = services.service_create(
                institution=institution,
                user=request.user,
                data=form.cleaned_data,
                submission_key=form.cleaned_data["submission_key"],
            )
        except services.SubmissionKeyTaken:
            raise SuspiciousOperation("A counselling service form with another's key.") from None
        if service.approval == "approved":
            messages.success(request, _("Das Beratungsangebot ist angelegt und freigegeben."))
        else:
            messages.success(
                request,
                _(
                    "Das Beratungsangebot ist angelegt. Die Geschäftsstelle prüft es; nach der "
                    "Freigabe steht es im Verzeichnis. Sie bekommen eine E-Mail."
                ),
            )
        return _edit(service)
    return render(
        request,
        "counselling/backoffice/form.html",
        {"institution": institution, "form": form, "service": None},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, slug: str, pk: int):
    service = get_service_for(request, slug, pk, write=True).obj
    if request.method == "POST":
        form = CounsellingServiceForm(request.POST)
        if form.is_valid():
            result = services.service_update(
                service=service, user=request.user, data=form.cleaned_data
            )
            messages.success(request, UPDATE_MESSAGES[result])
            return _edit(service)
    else:
        form = CounsellingServiceForm(initial=service_form_initial(service=service))
    return render(
        request,
        "counselling/backoffice/form.html",
        {
            "institution": service.institution,
            "form": form,
            "service": service,
            "changes": service_proposed_changes(service=service),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def service_active(request, slug: str, pk: int):
    service = get_service_for(request, slug, pk, write=True).obj
    active = request.POST.get("aktiv")
    if active not in {"0", "1"}:
        messages.error(request, _("Unbekannte Aktion. Es wurde nichts geändert."))
        return _edit(service)
    services.service_active_set(service=service, active=active == "1")
    if service.is_active:
        messages.success(request, _("Das Beratungsangebot ist wieder aktiv."))
    else:
        messages.success(
            request,
            _("Das Beratungsangebot ist deaktiviert: Es steht nicht mehr im Verzeichnis."),
        )
    return _edit(service)


# --- the network office ---------------------------------------------------------------


@login_required
@require_safe
def service_approvals(request):
    require_network_office(request)
    pending = [
        (service, service_proposed_changes(service=service), services.service_version(service))
        for service in service_approvals_pending()
    ]
    return render(request, "counselling/backoffice/approvals.html", {"pending": pending})


def _decision_failed(request, error: services.DecisionError):
    if error.stale:
        messages.error(
            request,
            _(
                "Die Einrichtung hat das Angebot inzwischen geändert. Bitte prüfen Sie es noch "
                "einmal; es wurde nichts entschieden."
            ),
        )
    else:
        messages.info(request, _("Dazu ist nichts mehr zu entscheiden."))
    return redirect("counselling:service_approvals")


@login_required
@require_POST
def service_approve(request, pk: int):
    require_network_office(request)
    service = get_object_or_404(CounsellingService, pk=pk)
    form = ServiceDecisionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else ""
    try:
        services.service_approve(service_id=service.pk, user=request.user, version=version)
    except services.DecisionError as error:
        return _decision_failed(request, error)
    messages.success(request, _("„%(name)s“ ist freigegeben.") % {"name": service.name})
    return redirect("counselling:service_approvals")


@login_required
@require_http_methods(["GET", "POST"])
def service_reject(request, pk: int):
    require_network_office(request)
    service = get_object_or_404(CounsellingService.objects.select_related("institution"), pk=pk)
    if request.method == "POST":
        form = ServiceRejectForm(request.POST)
        if form.is_valid():
            try:
                services.service_reject(
                    service_id=service.pk,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except services.DecisionError as error:
                return _decision_failed(request, error)
            messages.success(
                request,
                _("„%(name)s“ ist abgelehnt; die Einrichtung bekommt eine E-Mail mit dem Grund.")
                % {"name": service.name},
            )
            return redirect("counselling:service_approvals")
    else:
        form = ServiceRejectForm(initial={"version": services.service_version(service)})
    return render(
        request,
        "counselling/backoffice/reject.html",
        {
            "service": service,
            "form": form,
            "changes": service_proposed_changes(service=service),
        },
        status=400 if form.is_bound else 200,
    )
