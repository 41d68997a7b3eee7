"""The team page of an institution (its admins and the network office only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.twofactor import personal_data
from network.permissions import get_institution_for, get_membership_for
from network.selectors import institution_people
from network.team import InviteForm, RoleForm, member_invite, member_remove, member_set_role


@login_required
@require_http_methods(["GET", "POST"])
@personal_data
def team(request, slug: str):
    institution = get_institution_for(request, slug, write=True).obj
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_invite(
                institution=institution,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error.message_dict.get("email", error.messages))
        else:
            messages.success(request, _("Die Einladung ist verschickt."))
            return redirect("network:team", slug)
    return render(
        request,
        "network/team.html",
        {
            "institution": institution,
            "form": form,
            "people": [
                (m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"))
                for m in institution_people(institution=institution)
            ],
        },
    )


@login_required
@require_POST
@personal_data
def team_role(request, slug: str, pk: int):
    membership = get_membership_for(request, slug, pk, write=True).obj
    form = RoleForm(request.POST, prefix=f"m{pk}")
    if form.is_valid():
        try:
            member_set_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Die Rolle ist geändert."))
    return redirect("network:team", slug)


@login_required
@require_POST
@personal_data
def team_remove(request, slug: str, pk: int):
    membership = get_membership_for(request, slug, pk, write=True).obj
    try:
        member_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Die Person hat keinen Zugang mehr."))
    return redirect("network:team", slug)
