"""allauth's account pages belong to the site: they read and work for everyone, keyboard and
screen reader included, with or without JavaScript, and are valid HTML.

Each page of the tour is checked for: its title is its heading (with "Error: " first when the
error summary shows), axe-core finds nothing, every input that needs one has `autocomplete`,
labels end without a colon, aria-describedby names ids that exist; screenshots at 1280 and 390
pixels wide go to var/screenshots/. The Nu HTML Checker (vnu.jar from npm, run with `java`)
reads every page's HTML in a test of its own, skipped when `java` is missing.
"""

import re
from collections.abc import Iterator

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

from .helpers import nu_checker, nu_errors
from .test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUFFIX = " · Python Software Foundation"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}

# Inputs a person types into, and so need an autocomplete token (or "off").
TYPED_INPUTS = (
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
    ":not([type=submit]):not([type=button])"
)


def submit_sign_in(page: Page, user) -> None:
    """Fill and send allauth's sign-in form, as a person does."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_in(page: Page, user) -> None:
    submit_sign_in(page, user)
    page.wait_for_url("**/me/")


def code_for(secret: str) -> str:
    """What an authenticator app set up with `secret` shows now."""
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def tour(page: Page, user) -> Iterator[str]:
    """Visit each account page the way a person gets there; yield a name at each stop."""
    page.goto("/accounts/login/")
    yield "login"
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    yield "signup"
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    yield "signup-errors"
    page.goto("/accounts/password/reset/")
    yield "password-reset"
    sign_in(page, user)
    page.goto("/accounts/email/")
    yield "email"
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    yield "password-change"
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    yield "mfa-index"
    page.get_by_role("link", name="Set up", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    yield "reauthenticate"
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    yield "totp-activate"
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Set up", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    yield "totp-activate-errors"
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(code_for(secret))
    page.get_by_role("button", name="Set up", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    yield "recovery-codes"
    account_nav = page.get_by_role("navigation", name="Your account")
    account_nav.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign out")
    yield "logout"
    page.get_by_role("button", name="Sign out").click()
    submit_sign_in(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    yield "mfa-authenticate"
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    yield "mfa-authenticate-errors"


def page_problems(page: Page) -> list[str]:
    """What the tour checks on every page, besides axe-core: title, labels, ids, autocomplete."""
    problems = []
    heading = page.get_by_role("heading", level=1).inner_text().strip()
    has_errors = page.locator(".error-summary").count() > 0
    expected = ("Error: " if has_errors else "") + heading + SUFFIX
    if page.title() != expected:
        problems.append(f"title {page.title()!r}, expected {expected!r}")
    for label in page.locator("label").all_inner_texts():
        if label.strip().endswith(":"):
            problems.append(f"label {label!r} ends with a colon")
    for control in page.locator("[aria-describedby]").all():
        for id_ in (control.get_attribute("aria-describedby") or "").split():
            if page.locator(f"[id='{id_}']").count() != 1:
                problems.append(f"aria-describedby names {id_!r}, which is not on the page")
    for control in page.locator(TYPED_INPUTS).all():
        if not control.get_attribute("autocomplete"):
            problems.append(f"no autocomplete on {control.evaluate('e => e.outerHTML')}")
    return problems


def test_account_pages_read_right_and_pass_axe(new_context, axe_source, screenshot, user):
    # axe is injected as an inline script, which the site's CSP rightly blocks: only this
    # context bypasses it (test_csp.py checks the policy).
    page = new_context(bypass_csp=True).new_page()
    found: list[str] = []

    for name in tour(page, user):
        found += [f"{name}: {problem}" for problem in page_problems(page)]
        for viewport, width in ((WIDE, "1280"), (NARROW, "390")):
            page.set_viewport_size(viewport)
            screenshot(page, f"{name}-{width}")
            found += [describe(f"{name} at {width}", v) for v in axe_violations(page, axe_source)]
        page.set_viewport_size(WIDE)

    assert not found, "\n".join(found)


def test_error_summary_takes_the_focus_and_its_links_focus_the_fields(page, screenshot):
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Create an account").click()

    expect(page).to_have_title("Error: Create an account" + SUFFIX)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        [
            "E-mail address: Enter a valid e-mail address.",
            "Password: This field is required.",
            "Repeat your password: This field is required.",
        ]
    )
    # What was typed is kept.
    expect(page.get_by_label("E-mail address")).to_have_value("not an address")

    links.first.click()
    expect(page.get_by_label("E-mail address")).to_be_focused()
    links.nth(2).click()
    expect(page.get_by_label("Repeat your password")).to_be_focused()
    screenshot(page)

    # Keyboard: the summary is where the focus is, so Tab reaches its first link next.
    page.reload()
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("E-mail address")).to_be_focused()


def test_account_pages_work_without_javascript(new_context, user, screenshot):
    page = new_context(java_script_enabled=False).new_page()

    # Errors: the summary is the form's first part and its links still reach the fields.
    page.goto("/accounts/signup/")
    page.get_by_role("button", name="Create an account").click()
    expect(page).to_have_title("Error: Create an account" + SUFFIX)
    summary = page.locator("form .error-summary")
    expect(summary).to_be_visible()
    summary.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"#id_email$"))
    expect(page.get_by_label("E-mail address")).to_be_focused()
    screenshot(page, "signup-errors")

    # Sign in, keep signed in: the checkbox works without scripts.
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Keep me signed in").check()
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/me/")

    # Set up an authenticator app, typing the secret the page shows into "the app".
    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="Set up", exact=True).click()
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    screenshot(page, "totp-activate")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(code_for(secret))
    page.get_by_role("button", name="Set up", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Your authenticator app is set up.")
    screenshot(page, "after-totp")
    recovery_code = page.get_by_label("Unused codes").input_value().split()[0]
    page.goto("/accounts/2fa/")
    expect(page.get_by_text("An authenticator app is set up.")).to_be_visible()

    # Change the password.
    page.goto("/accounts/password/change/")
    page.get_by_label("Current password").fill(DEFAULT_PASSWORD)
    page.get_by_label("New password", exact=True).fill("a new and longer passphrase")
    page.get_by_label("Repeat your new password").fill("a new and longer passphrase")
    page.get_by_role("button", name="Change your password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password has been changed.")

    # Add an e-mail address: refused once two-factor authentication is on, the GOV.UK way.
    page.goto("/accounts/email/")
    page.get_by_label("E-mail address").fill("ada.lovelace@example.org")
    page.get_by_role("button", name="Add e-mail address").click()
    expect(page).to_have_title("Error: E-mail addresses" + SUFFIX)
    expect(page.locator(".error-summary")).to_contain_text(
        "You cannot add an e-mail address to an account protected by two-factor authentication."
    )
    expect(page.get_by_label("E-mail address")).to_have_value("ada.lovelace@example.org")
    screenshot(page, "email-errors")

    # Sign out and in again: the second step takes a recovery code.
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill("a new and longer passphrase")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_title("Two-factor authentication" + SUFFIX)
    page.get_by_label("Code", exact=True).fill(recovery_code)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/me/")


def test_account_pages_are_valid_html(new_context, user, tmp_path):
    java = nu_checker("the other account page checks still ran")
    page = new_context().new_page()
    files = []
    for name in tour(page, user):
        path = tmp_path / f"{name}.html"
        # The heading the tour waits for can be parsed before the end of the page (the sign-out
        # form of the MFA page is last): read the page once it has loaded.
        page.wait_for_load_state("load")
        path.write_text(page.content(), encoding="utf-8")
        files.append(path)

    errors = nu_errors(java, files, timeout=120)
    assert len(files) == 14, "the tour stopped early"
    assert not errors, "the Nu HTML Checker found errors:\n" + "\n".join(errors)


def tab_to(page: Page, locator, most: int = 10) -> None:
    """Press Tab until `locator` has the focus (at most `most` times), as a keyboard user does."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    expect(locator).to_be_focused()


def test_signing_in_with_the_keyboard_alone(page, user):
    """From the top of the page to each field, in reading order, and Enter to sign in."""
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("E-mail address"))
    page.keyboard.type(user.email)
    # The hint under the password's label holds "Forgot your password?": one Tab, then the field.
    tab_to(page, page.get_by_label("Password", exact=True), most=2)
    page.keyboard.type(DEFAULT_PASSWORD)
    tab_to(page, page.get_by_label("Keep me signed in"), most=1)
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your activity")
