"""Staff are offered the canned replies for an approval ("Approval: next steps") only on a
request that asks for money; on one that asks for none they are neither listed nor inserted."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.services import STAFF_GROUP
from help_requests.models import CannedReply, HelpRequest
from help_requests.services import help_request_submit

from ..factories import StaffFactory
from ..signin import force_sign_in
from .test_canned_replies import triage_data

pytestmark = pytest.mark.django_db

APPROVAL = "Approval: next steps"


@pytest.fixture
def triager_client(client):
    """A plain staff member in the PSF staff group (not a superuser), signed in."""
    person = StaffFactory(email="plain@python.org", is_superuser=False)
    person.groups.add(Group.objects.get(name=STAFF_GROUP))
    force_sign_in(client, person)
    return client


@pytest.fixture
def advice_only(help_kinds) -> HelpRequest:
    return help_request_submit(
        title="Advice on a code of conduct",
        description="How do other groups handle reports?",
        name="Grace Hopper",
        email="grace@example.org",
        area=HelpRequest.Area.COMMUNITY,
        kinds=[help_kinds["advice"]],
    )


def page(client, help_request: HelpRequest):
    return client.get(reverse("admin:help_requests_helprequest_change", args=[help_request.pk]))


def test_a_request_for_no_money_is_not_offered_approval_replies(triager_client, advice_only):
    response = page(triager_client, advice_only)

    assert response.status_code == 200
    assertNotContains(response, APPROVAL)
    assertContains(response, "Needs more information")  # the other replies are offered


def test_a_request_for_money_is_offered_them(triager_client, help_request):
    assertContains(page(triager_client, help_request), APPROVAL)


def test_an_approval_reply_posted_anyway_is_not_inserted(triager_client, advice_only):
    approval = CannedReply.objects.get(title=APPROVAL)
    url = reverse("admin:help_requests_helprequest_change", args=[advice_only.pk])

    response = triager_client.post(
        url,
        triage_data(advice_only, canned_reply=str(approval.pk), _insert_canned_reply="1"),
    )

    form = response.context["adminform"].form
    assert form.errors["canned_reply"] == ["Choose a canned reply to insert."]
    assert form.data["public_reply"] == ""
