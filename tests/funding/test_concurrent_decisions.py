"""Two reviewers, one click each, at the same moment (T29): the round's budget is spent once, and
a request is decided once, with one e-mail. On Postgres, where the threads really race; SQLite
serialises every write and would hide a missing lock."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.models import Decision, FundingRequest, ReviewRound
from funding.selectors import review_round_figures
from funding.services import funding_decision_record
from notifications.models import OutboundEmail

from ..concurrency import errors, run_together
from ..conftest import ON_POSTGRES
from ..factories import StaffFactory
from .factories import open_round, submit_funding

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def two_reviewers():
    return [StaffFactory(email="one@python.org"), StaffFactory(email="two@python.org")]


def test_two_approvals_at_once_cannot_go_over_the_round_s_budget(two_reviewers, help_kinds):
    autumn = open_round(budget="1500")
    requests = [
        submit_funding(email="ada@example.org"),  # 1,000 USD each: room for one
        submit_funding(email="grace@example.org"),
    ]

    results = run_together(
        2,
        lambda n: funding_decision_record(
            funding_request=FundingRequest.objects.get(pk=requests[n].pk),
            by=two_reviewers[n],
            outcome=Decision.Outcome.APPROVED,
        ),
    )

    (refused,) = errors(results)
    assert isinstance(refused, ValidationError)
    assert refused.message_dict["outcome"][0].startswith("Only 500.00 USD is left")
    assert Decision.objects.count() == 1
    figures = review_round_figures(rounds=[ReviewRound.objects.get(pk=autumn.pk)])[autumn.pk]
    assert figures.approved == Decimal("1000.00")
    assert figures.remaining == Decimal("500.00")
    assert OutboundEmail.objects.filter(template="funding/decision").count() == 1


def test_two_reviewers_deciding_the_same_request_record_one_decision_and_one_email(
    two_reviewers, help_kinds
):
    open_round(budget="5000")
    help_request = submit_funding()

    results = run_together(
        2,
        lambda n: funding_decision_record(
            funding_request=FundingRequest.objects.get(pk=help_request.pk),
            by=two_reviewers[n],
            outcome=[Decision.Outcome.APPROVED, Decision.Outcome.PARTIAL][n],
            amount=Decimal("400"),
        ),
    )

    (refused,) = errors(results)
    assert isinstance(refused, ValidationError)  # the lock, not the unique constraint
    assert "recorded a decision" in refused.messages[0]
    assert Decision.objects.count() == 1
    emails = OutboundEmail.objects.filter(template="funding/decision", to="grace@example.org")
    assert emails.count() == 1
