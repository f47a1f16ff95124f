"""A newcomer finds a volunteer role and raises a hand for it: with JavaScript, and without it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import RoleFactory
from volunteers.models import Role, RoleInterest

from .helpers import (
    VOLUNTEER,
    VOLUNTEER_EMAIL,
    fill_role_interest,
    mail_to,
    make_role,
    submit_role_interest,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

THANK_YOU = "Thank you for raising your hand!"
ALREADY = "Thank you for raising your hand!"  # the same answer: it reveals nothing
# What has keyboard focus: a field's id, or a link's or button's text.
FOCUSED = "() => document.activeElement.id || document.activeElement.textContent.trim()"


@pytest.fixture
def roles(areas) -> dict[str, Role]:
    """Five open roles, newest first, in three areas; and a draft nobody may see."""
    now = timezone.now()

    def opened(days: int):
        return now - timedelta(days=days)

    made = {
        "postmaster": make_role(areas, opened_at=opened(1)),
        "website": RoleFactory(
            title="Website maintainer",
            slug="website-maintainer",
            area=areas["web"],
            summary="Keep the pages of python.org current and accessible.",
            opened_at=opened(2),
        ),
        "blog": RoleFactory(
            title="Blog editor",
            slug="blog-editor",
            area=areas["web"],
            summary="Edit the posts on the PSF blog before they go out.",
            opened_at=opened(3),
        ),
        "responder": RoleFactory(
            title="Help list responder",
            slug="help-list-responder",
            area=areas["support"],
            summary="Answer newcomers' questions about Python.",
            opened_at=opened(4),
        ),
        "jobs": RoleFactory(
            title="Job board reviewer",
            slug="job-board-reviewer",
            area=areas["support"],
            summary="Check new job postings against the board's rules.",
            opened_at=opened(10),
        ),
    }
    RoleFactory(
        title="Secret draft",
        slug="secret-draft",
        area=areas["web"],
        status=Role.Status.DRAFT,
        opened_at=None,
    )
    return made


def role_titles(page: Page):
    return page.locator("article.role-card").get_by_role("heading")


def messages(page: Page):
    return page.locator(".messages").get_by_role("status")


def test_newcomer_finds_a_role_and_raises_a_hand(new_context, roles, live_server, screenshot):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()

    # The home page shows the four newest roles and leads to all of them.
    page.goto("/")
    newest = page.locator(".newest-roles").get_by_role("link")
    expect(newest).to_have_text(
        ["Postmaster", "Website maintainer", "Blog editor", "Help list responder"]
    )
    screenshot(page, "home")
    page.get_by_role("link", name="See all 5 open roles").click()
    expect(page).to_have_url(f"{live_server.url}/roles/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Python needs your help")
    expect(page.get_by_role("status")).to_contain_text("5 open roles.")
    expect(role_titles(page)).to_have_text(
        [
            "Postmaster",
            "Website maintainer",
            "Blog editor",
            "Help list responder",
            "Job board reviewer",
        ]
    )
    expect(page.get_by_text("Secret draft")).to_have_count(0)

    # Search: type, press the button.
    search = page.get_by_role("searchbox", name="Search roles")
    search.fill("mail")
    page.get_by_role("button", name="Show roles").click()
    expect(page).to_have_url(re.compile(r"/roles/\?q=mail&area=$"))
    expect(page.get_by_role("status")).to_contain_text("1 open role matching “mail”.")
    expect(role_titles(page)).to_have_text(["Postmaster"])
    expect(page).to_have_title(re.compile("^Roles matching “mail”"))
    screenshot(page, "search")

    # Filter by area; the option tells how many roles each area has.
    search.fill("")
    area = page.get_by_label("Area")
    expect(area.locator("option")).to_contain_text(
        ["All areas", "Infrastructure and servers (1)", "Websites and content (2)"]
    )
    area.select_option(label="Websites and content (2)")
    page.get_by_role("button", name="Show roles").click()
    expect(page).to_have_url(re.compile(r"/roles/\?q=&area=web$"))
    expect(page.get_by_role("status")).to_contain_text("2 open roles in Websites and content.")
    expect(role_titles(page)).to_have_text(["Website maintainer", "Blog editor"])
    expect(area).to_have_value("web")

    # Both at once, then back to everything.
    search.fill("blog")
    page.get_by_role("button", name="Show roles").click()
    expect(role_titles(page)).to_have_text(["Blog editor"])
    expect(page.get_by_role("searchbox", name="Search roles")).to_have_value("blog")
    page.get_by_role("link", name="Show all open roles").click()
    expect(role_titles(page)).to_have_count(5)
    screenshot(page, "list")

    # Open a role.
    role = roles["postmaster"]
    page.get_by_role("link", name="Postmaster").click()
    role_url = f"{live_server.url}{role.get_absolute_url()}"
    expect(page).to_have_url(role_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Postmaster")
    expect(page.get_by_role("heading", name="A first task to start with")).to_be_visible()
    expect(page.get_by_text("This role gives access to sensitive systems")).to_be_visible()

    # Sharing: the absolute link, and (with JavaScript) a button that copies it.
    share = page.get_by_label("Link to this role")
    expect(share).to_have_value(role_url)
    copy = page.get_by_role("button", name="Copy link")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == role_url
    screenshot(page, "role")

    # "I'm interested".
    fill_role_interest(page)
    page.get_by_label("Anything you would like us to know").fill("I ran Postfix for ten years.")
    submit_role_interest(page)
    expect(page).to_have_url(role_url)
    expect(messages(page)).to_contain_text(THANK_YOU)
    expect(messages(page)).to_contain_text("Ee Durbin or PSF staff will be in touch")
    expect(page.locator("#interest-form").get_by_label("Your name")).to_have_value("")
    screenshot(page, "thanks")
    interest = RoleInterest.objects.get()
    assert (interest.role, interest.name, interest.email) == (role, VOLUNTEER, VOLUNTEER_EMAIL)
    assert interest.message == "I ran Postfix for ten years."
    assert interest.needs_vetting
    (receipt,) = mail_to(VOLUNTEER_EMAIL)
    assert receipt.subject == "Thank you for your interest in Postmaster"
    assert role_url in receipt.body
    # Staff and the role's contact each get their own copy, saying how to write to the
    # volunteer; no Reply-To, so what happens is kept in the admin rather than in a mail thread.
    for address in [settings.PSF_STAFF_EMAIL, role.contact_email]:
        (told,) = mail_to(address)
        assert told.reply_to == []
        assert VOLUNTEER in told.body
        assert VOLUNTEER_EMAIL in told.body

    # The same person again, with the address in capitals: the same thanks (the page tells
    # nobody who applied), nothing recorded, no second receipt.
    fill_role_interest(page, email=VOLUNTEER_EMAIL.upper())
    submit_role_interest(page)
    expect(page).to_have_url(role_url)
    expect(messages(page)).to_contain_text(ALREADY)
    expect(messages(page)).not_to_contain_text("already")
    screenshot(page, "already")
    assert RoleInterest.objects.count() == 1
    assert len(mail_to(VOLUNTEER_EMAIL)) == 1


def test_copy_link_selects_the_link_when_the_clipboard_refuses(page, roles, live_server):
    """The fallback: the link is selected and focused, so Ctrl+C copies it."""
    page.add_init_script("navigator.clipboard.writeText = () => Promise.reject(new Error('no'))")
    role = roles["blog"]
    page.goto(role.get_absolute_url())
    page.get_by_role("button", name="Copy link").click()

    status = page.locator("[data-copy-status]")
    expect(status).to_have_text("Press Ctrl+C (or ⌘C) to copy the selected link.")
    share = page.get_by_label("Link to this role")
    expect(share).to_be_focused()
    role_url = f"{live_server.url}{role.get_absolute_url()}"
    selected = share.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)")
    assert selected == role_url


def test_role_pages_work_without_javascript(new_context, roles, live_server, screenshot):
    page = new_context(java_script_enabled=False).new_page()

    # The search is a plain GET form.
    page.goto("/roles/")
    page.get_by_role("searchbox", name="Search roles").fill("newcomers")
    page.get_by_role("button", name="Show roles").click()
    expect(role_titles(page)).to_have_text(["Help list responder"])

    role = roles["responder"]
    page.get_by_role("link", name="Help list responder").click()
    role_url = f"{live_server.url}{role.get_absolute_url()}"
    expect(page).to_have_url(role_url)
    # No script: no copy button, but the link is there to select.
    expect(page.get_by_role("button", name="Copy link", include_hidden=True)).to_be_hidden()
    expect(page.get_by_label("Link to this role")).to_have_value(role_url)
    expect(page.get_by_label("Link to this role")).to_be_visible()
    screenshot(page, "role")

    fill_role_interest(page, availability="Saturday mornings")
    submit_role_interest(page)
    expect(page).to_have_url(role_url)
    expect(messages(page)).to_contain_text(THANK_YOU)
    screenshot(page, "thanks")

    fill_role_interest(page, email=VOLUNTEER_EMAIL.upper())
    submit_role_interest(page)
    expect(messages(page)).to_contain_text(ALREADY)
    screenshot(page, "already")
    interest = RoleInterest.objects.get()
    assert (interest.role, interest.availability) == (role, "Saturday mornings")
    assert not interest.needs_vetting


def test_keyboard_user_reaches_the_interest_form(page, roles, screenshot):
    role = roles["postmaster"]
    page.goto(role.get_absolute_url())
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()  # share.js has run

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # From the top of the content, Tab goes through the breadcrumb to the form's first field.
    visited = []
    for _ in range(10):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(FOCUSED))
        if visited[-1] == "id_name":
            break
    assert visited == ["Volunteer roles", "Infrastructure and servers", "id_name"], visited
    expect(page.locator("#interest-form").get_by_label("Your name")).to_be_focused()

    page.keyboard.type(VOLUNTEER)
    page.keyboard.press("Tab")
    expect(page.locator("#interest-form").get_by_label("Your e-mail address")).to_be_focused()
    page.keyboard.type(VOLUNTEER_EMAIL)
    page.keyboard.press("Tab")
    expect(page.locator("#interest-form").get_by_label("When could you help?")).to_be_focused()
    page.keyboard.type("Weekday evenings")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Anything you would like us to know")).to_be_focused()
    page.keyboard.press("Tab")  # past the hidden honeypot field, which is out of the tab order
    # What the form keeps and why, before sending it.
    expect(page.locator("#interest-form .privacy-note a")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="I'm interested")).to_be_focused()
    screenshot(page, "form")
    page.keyboard.press("Enter")

    expect(messages(page)).to_contain_text(THANK_YOU)
    assert RoleInterest.objects.get().availability == "Weekday evenings"
