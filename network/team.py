"""Institution admins manage their colleagues: invite by email, change roles, remove.

An institution always keeps at least one admin, so that nobody locks it out of its own
back office. Invitations go through the outbox (outbox.services.message_enqueue).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.models import Institution, Membership, MembershipRole, User
from outbox.services import message_enqueue


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Rolle"), choices=MembershipRole.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Rolle"), choices=MembershipRole.choices)


def _admins_after(institution: Institution, *, without: Membership) -> int:
    return (
        Membership.objects.filter(institution=institution, role=MembershipRole.ADMIN)
        .exclude(pk=without.pk)
        .count()
    )


def member_invite(
    *, institution: Institution, email: str, name: str = "", role: str, invited_by
) -> Membership:
    """Give `email` a role at `institution`, creating the account if needed, and mail an
    invitation. New accounts have no password: the mail links to setting one."""
    email = email.strip()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        is_new = user is None
        if is_new:
            user = User.objects.create_user(email=email, password=None, name=name.strip())
        if Membership.objects.filter(user=user, institution=institution).exists():
            raise ValidationError(
                {"email": _("Diese Person gehört schon zum Team.")}, code="duplicate"
            )
        membership = Membership.objects.create(user=user, institution=institution, role=role)
        message_enqueue(
            to=user.email,
            subject="",
            template="network/invitation",
            context={
                "institution": institution,
                "role": membership.get_role_display(),
                "invited_by": invited_by,
                "is_new": is_new,
                "password_path": reverse("account_reset_password"),
                "login_path": reverse("account_login"),
            },
            key=f"invitation:{membership.pk}",
        )
    return membership


def member_set_role(*, membership: Membership, role: str) -> None:
    if (
        membership.role == MembershipRole.ADMIN
        and role != MembershipRole.ADMIN
        and not _admins_after(membership.institution, without=membership)
    ):
        raise ValidationError(_("Die Einrichtung braucht mindestens eine Administration."))
    membership.role = role
    membership.save(update_fields=["role"])


def member_remove(*, membership: Membership) -> None:
    if membership.role == MembershipRole.ADMIN and not _admins_after(
        membership.institution, without=membership
    ):
        raise ValidationError(_("Die Einrichtung braucht mindestens eine Administration."))
    membership.delete()
