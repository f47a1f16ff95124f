"""The funding part of the public help-request form: an itemised budget and its context.

`FundingFieldsMixin` adds to a form the budget's currency, the kind of event, a row of fields per
budget line (`line-<n>-description`, `line-<n>-category`, `line-<n>-amount`), reach, other funding
and sustainability. The lines are plain fields of the one form, so the error summary, the page's
title and the drawn-form cache treat them like any other field. Without JavaScript, "Add another
line" posts the form and it comes back, as typed, with one more row; empty rows are left out.
"""

from datetime import date
from decimal import Decimal
from typing import Any, cast

from crispy_forms.bootstrap import StrictButton
from crispy_forms.layout import HTML, Div, Fieldset, LayoutObject
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone

from common.forms import show_as_required, single_line, text_errors
from common.lookups import lookup_rows
from common.money import MAX_AMOUNT, format_money, parse_amount

from .models import BudgetCategory, EventKind
from .policy import (
    Checklist,
    LineInput,
    funding_budget_check,
    funding_policy_check,
)
from .selectors import funding_form_facts

DEFAULT_LINES = 3
MAX_LINES = 30
LINE_PARTS = ("description", "category", "amount")
MAX_REACH = 10_000_000


def line_field(index: int, part: str) -> str:
    return f"line-{index}-{part}"


class AmountField(forms.DecimalField):
    """An amount typed as text (a number box throws away what it cannot read): "1,250.50" too."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = parse_amount(value)
        return super().to_python(value)


def amount_errors(prefix: str = "") -> dict[str, str]:
    """An amount's messages; `prefix` names the line ("Line 2: ")."""

    def say(text: str) -> str:
        return f"{prefix}{text}" if prefix else text[:1].upper() + text[1:]

    return {
        "required": say("enter the amount, like 500 or 1250.50."),
        "invalid": say("enter the amount in numbers, like 500 or 1250.50."),
        "max_digits": say("enter an amount below 10,000,000,000."),
        "max_whole_digits": say("enter an amount below 10,000,000,000."),
        "max_decimal_places": say("enter the amount with at most two decimals, like 1250.50."),
    }


class FundingFieldsMixin(forms.Form):
    """Fields and checks of a funding request; the form decides when they apply (`wants_funding`)
    and calls `clean_funding()` from its clean()."""

    FUNDING_FIELDS_BEFORE = ("currency", "event_kind")
    FUNDING_FIELDS_AFTER = ("expected_reach", "other_funding", "sustainability")

    currency = forms.ChoiceField(
        label="Currency",
        required=False,
        help_text="The currency of your budget: every line is in it. The list has the "
        "currencies the PSF keeps an exchange rate for: if yours is not there, convert your "
        "amounts to one of them.",
        error_messages={"invalid_choice": "Choose a currency from the list."},
    )
    event_kind = forms.ChoiceField(
        label="What is the money for?",
        required=False,
        error_messages={"invalid_choice": "Choose what the money is for from the list."},
    )
    expected_reach = forms.IntegerField(
        label="How many people will it reach?",
        required=False,
        min_value=1,
        max_value=MAX_REACH,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="Expected attendance, members or users: a number, like 300.",
        error_messages={
            "invalid": "Enter the number of people as a number, like 300.",
            "min_value": "Enter the number of people as a number, like 300.",
            "max_value": f"Enter a number of people below {MAX_REACH:,}.",
        },
    )
    other_funding = forms.CharField(
        label="Other funding sources",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sponsors, ticket sales, other grants: who else pays for what, and how much.",
        error_messages=text_errors("Other funding sources", 5_000),
    )
    sustainability = forms.CharField(
        label="How will this sustain itself after the grant?",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The PSF funds a start: say how it will carry on without the PSF's money.",
        error_messages=text_errors("How it will sustain itself", 5_000),
    )
    # How many rows the page drew (read from the raw data, never an error of its own).
    lines = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_line = kwargs.pop("add_line", False)
        super().__init__(*args, **kwargs)
        self.checklist: Checklist | None = None
        self.budget_total: Decimal | None = None
        event_kinds, categories = lookup_rows(EventKind, BudgetCategory)
        self._kinds = {kind.code: kind for kind in cast(list[EventKind], event_kinds)}
        self._categories = {c.code: c for c in cast(list[BudgetCategory], categories)}
        facts = funding_form_facts(today=timezone.localdate())
        self._currencies = {code for code, _ in facts.currencies}
        cast(forms.ChoiceField, self.fields["currency"]).choices = [
            ("", "Choose a currency"),
            *facts.currencies,
        ]
        # The notice rule with today's dates, for the hint of the date the money is needed by.
        self.notice_hint = facts.notice_hint
        cast(forms.ChoiceField, self.fields["event_kind"]).choices = [
            ("", "Choose one"),
            *((code, kind.label) for code, kind in self._kinds.items()),
        ]
        funded = [(code, c.label) for code, c in self._categories.items() if c.funded]
        unfunded = [(code, c.label) for code, c in self._categories.items() if not c.funded]
        category_choices: list[tuple[str, Any]] = [("", "Choose a category"), *funded]
        if unfunded:
            category_choices.append(("The PSF does not fund these", unfunded))
        self.line_count = min(self._posted_line_count() + (1 if add_line else 0), MAX_LINES)
        self.data_with_lines(self.line_count)
        for index in range(self.line_count):
            number = index + 1
            prefix = f"Line {number}: "
            self.fields[line_field(index, "description")] = forms.CharField(
                label="What it is for",
                required=False,
                max_length=200,
                error_messages=text_errors(f"Line {number}'s description", 200),
            )
            self.fields[line_field(index, "category")] = forms.ChoiceField(
                label="Category",
                required=False,
                choices=category_choices,
                error_messages={
                    "invalid_choice": f"Line {number}: choose a category from the list."
                },
            )
            self.fields[line_field(index, "amount")] = AmountField(
                label="Amount",
                required=False,
                max_digits=12,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                error_messages=amount_errors(prefix),
            )
        show_as_required(
            self,
            *self.FUNDING_FIELDS_BEFORE,
            "expected_reach",
            "sustainability",
            *(line_field(i, part) for i in range(self.line_count) for part in LINE_PARTS),
        )

    def _posted_line_count(self) -> int:
        if not self.is_bound:
            return DEFAULT_LINES
        try:
            count = int(self.data.get("lines", DEFAULT_LINES))
        except (TypeError, ValueError):
            count = DEFAULT_LINES
        return max(1, min(count, MAX_LINES))

    def data_with_lines(self, count: int) -> None:
        """Post back the number of rows drawn (one more after "Add another line")."""
        if self.is_bound:
            data = cast(Any, self.data).copy()  # a QueryDict: copied to change
            data["lines"] = str(count)
            self.data = data
        else:
            self.initial["lines"] = count

    def funding_field_names(self) -> list[str]:
        """The funding fields in the page's order (which the error summary follows)."""
        rows = [line_field(i, part) for i in range(self.line_count) for part in LINE_PARTS]
        return [*self.FUNDING_FIELDS_BEFORE, "lines", *rows, *self.FUNDING_FIELDS_AFTER]

    # Drawing -----------------------------------------------------------------------------

    def funding_layout(self) -> LayoutObject:
        """The "Funding" part of the form's crispy layout."""
        rows = [
            Fieldset(
                f"Line {i + 1}",
                Div(
                    Div(line_field(i, "description"), css_class="col-md-5"),
                    Div(line_field(i, "category"), css_class="col-sm-7 col-md-4"),
                    Div(line_field(i, "amount"), css_class="col-sm-5 col-md-3"),
                    css_class="row g-2",
                ),
                css_class="budget-line",
            )
            for i in range(self.line_count)
        ]
        return Div(
            Fieldset(
                "Funding",
                HTML('<p class="form-text">Only if you ticked <strong>Funding</strong> above.</p>'),
                HTML(
                    "{% if form.errors and form.checklist %}"
                    '{% include "funding/_checklist.html" with checklist=form.checklist '
                    "heading_level=3 %}{% endif %}"
                ),
                *self.FUNDING_FIELDS_BEFORE,
                Fieldset(
                    "Your budget",
                    HTML(
                        '<p class="form-text" id="budget-hint">What you need the money for, '
                        "line by line, in the currency above. Leave a line empty to leave it out."
                        "</p>"
                    ),
                    "lines",
                    *rows,
                    HTML('{% include "funding/_budget_total.html" %}'),
                    StrictButton(
                        "Add another line",
                        type="submit",
                        name="add_line",
                        value="1",
                        css_class="btn-outline-primary mb-3",
                    ),
                    css_class="budget",
                ),
                *self.FUNDING_FIELDS_AFTER,
            ),
            css_id="funding-fields",
        )

    @property
    def budget_total_display(self) -> str:
        if self.budget_total is None:
            return ""
        currency = self.cleaned_data.get("currency", "") if hasattr(self, "cleaned_data") else ""
        return format_money(self.budget_total, currency) if currency else f"{self.budget_total:,}"

    def draw_only(self) -> None:
        """Draw the form as typed, without checking it (after "Add another line"), with the
        total of the amounts that read as amounts so far."""
        total, currency = Decimal(0), self.data.get("currency", "")
        for index in range(self.line_count):
            name = line_field(index, "amount")
            try:
                amount = self.fields[name].clean(self.data.get(name, ""))
            except ValidationError:
                continue
            if amount is not None and amount > 0:
                total += amount
        self._errors = ErrorDict()
        offered = currency in self._currencies
        self.cleaned_data = {"currency": currency} if offered else {}
        self.budget_total = min(total, MAX_AMOUNT) if total else None

    # Checking ----------------------------------------------------------------------------

    def _line_inputs(self) -> list[LineInput]:
        """The budget's lines as typed; a row partly filled in gets a message on what is
        missing, an empty row is left out."""
        data, lines = self.cleaned_data, []
        for index in range(self.line_count):
            names = {part: line_field(index, part) for part in LINE_PARTS}
            if any(name in self.errors for name in names.values()):
                continue
            description = data.get(names["description"]) or ""
            code = data.get(names["category"]) or ""
            amount = data.get(names["amount"])
            if not (description or code or amount is not None):
                continue
            number = index + 1
            missing = {
                "description": (not description, f"Line {number}: say what it is for."),
                "category": (not code, f"Line {number}: choose a category."),
                "amount": (amount is None, f"Line {number}: enter the amount, like 500."),
            }
            problems = [(part, message) for part, (bad, message) in missing.items() if bad]
            for part, message in problems:
                self.add_error(names[part], message)
            if problems:
                continue
            try:
                description = single_line(description, f"Line {number}'s description")
            except ValidationError as error:
                self.add_error(names["description"], error)
                continue
            lines.append(
                LineInput(description, self._categories[code], cast(Decimal, amount), index)
            )
        return lines

    def clean_funding(self, *, today: date | None = None) -> None:
        """Check the funding part: every field a funding request needs, the budget's lines,
        then the PSF's rules (the readiness checklist, kept on `self.checklist`)."""
        data = self.cleaned_data
        required = {
            "currency": "Choose the currency of your budget.",
            "event_kind": "Choose what the money is for.",
            "needed_by": "Tell us the date you need the money by.",
            "expected_reach": "Tell us how many people it will reach, like 300.",
            "sustainability": "Tell us how it will carry on after the PSF's grant.",
        }
        for name, message in required.items():
            if name in self.fields and name not in self.errors and not data.get(name):
                self.add_error(name, message)
        kind_code = data.get("event_kind")
        event_kind = self._kinds.get(kind_code) if kind_code else None
        data["event_kind"] = event_kind
        lines = self._line_inputs()
        currency = data.get("currency") or ""
        has_line_errors = any(name.startswith("line-") for name in self.errors)
        if lines or not has_line_errors:
            try:
                self.budget_total = funding_budget_check(lines=lines, currency=currency)
            except ValidationError as error:
                self.add_error(None, error)
        data["budget_lines"] = lines
        if lines and self.budget_total is None:
            self.budget_total = min(sum((line.amount for line in lines), Decimal(0)), MAX_AMOUNT)
        self.checklist = funding_policy_check(
            needed_by=data.get("needed_by"),
            event_kind=event_kind,
            currency=currency,
            lines=lines,
            today=today or timezone.localdate(),
        )
        refusals = self.checklist.error()
        for name, messages in refusals.message_dict.items():
            if name not in self.errors:
                self.add_error(None, ValidationError({name: messages}))

    def drop_funding(self) -> None:
        """Not a funding request: what was typed in the funding part is ignored."""
        for name in self.funding_field_names():
            self.errors.pop(name, None)
            self.cleaned_data.pop(name, None)
        self.cleaned_data.pop("budget_lines", None)
        self.checklist = None

    def funding_submission(self) -> dict[str, Any]:
        """What funding_request_submit takes, from a valid form."""
        data = self.cleaned_data
        return {
            "lines": data["budget_lines"],
            "currency": data["currency"],
            "event_kind": data["event_kind"],
            "expected_reach": data.get("expected_reach"),
            "other_funding": data.get("other_funding", ""),
            "sustainability": data.get("sustainability", ""),
        }
