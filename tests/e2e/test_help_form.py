"""Asking the PSF for help in a real browser: with JavaScript, and without it."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from help_requests.models import HelpRequest

from .helpers import TITLE, fill_help_request, submit_help_request

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_submitting_the_form_in_a_browser_shows_the_status_page(
    page, help_kinds, live_server, screenshot
):
    page.goto("/help/new/")
    fill_help_request(page)
    screenshot(page, "form")
    submit_help_request(page)

    expect(page).to_have_url(re.compile(r"/help/status/[\w-]+/$"))
    help_request = HelpRequest.objects.get()
    assert re.fullmatch(r"HR-\d{4}-\d{4}", help_request.reference)
    expect(page.get_by_role("status")).to_contain_text(
        f"Your request {help_request.reference} has reached the PSF"
    )
    expect(page.get_by_text(f"Request {help_request.reference} · I need help")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".status-badge")).to_have_text("Received")
    expect(page.get_by_text("Handled by the PSF Community team")).to_be_visible()
    timeline = page.get_by_role("complementary").filter(
        has=page.get_by_role("heading", name="Timeline")
    )
    expect(timeline.get_by_role("listitem")).to_have_count(1)
    expect(timeline.get_by_role("listitem")).to_contain_text("Submitted")
    # Styled: the live server served Bootstrap and site.css.
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(30, 65, 94)")
    expect(page.locator(".status-badge")).to_have_css("display", "inline-block")
    screenshot(page)

    status_url = f"{live_server.url}/help/status/{help_request.token}/"
    assert page.url == status_url
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert len(mail.outbox) == 2
    assert set(by_recipient) == {(settings.PSF_STAFF_EMAIL,), ("grace@example.org",)}
    receipt = by_recipient[("grace@example.org",)]
    assert help_request.reference in receipt.subject
    assert status_url in receipt.body


def test_funding_fields_appear_only_when_funding_is_ticked(page, help_kinds):
    page.goto("/help/new/")
    funding_fields = page.locator("#funding-fields")
    what_you_need = page.locator("fieldset[data-help-only]")
    funding = page.get_by_role("checkbox", name="Funding", exact=True)

    expect(what_you_need).to_be_visible()
    expect(funding_fields).to_be_hidden()
    funding.check()
    expect(funding_fields).to_be_visible()
    expect(page.get_by_label("Currency")).to_be_visible()
    expect(page.locator("#id_line-0-amount")).to_be_visible()
    funding.uncheck()
    expect(funding_fields).to_be_hidden()

    funding.check()
    page.get_by_label("I have a suggestion for the PSF").check()
    expect(what_you_need).to_be_hidden()
    expect(funding_fields).to_be_hidden()
    page.get_by_label("I need help").check()
    expect(what_you_need).to_be_visible()
    expect(funding_fields).to_be_visible()


def test_form_works_without_javascript(new_context, help_kinds, screenshot):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/help/new/")
    # Nothing is hidden when no script runs.
    expect(page.locator("#funding-fields")).to_be_visible()
    expect(page.locator("fieldset[data-help-only]")).to_be_visible()
    expect(page.locator("#id_line-0-amount")).to_be_visible()

    fill_help_request(page, amount="")
    submit_help_request(page)

    expect(page).to_have_url(re.compile(r"/help/new/$"))
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator(".error-summary").get_by_role("link")).to_have_text(
        ["Line 1: enter the amount, like 500."]
    )
    amount = page.locator("#id_line-0-amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    # Screen readers announce the error with the field (aria-describedby).
    expect(amount).to_have_accessible_description(
        re.compile(r"Line 1: enter the amount, like 500\.")
    )
    expect(page.locator("#div_id_line-0-amount")).to_contain_text(
        "Line 1: enter the amount, like 500."
    )
    expect(page.get_by_label("A short title")).to_have_value(TITLE)
    expect(page.get_by_role("checkbox", name="Funding", exact=True)).to_be_checked()
    screenshot(page)
    assert HelpRequest.objects.count() == 0
