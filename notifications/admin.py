from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from common.admin import cut, when

from .models import OutboundEmail
from .services import email_retry


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("queued", "to_cell", "template", "status", "attempts", "sent", "error_cell")
    list_filter = ("status", "template")
    # A reference (HR-2026-0042) finds its thread's e-mails; a Message-ID (no brackets) its row.
    search_fields = ("to", "template", "idempotency_key", "=thread", "=message_id")
    # Filtered, the list says "N results" without also counting the whole table (a scan).
    show_full_result_count = False
    date_hierarchy = "created_at"
    actions = ("retry",)
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def get_fields(self, request: HttpRequest, obj: OutboundEmail | None = None) -> Any:
        fields = list(self.readonly_fields)
        if obj is not None and obj.secret:
            fields.remove("context")  # a sign-in link or code: not for other people's eyes
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the outbox is the record of what was sent, and what still must be

    @admin.display(description="queued", ordering="created_at")
    def queued(self, email: OutboundEmail) -> str:
        return when(email.created_at)

    @admin.display(description="to", ordering="to")
    def to_cell(self, email: OutboundEmail) -> SafeString:
        return cut(email.to)

    @admin.display(description="sent", ordering="sent_at")
    def sent(self, email: OutboundEmail) -> str:
        return when(email.sent_at)

    @admin.display(description="last error")
    def error_cell(self, email: OutboundEmail) -> SafeString:
        return cut(email.last_error, lines=2)

    @admin.action(description="Retry sending the selected failed e-mails")
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        failed = queryset.filter(status=OutboundEmail.Status.FAILED)
        for email in failed:
            email_retry(email=email)
        self.message_user(request, f"{len(failed)} e-mail(s) queued again.")
