"""News and newsletter in the admin.

Written on the portal's own pages (/aktuelles/verwalten/, /newsletter/verwalten/); the
admin is for looking things up and for the rare correction.
"""

from django.contrib import admin

from common.admin import AccessibleModelAdmin
from news.models import NewsletterIssue, NewsletterSubscriber, NewsPost, NewsTag


@admin.register(NewsTag)
class NewsTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(NewsPost)
class NewsPostAdmin(AccessibleModelAdmin):
    list_display = ["title", "published_at", "author"]
    search_fields = ["title", "teaser"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["tags"]
    readonly_fields = ["author", "created_at", "updated_at"]


@admin.register(NewsletterSubscriber)
class NewsletterSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at", "consent_version"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "consent_version"]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at", "consent_version"]

    def has_add_permission(self, request) -> bool:
        return False  # only a subscriber's own confirmation counts as consent


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "sent_at", "recipients"]
    list_filter = ["status"]
    readonly_fields = ["status", "sending_started_at", "sent_at", "recipients", "created_by"]
    filter_horizontal = ["news"]
