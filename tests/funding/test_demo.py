"""`make run`'s demo: an open round with a budget, and funding requests in different states."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from funding.models import BudgetLine, Decision, FundingRequest, ReviewRound

pytestmark = pytest.mark.django_db


def test_the_demo_shows_an_open_round_and_requests_in_each_state(client):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent

    (demo_round,) = ReviewRound.objects.all()
    assert demo_round.budget == Decimal("20000")
    funding = FundingRequest.objects.select_related("help_request")
    assert funding.count() == 4
    assert set(funding.values_list("round", flat=True)) == {demo_round.pk}
    outcomes = set(Decision.objects.values_list("outcome", flat=True))
    assert outcomes == {Decision.Outcome.APPROVED, Decision.Outcome.DECLINED}
    assert (
        BudgetLine.objects.filter(request__help_request__title__contains="PyCon Lagos").count() == 3
    )
    waiting = funding.filter(decision__isnull=True)
    assert waiting.count() == 2
    for request in waiting:
        assert client.get(request.help_request.get_absolute_url()).status_code == 200
