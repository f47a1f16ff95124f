"""Joining the volunteer pool (double opt-in by e-mail) and leaving it again, in a browser."""

import re

import pytest
from django.conf import settings
from django.template.defaultfilters import pluralize
from playwright.sync_api import expect

from volunteers.models import PoolMember

from .helpers import VOLUNTEER, VOLUNTEER_EMAIL, fill_pool_join, link_in, mail_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_join_confirm_and_leave_the_pool(page, areas, live_server, screenshot):
    page.goto("/")
    page.get_by_role("link", name="Join the volunteer pool").click()
    expect(page).to_have_url(f"{live_server.url}/pool/join/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the volunteer pool")
    fill_pool_join(page, interests=("Websites and content", "Conferences and events"))
    page.get_by_label("Your skills and experience").fill("Django, accessibility audits")
    screenshot(page, "form")
    page.get_by_role("button", name="Join the volunteer pool").click()

    expect(page).to_have_url(f"{live_server.url}/pool/join/sent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    days = settings.POOL_CONFIRM_DAYS
    expect(page.get_by_text(f"The link works for {days} day{pluralize(days)}.")).to_be_visible()
    screenshot(page, "sent")
    member = PoolMember.objects.get()
    assert (member.email, member.confirmed_at) == (VOLUNTEER_EMAIL, None)
    signup = member.signups.get()  # what was typed waits with the link sent for it
    assert signup.name == VOLUNTEER
    assert set(signup.areas) == {"web", "events"}
    assert signup.skills == "Django, accessibility audits"
    assert signup.consent_text.startswith("I agree that the Python Software Foundation")

    # The confirmation e-mail's link shows a button; opening it confirms nothing yet (mail
    # scanners follow links).
    (confirmation,) = mail_to(VOLUNTEER_EMAIL)
    assert confirmation.subject == "Please confirm you want to join the PSF volunteer pool"
    confirm_url = link_in(confirmation.body, live_server.url, "/pool/confirm/")
    page.goto(confirm_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the volunteer pool")
    expect(page.get_by_text(f"confirm that {VOLUNTEER_EMAIL} may join")).to_be_visible()
    confirm = page.get_by_role("button", name="Confirm and join")
    expect(confirm).to_be_visible()
    screenshot(page, "confirm")
    member.refresh_from_db()
    assert member.confirmed_at is None
    assert len(mail_to(VOLUNTEER_EMAIL)) == 1

    confirm.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to the volunteer pool")
    expect(page.get_by_text(f"Thank you, {VOLUNTEER}! You are in.")).to_be_visible()
    screenshot(page, "welcome")
    member.refresh_from_db()
    assert member.confirmed_at is not None
    assert member.unsubscribed_at is None
    assert (member.name, member.skills) == (VOLUNTEER, "Django, accessibility audits")
    assert {area.code for area in member.interests.all()} == {"web", "events"}

    # The welcome e-mail carries the unsubscribe link: one click in its header (RFC 8058), the
    # page with the button in its body.
    welcome = mail_to(VOLUNTEER_EMAIL)[-1]
    assert welcome.subject == "Welcome to the PSF volunteer pool"
    header = welcome.extra_headers["List-Unsubscribe"]
    unsubscribe_url = link_in(welcome.body, live_server.url, "/pool/unsubscribe/")
    assert header == f"<{unsubscribe_url}one-click/>"
    assert welcome.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Opening the confirmation link again says so instead of showing the button.
    page.goto(confirm_url)
    expect(page.get_by_text("You are already in the volunteer pool.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and join")).to_have_count(0)

    page.goto(unsubscribe_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave the volunteer pool")
    leave = page.get_by_role("button", name="Leave the pool")
    screenshot(page, "unsubscribe")
    member.refresh_from_db()
    assert member.unsubscribed_at is None
    leave.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You have left the volunteer pool")
    expect(page.get_by_text(f"{VOLUNTEER_EMAIL} will get no more e-mails")).to_be_visible()
    screenshot(page, "left")
    member.refresh_from_db()
    assert member.unsubscribed_at is not None
    assert not member.is_subscribed
    assert len(mail_to(VOLUNTEER_EMAIL)) == 2  # leaving sends nothing

    # The link keeps working, and only tells what happened.
    page.goto(unsubscribe_url)
    expect(page.get_by_text(re.compile(r"is not in the pool any more: it left on"))).to_be_visible()
    expect(page.get_by_role("button", name="Leave the pool")).to_have_count(0)


def test_join_form_explains_what_is_missing(new_context, areas, screenshot):
    # No script of the page's own: the server's answer alone must be clear.
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/pool/join/?area=grants")
    # A link from an area's empty role list ticks that area already.
    expect(page.get_by_role("checkbox", name="Grants and fundraising")).to_be_checked()
    fill_pool_join(page)
    consent = page.get_by_role("checkbox", name=re.compile(r"^I agree that"))
    consent.uncheck()
    # Skip the browser's own check of required fields, as an old browser would.
    page.locator("#pool-join-form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Join the volunteer pool").click()

    expect(page).to_have_url(re.compile(r"/pool/join/\?area=grants$"))
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator(".error-summary").get_by_role("link")).to_have_count(1)
    expect(consent).to_have_attribute("aria-invalid", "true")
    expect(consent).to_have_accessible_description(re.compile(r"Please tick the box"))
    expect(page.locator("#div_id_consent")).to_contain_text(
        "Please tick the box: we only e-mail people who agree to it."
    )
    expect(page.get_by_label("Your e-mail address")).to_have_value(VOLUNTEER_EMAIL)
    screenshot(page)
    assert not PoolMember.objects.exists()
