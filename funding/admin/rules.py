"""The PSF's funding rules, as staff keep them: notice, holidays, budget categories, kinds of
event, rates."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.admin import AuditedModelAdmin

from ..models import BudgetCategory, EventKind, ExchangeRate, FundingPolicy, Holiday


@admin.register(FundingPolicy)
class FundingPolicyAdmin(AuditedModelAdmin):
    """One row, made by the migration (or on first visit): the list goes straight to it."""

    fields = ("preferred_lead_weeks", "minimum_lead_working_days", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Never a second row; answering without a query keeps it off every admin page's menu.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        policy, _ = FundingPolicy.objects.get_or_create(pk=1)
        return HttpResponseRedirect(reverse("admin:funding_fundingpolicy_change", args=[policy.pk]))


@admin.register(Holiday)
class HolidayAdmin(AuditedModelAdmin):
    """Days the PSF does not work: the notice a funding request needs skips them, as it skips
    weekends. Add each new year's before it starts."""

    list_display = ("day", "weekday", "name")
    date_hierarchy = "day"
    search_fields = ("name",)
    fields = ("day", "name")

    @admin.display(description="weekday")
    def weekday(self, obj: Holiday) -> str:
        return f"{obj.day:%A}"


@admin.register(BudgetCategory)
class BudgetCategoryAdmin(AuditedModelAdmin):
    list_display = ("label", "code", "funded", "keyword_summary", "position")
    list_filter = ("funded",)
    search_fields = ("label", "keywords", "explanation")
    fields = ("label", "code", "position", "funded", "explanation", "keywords")

    @admin.display(description="keywords")
    def keyword_summary(self, obj: BudgetCategory) -> str:
        return ", ".join(obj.keyword_list) or "–"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()


@admin.register(EventKind)
class EventKindAdmin(AuditedModelAdmin):
    list_display = ("label", "code", "maximum_display", "position")
    fields = ("label", "code", "position", "max_amount", "max_currency")

    @admin.display(description="maximum")
    def maximum_display(self, obj: EventKind) -> str:
        return obj.maximum or "no maximum"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AuditedModelAdmin):
    """Rates staff enter by hand (a bank's or the ECB's reference rate): the portal converts with
    these only, and never asks the network."""

    list_display = ("currency", "usd_per_unit", "valid_from", "source")
    list_filter = ("currency",)
    date_hierarchy = "valid_from"
    fields = ("currency", "usd_per_unit", "valid_from", "source")
