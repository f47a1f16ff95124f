"""What a person does in the browser, shared by the browser tests."""

from playwright.sync_api import Page

from tests.factories import DEFAULT_PASSWORD

TITLE = "Venue money for PyLadies Lagos"


def fill_help_request(
    page: Page, *, title: str = TITLE, amount: str = "500", currency: str = "EUR"
) -> None:
    """Fill /help/new/ as someone asking for funding and advice (leave amount "" to omit it)."""
    page.get_by_label("I need help").check()
    page.get_by_label("A short title").fill(title)
    page.get_by_label("Tell us more").fill("We need a room for our monthly meetup of 40 people.")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Your e-mail address").fill("grace@example.org")
    page.get_by_label("Which part of the community is this for?").select_option("community")
    page.get_by_role("checkbox", name="Funding", exact=True).check()
    page.get_by_role("checkbox", name="Advice", exact=True).check()
    if amount:
        page.get_by_label("How much funding do you need?").fill(amount)
    page.get_by_label("Currency").select_option(currency)


def submit_help_request(page: Page) -> None:
    page.get_by_role("button", name="Send to the PSF").click()


def admin_login(page: Page, user, password: str = DEFAULT_PASSWORD) -> None:
    """Sign in through the admin's own login form, as a person would."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
