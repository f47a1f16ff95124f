"""Help requests stand on their own: the budget on the form and on the status page is funding's,
plugged in from funding's ready(); without it the form takes a request as before, and a request
with an amount still says what was asked."""

from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from funding.hooks import FORM_SECTION, STATUS_PART
from help_requests import extensions
from help_requests.forms import help_request_form_class
from help_requests.models import HelpRequest

from .test_form import form_data

pytestmark = pytest.mark.django_db

NEW_URL = reverse("help_requests:new")


@pytest.fixture
def without_funding(monkeypatch):
    monkeypatch.setattr(extensions, "_form_sections", [])
    monkeypatch.setattr(extensions, "_status_parts", [])


def test_funding_plugs_its_budget_into_the_help_form_and_the_status_page():
    assert extensions.form_sections() == (FORM_SECTION,)
    assert STATUS_PART in extensions._status_parts
    assert "line-0-amount" in help_request_form_class()().fields


def test_without_funding_the_form_has_no_budget(client, help_kinds, without_funding):
    response = client.get(NEW_URL)

    assertNotContains(response, 'id="funding-fields"')
    assertNotContains(response, "funding.css")
    assertNotContains(response, "budget_total.js")
    assertContains(response, "Leave it empty if there is no deadline.")
    assert "currency" not in response.context["form"].fields


def test_without_funding_a_request_ticking_funding_is_a_plain_request(
    client, help_kinds, without_funding
):
    response = client.post(NEW_URL, form_data())

    assert response.status_code == 302
    help_request = HelpRequest.objects.get()
    assert help_request.amount is None
    assert not hasattr(help_request, "funding")


def test_without_funding_the_status_page_still_says_what_was_asked(
    client, help_kinds, without_funding
):
    client.post(NEW_URL, form_data())
    help_request = HelpRequest.objects.get()
    HelpRequest.objects.filter(pk=help_request.pk).update(amount=Decimal(500), currency="USD")

    response = client.get(help_request.get_absolute_url())

    assertContains(response, "<dt>Funding asked</dt><dd>500.00 USD</dd>", html=True)
    assertNotContains(response, "Your budget, line by line")
