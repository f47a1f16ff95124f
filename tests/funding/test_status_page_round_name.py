"""The submitter's status page names the round a decision was made in only by the public name
staff gave it; staff's own name for the round ("..., demo round") is never shown."""

from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from funding.models import Decision, FundingRequest, ReviewRound
from funding.services import funding_decision_record

from .factories import open_round, submit_funding

pytestmark = pytest.mark.django_db


def decided(staff, **round_fields) -> str:
    open_round(name="Community grants, internal batch 3", **round_fields)
    help_request = submit_funding()
    funding_decision_record(
        funding_request=FundingRequest.objects.get(pk=help_request.pk),
        by=staff,
        outcome=Decision.Outcome.APPROVED,
    )
    return help_request.get_absolute_url()


def test_a_round_without_a_public_name_is_not_named(client, help_kinds, staff):
    page = client.get(decided(staff))

    assertContains(page, "The PSF's decision: Approved")
    assertNotContains(page, "internal batch 3")


def test_a_round_s_public_name_is_shown(client, help_kinds, staff):
    page = client.get(decided(staff, public_name="PSF community grants, winter 2026"))

    assertContains(page, "in PSF community grants, winter 2026.")
    assertNotContains(page, "internal batch 3")


def test_staff_give_a_round_its_public_name_in_the_admin(reviewer_client):
    response = reviewer_client.post(
        reverse("admin:funding_reviewround_add"),
        {
            "name": "Grants, spring batch",
            "public_name": "PSF community grants, spring 2027",
            "opens_on": "2027-03-01",
            "closes_on": "2027-05-31",
            "budget": "10000",
            "currency": "USD",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = ReviewRound.objects.get(name="Grants, spring batch")
    assert saved.public_name == "PSF community grants, spring 2027"
    assert saved.budget == Decimal("10000")
