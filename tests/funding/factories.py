"""Funding rows for tests: the rules as the data migration adds them, rounds, rates, requests."""

import importlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from funding.models import BudgetCategory, EventKind, ExchangeRate, FundingPolicy, ReviewRound
from funding.policy import LineInput
from funding.services import funding_request_submit
from help_requests.models import HelpKind, HelpRequest

RULES = importlib.import_module("funding.migrations.0002_rules")


def make_funding_rules() -> None:
    """The notice, categories and kinds of event of funding's data migration (a transactional
    test's flush removes them)."""
    FundingPolicy.objects.get_or_create(
        id=1, defaults={"preferred_lead_weeks": 8, "minimum_lead_working_days": 15}
    )
    for position, (code, label, funded, explanation, keywords) in enumerate(RULES.CATEGORIES):
        BudgetCategory.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "position": position,
                "funded": funded,
                "explanation": explanation,
                "keywords": keywords,
            },
        )
    for position, (code, label, maximum) in enumerate(RULES.EVENT_KINDS):
        EventKind.objects.get_or_create(
            code=code,
            defaults={"label": label, "position": position, "max_amount": maximum},
        )


def rate(currency: str, usd_per_unit: str, valid_from: date | None = None) -> ExchangeRate:
    return ExchangeRate.objects.create(
        currency=currency,
        usd_per_unit=Decimal(usd_per_unit),
        valid_from=valid_from or timezone.localdate() - timedelta(days=30),
    )


def rate_removed(currency: str) -> None:
    """A currency's rates deleted after requests were sent in it (as a superuser may): the
    portal then says the amounts are not converted, and never guesses."""
    ExchangeRate.objects.filter(currency=currency).delete()


def open_round(budget: str = "10000", currency: str = "USD", **fields: Any) -> ReviewRound:
    today = timezone.localdate()
    values = {
        "name": "Grants, autumn",
        "opens_on": today - timedelta(days=7),
        "closes_on": today + timedelta(days=60),
        "budget": Decimal(budget),
        "currency": currency,
        **fields,
    }
    return ReviewRound.objects.create(**values)


def line(description: str, code: str, amount: str, index: int = 0) -> LineInput:
    return LineInput(description, BudgetCategory.objects.get(code=code), Decimal(amount), index)


def submit_funding(
    *,
    lines: list[LineInput] | None = None,
    currency: str = "USD",
    kind: str = "conference",
    weeks: int = 12,
    **fields: Any,
) -> HelpRequest:
    """A funding request as the public form saves it (the service, its rules and e-mails)."""
    values = {
        "title": "Venue for PyCon Somewhere",
        "description": "Our first conference.",
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "area": HelpRequest.Area.EVENTS,
        "kinds": list(HelpKind.objects.filter(code="funding")),
        **fields,
    }
    return funding_request_submit(
        lines=lines or [line("Venue hire", "venue", "1000")],
        currency=currency,
        event_kind=EventKind.objects.get(code=kind),
        needed_by=timezone.localdate() + timedelta(weeks=weeks),
        expected_reach=200,
        sustainability="Tickets pay for the next one.",
        **values,
    )
