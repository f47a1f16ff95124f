"""Incoming mail: every message with what it became, the quarantine staff decide on, and the
raw message for those who may see it (docs/mail-in.md, "What a message becomes")."""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from accounts.admin import AuditedModelAdmin, staff_member
from accounts.audit import audit_record
from accounts.models import AuditEvent
from common.admin import ReadOnlyChangePage, cut, when

from .models import InboundMessage
from .parsing import parse_headers
from .selectors import inbound_messages_admin_list, mailbox_states
from .services import inbound_message_discard, inbound_message_release

VIEW_PERMISSION = "mail_in.view_inboundmessage"
# The headers staff read on the change page, in this order (the raw message has them all).
SUMMARY_HEADERS = (
    "From", "To", "Cc", "Reply-To", "Date", "Subject", "Message-ID", "In-Reply-To",
    "References", "Auto-Submitted", "Precedence", "List-Id", "X-Spam-Flag", "Content-Type",
)  # fmt: skip
BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
REFUSALS_SAID = 10  # messages an action refused, each said with the service's reason


def _change(opts: Any, pk: object) -> str:
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])


def admin_change_url(target: models.Model) -> str | None:
    """The admin page of what a message became: its own, or (a reply) that of the row it is
    part of, the first foreign key that deletes it along and has an admin."""
    site = admin.site
    if site.is_registered(type(target)):
        return _change(target._meta, target.pk)
    for field in target._meta.concrete_fields:
        owner = field.related_model if field.many_to_one else None
        cascades = getattr(field.remote_field, "on_delete", None) is models.CASCADE
        if owner is not None and cascades and site.is_registered(owner):
            pk = getattr(target, field.attname)
            if pk is not None:
                return _change(owner._meta, pk)
    return None


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyChangePage, AuditedModelAdmin):
    list_display = ("received", "sender", "subject_cell", "outcome", "reason", "became")
    list_display_links = ("received", "subject_cell")
    list_filter = ("outcome", "reason", "door")
    search_fields = ("sender_email", "sender_name", "subject", "message_id")
    list_per_page = 100
    show_full_result_count = False
    date_hierarchy = "received_at"
    ordering = ("-received_at", "-pk")
    change_list_template = "admin/mail_in/inboundmessage/change_list.html"
    actions = ("release_messages", "discard_messages")
    fieldsets = (
        (
            "Message",
            {
                "fields": (
                    ("received", "door", "size_cell"),
                    "sender_address",
                    "subject",
                    "message_id",
                    "raw_download",
                )
            },
        ),
        ("What it became", {"fields": ("outcome", "reason", "detail", "became", "decided")}),
        # A section of one field is named by its heading: the field's label would say it
        # again, so it is for screen readers only (`.one-field` in static/css/admin.css).
        ("Headers", {"fields": ("headers_summary",), "classes": ("one-field",)}),
        ("The whole message as text", {"fields": ("whole_text",), "classes": ("one-field",)}),
    )
    readonly_fields = (
        "received", "door", "size_cell", "sender_address", "subject", "message_id",
        "raw_download", "outcome", "reason", "detail", "became", "decided", "headers_summary",
        "whole_text", "decide",
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMessage]:
        return inbound_messages_admin_list()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # mail comes in through the doors only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the retention period removes what it held (privacy)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if self._decidable(request, obj):
            return (("Decide", {"fields": ("decide",)}), *fieldsets)
        return fieldsets

    def _decidable(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and self._open(obj) and self.has_change_permission(request, obj)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        intake_on = bool(settings.MAIL_IMAP_URL or settings.MAIL_INBOUND_SECRET)
        extra_context = {
            **(extra_context or {}),
            "intake_off": not intake_on,
            "mailboxes": mailbox_states(),
        }
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        listed = context.get("cl")
        if listed is not None:
            context["open_count"] = sum(map(self._open, listed.result_list))
            if not context["open_count"]:
                # Nothing listed can be decided on: no Action menu and no column of boxes.
                context["action_form"] = None
                listed.list_display = [n for n in listed.list_display if n != "action_checkbox"]
        return response

    @staticmethod
    def _open(message: InboundMessage) -> bool:
        """Still to be decided on: the only state the decisions' services accept."""
        return message.outcome == InboundMessage.Outcome.QUARANTINED

    @admin.display(empty_value="")
    def action_checkbox(self, obj: Any) -> SafeString:
        """A decided message has no box to tick: the actions would only refuse it."""
        return super().action_checkbox(obj) if self._open(obj) else SafeString("")

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if not self._decidable(request, obj):
            # Decided: no Action menu (the "Decide" buttons stand in for it while in quarantine).
            context["action_form"] = None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/raw/",
                wrap(self.raw_view),
                name="mail_in_inboundmessage_raw",
            ),
            *super().get_urls(),
        ]

    def raw_view(self, request: HttpRequest, object_id: str) -> FileResponse:
        """The message as it came, as a .eml download; in the audit record like staff's file
        downloads. 404 once the retention period has removed it."""
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        message = get_object_or_404(InboundMessage, pk=object_id)
        if not message.raw:
            raise Http404("The message is no longer kept.")
        try:
            handle = message.raw.open("rb")
        except FileNotFoundError as error:
            raise Http404("The message is no longer kept.") from error
        response = FileResponse(handle, as_attachment=True, filename=f"message-{message.pk}.eml")
        response["Content-Type"] = "message/rfc822"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        audit_record(
            action=AuditEvent.Action.FILE_DOWNLOADED,
            actor=request.user,
            target=message,
            detail="The raw incoming message",
            request=request,
        )
        return response

    # Columns ---------------------------------------------------------------------------

    @admin.display(description="received", ordering="received_at")
    def received(self, obj: InboundMessage) -> str:
        return when(obj.received_at)

    @admin.display(description="from", ordering="sender_email")
    def sender(self, obj: InboundMessage) -> SafeString:
        if obj.sender_name:
            return cut(obj.sender_name, full=f"{obj.sender_name} <{obj.sender_email}>")
        return cut(obj.sender_email)

    @admin.display(description="from")
    def sender_address(self, obj: InboundMessage) -> str:
        """The change page's From, whole: the address is what staff judge a message by, and a
        phone shows no title on hover."""
        if obj.sender_name:
            return f"{obj.sender_name} <{obj.sender_email}>"
        return obj.sender_email or "–"

    @admin.display(description="subject", ordering="subject")
    def subject_cell(self, obj: InboundMessage) -> SafeString:
        return cut(obj.subject or "(no subject)", lines=2)

    @admin.display(description="became")
    def became(self, obj: InboundMessage) -> SafeString | str:
        """A link to the request (or the request a reply is on); else the reference."""
        target = obj.target
        url = admin_change_url(target) if target is not None else None
        label = obj.reference or (str(target) if target is not None else "")
        if url:
            return format_html('<a href="{}">{}</a>', url, label or "Open")
        return label or "–"

    @admin.display(description="size")
    def size_cell(self, obj: InboundMessage) -> str:
        return (
            f"{obj.size / 1024:.1f} KB"
            if obj.size < 1024 * 1024
            else f"{obj.size / 1048576:.1f} MB"
        )

    @admin.display(description="as it came")
    def raw_download(self, obj: InboundMessage) -> SafeString | str:
        if not obj.raw:
            return (
                "No longer kept (removed after the retention period, or at the person's request)."
            )
        url = reverse("admin:mail_in_inboundmessage_raw", args=[obj.pk])
        return format_html('<a href="{}" download>Download the message (.eml)</a>', url)

    @admin.display(description="decided")
    def decided(self, obj: InboundMessage) -> str:
        if obj.decided_at is None:
            return "–"
        who = obj.decided_by.email if obj.decided_by else "someone since removed"
        return f"{when(obj.decided_at)} by {who}"

    @admin.display(description="headers")
    def headers_summary(self, obj: InboundMessage) -> SafeString | str:
        if not obj.raw:
            return "No longer kept."
        try:
            with obj.raw.open("rb") as handle:
                head = handle.read(256 * 1024)
        except FileNotFoundError:
            return "No longer kept."
        headers = parse_headers(head).headers
        rows = [
            (name, headers[name.lower()]) for name in SUMMARY_HEADERS if headers.get(name.lower())
        ]
        return format_html(
            '<dl class="mail-headers">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )

    @admin.display(description="text")
    def whole_text(self, obj: InboundMessage) -> SafeString:
        return format_html(
            '<pre style="white-space: pre-wrap; max-width: 80em">{}</pre>',
            obj.text or "(no text)",
        )

    @admin.display(description="in quarantine")
    def decide(self, obj: InboundMessage) -> SafeString:
        """The two decisions as buttons: they run the actions below on this one message."""
        return format_html(
            '<div class="mail-decide">'
            '<button type="submit" class="button" name="CHANGE_FORM-action" value="{}">'
            "Turn into a request</button> "
            '<button type="submit" class="button" name="CHANGE_FORM-action" value="{}">'
            "Discard</button></div>",
            "release_messages",
            "discard_messages",
        )

    # Actions ---------------------------------------------------------------------------

    def _each(self, request: HttpRequest, queryset: QuerySet, decide: Any, done: str) -> None:
        """Each message through the service; what it refuses is said in its own words, at most
        REFUSALS_SAID of them (a whole list selected across pages would bury the page)."""
        count = refused = 0
        for message in list(queryset):
            try:
                decided = decide(message=message, by=staff_member(request))
            except ValidationError as error:
                refused += 1
                if refused <= REFUSALS_SAID:
                    said = f"{message}: {' '.join(error.messages)}"
                    self.message_user(request, said, messages.ERROR)
                continue
            change = done if not decided.reference else f"{done}: {decided.reference}"
            self.log_change(request, decided, change)
            count += 1
        if refused > REFUSALS_SAID:
            more = f"{refused - REFUSALS_SAID} more message(s) were left as they were."
            self.message_user(request, more, messages.ERROR)
        if count:
            self.message_user(request, f"{count} message(s) {done.lower()}.")

    @admin.action(description="Turn into a request", permissions=["change"], location=BOTH)
    def release_messages(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, inbound_message_release, "Turned into a request")

    @admin.action(description="Discard", permissions=["change"], location=BOTH)
    def discard_messages(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, inbound_message_discard, "Discarded")
