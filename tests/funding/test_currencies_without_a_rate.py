"""A budget is taken only in a currency the PSF keeps an exchange rate for, so the maximum for
the kind of event is always checked as it is sent; a rule that still cannot be checked (a rate
removed later, a maximum in a currency without a rate) never reads as met: not on the status
page, not in the admin, not in staff's e-mail."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from funding.models import EventKind, FundingRequest
from funding.services import funding_request_submit
from help_requests.models import HelpKind, HelpRequest
from notifications.models import OutboundEmail

from ..help_requests.test_form import form_data
from .factories import line, rate, rate_removed, submit_funding

pytestmark = pytest.mark.django_db

NEW_URL = reverse("help_requests:new")


def test_the_form_offers_only_currencies_with_a_rate(client, help_kinds):
    rate("EUR", "1.08")

    page = client.get(NEW_URL)

    assertContains(page, '<option value="USD">')
    assertContains(page, '<option value="EUR">')
    assertNotContains(page, '<option value="CHF">')
    assertContains(page, "currencies the PSF keeps an exchange rate for")


def test_a_rate_staff_add_is_offered_on_the_next_visit(client, help_kinds):
    assertNotContains(client.get(NEW_URL), '<option value="CHF">')  # the form's facts kept

    rate("CHF", "1.13")

    assertContains(client.get(NEW_URL), '<option value="CHF">')


def test_a_sprint_budget_in_swiss_francs_without_a_rate_is_refused_on_the_form(client, help_kinds):
    data = form_data(currency="CHF", event_kind="sprint", **{"line-0-amount": "9000"})

    response = client.post(NEW_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors["currency"] == ["Choose a currency from the list."]
    assertContains(response, '<a href="#id_currency">Choose a currency from the list.</a>')
    assert HelpRequest.objects.count() == 0


def test_the_service_refuses_a_currency_without_a_rate_and_writes_nothing(help_kinds):
    with pytest.raises(ValidationError) as refused:
        funding_request_submit(
            lines=[line("Room for the sprint", "venue", "9000")],
            currency="CHF",
            event_kind=EventKind.objects.get(code="sprint"),
            needed_by=timezone.localdate() + timedelta(weeks=12),
            title="Sprint in Zürich",
            description="Two days.",
            name="Grace Hopper",
            email="grace@example.org",
            kinds=list(HelpKind.objects.filter(code="funding")),
        )

    (message,) = refused.value.message_dict["currency"]
    assert "no exchange rate" in message
    assert HelpRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_with_a_rate_the_swiss_franc_sprint_over_the_maximum_is_refused(help_kinds):
    rate("CHF", "1.13")

    with pytest.raises(ValidationError) as refused:
        submit_funding(
            currency="CHF", kind="sprint", lines=[line("Room for the sprint", "venue", "9000")]
        )

    (message,) = refused.value.message_dict["line-0-amount"]
    assert message.startswith("Your budget comes to 9,000.00 CHF, about 10,170.00 USD")
    assert HelpRequest.objects.count() == 0


@pytest.fixture
def unchecked(help_kinds) -> HelpRequest:
    """A request whose maximum could not be checked: its currency's rate was removed since."""
    rate("CHF", "1.13")
    help_request = submit_funding(
        currency="CHF", kind="sprint", lines=[line("Room for the sprint", "venue", "1500")]
    )
    rate_removed("CHF")
    return help_request


def test_the_status_page_does_not_call_an_unchecked_rule_met(client, unchecked):
    page = client.get(unchecked.get_absolute_url())

    assertContains(page, "Not every rule of the PSF's funding could be checked yet")
    assertNotContains(page, "Your request meets")
    assertContains(page, "there is no exchange rate for CHF: PSF staff will convert it and check")


def test_the_admin_checklist_says_not_checked_yet(reviewer_client, unchecked):
    page = reviewer_client.get(reverse("admin:funding_fundingrequest_change", args=[unchecked.pk]))

    assert page.status_code == 200
    assertContains(page, '<span class="check-state">Not checked yet</span>')


def test_staff_e_mail_says_a_rule_was_not_checked(help_kinds):
    # A maximum kept in euros with no euro rate: a dollar budget cannot be compared with it.
    EventKind.objects.filter(code="sprint").update(max_currency="EUR")
    submit_funding(kind="sprint", lines=[line("Room for the sprint", "venue", "1500")])

    facts = dict(OutboundEmail.objects.get(template="help_requests/new_staff").context["facts"])
    said = facts["Within the most the PSF gives for this kind of event"]
    assert said.startswith("Not checked yet. ")
    assert "no exchange rate for EUR" in said
    assert FundingRequest.objects.get().help_request.amount == Decimal("1500.00")
