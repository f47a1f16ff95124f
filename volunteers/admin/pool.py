"""The volunteer pool: find members, their consent record, suppress bouncing addresses, and
export the confirmed ones as CSV."""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.admin import AuditedModelAdmin
from common.admin import cut, when
from common.spreadsheet import csv_cell

from ..models import PoolConsent, PoolMember
from ..selectors import (
    pool_member_rows_for_export,
    pool_members_admin_list,
    pool_recipients,
)
from ..services import pool_member_suppress


class PoolStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("subscribed", "Confirmed and subscribed"),
            ("pending", "Waiting for confirmation"),
            ("unsubscribed", "Unsubscribed"),
            ("suppressed", "Suppressed (bouncing or complained)"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "subscribed":
            return queryset.filter(pk__in=pool_recipients())
        if value == "suppressed":
            return queryset.filter(suppressed_at__isnull=False, unsubscribed_at__isnull=True)
        if value == "pending":
            return queryset.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)
        if value == "unsubscribed":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


CSV_COLUMNS = ("email", "name", "interests", "skills", "confirmed_at", "consented_at")


EXPORT_CHUNK = 2_000  # members read per round trip, and written to the response at once


def pool_members_csv(members: QuerySet[PoolMember]) -> StreamingHttpResponse:
    """Confirmed, subscribed members as a CSV file staff can open in a spreadsheet.

    Streamed a chunk of members at a time: the web worker's memory stays the same whether the
    pool has a hundred members or a hundred thousand.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    def chunks() -> Iterator[str]:
        writer.writerow(CSV_COLUMNS)
        for rows in pool_member_rows_for_export(members, chunk=EXPORT_CHUNK):
            for row in rows:
                cells = [
                    row.email,
                    row.name,
                    "; ".join(row.areas),
                    row.skills,
                    row.confirmed_at.isoformat() if row.confirmed_at else "",
                    row.consented_at.isoformat(),
                ]
                writer.writerow([csv_cell(cell) for cell in cells])
            yield take()
        yield take()  # the header alone, when there is nobody to export

    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="volunteer-pool-{stamp}.csv"'
    return response


class ConsentInline(admin.TabularInline):
    """Every agreement, word for word: at joining and at each change of preferences."""

    model = PoolConsent
    extra = 0
    can_delete = False
    fields = ("at", "frequency", "areas", "text")
    readonly_fields = fields
    verbose_name_plural = "consent record"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _suppress(reason: str, label: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        for member in queryset:
            pool_member_suppress(member=member, reason=reason)
            modeladmin.log_change(request, member, f"Suppressed: {label.lower()}")
        modeladmin.message_user(
            request, f"{queryset.count()} address(es) get no pool mail until they confirm again."
        )

    action.__name__ = f"suppress_{reason}"
    return admin.action(description=f"Mark {label.lower()}: no pool mail")(action)


@admin.register(PoolMember)
class PoolMemberAdmin(AuditedModelAdmin):
    list_display = (
        "email_cell", "name_cell", "state", "hears", "interest_list", "joined", "confirmed",
    )  # fmt: skip
    list_display_links = ("email_cell",)
    list_filter = (PoolStateFilter, "frequency", "interests")
    search_fields = ("email", "name", "skills")
    list_per_page = 100
    # Filtered, the list says "N results" without also counting the whole table (a scan).
    show_full_result_count = False
    date_hierarchy = "created_at"
    fields = (
        ("email", "name"),
        "interests",
        "frequency",
        "skills",
        ("state", "created_at", "confirmed_at", "unsubscribed_at", "suppressed_at"),
        "consent_text",
        "consented_at",
    )
    readonly_fields = (
        "email",
        "state",
        "frequency",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "suppressed_at",
        "consent_text",
        "consented_at",
    )
    inlines = (ConsentInline,)
    actions = (
        "export_csv",
        _suppress(PoolMember.Suppression.BOUNCING, "Bouncing"),
        _suppress(PoolMember.Suppression.COMPLAINED, "Complained"),
    )
    change_list_template = "admin/volunteers/poolmember/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return pool_members_admin_list()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join themselves, with their own consent

    def get_urls(self) -> list[Any]:
        export = self.admin_site.admin_view(self.export_all_view)
        return [
            path("export.csv", export, name="volunteers_poolmember_export"),
            *super().get_urls(),
        ]

    @admin.display(description="e-mail address", ordering="email")
    def email_cell(self, member: PoolMember) -> SafeString:
        return cut(member.email)

    @admin.display(description="name", ordering="name")
    def name_cell(self, member: PoolMember) -> SafeString:
        return cut(member.name)

    @admin.display(description="hears about", ordering="frequency")
    def hears(self, member: PoolMember) -> SafeString:
        return cut(member.get_frequency_display(), lines=2)

    @admin.display(description="interests")
    def interest_list(self, member: PoolMember) -> SafeString:
        return cut(", ".join(area.label for area in member.interests.all()) or None, lines=2)

    @admin.display(description="joined", ordering="created_at")
    def joined(self, member: PoolMember) -> str:
        return when(member.created_at)

    @admin.display(description="confirmed", ordering="confirmed_at")
    def confirmed(self, member: PoolMember) -> str:
        return when(member.confirmed_at)

    @admin.action(description="Export selected as CSV (confirmed, subscribed only)")
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
        return pool_members_csv(pool_recipients().filter(pk__in=queryset.values("pk")))

    def export_all_view(self, request: HttpRequest) -> StreamingHttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return pool_members_csv(pool_recipients().order_by("email"))
