from django.contrib import admin, messages

from common.admin import AccessibleModelAdmin, LabelledTabularInline
from offerings.models import (
    CourseAlert,
    DeliveryForm,
    FundingProgramme,
    Municipality,
    Offer,
    OfferDate,
    Postcode,
    SynonymGroup,
    TargetGroup,
    Topic,
    Venue,
)
from offerings.places import venue_place_resolve
from offerings.search import offer_search_refresh


class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TargetGroup)
class TargetGroupAdmin(TermAdmin):
    pass


@admin.register(Topic)
class TopicAdmin(TermAdmin):
    list_display = [*TermAdmin.list_display, "is_future_skill"]
    list_filter = ["is_active", "is_future_skill"]


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(TermAdmin):
    list_display = ["name", "name_en", "short_name", "legal_basis", "position", "is_active"]


@admin.register(DeliveryForm)
class DeliveryFormAdmin(TermAdmin):
    list_display = [*TermAdmin.list_display, "course_mode", "needs_venue"]


class PostcodeInline(LabelledTabularInline):
    model = Postcode
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "county_name", "latitude", "longitude"]
    list_filter = ["district"]
    search_fields = ["name", "postcodes__code"]
    inlines = [PostcodeInline]


@admin.register(Venue)
class VenueAdmin(AccessibleModelAdmin):
    list_display = ["name", "city", "institution", "district", "wheelchair_accessible"]
    list_filter = ["district", "wheelchair_accessible"]
    search_fields = ["name", "city", "institution__name"]
    autocomplete_fields = ["institution", "municipality"]

    def save_model(self, request, obj, form, change):
        """A municipality chosen by hand brings its district and coordinates; otherwise a
        new or changed address is placed as imports and the back office place it, and a
        place that cannot be found is a warning (what was entered stays)."""
        if "municipality" in form.changed_data and obj.municipality is not None:
            place = obj.municipality
            obj.district, obj.latitude, obj.longitude = (
                place.district,
                place.latitude,
                place.longitude,
            )
        elif obj.municipality is None or {"street", "postcode", "city"} & set(form.changed_data):
            match = venue_place_resolve(postcode=obj.postcode, city=obj.city, street=obj.street)
            if match.found:
                for name, value in match.venue_values().items():
                    setattr(obj, name, value)
            elif warning := match.warning():
                self.message_user(request, warning, messages.WARNING)
        super().save_model(request, obj, form, change)


class OfferDateInline(LabelledTabularInline):
    model = OfferDate
    extra = 0
    autocomplete_fields = ["venue"]


@admin.register(Offer)
class OfferAdmin(AccessibleModelAdmin):
    list_display = ["title", "institution", "status", "price", "delivery_form", "last_reviewed_on"]
    list_filter = [
        "status",
        "delivery_form",
        "level",
        "funding_programmes",
        "institution__district",
    ]
    search_fields = ["title", "keywords", "institution__name", "external_id"]
    autocomplete_fields = ["institution"]
    filter_horizontal = ["topics", "target_groups", "funding_programmes"]
    date_hierarchy = "created_at"
    inlines = [OfferDateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        offer_search_refresh([form.instance])


@admin.register(CourseAlert)
class CourseAlertAdmin(admin.ModelAdmin):
    """Alerts for the network office: to answer a question or remove one on request."""

    list_display = ["email", "query", "frequency", "created_at", "confirmed_at", "last_sent_at"]
    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "query"]
    readonly_fields = [
        "email",
        "query",
        "consent_version",
        "created_at",
        "confirmed_at",
        "last_digest_at",
        "last_sent_at",
    ]
    fields = [*readonly_fields[:2], "frequency", *readonly_fields[2:]]

    def has_add_permission(self, request) -> bool:
        return False  # only the address's owner subscribes (double opt-in)


# --- Provider back office -------------------------------------------------------------------
# (Imported here so that this section is appended without touching the module's head.)
from offerings.models import ImportJob, OfferApproval, OfferChange  # noqa: E402


@admin.register(OfferApproval)
class OfferApprovalAdmin(admin.ModelAdmin):
    """First publications of new providers; they are approved at /kurse/bereich/freigaben/."""

    list_display = ["offer", "requested_by", "requested_at"]
    readonly_fields = ["offer", "requested_by", "requested_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OfferChange)
class OfferChangeAdmin(admin.ModelAdmin):
    list_display = ["offer", "user", "action", "created_at"]
    list_filter = ["action"]
    search_fields = ["offer__title", "user__email"]
    readonly_fields = ["offer", "user", "action", "fields", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # history is not edited


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "institution", "format", "status", "progress", "created_at"]
    list_filter = ["status", "format"]
    readonly_fields = [
        "institution",
        "user",
        "format",
        "filename",
        "status",
        "progress",
        "error",
        "report",
        "supplier_id",
        "supplier_name",
        "supplier_confirmed",
        "created_at",
        "finished_at",
    ]
    exclude = ["content"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """The thesaurus of the catalogue search (offerings.synonyms): a change applies to the
    next search (offerings.signals replaces the catalogue index and its text results)."""

    list_display = ["__str__", "kind", "is_active", "note", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["terms", "note"]
    fields = ["terms", "kind", "note", "is_active"]
