"""Pages of joint courses: the provider's invitations and quote (in its back office, by the
rule of counselling.permissions.get_invitation_for) and the office's choice of a quote.
The measure page itself and the company's confirmation are in counselling.views, beside
the demand board and the status page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.twofactor import personal_data
from counselling.joint.forms import ChooseQuoteForm, JointQuoteForm, QuoteOfferForm
from counselling.joint.selectors import invitation_get, invitations_for
from counselling.joint.services import (
    joint_measure_offer_set,
    joint_quote_choose,
    joint_quote_save,
    joint_quote_withdraw,
)
from counselling.models import JointMeasure, JointQuoteStatus
from counselling.periods import period_label
from counselling.permissions import get_invitation_for, get_invitations_for
from network.permissions import require_network_office


@login_required
@require_safe
def invitation_list(request, slug: str):
    access = get_invitations_for(request, slug)
    return render(
        request,
        "counselling/joint/invitation_list.html",
        {"institution": access.obj, "invitations": invitations_for(institution=access.obj)},
    )


def _invitation_page(request, access, *, form=None, offer_form=None, status=200):
    institution, measure = access.obj
    invitation = invitation_get(institution=institution, measure=measure)
    quote = invitation.quote
    if form is None:
        form = JointQuoteForm(instance=quote) if quote is not None else JointQuoteForm()
    is_chosen = quote is not None and quote.status == JointQuoteStatus.CHOSEN
    if offer_form is None and is_chosen:
        offer_form = QuoteOfferForm(institution=institution, initial={"offer": measure.offer_id})
    return render(
        request,
        "counselling/joint/invitation_detail.html",
        {
            "institution": institution,
            "measure": measure,
            "invitation": invitation,
            "quote": quote,
            "form": form,
            "offer_form": offer_form,
            "is_chosen": is_chosen,
            "can_write": access.can_write,
            "period": period_label(measure.period),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request, slug: str, pk: int):
    if request.method != "POST":
        return _invitation_page(request, get_invitation_for(request, slug, pk))
    access = get_invitation_for(request, slug, pk, write=True)
    institution, measure = access.obj
    invitation = invitation_get(institution=institution, measure=measure)
    form = JointQuoteForm(request.POST, instance=invitation.quote)
    if form.is_valid():
        data = form.cleaned_data
        try:
            joint_quote_save(
                measure=measure,
                institution=institution,
                user=request.user,
                values=data,
                funding=list(data["funding"]),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _(
                    "Ihr Angebot ist gespeichert. Sie können es ändern, bis die Geschäftsstelle "
                    "ein Angebot auswählt."
                ),
            )
            return redirect("counselling:joint_invitation", slug, pk)
    return _invitation_page(request, access, form=form)


@login_required
@require_POST
def quote_withdraw(request, slug: str, pk: int):
    access = get_invitation_for(request, slug, pk, write=True)
    institution, measure = access.obj
    quote = invitation_get(institution=institution, measure=measure).quote
    if quote is None or quote.status != JointQuoteStatus.SUBMITTED:
        raise Http404
    try:
        joint_quote_withdraw(quote=quote)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sie haben Ihr Angebot zurückgezogen."))
    return redirect("counselling:joint_invitation", slug, pk)


@login_required
@require_POST
def invitation_offer(request, slug: str, pk: int):
    """The chosen provider names its course; everyone who asked is told when it is (or,
    if it already is, now) published."""
    access = get_invitation_for(request, slug, pk, write=True)
    institution, measure = access.obj
    quote = invitation_get(institution=institution, measure=measure).quote
    if quote is None or quote.status != JointQuoteStatus.CHOSEN:
        raise Http404
    form = QuoteOfferForm(request.POST, institution=institution)
    if not form.is_valid():
        return _invitation_page(request, access, offer_form=form)
    offer = form.cleaned_data["offer"]
    told = joint_measure_offer_set(measure=measure, offer=offer)
    if offer.status == "published":
        messages.success(
            request,
            _("Der Kurs ist verknüpft. Alle, die ihn gewünscht haben, sind benachrichtigt (%(n)s).")
            % {"n": told},
        )
    else:
        messages.success(
            request,
            _(
                "Der Kurs ist verknüpft. Sobald Sie ihn veröffentlichen, benachrichtigen wir alle, "
                "die ihn gewünscht haben."
            ),
        )
    return redirect("counselling:joint_invitation", slug, pk)


@login_required
@require_POST
@personal_data
def measure_choose(request, pk: int):
    require_network_office(request)
    measure = get_object_or_404(JointMeasure, pk=pk)
    form = ChooseQuoteForm(request.POST, measure=measure)
    if form.is_valid():
        try:
            joint_quote_choose(measure=measure, quote=form.cleaned_data["quote"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Das Angebot ist ausgewählt. Die Unternehmen werden gebeten, ihre "
                    "Teilnehmenden zu bestätigen."
                ),
            )
    else:
        messages.error(request, " ".join(form.errors.get("quote", [])))
    return redirect("counselling:joint_measure", pk)
