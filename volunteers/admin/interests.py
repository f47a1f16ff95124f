"""The hands raised for roles: contact, vet, onboard or decline the people behind them."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from accounts.admin import AuditedModelAdmin, staff_member
from common.admin import cut, when

from ..models import RoleInterest
from ..selectors import role_interests_admin_list
from ..services import (
    role_interest_check_status,
    role_interest_complete_vetting,
    role_interest_set_status,
)
from ._common import _each


class VettingFilter(admin.SimpleListFilter):
    title = "vetting"
    parameter_name = "vetting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("pending", "Pending"), ("complete", "Complete"), ("none", "Not needed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "pending":
            return queryset.filter(needs_vetting=True, vetted_at__isnull=True)
        if value == "complete":
            return queryset.filter(needs_vetting=True, vetted_at__isnull=False)
        if value == "none":
            return queryset.filter(needs_vetting=False)
        return queryset


def _status_action(status: RoleInterest.Status) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        _each(
            modeladmin,
            request,
            queryset,
            lambda interest: role_interest_set_status(
                interest=interest, status=status, by=staff_member(request)
            ),
            f"interest(s) marked {status.label.lower()}",
        )

    action.__name__ = f"mark_{status.value}"
    return admin.action(description=f"Mark {status.label.lower()}")(action)


class InterestStatusForm(forms.ModelForm):
    """The change page moves the status along and can record vetting, with the service's rules."""

    vetting_complete = forms.BooleanField(
        label="Vetting is complete",
        required=False,
        help_text="Tick once the PSF has vetted this person; needed before onboarding.",
    )

    class Meta:
        model = RoleInterest
        fields = ["status"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        status, interest = data.get("status"), self.instance
        if status and status != interest.status:
            vetted = bool(interest.vetted_at or data.get("vetting_complete"))
            try:
                role_interest_check_status(interest=interest, status=status, vetted=vetted)
            except ValidationError as error:
                self.add_error("status", error)
        return data


@admin.register(RoleInterest)
class RoleInterestAdmin(AuditedModelAdmin):
    form = InterestStatusForm
    list_display = ("name_cell", "email_cell", "role_cell", "status", "vetting", "age", "escalated")
    list_display_links = ("name_cell",)
    list_filter = ("status", VettingFilter, "role__area", "role")
    search_fields = ("name", "email", "message", "availability", "role__title")
    list_per_page = 50
    # Filtered, the list says "N results" without also counting the whole table (a scan).
    show_full_result_count = False
    date_hierarchy = "created_at"
    fields = (
        "role",
        ("name", "email", "user"),
        "availability",
        "message",
        "status",
        ("vetting", "vetted_at", "vetted_by"),
        ("created_at", "status_changed_at", "status_changed_by", "escalated_at"),
    )
    readonly_fields = (
        "role",
        "name",
        "email",
        "user",
        "availability",
        "message",
        "vetting",
        "vetted_at",
        "vetted_by",
        "created_at",
        "status_changed_at",
        "status_changed_by",
        "escalated_at",
    )
    actions = (
        *[_status_action(s) for s in RoleInterest.Status if s != RoleInterest.Status.NEW],
        "complete_vetting",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return role_interests_admin_list()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # interests come from the role pages

    @admin.display(description="name", ordering="name")
    def name_cell(self, interest: RoleInterest) -> SafeString:
        return cut(interest.name)

    @admin.display(description="e-mail address", ordering="email")
    def email_cell(self, interest: RoleInterest) -> SafeString:
        return cut(interest.email)

    @admin.display(description="role", ordering="role__title")
    def role_cell(self, interest: RoleInterest) -> SafeString:
        return cut(interest.role.title, lines=2)

    @admin.display(description="escalated", ordering="escalated_at")
    def escalated(self, interest: RoleInterest) -> str:
        return when(interest.escalated_at)

    @admin.display(description="vetting")
    def vetting(self, interest: RoleInterest) -> str:
        return interest.vetting_label

    @admin.display(description="age", ordering="created_at")
    def age(self, interest: RoleInterest) -> str:
        return timesince(interest.created_at, timezone.now()).split(",")[0]

    @admin.action(description="Vetting complete")
    def complete_vetting(self, request: HttpRequest, queryset: QuerySet) -> None:
        _each(
            self,
            request,
            queryset.filter(needs_vetting=True, vetted_at__isnull=True),
            lambda interest: role_interest_complete_vetting(
                interest=interest, by=staff_member(request)
            ),
            "interest(s) vetted",
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        if obj is None or not (obj.needs_vetting and obj.vetted_at is None):
            return fields
        return [*fields[:5], "vetting_complete", *fields[5:]]  # right after the status

    def save_model(self, request: HttpRequest, obj: RoleInterest, form: Any, change: bool) -> None:
        # The services move the saved row along and send the e-mails that go with it.
        saved = RoleInterest.objects.select_related("role").get(pk=obj.pk)
        if form.cleaned_data.get("vetting_complete"):
            role_interest_complete_vetting(interest=saved, by=staff_member(request))
        if "status" in form.changed_data:
            status = RoleInterest.Status(form.cleaned_data["status"])
            role_interest_set_status(interest=saved, status=status, by=staff_member(request))
