"""Pages of the provider back office ("Mein Bereich" of an institution): offers, dates,
preview, publication, bulk work on many offers, history, import and export.

Every view asks offerings.permissions for the institution or offer: strangers get a 404,
counsellors a 403, anonymous visitors the login page; the approvals are the network
office's.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.twofactor import personal_data
from network.permissions import can_manage_institution, require_network_office
from offerings import exporters, services
from offerings.backoffice.forms import (
    ImportCommitForm,
    ImportDefaultsForm,
    ImportForm,
    OfferBulkForm,
    OfferDateForm,
    OfferForm,
    ShiftForm,
)
from offerings.backoffice.selectors import (
    approvals_by_provider,
    backoffice_offer_rows,
    backoffice_offers_selected,
    import_job_offers,
    import_jobs_recent,
    offer_for_preview,
    offer_history,
    offers_for_review,
)
from offerings.imports.csvfile import CSV_COLUMNS
from offerings.imports.jobs import (
    import_job_commit_progress,
    import_job_commit_request,
    import_job_create,
    import_job_defaults_set,
    import_job_supplier,
)
from offerings.imports.plan import ACTION_LABELS, DRY_RUN_LABELS
from offerings.imports.records import ImportFileError
from offerings.imports.report import (
    SECTIONS,
    entries_for_display,
    import_report_counts,
    import_report_entries,
    import_report_file,
)
from offerings.models import ImportStatus, Offer
from offerings.permissions import (
    get_backoffice_for,
    get_date_for,
    get_import_job_for,
    get_offer_for,
)
from offerings.places import venue_place_warning


def _edit(offer: Offer):
    return redirect("offerings:bo_offer_edit", offer.institution.slug, offer.pk)


@login_required
@require_safe
def offer_list(request, slug: str):
    institution = get_backoffice_for(request, slug).obj
    return render(
        request,
        "offerings/backoffice/offer_list.html",
        {
            "institution": institution,
            "rows": backoffice_offer_rows(institution=institution),
            "jobs": import_jobs_recent(institution=institution),
            "bulk_form": OfferBulkForm(),
            "review_months": settings.OFFER_REVIEW_MONTHS,
        },
    )


@login_required
@require_POST
def offers_bulk(request, slug: str):
    """Publish, archive or change the terms of many offers: those ticked in the list, or
    all of a committed import. Ids of other institutions' offers are ignored and said so."""
    institution = get_backoffice_for(request, slug, write=True).obj
    form = OfferBulkForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    job = (
        get_import_job_for(request, slug, data["job"], write=True).obj if data.get("job") else None
    )
    back = (
        redirect("offerings:bo_import_status", slug, job.pk)
        if job
        else redirect("offerings:bo_offers", slug)
    )
    if "action" not in data:
        messages.error(request, _("Bitte wählen Sie, was mit den Angeboten geschehen soll."))
        return back
    if job is not None and job.status != ImportStatus.DONE:
        messages.error(request, _("Erst nach der Übernahme des Imports gibt es seine Angebote."))
        return back
    selection = (
        import_job_offers(job=job)
        if job
        else backoffice_offers_selected(institution=institution, ids=data.get("offers", ()))
    )
    if not selection.offers:
        _ignored_message(request, selection.ignored)
        if not selection.ignored:
            messages.error(request, _("Bitte wählen Sie mindestens ein Angebot aus."))
        return back
    action = data["action"]
    if action == OfferBulkForm.REVIEW and not data.get("step"):
        # A review counts only once the provider has seen what it confirms.
        return render(
            request,
            "offerings/backoffice/offer_bulk_review.html",
            {
                "institution": institution,
                "offers": offers_for_review(offers=selection.offers),
                "ids": [] if job else [offer.pk for offer in selection.offers],
                "job": job,
                "review_months": settings.OFFER_REVIEW_MONTHS,
            },
        )
    if action == OfferBulkForm.TAXONOMY and not form.terms_chosen:
        if not data.get("step"):  # the first time: a fresh form, no errors yet
            # An import's offers are named by the job, not by their ids (there may be many).
            ids = [] if job else [offer.pk for offer in selection.offers]
            form = OfferBulkForm(
                initial={"offers": ids, "job": data.get("job"), "mode": "add"}, terms_step=True
            )
        return render(
            request,
            "offerings/backoffice/offer_bulk.html",
            {"institution": institution, "form": form, "selection": selection, "job": job},
        )
    if action == OfferBulkForm.PUBLISH:
        result = services.offers_bulk_publish(offers=selection.offers, user=request.user)
        done = ngettext(
            "%(n)d Angebot ist veröffentlicht.",
            "%(n)d Angebote sind veröffentlicht.",
            result.changed,
        )
    elif action == OfferBulkForm.ARCHIVE:
        result = services.offers_bulk_archive(offers=selection.offers, user=request.user)
        done = ngettext(
            "%(n)d Angebot ist archiviert.", "%(n)d Angebote sind archiviert.", result.changed
        )
    elif action == OfferBulkForm.REVIEW:
        result = services.BulkResult(
            changed=services.offers_review(offers=selection.offers, user=request.user)
        )
        done = ngettext(
            "%(n)d Angebot ist als geprüft bestätigt.",
            "%(n)d Angebote sind als geprüft bestätigt.",
            result.changed,
        )
    else:
        terms = form.terms()
        result = services.offers_bulk_set_taxonomy(
            offers=selection.offers,
            user=request.user,
            add=terms if data["mode"] == "add" else None,
            remove=terms if data["mode"] == "remove" else None,
        )
        done = ngettext(
            "%(n)d Angebot ist geändert.", "%(n)d Angebote sind geändert.", result.changed
        )
    if result.changed:
        messages.success(request, done % {"n": result.changed})
    if result.waiting:
        messages.info(
            request,
            ngettext(
                "%(n)d Angebot wartet auf die Freigabe der Geschäftsstelle.",
                "%(n)d Angebote warten auf die Freigabe der Geschäftsstelle.",
                result.waiting,
            )
            % {"n": result.waiting}
            + " "
            + _(
                "Sie prüft Ihre erste Veröffentlichung einmal für alle wartenden Angebote; "
                "danach gehen sie und alle weiteren sofort online."
            ),
        )
    if result.skipped:
        messages.warning(request, _skipped_sentence(result.skipped))
    _ignored_message(request, selection.ignored)
    return back


BULK_NAMED = 10


def _skipped_sentence(skipped: list[tuple[str, str]]) -> str:
    named = ", ".join(
        _("„%(title)s“ (%(reason)s)") % {"title": title, "reason": reason}
        for title, reason in skipped[:BULK_NAMED]
    )
    if len(skipped) > BULK_NAMED:
        named += " " + _("und %(n)d weitere") % {"n": len(skipped) - BULK_NAMED}
    return ngettext(
        "%(n)d Angebot blieb, wie es war: %(named)s.",
        "%(n)d Angebote blieben, wie sie waren: %(named)s.",
        len(skipped),
    ) % {"n": len(skipped), "named": named}


def _ignored_message(request, ignored: int) -> None:
    if ignored:
        messages.warning(
            request,
            ngettext(
                "%(n)d ausgewähltes Angebot gehört nicht zu dieser Einrichtung oder ist "
                "gelöscht; es wurde nicht verändert.",
                "%(n)d ausgewählte Angebote gehören nicht zu dieser Einrichtung oder sind "
                "gelöscht; sie wurden nicht verändert.",
                ignored,
            )
            % {"n": ignored},
        )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request, slug: str):
    institution = get_backoffice_for(request, slug, write=True).obj
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = services.offer_create(
            institution=institution, user=request.user, data=form.cleaned_data
        )
        messages.success(
            request, _("Das Angebot ist als Entwurf angelegt. Fügen Sie Termine hinzu.")
        )
        return _edit(offer)
    return render(
        request,
        "offerings/backoffice/offer_form.html",
        {"institution": institution, "form": form, "offer": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, slug: str, pk: int):
    offer = get_offer_for(request, slug, pk, write=True).obj
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        services.offer_update(
            offer=offer, user=request.user, data=form.cleaned_data, changed=form.changed_data
        )
        messages.success(request, _("Die Änderungen sind gespeichert."))
        return _edit(offer)
    return render(
        request,
        "offerings/backoffice/offer_form.html",
        {
            "institution": offer.institution,
            "form": form,
            "offer": offer,
            "dates": offer.dates.select_related("venue"),
            "pending": hasattr(offer, "approval"),
            "review_months": settings.OFFER_REVIEW_MONTHS,
        },
    )


@login_required
@require_safe
def offer_preview(request, slug: str, pk: int):
    access = get_offer_for(request, slug, pk)
    offer = access.obj
    messages.info(request, _("Vorschau: So sehen Besucherinnen und Besucher das Angebot."))
    # The way back to the editor, and publishing for those who may, where a visitor
    # would find "Zurück zur Kurssuche" and "Merken".
    preview = {
        "can_publish": access.can_write
        and offer.status != "published"
        and not hasattr(offer, "approval"),
    }
    return render(
        request,
        "offerings/offer_detail.html",
        {"offer": offer_for_preview(offer=offer), "preview": preview},
    )


@login_required
@require_safe
@personal_data
def offer_history_view(request, slug: str, pk: int):
    offer = get_offer_for(request, slug, pk).obj
    return render(
        request,
        "offerings/backoffice/offer_history.html",
        {"institution": offer.institution, "offer": offer, "changes": offer_history(offer=offer)},
    )


@login_required
@require_POST
def offer_publish(request, slug: str, pk: int):
    offer = get_offer_for(request, slug, pk, write=True).obj
    if services.offer_publish(offer=offer, user=request.user) == "published":
        messages.success(request, _("Das Angebot ist veröffentlicht."))
    else:
        messages.info(
            request,
            _(
                "Ihre erste Veröffentlichung prüft die Geschäftsstelle. "
                "Danach geht das Angebot online."
            ),
        )
    return _edit(offer)


@login_required
@require_POST
def offer_review(request, slug: str, pk: int):
    offer = get_offer_for(request, slug, pk, write=True).obj
    services.offer_mark_reviewed(offer=offer, user=request.user)
    messages.success(request, _("Angaben und Termine sind als geprüft bestätigt."))
    return redirect(reverse("offerings:bo_offer_edit", args=[slug, offer.pk]) + "#termine")


@login_required
@require_POST
def offer_archive(request, slug: str, pk: int):
    offer = get_offer_for(request, slug, pk, write=True).obj
    services.offer_archive(offer=offer, user=request.user)
    messages.success(request, _("Das Angebot ist archiviert."))
    return redirect("offerings:bo_offers", slug)


@login_required
@require_POST
def offer_duplicate(request, slug: str, pk: int):
    offer = get_offer_for(request, slug, pk, write=True).obj
    copy = services.offer_duplicate(offer=offer, user=request.user)
    messages.success(request, _("Die Kopie ist als Entwurf angelegt."))
    return _edit(copy)


@login_required
@require_http_methods(["GET", "POST"])
def offer_delete(request, slug: str, pk: int):
    offer = get_offer_for(request, slug, pk, write=True).obj
    if request.method == "POST":
        services.offer_delete(offer=offer)
        messages.success(request, _("Das Angebot ist gelöscht."))
        return redirect("offerings:bo_offers", slug)
    return render(
        request,
        "offerings/backoffice/offer_delete.html",
        {"institution": offer.institution, "offer": offer},
    )


@login_required
@require_http_methods(["GET", "POST"])
def date_form(request, slug: str, pk: int, date_pk: int | None = None):
    if date_pk is None:
        offer, offer_date = get_offer_for(request, slug, pk, write=True).obj, None
    else:
        offer_date = get_date_for(request, slug, pk, date_pk, write=True).obj
        offer = offer_date.offer
    form = OfferDateForm(request.POST or None, instance=offer_date, offer=offer)
    if request.method == "POST" and form.is_valid():
        saved = services.date_save(
            offer=offer, user=request.user, data=form.cleaned_data, offer_date=offer_date
        )
        messages.success(request, _("Der Termin ist gespeichert."))
        if saved.venue is not None and (warning := venue_place_warning(venue=saved.venue)):
            messages.warning(request, warning)
        return _edit(offer)
    return render(
        request,
        "offerings/backoffice/date_form.html",
        {"institution": offer.institution, "offer": offer, "form": form, "offer_date": offer_date},
    )


@login_required
@require_POST
def date_copy(request, slug: str, pk: int, date_pk: int):
    offer_date = get_date_for(request, slug, pk, date_pk, write=True).obj
    services.date_copy(offer_date=offer_date, user=request.user)
    messages.success(request, _("Der Termin ist kopiert."))
    return _edit(offer_date.offer)


@login_required
@require_POST
def date_delete(request, slug: str, pk: int, date_pk: int):
    offer_date = get_date_for(request, slug, pk, date_pk, write=True).obj
    offer = offer_date.offer
    services.date_delete(offer_date=offer_date, user=request.user)
    messages.success(request, _("Der Termin ist gelöscht."))
    return _edit(offer)


@login_required
@require_http_methods(["GET", "POST"])
def dates_shift(request, slug: str, pk: int):
    offer = get_offer_for(request, slug, pk, write=True).obj
    form = ShiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = services.dates_shift(offer=offer, user=request.user, days=form.cleaned_data["days"])
        messages.success(request, _("%(n)d Termine verschoben.") % {"n": count})
        return _edit(offer)
    return render(
        request,
        "offerings/backoffice/dates_shift.html",
        {"institution": offer.institution, "offer": offer, "form": form},
    )


# --- Import and export ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, slug: str):
    institution = get_backoffice_for(request, slug, write=True).obj
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                institution=institution, user=request.user, upload=form.cleaned_data["file"]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("offerings:bo_import_status", slug, job.pk)
    return render(
        request,
        "offerings/backoffice/import_upload.html",
        {"institution": institution, "form": form, "columns": CSV_COLUMNS},
    )


IMPORT_REPORT_PAGE_SIZE = 200


@login_required
@require_safe
def import_status(request, slug: str, job_pk: int):
    job = get_import_job_for(request, slug, job_pk).obj
    template = "offerings/backoffice/import_status.html"
    if request.htmx:
        template += "#status"
    counts = import_report_counts(job=job)
    action = request.GET.get("ergebnis")
    action = action if action in SECTIONS and counts.get(action) else None
    page = Paginator(
        import_report_entries(job=job, counts=counts, action=action), IMPORT_REPORT_PAGE_SIZE
    ).get_page(request.GET.get("seite"))
    running = job.status in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.COMMITTING)
    labels = ACTION_LABELS if job.status == ImportStatus.DONE else DRY_RUN_LABELS
    checked = job.status == ImportStatus.CHECKED
    return render(
        request,
        template,
        {
            "institution": job.institution,
            "job": job,
            "supplier": import_job_supplier(job=job)
            if job.status == ImportStatus.CHECKED
            else None,
            "may_confirm_supplier": can_manage_institution(request, job.institution),
            "is_office": request.roles.is_network_office,
            "bulk_form": OfferBulkForm(initial={"job": job.pk})
            if job.status == ImportStatus.DONE and counts
            else None,
            "counts": [(key, labels[key], counts[key]) for key in SECTIONS if key in counts],
            "action": action,
            "page": page,
            "entries": entries_for_display(page.object_list) if counts else [],
            "labels": labels,
            "file": import_report_file(job=job) if counts else {},
            "defaults_form": ImportDefaultsForm(initial=job.defaults) if checked else None,
            "commit_form": ImportCommitForm() if checked else None,
            "running": running,
            "committed": import_job_commit_progress(job=job)
            if job.status == ImportStatus.COMMITTING
            else None,
        },
    )


@login_required
@require_POST
def import_defaults(request, slug: str, job_pk: int):
    job = get_import_job_for(request, slug, job_pk, write=True).obj
    form = ImportDefaultsForm(request.POST)
    if form.is_valid() and import_job_defaults_set(job=job, defaults=form.defaults()):
        messages.success(
            request, _("Gespeichert: Das gilt beim Übernehmen für alle Angebote der Datei.")
        )
    else:
        messages.error(request, _("Die Vorgaben konnten nicht gespeichert werden."))
    return redirect("offerings:bo_import_status", slug, job.pk)


@login_required
@require_POST
def import_commit(request, slug: str, job_pk: int):
    job = get_import_job_for(request, slug, job_pk, write=True).obj
    form = ImportCommitForm(request.POST)
    archive_missing = form.is_valid() and form.cleaned_data["archive_missing"]
    confirmed = request.POST.get("supplier") == "confirmed"
    supplier = import_job_supplier(job=job)
    if supplier.state == "conflict":
        # Only the network office, importing on the institution's behalf, gets this far
        # (offerings.imports.jobs); it must say that it means it.
        if not (request.roles.is_network_office and confirmed):
            messages.error(
                request,
                _("Bitte bestätigen Sie, dass Sie die Datei dieses Anbieters übernehmen wollen."),
            )
            return redirect("offerings:bo_import_status", slug, job.pk)
    elif supplier.state == "new":
        # Adopting the supplier id is the admins' (and the office's) decision.
        confirmed = confirmed and can_manage_institution(request, job.institution)
    else:
        confirmed = False
    if not import_job_commit_request(
        job=job, supplier_confirmed=confirmed, archive_missing=archive_missing
    ):
        messages.error(request, _("Dieser Import kann nicht (mehr) übernommen werden."))
    elif not archive_missing and import_report_file(job=job).get("missing"):
        messages.warning(
            request,
            _(
                "Angebote, die nicht mehr in der Datei stehen, werden nicht archiviert, weil "
                "Sie das nicht bestätigt haben. Sie bleiben, wie sie sind."
            ),
        )
    return redirect("offerings:bo_import_status", slug, job.pk)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_safe
def export_openqcat(request, slug: str):
    institution = get_backoffice_for(request, slug).obj
    return _download(
        exporters.export_openqcat(institution=institution),
        f"{institution.slug}-openqcat.xml",
        "application/xml; charset=utf-8",
    )


@login_required
@require_safe
def export_csv(request, slug: str):
    institution = get_backoffice_for(request, slug).obj
    return _download(
        exporters.export_csv(institution=institution),
        f"{institution.slug}-angebote.csv",
        "text/csv; charset=utf-8",
    )


@login_required
@require_safe
def csv_template(request, slug: str):
    get_backoffice_for(request, slug)
    return _download(exporters.csv_template(), "vorlage-angebote.csv", "text/csv; charset=utf-8")


# --- The network office's approvals ---------------------------------------------------------


@login_required
@require_safe
@personal_data
def approvals(request):
    require_network_office(request)
    return render(
        request, "offerings/backoffice/approvals.html", {"approvals": approvals_by_provider()}
    )


@login_required
@require_POST
@personal_data
def approve(request, pk: int):
    """Approve a new provider through one of its waiting offers: all of them go online."""
    require_network_office(request)
    offer = get_object_or_404(
        Offer.objects.select_related("institution"), pk=pk, approval__isnull=False
    )
    published = services.offer_approve(offer=offer, user=request.user)
    if published == 1:
        messages.success(request, _("„%(title)s“ ist freigegeben.") % {"title": offer.title})
    else:
        messages.success(
            request,
            _("%(name)s ist freigegeben: %(n)d Angebote sind veröffentlicht.")
            % {"name": offer.institution.name, "n": published},
        )
    return redirect("offerings:bo_approvals")
