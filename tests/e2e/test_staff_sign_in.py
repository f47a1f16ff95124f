"""Staff sign-in in the browser: a new staff member's first way into the admin (password from
the welcome e-mail, then an authenticator app), the code at each later sign-in, and a security
key (WebAuthn, through Chrome's virtual authenticator) as a second choice."""

import contextlib
import importlib
import re
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page, expect

from accounts.models import AuditEvent
from accounts.services import STAFF_GROUP, user_make_staff
from tests.factories import DEFAULT_PASSWORD, StaffFactory
from tests.signin import give_totp

from .helpers import link_in, mail_to
from .test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHANGELIST = "/admin/help_requests/helprequest/"
ACTIVATE = "/accounts/2fa/totp/activate/"
NEW_STAFF = "ada@python.org"
PASSPHRASE = "a long staff passphrase for ada"
KEY_NAME = "Blue USB key"
FRESH_SECONDS = 3
SIGN_IN_SUBJECT = "New sign-in to your PSF Helpdesk staff account"


def code_for(secret: str) -> str:
    """What an authenticator app set up with `secret` shows now, with time left to type it.

    The server takes the current 30-second window's code only (MFA_TOTP_TOLERANCE is 0): a code
    read in a window's last seconds could be stale when it arrives, so wait for the next one.
    """
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < FRESH_SECONDS:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def staff_group() -> Group:
    """The "PSF staff" group as its data migration makes it: a transactional test's flush
    empties the table, and an empty group would open no admin page."""
    migration = importlib.import_module("psf_helpdesk.migrations.0001_staff_group")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    for label, codenames in migration.PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )
    return group


def submit_sign_in(page: Page, email: str, password: str) -> None:
    """Fill allauth's sign-in form (the page must be showing it) and send it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def expect_no_axe_violations(page: Page, axe_source: str, name: str) -> None:
    found = [describe(name, violation) for violation in axe_violations(page, axe_source)]
    assert not found, "axe-core found violations:\n" + "\n".join(found)


@contextlib.contextmanager
def console_on_failure(console: list[str]) -> Iterator[None]:
    """A failed expectation also shows what the page's scripts said (WebAuthn errors go there)."""
    try:
        yield
    except AssertionError as error:
        raise AssertionError(f"{error}\nBrowser console:\n" + "\n".join(console)) from None


@pytest.mark.usefixtures("eager_celery")  # the e-mails go out as they would with a worker
def test_new_staff_set_a_password_then_an_authenticator_before_the_admin_opens(
    new_context, live_server, axe_source, screenshot
):
    staff_group()
    staff, created = user_make_staff(email=NEW_STAFF)
    assert created
    assert not staff.is_superuser  # the group's permissions, not a superuser's, open the admin
    (welcome,) = mail_to(NEW_STAFF)
    assert welcome.subject == "You are now PSF Helpdesk staff"
    set_password_url = link_in(welcome.body, live_server.url, "/accounts/password/reset/key/")

    # axe is injected as an inline script, which the site's CSP rightly blocks: only this
    # context bypasses it (test_csp.py checks the policy).
    page = new_context(bypass_csp=True).new_page()

    # The e-mail's link: allauth swaps the key in the address for a form, then the password.
    # A first password is chosen, not changed; the password is typed once, here.
    page.goto(set_password_url)
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/\w+-set-password/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    expect(page).to_have_title(re.compile(r"^Choose your password"))
    screenshot(page, "1-choose-password")
    page.get_by_label("New password", exact=True).fill(PASSPHRASE)
    page.get_by_label("Repeat your new password").fill(PASSPHRASE)
    page.get_by_role("button", name="Save my password").click()

    # Saving it signed them in, and on the way to the admin they are sent to set up the app,
    # with no second password prompt (not a sign-in form, not "Confirm it is you").
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/\?next=%2Fadmin%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("status").filter(has_text="Staff accounts need")).to_have_text(
        "Staff accounts need a second factor. Set up an authenticator app to go on."
    )
    screenshot(page, "2-signed-in")
    staff.refresh_from_db()
    assert staff.has_usable_password()
    # Any other page, the admin's above all, sends them back here until it is done (the admin
    # page they first asked for last: that is where they will be offered to go on).
    for path in ("/admin/", "/me/", CHANGELIST):
        page.goto(path)
        expect(page).to_have_url(f"{live_server.url}{ACTIVATE}?next={quote(path, safe='')}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
        # The reason was given once, on the way in: it does not pile up at every page.
        expect(page.get_by_role("status").filter(has_text="Staff accounts need")).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile("^QR code"))).to_be_visible()
    screenshot(page, "3-set-up-authenticator")
    expect_no_axe_violations(page, axe_source, "totp-activate")

    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(code_for(secret))
    page.get_by_role("button", name="Set up", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.get_by_role("status").filter(has_text="authenticator")).to_have_text(
        "Your authenticator app is set up."
    )
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10, codes
    carry_on = page.get_by_role("link", name="Continue to where you were going")
    expect(carry_on).to_have_attribute("href", CHANGELIST)
    screenshot(page, "4-recovery-codes")
    expect_no_axe_violations(page, axe_source, "recovery-codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    carry_on.click()
    expect(page).to_have_url(f"{live_server.url}{CHANGELIST}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help requests")
    screenshot(page, "5-admin")

    notices = [m for m in mail_to(NEW_STAFF) if m.subject == SIGN_IN_SUBJECT]
    assert len(notices) == 1, [m.subject for m in mail_to(NEW_STAFF)]
    assert f"{live_server.url}/accounts/sessions/" in notices[0].body


def test_staff_with_an_authenticator_type_its_code_at_sign_in(page, live_server, screenshot):
    staff = StaffFactory()
    authenticator = give_totp(staff)

    page.goto(CHANGELIST)
    submit_sign_in(page, staff.email, DEFAULT_PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    screenshot(page, "1-code")
    right = code_for(authenticator.data["secret"])
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"  # six digits, not the app's code
    page.get_by_label("Code", exact=True).fill(wrong)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("The code is not correct.")
    expect(page).to_have_title(re.compile(r"^Error: Two-factor authentication"))
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    screenshot(page, "2-wrong-code")
    # Still out: the admin sends the browser to sign in (asked behind the page's back, so the
    # half-done sign-in stays as it is).
    response = page.request.get(CHANGELIST, max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].startswith("/admin/login/")
    assert AuditEvent.objects.filter(actor=staff, action=AuditEvent.Action.MFA_FAILED).exists()

    page.get_by_label("Code", exact=True).fill(code_for(authenticator.data["secret"]))
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}{CHANGELIST}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help requests")
    screenshot(page, "3-admin")


def test_a_security_key_is_a_second_choice(new_context, live_server, screenshot):
    # WebAuthn takes no IP address as the relying party's id: the site must be on "localhost".
    base = re.sub(r"^http://127\.0\.0\.1:", "http://localhost:", live_server.url)
    assert re.match(r"^http://localhost:\d+$", base), base
    context = new_context()
    page = context.new_page()
    console: list[str] = []  # allauth's script reports WebAuthn failures on the console
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    # A USB security key that is always there and always touched.
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    key = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    staff = StaffFactory()
    app = give_totp(staff)

    # Signed in with the app's code, they add a key.
    page.goto(f"{base}{CHANGELIST}")
    submit_sign_in(page, staff.email, DEFAULT_PASSWORD)
    page.get_by_label("Code", exact=True).fill(code_for(app.data["secret"]))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}{CHANGELIST}")

    page.goto(f"{base}/accounts/2fa/")
    keys_panel = page.locator("section").filter(
        has=page.get_by_role("heading", name="Security keys", exact=True)
    )
    expect(keys_panel).to_contain_text("You have not added a security key.")
    screenshot(page, "1-mfa-index")
    keys_panel.get_by_role("link", name="Add", exact=True).click()
    # Adding a factor takes the password again, even just after signing in.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a security key")
    screenshot(page, "2-add-key")
    page.get_by_label("Name").fill(KEY_NAME)
    page.get_by_role("button", name="Add", exact=True).click()  # the browser asks the key

    # Its first factor besides the app, so allauth makes recovery codes with it.
    with console_on_failure(console):
        expect(page.get_by_role("status").filter(has_text="Security key added.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    screenshot(page, "3-key-added")
    (credential,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": key})["credentials"]
    webauthn = Authenticator.objects.get(user=staff, type=Authenticator.Type.WEBAUTHN)
    assert webauthn.wrap().name == KEY_NAME
    added_rows = AuditEvent.objects.filter(
        actor=staff, action=AuditEvent.Action.MFA_ADDED, detail=webauthn.get_type_display()
    )
    assert added_rows.count() == 1, list(AuditEvent.objects.values_list("action", "detail"))

    page.goto(f"{base}/accounts/2fa/")
    expect(keys_panel).to_contain_text("You have added 1 security key.")
    keys_panel.get_by_role("link", name="Manage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Security keys")
    expect(page.get_by_role("row").filter(has_text=KEY_NAME)).to_have_count(1)
    screenshot(page, "4-key-list")

    # Signed out and in again, they choose the key instead of the app's code.
    nav = page.get_by_role("navigation", name="Your account")
    nav.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}{CHANGELIST}")
    submit_sign_in(page, staff.email, DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{base}/accounts/2fa/authenticate/")
    screenshot(page, "5-code-or-key")
    page.get_by_role("button", name="Use a security key").click()

    with console_on_failure(console):
        expect(page).to_have_url(f"{base}{CHANGELIST}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help requests")
    screenshot(page, "6-admin")
    (used,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": key})["credentials"]
    assert used["credentialId"] == credential["credentialId"]
    assert used["signCount"] > credential["signCount"]
    webauthn.refresh_from_db()
    assert webauthn.last_used_at is not None
