"""Announcements to the pool (write, preview, test, send once) and what every mailing sent."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import urlize
from django.urls import path, reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

from accounts.admin import AuditedModelAdmin, staff_member
from common.admin import ReadOnlyAdmin, cut, when
from notifications.selectors import email_batch_counts

from ..models import Announcement, PoolMailing
from ..services.mailings import (
    announcement_copy,
    announcement_recipients,
    announcement_send,
    announcement_send_test,
)


def _progress(mailing: PoolMailing | None) -> str:
    if mailing is None:
        return "–"
    counts = email_batch_counts(batch=mailing.batch)
    rows = reverse("admin:notifications_outboundemail_changelist") + f"?batch={mailing.batch}"
    return format_html(
        '{} queued: {} sent, {} failed, {} waiting{} · <a href="{}">the e-mails</a>',
        mailing.queued,
        counts["sent"],
        counts["failed"],
        counts["pending"],
        "" if mailing.status == PoolMailing.Status.DONE else " (still queuing)",
        rows,
    )


@admin.register(Announcement)
class AnnouncementAdmin(AuditedModelAdmin):
    list_display = ("subject", "audience", "is_public", "state", "sent_at")
    list_filter = ("is_public", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("subject", "body")
    filter_horizontal = ("areas",)
    fields = ("subject", "body", "areas", "is_public", "preview", "recipients", "progress")
    readonly_fields = ("preview", "recipients", "progress")
    actions = ("make_copy",)
    change_form_template = "admin/volunteers/announcement/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("mailing").prefetch_related("areas")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.sent_at:  # sent: a record now, not a draft
            return ("subject", "body", "areas", "is_public", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Announcement, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = staff_member(request)
        super().save_model(request, obj, form, change)

    @admin.display(description="audience")
    def audience(self, announcement: Announcement) -> str:
        areas = [area.label for area in announcement.areas.all()]
        return ", ".join(areas) if areas else "Everyone in the pool"

    @admin.display(description="state")
    def state(self, announcement: Announcement) -> str:
        if announcement.sent_at is None:
            return "Draft"
        return "Sent" if announcement.mailing.status == PoolMailing.Status.DONE else "Sending"  # type: ignore[attr-defined]

    @admin.display(description="how members will see it")
    def preview(self, announcement: Announcement) -> str:
        if not announcement.pk:
            return "Save the draft to see it here."
        return format_html(
            '<div class="announcement-preview"><p><strong>{}</strong></p>{}</div>',
            announcement.subject,
            mark_safe(linebreaks(urlize(announcement.body, autoescape=True))),  # noqa: S308 (escaped by urlize)
        )

    @admin.display(description="recipients")
    def recipients(self, announcement: Announcement) -> str:
        if announcement.sent_at:
            return str(announcement.mailing.queued)  # type: ignore[attr-defined]
        if not announcement.pk:
            return "–"
        return f"{announcement_recipients(announcement).count()} members, if sent now"

    @admin.display(description="progress")
    def progress(self, announcement: Announcement) -> str:
        return _progress(getattr(announcement, "mailing", None) if announcement.pk else None)

    @admin.action(description="Make a copy (a new draft with the same words and audience)")
    def make_copy(self, request: HttpRequest, queryset: QuerySet) -> None:
        for announcement in queryset:
            copy = announcement_copy(announcement=announcement, by=staff_member(request))
            self.log_addition(request, copy, f"Copied from announcement {announcement.pk}")
        self.message_user(request, f"{queryset.count()} draft(s) made; edit and send them.")

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/send/", wrap(self.send_view), name="volunteers_announcement_send"),
            path("<int:pk>/test/", wrap(self.test_view), name="volunteers_announcement_test"),
            *super().get_urls(),
        ]

    def _editable(self, request: HttpRequest, pk: int) -> Announcement:
        announcement = get_object_or_404(Announcement, pk=pk)
        if not self.has_change_permission(request, announcement):
            raise PermissionDenied
        return announcement

    def _back(self, announcement: Announcement) -> HttpResponseRedirect:
        url = reverse("admin:volunteers_announcement_change", args=[announcement.pk])
        return HttpResponseRedirect(url)

    def test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """POST: the announcement to the signed-in staff member only."""
        announcement = self._editable(request, pk)
        if request.method == "POST":
            announcement_send_test(announcement=announcement, to=request.user.email)  # type: ignore[union-attr]
            self.message_user(request, f"A test is on its way to {request.user.email}.")  # type: ignore[union-attr]
        return self._back(announcement)

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET: the preview and the number of recipients; POST: send, once."""
        announcement = self._editable(request, pk)
        if request.method == "POST":
            try:
                announcement_send(announcement=announcement, by=staff_member(request))
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.log_change(request, announcement, "Sent to the volunteer pool")
                self.message_user(request, "Sending: the e-mails go out in batches.")
            return self._back(announcement)
        context = {
            **self.admin_site.each_context(request),
            "announcement": announcement,
            "preview": self.preview(announcement),
            "count": announcement_recipients(announcement).count(),
            "opts": self.model._meta,
            "title": f"Send “{announcement}” to the volunteer pool",
        }
        return render(request, "admin/volunteers/announcement/send.html", context)


@admin.register(PoolMailing)
class PoolMailingAdmin(ReadOnlyAdmin):
    """What the pool was sent: each role opening, weekly digest and announcement, with counts."""

    list_display = ("started", "kind", "about", "status", "progress", "finished")
    list_filter = ("kind", "status")
    list_select_related = ("role", "announcement")
    readonly_fields = [f.name for f in PoolMailing._meta.fields] + ["progress"]

    @admin.display(description="started", ordering="created_at")
    def started(self, mailing: PoolMailing) -> str:
        return when(mailing.created_at)

    @admin.display(description="about")
    def about(self, mailing: PoolMailing) -> SafeString:
        return cut(mailing.role or mailing.announcement or mailing.week, lines=2)

    @admin.display(description="finished", ordering="finished_at")
    def finished(self, mailing: PoolMailing) -> str:
        return when(mailing.finished_at)

    @admin.display(description="e-mails")
    def progress(self, mailing: PoolMailing) -> str:
        return _progress(mailing)
