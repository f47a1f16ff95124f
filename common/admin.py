"""What the project's admin pages share (Django only, like the rest of common/): the admin site,
which speaks staff's words, and the read-only base."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext


def cut(text: object, *, lines: int = 1, full: object = None) -> SafeString:
    """A list cell for text that may be long (a title, an e-mail address): shown on at most
    `lines` lines (1 or 2) and cut with an ellipsis (static/css/admin.css), the whole of it
    (or `full`) in the title, on hover. The text stays in the page: screen readers read it all.
    """
    shown = "–" if text is None or text == "" else str(text)
    whole = shown if full is None else str(full)
    return format_html('<span class="cut cut-{}" title="{}">{}</span>', lines, whole, shown)


def when(moment: Any) -> str:
    """A date and time short enough for a list column: "6 Dec 2026, 14:05"."""
    return date_format(timezone.localtime(moment), "j M Y, H:i") if moment else "–"


def staff_titles(context: dict[str, Any]) -> None:
    """Replace Django's stock titles in a page's context: a list is called by what it lists
    ("Help requests", not "Select help request to change"), a record by what it is ("Help
    request HR-2026-0042: …", not "Change help request"). Titles an admin set itself stay."""
    opts = context.get("opts")
    if opts is None:
        return
    title = context.get("title")
    changelist = context.get("cl")
    if changelist is not None and title == changelist.title and not changelist.is_popup:
        context["title"] = capfirst(opts.verbose_name_plural)
        return
    original = context.get("original")
    stock = {gettext("Change %s") % opts.verbose_name, gettext("View %s") % opts.verbose_name}
    if original is not None and not context.get("add") and title in stock:
        context["title"] = f"{capfirst(opts.verbose_name)} {original}"
        context["subtitle"] = None  # it said str(original), now in the title


class StaffAdminSite(admin.AdminSite):
    """The admin (admin.site, through StaffAdminConfig): every page titled in staff's words."""

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        wrapped = super().admin_view(view, cacheable)

        def titled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = wrapped(request, *args, **kwargs)
            if isinstance(response, TemplateResponse) and response.context_data is not None:
                staff_titles(response.context_data)  # not rendered yet: it reads the new title
            return response

        return update_wrapper(titled, wrapped)


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin, with StaffAdminSite as admin.site (INSTALLED_APPS names this)."""

    default_site = "common.admin.StaffAdminSite"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records staff read but never add, change or delete by hand (audit, runs, reports)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyChangePage(admin.ModelAdmin):
    """A change page staff read, with no Save or Delete buttons: what they decide there goes
    through actions or a page of its own, each calling a service (incoming mail, funding)."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete_link": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)
