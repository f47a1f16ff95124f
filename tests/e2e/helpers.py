"""What a person does in the browser, shared by the browser tests."""

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone
from playwright.sync_api import Page

from help_requests.fields import date_example
from tests.factories import DEFAULT_PASSWORD, RoleFactory
from tests.signin import give_totp, totp_code
from volunteers.models import Role

TITLE = "Venue money for PyLadies Lagos"


def fill_help_request(
    page: Page, *, title: str = TITLE, amount: str = "500", currency: str = "USD"
) -> None:
    """Fill /help/new/ as someone asking for funding and advice, with a budget of one line
    (leave amount "" to omit the line's amount)."""
    page.get_by_label("I need help").check()
    page.get_by_label("A short title").fill(title)
    page.get_by_label("Tell us more").fill("We need a room for our monthly meetup of 40 people.")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Your e-mail address").fill("grace@example.org")
    page.get_by_label("Which part of the community is this for?").select_option("community")
    page.get_by_role("checkbox", name="Funding", exact=True).check()
    page.get_by_role("checkbox", name="Advice", exact=True).check()
    page.get_by_label("Needed by").fill(date_example())
    page.get_by_label("Currency").select_option(currency)
    page.get_by_label("What is the money for?").select_option("user-group")
    page.locator("#id_line-0-description").fill("Room hire for the meetup")
    page.locator("#id_line-0-category").select_option("venue")
    if amount:
        page.locator("#id_line-0-amount").fill(amount)
    page.get_by_label("How many people will it reach?").fill("40")
    page.get_by_label("How will this sustain itself after the grant?").fill(
        "Members pay a small fee from the second year on."
    )


def submit_help_request(page: Page) -> None:
    page.get_by_role("button", name="Send to the PSF").click()


def admin_login(page: Page, user, password: str = DEFAULT_PASSWORD) -> None:
    """Go to the admin as staff do: allauth's sign-in, then the authenticator app's code."""
    authenticator = give_totp(user)
    page.goto("/admin/")  # hands over to /accounts/login/?next=/admin/
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("Code").fill(totp_code(authenticator))
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/admin/")


# The volunteer half --------------------------------------------------------------------------

VOLUNTEER = "Katherine Johnson"
VOLUNTEER_EMAIL = "katherine@example.org"


def make_role(areas, **fields) -> Role:
    """An open role with every optional part filled in, so each part of the page is exercised."""
    values = {
        "title": "Postmaster",
        "slug": "postmaster",
        "area": areas["infrastructure"],
        "summary": "Look after the PSF's mail server and the mailing lists on it.",
        "description": "Keep Postfix and Mailman healthy.\n\nAnswer questions from list owners.",
        "skills": "Postfix\nDNS and SPF\nPatience",
        "time_commitment": "3 hours a week",
        "first_task": "Read last month's bounce report and tell us what you see.",
        "contact_name": "Ee Durbin",
        "contact_email": "postmaster@python.org",
        "is_vetted": True,
        "closes_on": timezone.localdate() + timedelta(days=30),
        **fields,
    }
    return RoleFactory(**values)


def fill_role_interest(
    page: Page, *, name: str = VOLUNTEER, email: str = VOLUNTEER_EMAIL, availability: str = ""
) -> None:
    """Fill the “I'm interested” form on a role page."""
    form = page.locator("#interest-form")
    form.get_by_label("Your name").fill(name)
    form.get_by_label("Your e-mail address").fill(email)
    form.get_by_label("When could you help?").fill(availability or "Two evenings a week, UTC")


def submit_role_interest(page: Page) -> None:
    page.get_by_role("button", name="I'm interested").click()


def fill_pool_join(
    page: Page, *, email: str = VOLUNTEER_EMAIL, interests: tuple[str, ...] = ()
) -> None:
    """Fill /pool/join/ (tick the areas labelled `interests`) and give consent."""
    page.get_by_label("Your e-mail address").fill(email)
    page.get_by_label("Your name").fill(VOLUNTEER)
    for label in interests:
        page.get_by_role("checkbox", name=label, exact=True).check()
    page.get_by_role("checkbox", name=re.compile(r"^I agree that the Python Software")).check()


def mail_to(address: str) -> list[EmailMessage]:
    """The e-mails sent to `address` so far (the live server shares this process's outbox)."""
    return [message for message in mail.outbox if address in message.to]


def link_in(text: str, base_url: str, path: str) -> str:
    """The one absolute link under `base_url` + `path` in an e-mail body or header."""
    links = set(re.findall(re.escape(f"{base_url}{path}") + r"[\w-]+/", text))
    assert len(links) == 1, f"expected one {path} link, found {links} in:\n{text}"
    return links.pop()


# The Nu HTML Checker (npm's vnu-jar, run by Java) ----------------------------------------------

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_checker(skipped: str) -> str:
    """Java's path; skips the test without Java (`skipped`: what still ran), fails without the
    jar (make e2e installs it)."""
    java = shutil.which("java")
    if java is None:
        pytest.skip(
            "the Nu HTML Checker needs Java, and `java` is not on PATH "
            f"(apt-get install default-jre-headless); {skipped}"
        )
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `npm ci` (make e2e does)", pytrace=False)
    return java


def nu_errors(java: str, files: list[Path], *, timeout: int) -> list[str]:
    """The checker's errors in `files` (its warnings are printed, for whoever reads the log)."""
    checked = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    messages = json.loads(checked.stdout)["messages"]
    for message in messages:
        print(f"{Path(message.get('url', '?')).name}: {message['type']}: {message['message']}")
    return [
        f"{Path(m.get('url', '?')).name} line {m.get('lastLine')}: {m['message']}"
        f"\n    {m.get('extract', '')!r}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
