"""The e-mails as people open them: every HTML part in chromium at 390 px (a phone) and 600 px,
with nothing overflowing sideways, nothing fetched from elsewhere, and a button big enough to tap.

The e-mails are tests/notifications/test_email_layout.py's (made by the real services). Each is
saved to var/emails/<name>.html and .txt, and screenshots land in var/screenshots/.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser

from tests.notifications.test_email_layout import SITE, html_of, make_every_email

from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

EMAILS = Path(settings.BASE_DIR) / "var" / "emails"
WIDTHS = (390, 600)
# Photographed at each width (all are checked): one of each kind of reader.
PHOTOGRAPHED = (
    "help_requests/receipt",
    "help_requests/new_staff",
    "volunteers/interest_staff (contact)",
    "volunteers/pool_confirm",
    "volunteers/pool_role_opened",
    "accounts/confirm_email",
    "staff_digest",
)


@pytest.fixture
def emails(settings, staff, other_staff, help_kinds, areas):
    settings.SITE_URL = SITE
    return make_every_email(staff, other_staff, help_kinds, areas)


def file_name(name: str) -> str:
    return re.sub(r"\W+", "-", name).strip("-")


def save(emails) -> None:
    """var/emails/: each e-mail's HTML part, and its subject and text part, to open by hand."""
    EMAILS.mkdir(parents=True, exist_ok=True)
    for old in EMAILS.glob("*.*"):
        old.unlink()
    for name, message in emails.items():
        (EMAILS / f"{file_name(name)}.html").write_text(html_of(message))
        (EMAILS / f"{file_name(name)}.txt").write_text(
            f"Subject: {message.subject}\n\n{message.body}"
        )


def test_every_email_fits_a_phone_and_fetches_nothing(browser: Browser, emails):
    save(emails)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    fetched: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
        page = context.new_page()
        page.on("request", lambda request: fetched.append(request.url))
        for name, message in emails.items():
            page.set_content(html_of(message), wait_until="load")
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{name} is {overflow} px too wide at {width} px"
            font = page.evaluate("() => getComputedStyle(document.querySelector('p')).fontFamily")
            assert font.endswith("sans-serif"), (name, font)
            button = page.locator("a.email-button")
            if button.count():
                box = button.bounding_box()
                assert box is not None and box["height"] >= 44, (name, box)  # easy to tap
                assert box["x"] + box["width"] <= width, (name, box)
            if name in PHOTOGRAPHED:
                path = SCREENSHOTS / f"test_email_{file_name(name)}-{width}.png"
                page.screenshot(path=path, full_page=True)
        context.close()
        assert [url for url in fetched if not url.startswith(("about:", "data:"))] == []
