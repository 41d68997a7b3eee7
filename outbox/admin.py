"""The outbox in the network office's admin: what left, what failed and why."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox.delivery import messages_resend
from outbox.models import DigestClaim, MessageStatus, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = [
        "status",
        "last_error",
        "recipient",
        "subject",
        "kind",
        "attempts",
        "next_attempt_at",
        "created_at",
        "claimed_at",
        "sent_at",
        "key",
        "headers",
        "text",
        "html",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the record of what was sent is not edited

    @admin.action(description=_("Erneut senden (nur fehlgeschlagene oder unterbrochene)"))
    def resend(self, request, queryset):
        ids = list(
            queryset.exclude(status__in=[MessageStatus.SENT, MessageStatus.QUEUED]).values_list(
                "pk", flat=True
            )
        )
        count = messages_resend(message_ids=ids)
        self.message_user(
            request,
            ngettext(
                "%(n)d Nachricht wird erneut gesendet.",
                "%(n)d Nachrichten werden erneut gesendet.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(DigestClaim)
class DigestClaimAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "period", "recipient", "message"]
    list_filter = ["kind", "period"]
    search_fields = ["recipient"]
    readonly_fields = ["kind", "recipient", "period", "message", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
