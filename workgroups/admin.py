from django.contrib import admin

from workgroups.models import WorkingGroup, WorkingGroupMember


class WorkingGroupMemberInline(admin.TabularInline):
    model = WorkingGroupMember
    extra = 0
    autocomplete_fields = ["person", "institution"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "audience", "lead_institution", "position"]
    list_editable = ["position"]
    search_fields = ["name", "audience"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_institution"]
    inlines = [WorkingGroupMemberInline]


@admin.register(WorkingGroupMember)
class WorkingGroupMemberAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "role", "institution"]
    list_filter = ["group", "role"]
    search_fields = ["person__email", "person__name", "institution__name"]
    autocomplete_fields = ["person", "institution"]
