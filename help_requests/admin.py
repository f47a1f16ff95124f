"""Staff triage: a changelist to work from, and a change page whose edits go through services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from accounts.admin import AuditedModelAdmin, staff_member
from accounts.models import User
from attachments.uploads import refused_uploads
from common.admin import cut

from .admin_conversation import conversation_html, files_html
from .admin_replies import InsertCannedReplyMixin
from .form_files import AttachFilesMixin, files_field, files_hint
from .models import SEARCH_FIELDS, HelpRequest, HelpRequestEvent
from .privacy import help_requests_delete
from .selectors import help_request_admin_list
from .services import help_request_triage, help_request_triage_check


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        staff = (
            User.objects.filter(is_staff=True, is_active=True)
            .order_by("email")
            .values_list("pk", "email")
        )
        return [("mine", "Assigned to me"), ("none", "Unassigned")] + [
            (str(pk), email) for pk, email in staff
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "mine":
            return queryset.filter(assignee=staff_member(request))
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class TriageForm(AttachFilesMixin, InsertCannedReplyMixin, forms.ModelForm):
    """Triage fields plus two ways to write, each with files: a public reply (a canned one to
    start from, if wanted) or an internal note."""

    public_reply = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="E-mailed to the submitter and shown on their status page.",
    )
    public_reply_files = files_field(
        "Files for the reply",
        files_hint("The submitter can download them from their status page."),
    )
    internal_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only staff see this.",
    )
    internal_note_files = files_field(
        "Files for the note", files_hint("Only staff can download them.")
    )

    file_fields = ("public_reply_files", "internal_note_files")

    TRIAGE_FIELDS = ("status", "priority", "assignee")

    class Meta:
        model = HelpRequest
        fields = ["status", "priority", "assignee"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Post back what the page showed, so a save changes only what this person changed
        # and keeps a colleague's newer triage.
        for name in self.TRIAGE_FIELDS:
            self.fields[name].show_hidden_initial = True

    def canned_reply_request(self) -> HelpRequest:
        return self.instance

    def form_comes_back(self) -> bool:
        return self.inserting or super().form_comes_back()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            help_request_triage_check(
                help_request=self.instance,
                status=data.get("status"),
                public_reply=data.get("public_reply", ""),
                internal_note=data.get("internal_note", ""),
                reply_files=data.get("public_reply_files") or [],
                note_files=data.get("internal_note_files") or [],
            )
        except ValidationError as error:
            self.add_error(None, error)
        return data


class HistoryInline(admin.TabularInline):
    model = HelpRequestEvent
    template = "admin/help_requests/readonly_tabular.html"
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "field", "changed_from", "changed_to", "note")
    readonly_fields = fields
    verbose_name_plural = "History"

    @admin.display(description="from")
    def changed_from(self, event: HelpRequestEvent) -> str:
        return event.old_label

    @admin.display(description="to")
    def changed_to(self, event: HelpRequestEvent) -> str:
        return event.new_label

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")


def _triage_each(request: HttpRequest, queryset: QuerySet, **changes: Any) -> int:
    """Apply one triage change to every selected row, each through the service."""
    rows = list(queryset)  # evaluate once: the change may move rows out of a filtered list
    for help_request in rows:
        help_request_triage(help_request=help_request, by=staff_member(request), **changes)
    return len(rows)


def _bulk_action(name: str, description: str, done: str, **changes: Any) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        count = _triage_each(request, queryset, **changes)
        modeladmin.message_user(request, f"{count} request(s) {done}.")

    action.__name__ = name
    return admin.action(description=description)(action)


STATUS_ACTIONS = [
    _bulk_action(f"set_status_{s.value}", f"Set status: {s.label}", f"set to {s.label}", status=s)
    for s in HelpRequest.Status
    # Waiting needs a question (help_request_triage_check), which a bulk action cannot carry.
    if s != HelpRequest.Status.WAITING
]
PRIORITY_ACTIONS = [
    _bulk_action(
        f"set_priority_{p.name.lower()}",
        f"Set priority: {p.label}",
        f"set to {p.label}",
        priority=p,
    )
    for p in HelpRequest.Priority
]


@admin.register(HelpRequest)
class HelpRequestAdmin(AuditedModelAdmin):
    form = TriageForm
    list_display = (
        "reference",
        "title_cell",
        "area",
        "kinds_list",
        "status",
        "priority",
        "assignee_cell",
        "source",
        "age",
    )
    list_display_links = ("reference", "title_cell")
    list_filter = ("status", "area", "kinds", "priority", AssigneeFilter, "type", "source")
    search_fields = SEARCH_FIELDS  # each with its trigram index on PostgreSQL
    list_per_page = 100
    # Filtered, the list says "N results" without also counting the whole table (a scan).
    show_full_result_count = False
    date_hierarchy = "submitted_at"
    ordering = ("-submitted_at",)
    readonly_fields = (
        "reference",
        "type",
        "source",
        "submitted_at",
        "answer_due",
        "closed_at",
        "name",
        "email",
        "user",
        "organisation",
        "area",
        "kinds_list",
        "title",
        "description",
        "amount",
        "currency",
        "needed_by",
        "links",
        "conversation",
        "files",
        "funding",
    )
    # Read first, then act: the request and its conversation come before the triage fields and
    # the reply box.
    fieldsets = (
        (
            "Request",
            {
                "fields": (
                    ("reference", "type", "source"),
                    ("submitted_at", "answer_due", "closed_at"),
                    ("name", "email", "user"),
                    "organisation",
                    ("area", "kinds_list"),
                    "title",
                    "description",
                    ("amount", "currency", "needed_by"),
                    "links",
                    "funding",
                )
            },
        ),
        ("Conversation", {"fields": ("conversation", "files")}),
        ("Triage", {"fields": ("status", "priority", "assignee")}),
        (
            "Write to the submitter, or note for staff",
            {
                "fields": (
                    "canned_reply",
                    "public_reply",
                    "public_reply_files",
                    "internal_note",
                    "internal_note_files",
                )
            },
        ),
    )
    inlines = (HistoryInline,)
    # The assignee is a plain <select> of staff (a short list), labelled like every other field:
    # the autocomplete widget's combobox had no accessible name.
    actions = (
        "assign_to_me",
        *STATUS_ACTIONS,
        *PRIORITY_ACTIONS,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return help_request_admin_list()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from the public form

    # Only those with the delete permission (not the PSF staff group) delete a request: with its
    # files, which an owner's deletion would leave behind (help_requests/privacy.py).
    def delete_model(self, request: HttpRequest, obj: HelpRequest) -> None:
        help_requests_delete(help_requests=HelpRequest.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        help_requests_delete(help_requests=queryset)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        """The triage form, told what the upload handler refused of this POST's files."""
        form = super().get_form(request, obj, change, **kwargs)
        if request.method != "POST":
            return form
        refusals = tuple(refused_uploads(request))
        return type(form.__name__, (form,), {"upload_refusals": refusals})

    @admin.display(description="title", ordering="title")
    def title_cell(self, obj: HelpRequest) -> SafeString:
        return cut(obj.title, lines=2)

    @admin.display(description="assignee", ordering="assignee__email")
    def assignee_cell(self, obj: HelpRequest) -> SafeString | str:
        """Their name, short; the address on hover."""
        if obj.assignee is None:
            return "–"
        return cut(obj.assignee.name or obj.assignee.email, full=obj.assignee.email)

    @admin.display(description="kinds")
    def kinds_list(self, obj: HelpRequest) -> str:
        return ", ".join(kind.label for kind in obj.kinds.all()) or "–"

    @admin.display(description="replies and internal notes")
    def conversation(self, obj: HelpRequest) -> SafeString:
        return conversation_html(obj)

    @admin.display(description="all files")
    def files(self, obj: HelpRequest) -> SafeString:
        return files_html(obj)

    @admin.display(description="budget and decision")
    def funding(self, obj: HelpRequest) -> str:
        """A funding request's budget, checklist and decision are on its funding page."""
        if not hasattr(obj, "funding"):
            return "–"
        url = reverse("admin:funding_fundingrequest_change", args=[obj.pk])
        return format_html('<a href="{}">Budget, checklist and decision</a>', url)

    @admin.display(description="age", ordering="submitted_at")
    def age(self, obj: HelpRequest) -> str:
        return timesince(obj.submitted_at, timezone.now()).split(",")[0]

    @admin.action(description="Assign to me")
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = _triage_each(request, queryset, assignee=staff_member(request))
        self.message_user(request, f"{count} request(s) assigned to you.")

    def save_model(self, request: HttpRequest, obj: HelpRequest, form: Any, change: bool) -> None:
        data, changed = form.cleaned_data, form.changed_data
        help_request_triage(
            help_request=obj,
            by=staff_member(request),
            status=data["status"] if "status" in changed else None,
            priority=data["priority"] if "priority" in changed else None,
            assignee=data["assignee"] if "assignee" in changed else False,
            public_reply=data.get("public_reply", ""),
            internal_note=data.get("internal_note", ""),
            reply_files=data.get("public_reply_files") or [],
            note_files=data.get("internal_note_files") or [],
        )
        if data.get("public_reply"):
            messages.info(request, "Your reply is on its way to the submitter.")
