"""A funding request's whole journey in the browser: the submitter sends a budget with a line
the PSF does not fund, reads the checklist, fixes it and sends it; a reviewer approves part of
it in the admin's round, with a canned reply; the submitter reads the decision."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from funding.models import Decision
from help_requests.models import CannedReply, HelpRequest
from tests.funding.factories import line, open_round, rate, rate_removed, submit_funding

from .helpers import admin_login, fill_help_request, submit_help_request

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_funding_request_from_budget_to_decision(new_context, help_kinds, staff, screenshot):
    rate("EUR", "1.08")
    autumn = open_round(name="Autumn grants", budget="5000")
    CannedReply.objects.update_or_create(
        title="Approval: next steps",
        defaults={
            "purpose": CannedReply.Purpose.APPROVAL,
            "body": "The PSF approved {amount} for {reference}. Our accounts team will write "
            "to you.",
        },
    )

    # The submitter: a budget with one line the PSF does not fund.
    page = new_context().new_page()
    page.goto("/help/new/")
    fill_help_request(page, amount="800", currency="EUR")
    page.locator("#id_line-1-description").fill("Prizes for the best sprint project")
    page.locator("#id_line-1-category").select_option("other")
    page.locator("#id_line-1-amount").fill("200")
    expect(page.locator("#budget-total-value")).to_have_text("1,000.00 EUR")  # as they type
    submit_help_request(page)

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile(r"^Line 2 \(“Prizes"))
    expect(link).to_contain_text("looks like prizes and giveaways (it mentions “prize”)")
    checklist = page.get_by_role("region", name="Readiness checklist")
    expect(checklist.locator("[data-rule=exclusions]")).to_contain_text(
        "Only what the PSF funds: Not met"
    )
    expect(checklist.locator("[data-rule=notice]")).to_contain_text("Met")
    screenshot(page, "checklist")
    assert HelpRequest.objects.count() == 0

    page.locator("#id_line-1-description").fill("Food for the sprinters")
    page.locator("#id_line-1-category").select_option("food")
    submit_help_request(page)

    expect(page).to_have_url(re.compile(r"/help/status/[\w-]+/$"))
    help_request = HelpRequest.objects.get()
    assert (help_request.amount, help_request.currency) == (1000, "EUR")
    status_url = page.url
    checklist = page.get_by_role("region", name="Readiness checklist")
    expect(checklist.locator(".check-state")).to_have_text(["Met", "Met", "Met"])
    screenshot(page, "sent")

    # A reviewer approves part of it in the round, with a canned reply.
    admin = new_context().new_page()
    admin_login(admin, staff)
    admin.goto("/admin/funding/fundingrequest/")
    admin.get_by_role("link", name=help_request.reference).click()
    expect(admin.locator(".field-round_display")).to_contain_text("Autumn grants")
    admin.get_by_role("link", name="Record a decision").click()
    admin.get_by_label("Approve part").check()
    admin.get_by_label("Amount approved").fill("600")
    admin.get_by_label("Canned reply").select_option(label="Approval: next steps")
    admin.get_by_role("button", name="Insert into the reply").click()
    message = admin.get_by_label("Message to the submitter")
    expect(message).to_have_value(
        f"The PSF approved 600.00 EUR for {help_request.reference}. "
        "Our accounts team will write to you."
    )
    expect(admin.get_by_label("Approve part")).to_be_checked()
    screenshot(admin, "decision")
    admin.get_by_role("button", name="Record the decision").click()

    expect(admin.locator(".messagelist")).to_contain_text(
        "Decision recorded: Approved in part: 600.00 EUR"
    )
    # 600 EUR at 1.08 is 648 USD of the round's 5,000.
    expect(admin.locator(".field-round_display")).to_contain_text("4,352.00 USD left")
    screenshot(admin, "round")
    decision = Decision.objects.get()
    assert (decision.round, decision.round_amount) == (autumn, 648)

    # The submitter reads the decision, on the page and in the e-mail.
    page.goto(status_url)
    region = page.get_by_role("region", name="The PSF's decision: Approved in part")
    expect(region).to_contain_text("The PSF approved 600.00 EUR of the 1,000.00 EUR you asked for.")
    expect(region).to_contain_text("Our accounts team will write to you.")
    expect(page.locator(".status-badge")).to_have_text("Being worked on")
    screenshot(page, "decided")
    (email,) = [m for m in mail.outbox if "Funding approved" in m.subject]
    assert email.to == ["grace@example.org"]
    assert email.subject == f"[{help_request.reference}] Funding approved in part: 600.00 EUR"
    assert status_url in email.body


@pytest.mark.parametrize("width", [390, 1280])
def test_the_maximum_links_to_the_budget_and_an_unchecked_rule_is_not_called_met(
    new_context, help_kinds, screenshot, width
):
    # The form: the hint says the notice rule; a sprint over its maximum links to the budget.
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto("/help/new/")
    expect(page.locator("#id_needed_by_helptext")).to_contain_text(
        "working days' notice (Monday to Friday"
    )
    expect(page.locator("#id_currency option")).to_have_text(
        ["Choose a currency", "USD – US dollar"]
    )
    fill_help_request(page, amount="2500")
    page.get_by_label("What is the money for?").select_option("sprint")
    submit_help_request(page)

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile(r"^Your budget comes to 2,500.00 USD"))
    screenshot(page, f"over-the-maximum-{width}")
    link.click()
    expect(page.locator("#id_line-0-amount")).to_be_focused()
    box = page.locator("#div_id_line-0-amount").bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # no sideways scrolling
    assert HelpRequest.objects.count() == 0

    # The status page of a request whose maximum could not be checked (its rate was removed).
    rate("CHF", "1.13")
    help_request = submit_funding(
        currency="CHF", kind="sprint", lines=[line("Room for the sprint", "venue", "1500")]
    )
    rate_removed("CHF")
    page.goto(help_request.get_absolute_url())
    checklist = page.get_by_role("region", name="Readiness checklist")
    expect(checklist).to_contain_text("Not every rule of the PSF's funding could be checked yet")
    expect(checklist).not_to_contain_text("meets")
    expect(checklist.locator("[data-rule=maximum] .check-state")).to_have_text("Not checked yet")
    screenshot(page, f"unchecked-{width}")
