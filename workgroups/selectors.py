"""Reads of the workgroups app."""

from django.db.models import QuerySet

from workgroups.models import WorkingGroup, WorkingGroupMember


def group_memberships_for_person(person) -> QuerySet[WorkingGroupMember]:
    return WorkingGroupMember.objects.filter(person=person).select_related("group", "institution")


def working_group_list() -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.select_related("lead_institution").order_by("position", "name")


def working_groups_with_institution(institution) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(members__institution=institution).distinct()
