"""The events calendar in the network office's admin."""

from django.contrib import admin

from common.admin import AccessibleModelAdmin, LabelledTabularInline
from events.models import Event, EventApproval, EventRegistration


class EventRegistrationInline(LabelledTabularInline):
    """Read only: registrations are made and cancelled by the visitors and organisers."""

    model = EventRegistration
    extra = 0
    fields = ["name", "email", "status", "created_at", "promoted_at", "cancelled_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(AccessibleModelAdmin):
    list_display = ["title", "institution", "kind", "starts_at", "status", "registration_mode"]
    list_filter = ["status", "kind", "registration_mode", "district"]
    search_fields = ["title", "institution__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["institution"]
    filter_horizontal = ["target_groups"]
    readonly_fields = ["published_at", "cancelled_at", "created_by", "created_at", "updated_at"]
    inlines = [EventRegistrationInline]


@admin.register(EventApproval)
class EventApprovalAdmin(admin.ModelAdmin):
    """First events of new institutions; approved at /kurse/bereich/freigaben/veranstaltungen/."""

    list_display = ["event", "requested_by", "requested_at"]
    readonly_fields = ["event", "requested_by", "requested_at"]

    def has_add_permission(self, request) -> bool:
        return False
