"""The readiness checklist, rule by rule, met or not: on the form after a submit with problems,
on the submitter's status page, and in the admin."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from funding.models import BudgetCategory
from help_requests.models import HelpRequest
from notifications.models import OutboundEmail

from .factories import line, submit_funding
from .test_budget import budget

pytestmark = pytest.mark.django_db

NEW_URL = reverse("help_requests:new")


def checklist(html: str) -> dict[str, str]:
    """Each rule's title and state as the page says them."""
    found = re.findall(
        r'<li class="check check-[\w_]+" data-rule="(\w+)">.*?<strong>(.*?)</strong>: '
        r'<span class="check-state">(.*?)</span>',
        html,
        flags=re.S,
    )
    return {code: unescape(state) for code, _title, state in found}


def test_a_request_that_breaks_the_rules_comes_back_with_its_checklist(client, help_kinds):
    soon = timezone.localdate() + timedelta(days=3)
    response = client.post(
        NEW_URL,
        budget(
            ("Room", "venue", "300"),
            ("Prizes for the best talk", "other", "200"),
            needed_by=soon.isoformat(),
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert checklist(html) == {"notice": "Not met", "exclusions": "Not met", "maximum": "Met"}
    assertContains(response, "Readiness checklist")
    assertContains(response, "Line 2, “Prizes for the best talk”: Prizes and giveaways")
    # Each refusal is also in the error summary, linked to its field.
    start = html.index("error-summary-list")
    summary = html[start : html.index("</ul>", start)]
    assert 'href="#id_needed_by"' in summary
    assert 'href="#id_line-1-description"' in summary
    assert (
        response.context["form"]
        .errors["needed_by"][0]
        .startswith("The PSF needs at least 15 working days' notice")
    )
    assert (HelpRequest.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_the_checklist_shows_with_other_problems_too(client, help_kinds):
    response = client.post(NEW_URL, budget(("Swag bags", "swag", "100"), title=""))

    assert checklist(response.content.decode())["exclusions"] == "Not met"
    assert "title" in response.context["form"].errors


def test_a_good_request_is_saved_and_its_status_page_shows_every_rule_met(client, help_kinds):
    response = client.post(NEW_URL, budget(("Room", "venue", "300")))

    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert checklist(html) == {"notice": "Met", "exclusions": "Met", "maximum": "Met"}
    assertContains(page, "Your request meets each rule of the PSF's funding.")
    assertContains(page, "Room")
    assertContains(page, "300.00 USD")


def test_a_form_without_problems_shows_no_checklist(client, help_kinds):
    assertNotContains(client.get(NEW_URL), "Readiness checklist")


def test_the_status_page_shows_a_warning_for_short_notice(client, help_kinds):
    help_request = submit_funding(weeks=4)

    page = client.get(help_request.get_absolute_url())

    assert checklist(page.content.decode())["notice"] == "Met, with a warning"
    assertContains(page, "The PSF prefers 8 weeks&#x27; notice")


def test_the_status_page_shows_a_rule_the_request_no_longer_meets(client, help_kinds):
    help_request = submit_funding(lines=[line("Balloons for the stage", "other", "50")])
    swag = BudgetCategory.objects.get(code="swag")
    swag.keywords = "balloon"
    swag.save()

    page = client.get(help_request.get_absolute_url())

    assert checklist(page.content.decode())["exclusions"] == "Not met"
    assertContains(page, "does not meet every rule")


def test_staff_see_the_same_checklist_in_the_admin(staff_client, help_kinds):
    help_request = submit_funding(weeks=4)

    page = staff_client.get(reverse("admin:funding_fundingrequest_change", args=[help_request.pk]))

    assert page.status_code == 200
    assert checklist(page.content.decode()) == {
        "notice": "Met, with a warning",
        "exclusions": "Met",
        "maximum": "Met",
    }
