from django.contrib import admin

from counselling.models import CounsellingService, JointMeasure, PersonalDataAccess


@admin.register(CounsellingService)
class CounsellingServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "kind", "priority", "is_active", "approval"]
    list_filter = ["kind", "is_active", "approval"]
    search_fields = ["name", "institution__name"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The access log is read-only: nobody edits the record of who saw what."""

    list_display = ["at", "user", "reference", "action"]
    list_filter = ["action"]
    search_fields = ["reference", "user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JointMeasure)
class JointMeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "district", "period", "status"]
