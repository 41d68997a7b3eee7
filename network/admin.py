from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from common.admin import AccessibleModelAdmin, LabelledTabularInline
from network.forms import InstitutionAdminForm
from network.models import (
    AccessibilityFeedback,
    Institution,
    Membership,
    SteeringCircleMember,
    User,
)


class MembershipInline(LabelledTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "institution"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_network_office", "is_active", "last_login"]
    list_filter = ["is_network_office", "is_active", "is_staff", "memberships__role"]
    search_fields = ["email", "name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        (_("Rollen"), {"fields": ["is_active", "is_network_office", "is_staff", "is_superuser"]}),
        (_("Zeitpunkte"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]
    inlines = [MembershipInline]


@admin.register(Institution)
class InstitutionAdmin(AccessibleModelAdmin):
    form = InstitutionAdminForm
    list_display = ["name", "kind", "district", "city", "is_network_member", "is_active"]
    list_filter = ["kind", "district", "is_network_member", "is_active"]
    search_fields = ["name", "short_name", "city", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "district", "description"]}),
        (
            _("Kontakt"),
            {
                "fields": [
                    "street",
                    "postcode",
                    "city",
                    "website",
                    "email",
                    "phone",
                    "contact_person",
                ]
            },
        ),
        (_("Logo"), {"fields": ["logo", "logo_alt"]}),
        (_("Importe"), {"fields": ["supplier_id"]}),
        (
            _("Status"),
            {"fields": ["is_network_member", "is_active", "joined_on", "first_published_at"]},
        ),
    ]
    readonly_fields = ["first_published_at"]


@admin.register(Membership)
class MembershipAdmin(AccessibleModelAdmin):
    list_display = ["user", "institution", "role", "created_at"]
    list_filter = ["role", "institution__kind"]
    search_fields = ["user__email", "user__name", "institution__name"]
    autocomplete_fields = ["user", "institution"]


@admin.register(SteeringCircleMember)
class SteeringCircleMemberAdmin(AccessibleModelAdmin):
    list_display = ["person", "institution", "role", "since"]
    list_filter = ["role"]
    search_fields = ["person__email", "person__name", "institution__name"]
    autocomplete_fields = ["person", "institution"]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "handled"]
    list_filter = ["handled"]
    list_editable = ["handled"]
    search_fields = ["message", "page_url"]
    readonly_fields = ["created_at", "page_url", "message", "email"]
