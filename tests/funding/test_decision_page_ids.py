"""The decision page of a funding request that does not exist is a 404, whatever is typed where
its id goes: letters, other digits, more digits than a key holds, or an id nobody has (on
PostgreSQL too: run with DATABASE_URL)."""

import pytest
from django.urls import reverse

from .factories import submit_funding

pytestmark = pytest.mark.django_db

BASE = "/admin/funding/fundingrequest"


@pytest.mark.parametrize(
    "object_id",
    ["abc", "1abc", "%C2%B2", "%D9%A1", "9223372036854775808", "12345678", "-1", "1%2F2"],
    ids=[
        "letters",
        "digits-then-letters",
        "superscript-two",
        "arabic-one",
        "past-a-bigint",
        "nobody",
        "negative",
        "slash",
    ],
)
def test_a_decision_page_for_no_request_is_a_404(reviewer_client, help_kinds, object_id):
    submit_funding()

    response = reviewer_client.get(f"{BASE}/{object_id}/decision/")

    assert response.status_code == 404


def test_the_decision_page_of_a_request_opens(reviewer_client, help_kinds):
    help_request = submit_funding()

    response = reviewer_client.get(
        reverse("admin:funding_fundingrequest_decision", args=[help_request.pk])
    )

    assert response.status_code == 200
