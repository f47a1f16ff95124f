"""Review rounds: staff open one with dates, a budget and a currency, and see what is requested,
approved and left. Saving goes through review_round_save (its rules, and requests joining)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from accounts.admin import AuditedModelAdmin, staff_member
from common.money import format_money

from ..models import FundingRequest, ReviewRound
from ..selectors import RoundFigures, review_round_figures
from ..services import review_round_check, review_round_save
from ._common import round_figures


class ReviewRoundForm(forms.ModelForm):
    class Meta:
        model = ReviewRound
        fields = ["name", "public_name", "opens_on", "closes_on", "budget", "currency"]
        help_texts = {
            "opens_on": "Funding requests submitted from this day on join the round.",
            "closes_on": "The last day a request can join it.",
            "budget": "What the round can give, in its currency: approvals count against it.",
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        needed = ("name", "opens_on", "closes_on", "budget", "currency")
        if all(data.get(name) is not None for name in needed):
            try:
                review_round_check(
                    review_round=self.instance if self.instance.pk else None,
                    **{name: data[name] for name in needed},
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(ReviewRound)
class ReviewRoundAdmin(AuditedModelAdmin):
    form = ReviewRoundForm
    list_display = (
        "name",
        "public_name",
        "opens_on",
        "closes_on",
        "is_open",
        "budget_display",
        "requested",
        "approved",
        "remaining",
    )
    date_hierarchy = "opens_on"
    search_fields = ("name", "public_name")
    readonly_fields = ("requested", "approved", "remaining", "requests_table", "created_by")
    fieldsets = (
        (
            None,
            {"fields": ("name", "public_name", ("opens_on", "closes_on"), ("budget", "currency"))},
        ),
        ("Budget", {"fields": ("requested", "approved", "remaining")}),
        ("Funding requests in this round", {"fields": ("requests_table",)}),
        (None, {"fields": ("created_by",)}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:  # opening a round: only what staff type
            return self.fieldsets[:1]
        return self.fieldsets

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not (obj.requests.exists() or obj.decisions.exists())

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """The page's rounds carry their figures (three queries for the whole page)."""
        changelist = super().get_changelist_instance(request)
        changelist.result_list = list(changelist.result_list)
        figures = round_figures(request)
        for review_round in changelist.result_list:
            review_round.figures = figures.get(review_round.pk)
        return changelist

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        review_round = super().get_object(request, object_id, from_field)
        if review_round is not None:
            review_round.figures = round_figures(request).get(review_round.pk)
        return review_round

    @staticmethod
    def _figures(obj: ReviewRound) -> RoundFigures:
        figures = getattr(obj, "figures", None)
        if figures is None:
            figures = review_round_figures(rounds=[obj])[obj.pk]
        return figures

    @admin.display(description="open now", boolean=True)
    def is_open(self, obj: ReviewRound) -> bool:
        return obj.opens_on <= timezone.localdate() <= obj.closes_on

    @admin.display(description="budget", ordering="budget")
    def budget_display(self, obj: ReviewRound) -> str:
        return format_money(obj.budget, obj.currency)

    @admin.display(description="requested")
    def requested(self, obj: ReviewRound) -> str:
        figures = self._figures(obj)
        text = f"{figures.show(figures.requested)} ({figures.requests} request"
        text += "s)" if figures.requests != 1 else ")"
        if figures.unconverted:
            text += f"; {figures.unconverted} without an exchange rate, not counted"
        return text

    @admin.display(description="approved")
    def approved(self, obj: ReviewRound) -> str:
        figures = self._figures(obj)
        return f"{figures.show(figures.approved)} ({figures.decided} decided)"

    @admin.display(description="remaining")
    def remaining(self, obj: ReviewRound) -> str:
        figures = self._figures(obj)
        return figures.show(figures.remaining)

    @admin.display(description="requests")
    def requests_table(self, obj: ReviewRound) -> SafeString:
        requests = (
            FundingRequest.objects.filter(round=obj)
            .select_related("help_request", "decision")
            .order_by("help_request__submitted_at")
        )
        rows = [
            (
                reverse("admin:funding_fundingrequest_change", args=[f.pk]),
                f.help_request.reference,
                f.help_request.title,
                format_money(f.help_request.amount, f.help_request.currency),
                str(f.decision) if hasattr(f, "decision") else "Not decided yet",
            )
            for f in requests
        ]
        if not rows:
            return format_html("<p>{}</p>", "No funding request in this round yet.")
        return format_html(
            '<table class="round-requests"><thead><tr><th scope="col">Request</th>'
            '<th scope="col">Title</th><th scope="col">Asked</th><th scope="col">Decision</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
                rows,
            ),
        )

    def save_model(self, request: HttpRequest, obj: ReviewRound, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = review_round_save(
            review_round=obj if change else None,
            name=data["name"],
            public_name=data.get("public_name", ""),
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            budget=data["budget"],
            currency=data["currency"],
            by=staff_member(request),
        )
        obj.pk, obj.created_by = saved.pk, saved.created_by
