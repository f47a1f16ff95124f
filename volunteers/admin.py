"""Staff work the volunteer half here: roles, the hands raised for them, and the pool."""

import csv
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from accounts.models import User

from .models import Area, PoolMember, Role, RoleInterest
from .selectors import (
    pool_members_admin_list,
    pool_members_subscribed,
    role_interests_admin_list,
    roles_admin_list,
)
from .services import (
    role_interest_complete_vetting,
    role_interest_newer_hand,
    role_interest_set_status,
    role_mark_filled,
    role_mark_reviewed,
    role_save,
    role_set_status,
)


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)


def _each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    rows: Iterable[Any],
    change: Callable[[Any], Any],
    done: str,
) -> None:
    """Apply a service to each selected row; rows it refuses are reported, not half-done."""
    changed, refused = 0, []
    for obj in list(rows):
        try:
            change(obj)
        except ValidationError as error:
            refused.extend(error.messages)
            continue
        modeladmin.log_change(request, obj, done)
        changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} {done}.")
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


# Roles ------------------------------------------------------------------------------------------


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "position")
    list_editable = ("position",)
    search_fields = ("label",)


class RoleForm(forms.ModelForm):
    """Choosing "Filled" here follows the same rule as the "Mark filled" action."""

    class Meta:
        model = Role
        fields = [
            "title",
            "slug",
            "area",
            "status",
            "closes_on",
            "summary",
            "description",
            "skills",
            "first_task",
            "time_commitment",
            "location",
            "people_needed",
            "is_vetted",
            "contact_name",
            "contact_email",
            "last_reviewed_on",
        ]

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        role = self.instance
        if status == Role.Status.FILLED and role.pk and role.status != Role.Status.FILLED:
            onboarded = role.interests.filter(status=RoleInterest.Status.ONBOARDED).count()
            needed = self.cleaned_data.get("people_needed") or role.people_needed
            if onboarded < needed:
                raise ValidationError(
                    f"This role needs {needed} people and has {onboarded} onboarded: "
                    "onboard them first, or lower “people needed”."
                )
        return status


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    form = RoleForm
    list_display = (
        "title",
        "area",
        "status",
        "is_vetted",
        "people_needed",
        "new_count",
        "contacted_count",
        "onboarded_count",
        "closes_on",
        "last_reviewed_on",
    )
    list_filter = ("status", "area", "is_vetted")
    search_fields = ("title", "summary", "description", "skills", "contact_name")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("opened_at", "created_at", "updated_at")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("title", "slug", "area", "status", "closes_on")}),
        (
            "What the role is",
            {"fields": ("summary", "description", "skills", "first_task")},
        ),
        (
            "What it asks",
            {"fields": ("time_commitment", "location", "people_needed", "is_vetted")},
        ),
        ("Who to talk to", {"fields": ("contact_name", "contact_email")}),
        (
            "Record",
            {"fields": ("last_reviewed_on", "opened_at", "created_at", "updated_at")},
        ),
    )
    actions = ("open_roles", "mark_filled", "close_roles", "mark_reviewed")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return roles_admin_list()

    def save_model(self, request: HttpRequest, obj: Role, form: Any, change: bool) -> None:
        filling = change and "status" in form.changed_data and obj.status == Role.Status.FILLED
        if filling:  # save the other edits, then fill it as the action does (answers who waits)
            obj.status = form.initial["status"]
        role_save(role=obj)
        if filling:
            role_mark_filled(role=obj, by=_staff(request))

    def _interests_link(self, role: Role, status: str, count: int) -> str:
        url = reverse("admin:volunteers_roleinterest_changelist")
        return format_html(
            '<a href="{}?role__id__exact={}&amp;status__exact={}">{}</a>',
            url,
            role.pk,
            status,
            count,
        )

    @admin.display(description="new", ordering="new_count")
    def new_count(self, role: Role) -> str:
        return self._interests_link(role, "new", role.new_count)  # type: ignore[attr-defined]

    @admin.display(description="contacted", ordering="contacted_count")
    def contacted_count(self, role: Role) -> str:
        return self._interests_link(role, "contacted", role.contacted_count)  # type: ignore[attr-defined]

    @admin.display(description="onboarded", ordering="onboarded_count")
    def onboarded_count(self, role: Role) -> str:
        return self._interests_link(role, "onboarded", role.onboarded_count)  # type: ignore[attr-defined]

    @admin.action(description="Open (publish) selected roles")
    def open_roles(self, request: HttpRequest, queryset: QuerySet) -> None:
        _each(
            self,
            request,
            queryset,
            lambda role: role_set_status(role=role, status=Role.Status.OPEN),
            "role(s) opened",
        )

    @admin.action(description="Mark filled (enough people onboarded)")
    def mark_filled(self, request: HttpRequest, queryset: QuerySet) -> None:
        _each(
            self,
            request,
            queryset,
            lambda role: role_mark_filled(role=role, by=_staff(request)),
            "role(s) marked filled; other open interests were thanked and declined",
        )

    @admin.action(description="Close selected roles")
    def close_roles(self, request: HttpRequest, queryset: QuerySet) -> None:
        _each(
            self,
            request,
            queryset,
            lambda role: role_set_status(role=role, status=Role.Status.CLOSED),
            "role(s) closed",
        )

    @admin.action(description="Mark reviewed today")
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet) -> None:
        _each(
            self, request, queryset, lambda role: role_mark_reviewed(role=role), "role(s) reviewed"
        )


# Interests --------------------------------------------------------------------------------------


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
                interest=interest, status=status, by=_staff(request)
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
        vetting_pending = interest.needs_vetting and not interest.vetted_at
        vetting_pending = vetting_pending and not data.get("vetting_complete")
        if status == RoleInterest.Status.ONBOARDED and vetting_pending:
            self.add_error("status", "Complete vetting first: tick “Vetting is complete”.")
        reopened = interest.status == RoleInterest.Status.DECLINED and status != interest.status
        if reopened and role_interest_newer_hand(interest):
            self.add_error(
                "status",
                "This person raised a hand for the role again after being declined; "
                "work on that newer interest instead.",
            )
        return data


@admin.register(RoleInterest)
class RoleInterestAdmin(admin.ModelAdmin):
    form = InterestStatusForm
    list_display = ("name", "email", "role", "status", "vetting", "age", "escalated_at")
    list_display_links = ("name",)
    list_filter = ("status", VettingFilter, "role__area", "role")
    search_fields = ("name", "email", "message", "availability", "role__title")
    list_per_page = 50
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
            lambda interest: role_interest_complete_vetting(interest=interest, by=_staff(request)),
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
            role_interest_complete_vetting(interest=saved, by=_staff(request))
        if "status" in form.changed_data:
            status = RoleInterest.Status(form.cleaned_data["status"])
            role_interest_set_status(interest=saved, status=status, by=_staff(request))


# Pool -------------------------------------------------------------------------------------------


class PoolStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("subscribed", "Confirmed and subscribed"),
            ("pending", "Waiting for confirmation"),
            ("unsubscribed", "Unsubscribed"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "subscribed":
            return queryset.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        if value == "pending":
            return queryset.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)
        if value == "unsubscribed":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


CSV_COLUMNS = ("email", "name", "interests", "skills", "confirmed_at", "consented_at")


def _csv_cell(value: str) -> str:
    """Spreadsheets run cells that start like a formula; defuse them (OWASP CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def pool_members_csv(members: Iterable[PoolMember]) -> HttpResponse:
    """Confirmed, subscribed members as a CSV file staff can open in a spreadsheet."""
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="volunteer-pool-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for member in members:
        row = [
            member.email,
            member.name,
            "; ".join(area.label for area in member.interests.all()),
            member.skills,
            member.confirmed_at.isoformat() if member.confirmed_at else "",
            member.consented_at.isoformat(),
        ]
        writer.writerow([_csv_cell(cell) for cell in row])
    return response


@admin.register(PoolMember)
class PoolMemberAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "state", "interest_list", "created_at", "confirmed_at")
    list_filter = (PoolStateFilter, "interests")
    search_fields = ("email", "name", "skills")
    list_per_page = 100
    date_hierarchy = "created_at"
    fields = (
        ("email", "name"),
        "interests",
        "skills",
        ("state", "created_at", "confirmed_at", "unsubscribed_at"),
        "consent_text",
        "consented_at",
    )
    readonly_fields = (
        "email",
        "state",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "consent_text",
        "consented_at",
    )
    actions = ("export_csv",)
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

    @admin.display(description="interests")
    def interest_list(self, member: PoolMember) -> str:
        return ", ".join(area.label for area in member.interests.all()) or "–"

    @admin.action(description="Export selected as CSV (confirmed, subscribed only)")
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return pool_members_csv(pool_members_subscribed().filter(pk__in=queryset.values("pk")))

    def export_all_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return pool_members_csv(pool_members_subscribed().order_by("email"))
