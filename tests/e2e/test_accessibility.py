"""Public pages work for people using a keyboard or assistive technology (axe-core finds no
serious or critical violation)."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from help_requests.models import HelpRequest
from help_requests.services import help_request_triage
from tests.factories import PoolMemberFactory
from volunteers.models import Role

from .helpers import (
    fill_help_request,
    fill_pool_join,
    fill_role_interest,
    make_role,
    submit_help_request,
    submit_role_interest,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page: Page, axe_source: str) -> list[dict]:
    """Run axe-core's default rule set on the page as it is now."""
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )


def describe(page_name: str, violation: dict) -> str:
    nodes = "\n".join(
        f"      {json.dumps(node['target'])}: {node['html'][:200]}" for node in violation["nodes"]
    )
    return (
        f"  {page_name}: [{violation['impact']}] {violation['id']}: {violation['help']}\n"
        f"    {violation['helpUrl']}\n{nodes}"
    )


def test_pages_have_no_serious_accessibility_violations(
    new_context, axe_source, help_request, staff, areas, screenshot
):
    # The CSP (rightly) blocks inline scripts; axe is injected as one, so only this context
    # bypasses it. test_csp.py checks the policy with it enforced.
    page = new_context(bypass_csp=True).new_page()
    found: list[str] = []
    role = make_role(areas)
    closed = make_role(areas, slug="closed-role", status=Role.Status.CLOSED)
    member = PoolMemberFactory(confirmed_at=None, interests=["web"])
    expired = PoolMemberFactory(
        confirmed_at=None, confirmation_sent_at=timezone.now() - timedelta(days=30)
    )

    def audit(name: str) -> None:
        screenshot(page, name)
        for violation in axe_violations(page, axe_source):
            text = describe(name, violation)
            print(text)  # every impact, for whoever reads the log
            if violation["impact"] in BLOCKING_IMPACTS:
                found.append(text)

    for name, url in [
        ("home", "/"),
        ("help", "/help/"),
        ("help-new", "/help/new/"),
        ("login", "/accounts/login/"),
        ("status", help_request.get_absolute_url()),
        ("roles", "/roles/"),
        ("roles-none", "/roles/?q=nothing+matches&area=grants"),
        ("roles-bad-area", "/roles/?area=no-such-area"),
        ("role", role.get_absolute_url()),
        ("role-gone", closed.get_absolute_url()),
        ("pool-join", "/pool/join/"),
        ("pool-join-sent", "/pool/join/sent/"),
        ("pool-confirm", member.signups.get().confirm_url()),
        ("pool-expired", expired.signups.get().confirm_url()),
        ("pool-unsubscribe", member.unsubscribe_url()),
    ]:
        page.goto(url)
        audit(name)

    page.goto("/help/new/")
    fill_help_request(page, amount="")
    submit_help_request(page)
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    audit("help-new-errors")

    # Server-side errors (the browser's own check of required fields skipped).
    page.goto(role.get_absolute_url())
    fill_role_interest(page, availability=" ")
    page.locator("#interest-form").evaluate("form => form.noValidate = true")
    submit_role_interest(page)
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    audit("role-errors")

    page.goto("/pool/join/")
    fill_pool_join(page, email="not an address")
    page.locator("#pool-join-form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Join the volunteer pool").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    audit("pool-join-errors")

    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Which city is the meetup in?",
    )
    page.goto(help_request.get_absolute_url())
    expect(page.get_by_role("heading", name="The PSF needs more information")).to_be_visible()
    audit("status-question")

    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


def test_keyboard_user_can_skip_to_content(page, screenshot):
    page.goto("/")
    skip_link = page.get_by_role("link", name="Skip to main content")
    box = skip_link.bounding_box()
    assert box is not None
    assert box["width"] <= 1 and box["height"] <= 1, "the skip link shows before it has focus"

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None
    assert box["width"] > 50 and box["height"] > 20, f"the focused skip link is not visible: {box}"
    screenshot(page)

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/#main$"))
    expect(page.locator("#main")).to_be_focused()
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate(
        "() => document.getElementById('main').contains(document.activeElement)"
    )
    assert focused_in_main
