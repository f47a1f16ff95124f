"""Every problem with the budget in the error summary is a link to the place to fix it: the
maximum for the kind of event and the portal's own limit land on the budget's first amount."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from help_requests.models import HelpRequest

from ..help_requests.test_form import form_data

pytestmark = pytest.mark.django_db

NEW_URL = reverse("help_requests:new")


def test_a_budget_over_the_maximum_links_to_the_budget(client, help_kinds):
    data = form_data(event_kind="sprint", **{"line-0-amount": "2500"})

    response = client.post(NEW_URL, data)

    form = response.context["form"]
    assert form.non_field_errors() == []
    (message,) = form.errors["line-0-amount"]
    assert message.startswith("Your budget comes to 2,500.00 USD: the most the PSF gives")
    assertContains(response, f'<a href="#id_line-0-amount">{message}</a>', html=False)
    assert HelpRequest.objects.count() == 0


def test_when_the_first_line_is_left_empty_the_error_is_on_the_first_line_given(client, help_kinds):
    data = form_data(
        event_kind="sprint",
        **{
            "line-0-description": "",
            "line-0-category": "",
            "line-0-amount": "",
            "line-1-description": "Room",
            "line-1-category": "venue",
            "line-1-amount": "2500",
        },
    )

    response = client.post(NEW_URL, data)

    assert "line-0-amount" not in response.context["form"].errors
    assertContains(response, '<a href="#id_line-1-amount">Your budget comes to 2,500.00 USD')


def test_a_total_past_what_the_portal_holds_links_to_the_budget(client, help_kinds):
    data = form_data(
        event_kind="other",
        **{
            "line-0-amount": "9999999999.99",
            "line-1-description": "More",
            "line-1-category": "venue",
            "line-1-amount": "0.01",
        },
    )

    response = client.post(NEW_URL, data)

    assert response.context["form"].non_field_errors() == []
    assertContains(response, '<a href="#id_line-0-amount">Your budget comes to more than')
