"""Requests sent before budgets were itemised: their single amount becomes a budget of one line
whose total is that amount (funding's migration 0003), and undoing it leaves the amounts."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from funding.models import FundingRequest
from help_requests.models import HelpRequest

from ..factories import HelpRequestFactory

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("funding.migrations.0003_itemise_existing_amounts")


def test_each_existing_amount_becomes_a_one_line_budget(client):
    asked = HelpRequestFactory(amount=Decimal("4000.50"), currency="usd")
    no_money = HelpRequestFactory()
    no_currency = HelpRequestFactory(amount=Decimal("10"), currency="")

    MIGRATION.itemise(apps, None)
    MIGRATION.itemise(apps, None)  # twice: nothing more

    funding = FundingRequest.objects.get(pk=asked.pk)
    line = funding.lines.get()
    assert (line.description, line.amount, line.currency, line.position) == (
        MIGRATION.LEGACY_LINE,
        Decimal("4000.50"),
        "USD",
        1,
    )
    assert sum(row.amount for row in funding.lines.all()) == asked.amount
    assert not FundingRequest.objects.filter(pk=no_money.pk).exists()
    # Nothing is invented: no currency, no line.
    assert FundingRequest.objects.get(pk=no_currency.pk).lines.count() == 0
    page = client.get(asked.get_absolute_url())
    assert "4,000.50 USD" in page.content.decode()

    MIGRATION.undo(apps, None)

    assert not FundingRequest.objects.exists()
    assert HelpRequest.objects.get(pk=asked.pk).amount == Decimal("4000.50")
