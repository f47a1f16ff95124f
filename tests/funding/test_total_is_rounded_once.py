"""The budget's total is rounded to its currency once, and that one amount is both shown and
converted: the figure in the currency and its US dollar equivalent always agree."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from common.money import format_money, quantize
from funding.models import EventKind
from funding.policy import PolicyRules, funding_policy_check

from .factories import line, rate

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


def test_yen_lines_with_a_fraction_show_and_convert_the_same_rounded_total(help_kinds):
    rate("JPY", "0.0067", valid_from=TODAY - timedelta(days=1))
    lines = [
        line("Room", "venue", "100000.50", 0),
        line("Lunch", "food", "50000", 1),
        line("Captions", "accessibility", "400000", 2),
    ]

    checklist = funding_policy_check(
        needed_by=None,
        event_kind=EventKind.objects.get(code="sprint"),
        currency="JPY",
        lines=lines,
        today=TODAY,
        rules=PolicyRules.load(),
    )

    shown = quantize(sum(item.amount for item in lines), "JPY")  # 550,001 yen
    in_usd = quantize(shown * Decimal("0.0067"), "USD")  # 3,685.01, not 3,685.00
    maximum = checklist.rules[2]
    assert f"{format_money(shown, 'JPY')}, about {format_money(in_usd, 'USD')}" in maximum.detail
