from django.contrib import admin

from common.admin import AccessibleModelAdmin, LabelledTabularInline
from workgroups.models import (
    ActionItem,
    Measure,
    Meeting,
    Milestone,
    Minutes,
    WorkingGroup,
    WorkingGroupMember,
)


class WorkingGroupMemberInline(LabelledTabularInline):
    model = WorkingGroupMember
    extra = 0
    autocomplete_fields = ["person", "institution"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AccessibleModelAdmin):
    """The network office adds bodies here. The steering circle's members are kept under
    "Mitglieder des Steuerkreises", not in this inline."""

    list_display = ["name", "kind", "audience", "lead_institution", "position"]
    list_editable = ["position"]
    search_fields = ["name", "audience"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_institution"]
    inlines = [WorkingGroupMemberInline]


@admin.register(WorkingGroupMember)
class WorkingGroupMemberAdmin(AccessibleModelAdmin):
    list_display = ["person", "group", "role", "institution"]
    list_filter = ["group", "role"]
    search_fields = ["person__email", "person__name", "institution__name"]
    autocomplete_fields = ["person", "institution"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "starts_at", "location"]
    list_filter = ["group"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["created_by"]


@admin.register(Minutes)
class MinutesAdmin(AccessibleModelAdmin):
    list_display = ["meeting", "status", "published_at"]
    list_filter = ["status", "meeting__group"]
    # Minutes are written in the portal, where every change after publishing is versioned.
    readonly_fields = ["meeting", "text", "status", "published_at", "guests"]
    exclude = ["attendees"]

    def has_add_permission(self, request):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "assignee", "assignee_institution", "due_date", "status"]
    list_filter = ["group", "status"]
    search_fields = ["title"]
    raw_id_fields = ["assignee", "assignee_institution", "meeting"]


class MilestoneInline(LabelledTabularInline):
    model = Milestone
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "status", "is_public"]
    list_filter = ["group", "status", "is_public"]
    search_fields = ["title", "goal"]
    raw_id_fields = ["responsible"]
    filter_horizontal = ["offers"]
    inlines = [MilestoneInline]
