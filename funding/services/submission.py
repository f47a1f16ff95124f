"""Submitting a funding request: the request, its budget, the rules checked as it is sent."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.date_filters import long_date
from common.money import format_money
from help_requests.models import HelpRequest
from help_requests.services import help_request_submit

from ..models import BudgetLine, EventKind, FundingRequest, ReviewRound
from ..policy import (
    Checklist,
    LineInput,
    PolicyRules,
    State,
    funding_budget_check,
    funding_currency_check,
    funding_policy_check,
)


def review_round_open_on(day: date) -> ReviewRound | None:
    """The round whose dates include `day`, if one is open then."""
    return ReviewRound.objects.filter(opens_on__lte=day, closes_on__gte=day).first()


def funding_request_submit(
    *,
    lines: Sequence[LineInput],
    currency: str,
    event_kind: EventKind,
    needed_by: date | None,
    expected_reach: int | None = None,
    other_funding: str = "",
    sustainability: str = "",
    rules: PolicyRules | None = None,
    **help_request_fields: Any,
) -> HelpRequest:
    """Save a help request that asks for money, with its budget, if the PSF's rules allow it.

    The total is worked out from the lines and becomes the request's amount. A request the
    policy refuses (a currency without an exchange rate, too little notice, something the PSF
    does not fund, over the maximum) is not saved: ValidationError, keyed by the form's fields.
    It joins the round open today, if any; staff's e-mail says the amount, round and checklist.
    """
    today = timezone.localdate()
    rules = rules or PolicyRules.load()
    funding_currency_check(currency=currency, rates=rules.rates)
    total = funding_budget_check(lines=lines, currency=currency)
    checklist = funding_policy_check(
        needed_by=needed_by,
        event_kind=event_kind,
        currency=currency,
        lines=lines,
        today=today,
        rules=rules,
    )
    if checklist.refused:
        raise checklist.error()
    with transaction.atomic():
        review_round = review_round_open_on(today)
        facts = _staff_facts(
            total=total,
            currency=currency,
            event_kind=event_kind,
            needed_by=needed_by,
            review_round=review_round,
            checklist=checklist,
            rules=rules,
            today=today,
        )
        help_request = help_request_submit(
            **help_request_fields,
            needed_by=needed_by,
            amount=total,
            currency=currency,
            staff_facts=facts,
        )
        funding = FundingRequest.objects.create(
            help_request=help_request,
            event_kind=event_kind,
            expected_reach=expected_reach,
            other_funding=other_funding,
            sustainability=sustainability,
            round=review_round,
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                request=funding,
                position=position,
                description=line.description,
                category=line.category,
                amount=line.amount,
                currency=currency,
            )
            for position, line in enumerate(lines, start=1)
        )
    return help_request


def _staff_facts(
    *,
    total: Decimal,
    currency: str,
    event_kind: EventKind,
    needed_by: date | None,
    review_round: ReviewRound | None,
    checklist: Checklist,
    rules: PolicyRules,
    today: date,
) -> list[tuple[str, str]]:
    """What staff triage a funding request by, for their new-request e-mail: the amount (and in
    US dollars), what it is for, when, the round, and each rule as the checklist found it."""
    asked = format_money(total, currency)
    usd = rules.rates.to_usd(total, currency, today)
    if currency != "USD":
        asked += (
            f" (about {format_money(usd, 'USD')})"
            if usd is not None
            else f" (no exchange rate for {currency})"
        )
    facts = [
        ("Amount asked", asked),
        ("What the money is for", event_kind.label),
        ("Needed by", long_date(needed_by) if needed_by else "(not given)"),
        ("Review round", review_round.name if review_round else "None open today"),
    ]
    for rule in checklist.rules:
        said = rule.state_label if rule.state == State.MET else f"{rule.state_label}. {rule.detail}"
        facts.append((rule.title, said))
    return facts
