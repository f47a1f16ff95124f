"""People in the admin, the audit record (superusers, read-only), and the audited admin base."""

from typing import Any, cast

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils.html import format_html
from django.utils.safestring import SafeString

from common.admin import ReadOnlyAdmin, cut, when

from .audit import audit_record
from .models import AuditEvent, User


def staff_member(request: HttpRequest) -> User:
    """The signed-in staff member of an admin request (the admin lets only staff in), typed as
    the services want their `by`."""
    return cast(User, request.user)


class AuditedModelAdmin(admin.ModelAdmin):
    """Every add, change, delete and action in this admin is also an AuditEvent.

    Django calls the log_* hooks inside the change form's transaction; actions get one here.
    """

    def action_checkbox(self, obj: Model) -> SafeString:
        """Django's row checkbox, written directly: drawn through the form widget templates it
        cost more than all the other cells of a row together (make bench, 100 rows a page)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            obj,
        )

    def _audit(self, request: HttpRequest, action: AuditEvent.Action, **kwargs: Any) -> None:
        audit_record(action=action, actor=request.user, request=request, **kwargs)

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        detail = entry.get_change_message() if isinstance(entry, LogEntry) else ""
        self._audit(request, AuditEvent.Action.ADMIN_ADDED, target=obj, detail=detail)
        return entry

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        detail = entry.get_change_message() if isinstance(entry, LogEntry) else ""
        self._audit(request, AuditEvent.Action.ADMIN_CHANGED, target=obj, detail=detail)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._audit(request, AuditEvent.Action.ADMIN_DELETED, target=obj)
        return entries

    def response_action(  # type: ignore[override]
        self, request: HttpRequest, queryset: QuerySet, *args: Any, **kwargs: Any
    ) -> HttpResponseBase | None:
        with transaction.atomic():
            response = super().response_action(request, queryset, *args, **kwargs)
            if response is not None:  # the action ran (None: nothing selected, no action)
                self._audit(request, AuditEvent.Action.ADMIN_ACTION, detail=_action_detail(request))
        return response


def _action_detail(request: HttpRequest) -> str:
    """'<action> on <model>: ids 3, 5' (or 'every row matching the filter')."""
    try:
        index = int(request.POST.get("index", 0))
    except ValueError:
        index = 0
    names = request.POST.getlist("action")
    name = names[index] if index < len(names) else "?"
    if request.POST.get("select_across") == "1":
        which = "every row matching the filter"
    else:
        which = "ids " + ", ".join(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
    return f"{name} on {request.path}: {which}"


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email_cell", "name_cell", "staff", "active", "last_sign_in")
    list_display_links = ("email_cell",)
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description="e-mail address", ordering="email")
    def email_cell(self, user: User) -> SafeString:
        return cut(user.email)

    @admin.display(description="name", ordering="name")
    def name_cell(self, user: User) -> SafeString:
        return cut(user.name)

    @admin.display(description="staff", boolean=True, ordering="is_staff")
    def staff(self, user: User) -> bool:
        return user.is_staff

    @admin.display(description="active", boolean=True, ordering="is_active")
    def active(self, user: User) -> bool:
        return user.is_active

    @admin.display(description="last sign-in", ordering="last_login")
    def last_sign_in(self, user: User) -> str:
        return when(user.last_login)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The record of sign-ins, factors, passwords and admin edits: superusers read it, nobody
    writes it here."""

    list_display = ("at_short", "actor_cell", "action", "target_type", "target_cell", "ip")
    list_filter = ("action", ("actor", admin.RelatedOnlyFieldListFilter), "target_type")
    search_fields = ("actor_email", "target_repr", "detail")
    # Filtered, the list says "N results" without also counting the whole table (a scan).
    show_full_result_count = False
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description="at", ordering="at")
    def at_short(self, event: AuditEvent) -> str:
        return when(event.at)

    @admin.display(description="e-mail", ordering="actor_email")
    def actor_cell(self, event: AuditEvent) -> SafeString:
        return cut(event.actor_email)

    @admin.display(description="which", ordering="target_repr")
    def target_cell(self, event: AuditEvent) -> SafeString:
        return cut(event.target_repr, lines=2)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser
