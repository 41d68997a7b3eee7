from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import AccessibleModelAdmin
from counselling.joint.services import QUOTE_FIELDS
from counselling.models import (
    CounsellingService,
    CourseWish,
    JointMeasure,
    JointQuote,
    PersonalDataAccess,
)


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


@admin.register(JointQuote)
class JointQuoteAdmin(admin.ModelAdmin):
    """The invited providers' quotes, to look at: what a quote says is the provider's own
    (it revises or withdraws it on its joint pages), and choosing one also settles the
    measure and the other quotes (counselling.joint.services.joint_quote_choose), so the
    office chooses on the joint pages. Nothing here is written."""

    list_display = ["measure_title", "institution", "price", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["measure", "institution"]
    search_fields = ["measure__title", "institution__name"]
    # The model's `measure` and `submitted_by` have no German names: shown through these.
    fields = [
        "measure_title",
        "institution",
        *QUOTE_FIELDS,  # what the provider offers, as its quote form asks for it
        "funding",
        "status",
        "submitter",
        "created_at",
        "revised_at",
        "withdrawn_at",
    ]
    readonly_fields = ["measure_title", "submitter"]

    @admin.display(description=_("Verbundmaßnahme"), ordering="measure__title")
    def measure_title(self, obj: JointQuote) -> str:
        return obj.measure.title

    @admin.display(description=_("angelegt von"))
    def submitter(self, obj: JointQuote) -> str:
        return str(obj.submitted_by) if obj.submitted_by else "–"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CourseWish)
class CourseWishAdmin(AccessibleModelAdmin):
    """Course wishes: the office may mend the wish's topic, district or catalogue topic; what
    the person gave as consent (address, its confirmation, when told or deleted) is only
    shown. New wishes come only through the public form, with its double opt-in."""

    list_display = ["topic", "course_topic", "district", "soon", "created_at", "has_email"]
    list_filter = ["district", "schedule", "soon", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["topic", "place"]
    autocomplete_fields = ["course_topic", "offer"]
    # `times` is a JSON list the form fills from checkboxes: shown, not typed by hand.
    readonly_fields = [
        "times",
        "email",
        "consent_version",
        "created_at",
        "confirmed_at",
        "told_at",
        "email_removed_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False  # only the person's own form (and confirmation) counts as consent

    @admin.display(boolean=True, description=_("E-Mail hinterlegt"))
    def has_email(self, obj: CourseWish) -> bool:
        return bool(obj.email)
