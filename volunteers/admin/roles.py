"""Roles and their areas: publish, fill, close and review them."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.admin import AuditedModelAdmin, staff_member
from common.admin import cut

from ..models import Area, Role
from ..selectors import roles_admin_list
from ..services import (
    role_check_can_fill,
    role_mark_filled,
    role_mark_reviewed,
    role_save,
    role_set_status,
)
from ._common import _each


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
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
            role_check_can_fill(role=role, people_needed=self.cleaned_data.get("people_needed"))
        return status


@admin.register(Role)
class RoleAdmin(AuditedModelAdmin):
    form = RoleForm
    list_display = (
        "title_cell",
        "area",
        "status",
        "vetted",
        "needed",
        "new_count",
        "contacted_count",
        "onboarded_count",
        "closes",
        "reviewed",
    )
    list_display_links = ("title_cell",)
    list_filter = ("status", "area", "is_vetted")
    search_fields = ("title", "summary", "description", "skills", "contact_name")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("opened_at", "filled_at", "created_at", "updated_at")
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
            {"fields": ("last_reviewed_on", "opened_at", "filled_at", "created_at", "updated_at")},
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
            role_mark_filled(role=obj, by=staff_member(request))

    @admin.display(description="title", ordering="title")
    def title_cell(self, role: Role) -> SafeString:
        return cut(role.title, lines=2)

    @admin.display(description="vetted", boolean=True, ordering="is_vetted")
    def vetted(self, role: Role) -> bool:
        return role.is_vetted

    @admin.display(description="needed", ordering="people_needed")
    def needed(self, role: Role) -> int:
        return role.people_needed

    @admin.display(description="closes", ordering="closes_on")
    def closes(self, role: Role) -> str:
        return f"{role.closes_on:%d %b %Y}" if role.closes_on else "–"

    @admin.display(description="reviewed", ordering="last_reviewed_on")
    def reviewed(self, role: Role) -> str:
        return f"{role.last_reviewed_on:%d %b %Y}" if role.last_reviewed_on else "–"

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
            lambda role: role_mark_filled(role=role, by=staff_member(request)),
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
