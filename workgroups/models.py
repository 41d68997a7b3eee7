"""The network's four working groups and who takes part in them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingGroup(models.Model):
    """One of the working groups ("Arbeitsgruppen"), each devoted to one audience."""

    slug = models.SlugField(_("Kurzadresse"), max_length=60, unique=True)
    name = models.CharField(_("Name"), max_length=150)
    audience = models.CharField(_("Zielgruppe"), max_length=200)
    purpose = models.TextField(_("Worum es geht"), max_length=2000)
    lead_institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_working_groups",
        verbose_name=_("federführende Einrichtung"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Arbeitsgruppe")
        verbose_name_plural = _("Arbeitsgruppen")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    LEAD = "lead", _("Leitung")
    DEPUTY = "deputy", _("Stellvertretung")
    MEMBER = "member", _("Mitglied")


class WorkingGroupMember(models.Model):
    """A person in a working group, with the institution they represent there."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("Gruppe")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_memberships",
        verbose_name=_("Person"),
    )
    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.PROTECT,
        related_name="group_members",
        verbose_name=_("vertritt"),
    )
    role = models.CharField(
        _("Rolle"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER
    )

    class Meta:
        verbose_name = _("Mitglied einer Arbeitsgruppe")
        verbose_name_plural = _("Mitglieder der Arbeitsgruppen")
        ordering = ["group", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="one_membership_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.group} ({self.get_role_display()})"
