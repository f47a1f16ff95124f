"""Staff side of privacy: "erase this person's data" on requests, interests and pool members
(for holders of privacy.erase_personal_data only), the record of erasures, and the retention
runs with their CSV for the board.

The other apps' admins know nothing of erasure: privacy's AppConfig.ready() attaches the action
to them (erasure_attach).
"""

import csv
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from accounts.models import User
from common.admin import ReadOnlyAdmin
from common.privacy import is_erased_address
from common.spreadsheet import csv_cell
from help_requests.models import HelpRequest
from volunteers.models import PoolMember, RoleInterest

from .models import Erasure, RetentionRun
from .retention import COUNTS
from .services import person_erase, person_export, person_of_address_for_staff, person_open_requests

PERMISSION = "privacy.erase_personal_data"


def _people(queryset: QuerySet) -> list[str]:
    """The addresses of the selected rows (each person once), leaving out erased ones."""
    addresses: dict[str, str] = {}
    for obj in queryset:
        email = getattr(obj, "email", "")
        if email and not is_erased_address(email):
            addresses.setdefault(email.lower(), email)
    return list(addresses.values())


def _what_is_held(email: str) -> dict[str, Any]:
    person = person_of_address_for_staff(email=email)
    data = person_export(person=person)
    return {
        "email": email,
        "other_addresses": [e for e in person.emails if e.lower() != email.lower()],
        "account": person.user is not None,
        "requests": [r["reference"] for r in data["help_requests"]],
        "interests": len(data["role_interests"]),
        "pool": len(data["volunteer_pool"]),
        "emails": len(data["emails_to_you"]),
        "open_requests": person_open_requests(person=person),
    }


@admin.action(
    description="Erase this person's data",
    location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
)
def erase_personal_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Like Django's delete: a confirmation page first; "Yes, erase" erases each person (by the
    address of each selected row) through the one erasure service."""
    staff = request.user
    if not isinstance(staff, User) or not staff.has_perm(PERMISSION):
        raise PermissionDenied
    emails = _people(queryset)
    on_change_form = f"{ActionLocation.CHANGE_FORM.value}-action" in request.POST
    changelist = reverse(
        f"admin:{modeladmin.opts.app_label}_{modeladmin.opts.model_name}_changelist"
    )
    if request.POST.get("post") == "yes":
        erased = 0
        for email in emails:
            person = person_of_address_for_staff(email=email)
            try:
                erasure = person_erase(
                    person=person, via=Erasure.Via.STAFF, by=staff, request=request
                )
            except ValidationError as error:
                modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
                continue
            erased += erasure is not None
        modeladmin.message_user(request, f"Erased the data of {erased} person(s).")
        return HttpResponseRedirect(changelist)
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Erase this person's data?",
        "opts": opts,
        "queryset": queryset,
        "people": [_what_is_held(email) for email in emails],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action_field": f"{ActionLocation.CHANGE_FORM.value}-action"
        if on_change_form
        else "action",
        "changelist": changelist,
    }
    return TemplateResponse(request, "admin/privacy/erase_confirmation.html", context)


class PersonalDataErasureAdmin(admin.ModelAdmin):
    """Adds "erase this person's data" to a model admin whose rows have an `email`, for staff
    who hold privacy.erase_personal_data (not the PSF staff group: superusers give it)."""

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        if self.actions is not None and request.user.has_perm(PERMISSION):
            action = self.get_action(erase_personal_data, action_location)
            if action is not None:
                actions[action.name] = action
        return actions


# The admins whose rows are each a person's (they have an `email`).
ERASABLE: tuple[type[Model], ...] = (HelpRequest, RoleInterest, PoolMember)


def erasure_attach(*, site: admin.AdminSite) -> None:
    """Give the admins of ERASABLE "erase this person's data": each is registered again as a
    subclass of itself with PersonalDataErasureAdmin in front (privacy's ready() calls this,
    once every app's admin module is loaded)."""
    for model in ERASABLE:
        registered = type(site.get_model_admin(model))
        if issubclass(registered, PersonalDataErasureAdmin):
            continue
        attributes = {"__module__": registered.__module__, "__doc__": registered.__doc__}
        erasable = type(registered.__name__, (PersonalDataErasureAdmin, registered), attributes)
        site.unregister(model)
        site.register(model, erasable)


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    """Who erased what, how much of it, and when; never whose data it was."""

    list_display = ("at", "via", "by", "summary", "references")
    list_filter = ("via",)
    list_select_related = ("by",)
    date_hierarchy = "at"
    fields = ("at", "via", "by", "counts", "references")
    readonly_fields = fields


def retention_runs_csv(runs: QuerySet[RetentionRun]) -> HttpResponse:
    """Every run with its counts, one row each, for a spreadsheet (formula cells defused)."""
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="retention-runs-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(("started_at", "finished_at", *COUNTS, "error"))
    for run in runs:
        counts = [str(run.counts.get(name, "")) for name in COUNTS]
        finished = run.finished_at.isoformat() if run.finished_at else ""
        row = [run.started_at.isoformat(), finished, *counts, run.error]
        writer.writerow([csv_cell(cell) for cell in row])
    return response


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """The daily retention job's runs; "Download CSV" gives them all, for the board."""

    list_display = ("started_at", "finished_at", "counts_summary", "error")
    date_hierarchy = "started_at"
    fields = ("started_at", "finished_at", "counts", "error")
    readonly_fields = fields
    change_list_template = "admin/privacy/retentionrun/change_list.html"

    @admin.display(description="counts")
    def counts_summary(self, run: RetentionRun) -> str:
        return ", ".join(f"{name.replace('_', ' ')}: {run.counts.get(name, 0)}" for name in COUNTS)

    def get_urls(self) -> list[Any]:
        export = self.admin_site.admin_view(self.export_view)
        return [path("export.csv", export, name="privacy_retentionrun_export"), *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return retention_runs_csv(RetentionRun.objects.order_by("started_at"))
