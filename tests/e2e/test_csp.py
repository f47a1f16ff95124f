"""The Content Security Policy is enforced and nothing the site ships breaks it."""

import time

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, expect

from tests.factories import PoolMemberFactory

from .helpers import admin_login, make_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Reported from the page itself, in addition to Chromium's console message.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${location.pathname}${location.search}: ${event.effectiveDirective}`
    + ` blocked ${event.blockedURI || "inline"} (${event.sourceFile || "?"}:${event.lineNumber})`
  );
});
"""
CANARY = "csp-canary"


def watch_csp_violations(context: BrowserContext) -> list[str]:
    """Every CSP violation in any page of the context, as readable lines."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            url = message.page.url if message.page else "?"
            seen.append(f"{url}: console {message.type}: {message.text}")

    def on_report(line: str) -> None:
        seen.append(line)

    context.on("console", on_console)
    context.expose_function("reportCspViolation", on_report)
    context.add_init_script(REPORT_VIOLATIONS)
    return seen


def test_no_csp_violations_on_public_pages_and_admin(
    context, help_request, staff, areas, screenshot
):
    violations = watch_csp_violations(context)
    page = context.new_page()
    role = make_role(areas)
    member = PoolMemberFactory(confirmed_at=None)

    for url in [
        "/",
        "/help/",
        "/accounts/login/",
        help_request.get_absolute_url(),
        "/roles/",
        "/roles/?q=nothing+matches",
        "/pool/join/",
        "/pool/join/sent/",
        member.signups.get().confirm_url(),
        member.unsubscribe_url(),
    ]:
        page.goto(url)
        page.wait_for_load_state("load")

    page.goto(role.get_absolute_url())
    # share.js runs: it shows the "Copy link" button that stays hidden without it.
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    page.wait_for_load_state("load")

    page.goto("/help/new/")
    # help_form.js runs: the funding questions appear and the help-only ones come and go.
    funding_fields = page.locator("#funding-fields")
    expect(funding_fields).to_be_hidden()
    page.get_by_role("checkbox", name="Funding", exact=True).check()
    expect(funding_fields).to_be_visible()
    page.get_by_label("I have a suggestion for the PSF").check()
    expect(page.locator("fieldset[data-help-only]")).to_be_hidden()
    page.get_by_label("I need help").check()
    expect(page.locator("fieldset[data-help-only]")).to_be_visible()

    admin_login(page, staff)
    page.goto("/admin/help_requests/helprequest/")
    expect(page.get_by_role("link", name=help_request.reference)).to_be_visible()
    screenshot(page, "changelist")
    page.get_by_role("link", name=help_request.reference).click()
    expect(page.get_by_label("Status")).to_have_value("new")
    page.wait_for_load_state("load")
    screenshot(page, "change")

    # A canary the policy must block proves both watches work; as reports come in order, once
    # it arrives every earlier one has too.
    page.goto(f"/?{CANARY}")
    page.evaluate(
        """() => {
            const style = document.createElement("style");
            style.textContent = "body { color: red; }";
            document.head.append(style);
        }"""
    )
    deadline = time.monotonic() + 5
    while sum(CANARY in line for line in violations) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    seen = list(violations)
    canary = [line for line in seen if CANARY in line]
    assert len(canary) == 2, f"the canary inline <style> was not reported twice: {canary}"
    others = [line for line in seen if CANARY not in line]
    assert not others, "CSP violations:\n" + "\n".join(others)
