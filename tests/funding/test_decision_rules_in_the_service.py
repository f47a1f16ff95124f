"""A decision's rules live in funding_decision_record: called directly, it refuses a bad
decision with a ValidationError keyed by field; the admin's decision form restates none of them
and shows the service's refusal on the field it concerns."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding.models import Decision, FundingRequest
from funding.services import funding_decision_record
from notifications.models import OutboundEmail

from .factories import open_round, submit_funding

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(help_kinds) -> FundingRequest:
    open_round()
    return FundingRequest.objects.get(pk=submit_funding().pk)  # 1,000.00 USD asked


@pytest.mark.parametrize(
    ("decision", "field", "message"),
    [
        ({"outcome": ""}, "outcome", "Choose a decision."),
        ({"outcome": "maybe"}, "outcome", "Choose a decision."),
        ({"outcome": "declined"}, "message", "Give the reason for declining"),
        ({"outcome": "partial"}, "amount", "Enter the amount you approve"),
        ({"outcome": "partial", "amount": Decimal("0")}, "amount", "must be more than zero"),
        ({"outcome": "partial", "amount": Decimal("1000")}, "amount", "must be less than it"),
    ],
    ids=["none", "unknown", "decline-without-reason", "part-without-amount", "zero", "all"],
)
def test_the_service_refuses_a_bad_decision(asked, reviewer, decision, field, message):
    with pytest.raises(ValidationError) as refused:
        funding_decision_record(funding_request=asked, by=reviewer, **decision)

    assert message in refused.value.message_dict[field][0]
    assert not Decision.objects.exists()
    assert not OutboundEmail.objects.filter(template="funding/decision").exists()


def test_the_decision_form_shows_the_service_s_refusal_on_its_field(reviewer_client, asked):
    url = reverse("admin:funding_fundingrequest_decision", args=[asked.pk])

    response = reviewer_client.post(url, {"outcome": "", "message": ""})

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["outcome"] == ["Choose a decision."]
    assert form.non_field_errors() == []
    assert not Decision.objects.exists()
