"""Funding requests in the admin: the budget with its US dollar equivalent, the readiness
checklist, the round's figures, and the page where a reviewer records the decision."""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.admin import AuditedModelAdmin, staff_member
from common.admin import ReadOnlyChangePage, cut
from common.date_filters import long_date
from common.money import format_money
from help_requests.admin_replies import InsertCannedReplyMixin
from help_requests.models import HelpRequest

from ..forms import AmountField, amount_errors
from ..models import Decision, FundingRequest, ReviewRound
from ..selectors import FundingView, funding_for_admin, funding_view, submitted_on
from ..services import funding_decision_record
from ._common import rates, round_figures

# A request's id in a URL: digits, few enough for a bigint (the route takes any path).
KEY = re.compile(r"[0-9]{1,18}")


class DecisionFilter(admin.SimpleListFilter):
    title = "decision"
    parameter_name = "decision"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("none", "Not decided yet"), *Decision.PUBLIC_OUTCOME.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "none":
            return queryset.filter(decision__isnull=True)
        if value in Decision.Outcome.values:
            return queryset.filter(decision__outcome=value)
        return queryset


class DecisionForm(InsertCannedReplyMixin, forms.Form):
    """A reviewer's decision. The form only reads what was typed: every rule (a decision chosen,
    a reason to decline, an amount less than asked...) is funding_decision_record's, whose
    refusals land on these fields."""

    canned_reply_target = "message"
    field_order = ["outcome", "amount", "review_round", "canned_reply", "message"]

    outcome = forms.ChoiceField(
        label="Decision",
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    amount = AmountField(
        label="Amount approved",
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages=amount_errors(),
    )
    review_round = forms.ModelChoiceField(
        label="Review round",
        queryset=ReviewRound.objects.all(),
        required=False,
        empty_label="No round",
        help_text="Whose budget pays for an approval.",
    )
    message = forms.CharField(
        label="Message to the submitter",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="E-mailed to them and shown on their status page. Required when you decline: "
        "the reason.",
    )

    def __init__(self, *args: Any, funding: FundingRequest, **kwargs: Any) -> None:
        self.funding = funding
        super().__init__(*args, **kwargs)
        currency = funding.help_request.currency
        self.fields["amount"].help_text = (
            f"In {currency}, for “Approve part”: less than the "
            f"{format_money(funding.help_request.amount, currency)} asked."
        )

    def canned_reply_request(self) -> HelpRequest:
        return self.funding.help_request

    def canned_reply_amount(self) -> str:
        """{amount} is what is approved: the part typed in, or all of it."""
        help_request = self.funding.help_request
        outcome = self.data.get("outcome")
        if outcome == Decision.Outcome.PARTIAL:
            try:
                amount = self.fields["amount"].clean(self.data.get("amount", ""))
            except ValidationError:
                amount = None
            if isinstance(amount, Decimal) and amount > 0:
                return format_money(amount, help_request.currency)
        return format_money(help_request.amount, help_request.currency)


@admin.register(FundingRequest)
class FundingRequestAdmin(ReadOnlyChangePage, AuditedModelAdmin):
    list_display = (
        "reference",
        "title",
        "event_kind",
        "asked",
        "round_cell",
        "decision_display",
        "submitted",
    )
    list_display_links = ("reference", "title")
    list_filter = (DecisionFilter, "round", "event_kind", "help_request__status")
    search_fields = (
        "help_request__reference",
        "help_request__title",
        "help_request__name",
        "help_request__email",
        "help_request__organisation",
    )
    list_select_related = ("help_request", "event_kind", "round", "decision")
    list_per_page = 100
    show_full_result_count = False
    ordering = ("-help_request__submitted_at",)
    fieldsets = (
        (
            "Request",
            {
                "fields": (
                    "help_request_link",
                    ("submitter", "needed_by"),
                    ("event_kind", "expected_reach"),
                    "other_funding",
                    "sustainability",
                )
            },
        ),
        ("Budget", {"fields": ("budget",)}),
        ("Readiness checklist", {"fields": ("checklist",)}),
        ("Review", {"fields": ("round_display", "decision_panel")}),
    )
    readonly_fields = (
        "help_request_link",
        "submitter",
        "needed_by",
        "event_kind",
        "expected_reach",
        "other_funding",
        "sustainability",
        "budget",
        "checklist",
        "round_display",
        "decision_panel",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # funding requests come from the public form

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """The page's rows carry their US dollar equivalent (one query for every rate)."""
        changelist = super().get_changelist_instance(request)
        changelist.result_list = list(changelist.result_list)
        table = rates(request)
        for funding in changelist.result_list:
            help_request = funding.help_request
            funding.usd = (
                table.to_usd(help_request.amount, help_request.currency, submitted_on(help_request))
                if help_request.amount is not None and help_request.currency
                else None
            )
        return changelist

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        funding = super().get_object(request, object_id, from_field)
        if funding is not None:
            funding.view = funding_for_admin(pk=funding.pk)
            funding.round_figures = round_figures(request)
        return funding

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/decision/",
                wrap(self.decision_view),
                name="funding_fundingrequest_decision",
            ),
            *super().get_urls(),
        ]

    # Columns ---------------------------------------------------------------------------

    @admin.display(description="reference", ordering="help_request__reference")
    def reference(self, obj: FundingRequest) -> str:
        return obj.help_request.reference

    @admin.display(description="title", ordering="help_request__title")
    def title(self, obj: FundingRequest) -> SafeString:
        return cut(obj.help_request.title, lines=2)

    @admin.display(description="round", ordering="round__name")
    def round_cell(self, obj: FundingRequest) -> SafeString:
        return cut(obj.round.name if obj.round else None)

    @admin.display(description="asked", ordering="help_request__amount")
    def asked(self, obj: FundingRequest) -> str:
        """The amount asked and, for another currency, about how much in US dollars."""
        help_request = obj.help_request
        asked = format_money(help_request.amount, help_request.currency)
        if not asked or help_request.currency == "USD":
            return asked or "–"
        usd = getattr(obj, "usd", None)
        in_usd = f"about {format_money(usd, 'USD')}" if usd is not None else "no exchange rate"
        return format_html('{}<br><span class="quiet">{}</span>', asked, in_usd)

    @admin.display(description="decision")
    def decision_display(self, obj: FundingRequest) -> str:
        decision = getattr(obj, "decision", None)
        return str(decision) if decision is not None else "Not decided yet"

    @admin.display(description="submitted", ordering="help_request__submitted_at")
    def submitted(self, obj: FundingRequest) -> str:
        return f"{submitted_on(obj.help_request):%d %b %Y}"

    # The change page -------------------------------------------------------------------

    def _view(self, obj: FundingRequest) -> FundingView:
        view: FundingView | None = getattr(obj, "view", None)
        if view is None:
            view = funding_view(funding=obj)
            obj.view = view  # type: ignore[attr-defined]
        return view

    @admin.display(description="help request")
    def help_request_link(self, obj: FundingRequest) -> SafeString:
        url = reverse("admin:help_requests_helprequest_change", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> ({}; triage, replies and history there)',
            url,
            obj.help_request,
            obj.help_request.get_status_display(),
        )

    @admin.display(description="from")
    def submitter(self, obj: FundingRequest) -> str:
        help_request = obj.help_request
        who = f"{help_request.name} <{help_request.email}>"
        return f"{who}, {help_request.organisation}" if help_request.organisation else who

    @admin.display(description="needed by")
    def needed_by(self, obj: FundingRequest) -> str:
        day = obj.help_request.needed_by
        return long_date(day) or "–"

    @admin.display(description="lines")
    def budget(self, obj: FundingRequest) -> SafeString:
        return mark_safe(  # noqa: S308 (a template: everything in it is escaped)
            render_to_string("admin/funding/_budget.html", {"view": self._view(obj)})
        )

    @admin.display(description="rules")
    def checklist(self, obj: FundingRequest) -> SafeString:
        return mark_safe(  # noqa: S308 (a template: everything in it is escaped)
            render_to_string(
                "funding/_checklist.html",
                {"checklist": self._view(obj).checklist, "heading_level": 0, "staff": True},
            )
        )

    @admin.display(description="review round")
    def round_display(self, obj: FundingRequest) -> SafeString:
        if obj.round is None:
            return format_html("{}", "In no round (choose one when you record a decision).")
        figures = getattr(obj, "round_figures", {}).get(obj.round_id)
        url = reverse("admin:funding_reviewround_change", args=[obj.round_id])
        if figures is None:
            return format_html('<a href="{}">{}</a>', url, obj.round)
        return format_html(
            '<a href="{}">{}</a>: budget {}, approved {}, <strong>{} left</strong>',
            url,
            obj.round,
            figures.show(obj.round.budget),
            figures.show(figures.approved),
            figures.show(figures.remaining),
        )

    @admin.display(description="decision")
    def decision_panel(self, obj: FundingRequest) -> SafeString:
        decision = getattr(obj, "decision", None)
        if decision is None:
            url = reverse("admin:funding_fundingrequest_decision", args=[obj.pk])
            return format_html('<a class="button" href="{}">Record a decision</a>', url)
        return mark_safe(  # noqa: S308 (a template: everything in it is escaped)
            render_to_string("admin/funding/_decision.html", {"decision": decision})
        )

    # Recording a decision --------------------------------------------------------------

    def decision_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET: the request, its checklist, the rounds' budgets and the form; POST: record the
        decision (once), or insert a canned reply into the message."""
        if not KEY.fullmatch(object_id):
            raise Http404("No funding request has this id.")  # not a key: a 404, never a 500
        funding = get_object_or_404(
            FundingRequest.objects.select_related("help_request", "round"), pk=object_id
        )
        if not self.has_change_permission(request, funding):
            raise PermissionDenied
        back = reverse("admin:funding_fundingrequest_change", args=[funding.pk])
        if Decision.objects.filter(request=funding).exists():
            self.message_user(request, "A decision on this request is recorded already.")
            return HttpResponseRedirect(back)
        if request.method == "POST":
            form = DecisionForm(request.POST, funding=funding)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    decision = funding_decision_record(
                        funding_request=funding,
                        by=staff_member(request),
                        outcome=data["outcome"],
                        amount=data.get("amount"),
                        message=data.get("message", ""),
                        review_round=data.get("review_round"),
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.log_change(request, funding, f"Decision recorded: {decision}")
                    self.message_user(
                        request,
                        f"Decision recorded: {decision}. The submitter is told by e-mail and on "
                        "their status page.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(back)
        else:
            form = DecisionForm(funding=funding, initial={"review_round": funding.round_id})
        figures = round_figures(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Record a decision on {funding.help_request.reference}",
            "subtitle": funding.help_request.title,
            "funding": funding,
            "view": funding_for_admin(pk=funding.pk),
            "form": form,
            "adminform": helpers.AdminForm(
                form,  # type: ignore[arg-type]  # any form draws the same way
                [("Your decision", {"fields": list(form.fields)})],
                {},
                model_admin=self,
            ),
            "rounds": [figures[r.pk] for r in ReviewRound.objects.all() if r.pk in figures],
            "errors": form.errors,
        }
        return render(request, "admin/funding/fundingrequest/decision.html", context)
