"""The public forms' errors, the GOV.UK way, in a real browser.

Sending a form untouched: the browser shows none of its own bubbles (the form is novalidate, so
the server's words come back), the title starts "Error: ", the error summary takes the focus
and lists each problem as a link; a link moves the focus to its field (for a group of boxes, to
its first box), with JavaScript and without it; each message sits above its field; axe-core finds
nothing on the page with errors. Screenshots at 1280 and 390 pixels go to var/screenshots/.
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from help_requests.models import HelpRequest
from volunteers.models import PoolMember, RoleInterest

from .helpers import fill_help_request, make_role, submit_help_request
from .test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUFFIX = " · Python Software Foundation"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}
# The site's error red and Bootstrap's: a box's label in either would say "this box is wrong".
REDS = {"rgb(176, 42, 55)", "rgb(220, 53, 69)"}


@dataclass
class PublicForm:
    name: str
    form_id: str
    button: str
    heading: str
    links: list[str | re.Pattern[str]]  # the summary's links, in order
    first_field: str  # the label of the field the first link focuses


HELP = PublicForm(
    name="help-new",
    form_id="help-request-form",
    button="Send to the PSF",
    heading="Ask the PSF for help",
    links=[
        "Enter a short title.",
        "Tell us more about your request or suggestion.",
        "Tell us your name, so we know who to answer.",
        "We need your e-mail address to answer you.",
        "Choose the area your request is about.",
        "Tick at least one kind of help.",
    ],
    first_field="A short title",
)
POOL = PublicForm(
    name="pool-join",
    form_id="pool-join-form",
    button="Join the volunteer pool",
    heading="Join the volunteer pool",
    links=[
        "Enter your e-mail address.",
        "Enter your name.",
        re.compile(r"^Please tick the box"),
    ],
    first_field="Your e-mail address",
)
ROLE = PublicForm(
    name="role-interest",
    form_id="interest-form",
    button="I'm interested",
    heading="Postmaster",
    links=[
        "Enter your name.",
        "Enter your e-mail address.",
        "Tell us when you could help.",
    ],
    first_field="Your name",
)


@pytest.fixture
def url_of(help_kinds, areas):
    role = make_role(areas)
    return {
        "help-new": "/help/new/",
        "pool-join": "/pool/join/",
        "role-interest": role.get_absolute_url(),
    }


def send_untouched(page: Page, form: PublicForm, url: str) -> None:
    page.goto(url)
    expect(page.locator(f"#{form.form_id}")).to_have_attribute("novalidate", "")
    page.get_by_role("button", name=form.button).click()
    # The server answered (a browser bubble would have kept the page as it was).
    expect(page.locator(f"#{form.form_id} .error-summary")).to_be_visible()


def nothing_saved() -> bool:
    return not (
        HelpRequest.objects.exists() or PoolMember.objects.exists() or RoleInterest.objects.exists()
    )


@pytest.mark.parametrize("form", [HELP, POOL, ROLE], ids=lambda form: form.name)
def test_an_untouched_form_gets_the_servers_words_and_the_summary_takes_the_focus(
    new_context, url_of, axe_source, screenshot, form
):
    # axe is injected as an inline script, which the site's CSP rightly blocks: only this
    # context bypasses it (test_csp.py checks the policy).
    page = new_context(bypass_csp=True).new_page()
    send_untouched(page, form, url_of[form.name])

    expect(page).to_have_title("Error: " + form.heading + SUFFIX)
    expect(page.get_by_role("heading", level=1)).to_have_text(form.heading)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    expect(links).to_have_text(form.links)
    assert nothing_saved()

    # Each message is above its field, and the field is described by it.
    for field in page.locator(f"#{form.form_id} [aria-invalid=true]:not([type=checkbox])").all():
        error_id = f"{field.get_attribute('id')}_error"
        assert error_id in (field.get_attribute("aria-describedby") or "").split()
        # Both read in one go: the page may still be scrolling to the focused summary.
        message_bottom, field_top = page.evaluate(
            "([m, f]) => [document.getElementById(m).getBoundingClientRect().bottom,"
            " document.getElementById(f).getBoundingClientRect().top]",
            [error_id, field.get_attribute("id")],
        )
        assert message_bottom <= field_top, error_id

    found = []
    for viewport, width in ((WIDE, "1280"), (NARROW, "390")):
        page.set_viewport_size(viewport)
        screenshot(page, width)
        found += [describe(f"{form.name} at {width}", v) for v in axe_violations(page, axe_source)]
    assert not found, "axe-core found violations:\n" + "\n".join(found)

    # The first link moves the focus to its field.
    page.set_viewport_size(WIDE)
    links.first.click()
    expect(page.get_by_label(form.first_field, exact=True)).to_be_focused()


def test_the_kind_of_help_is_one_problem_for_the_group_and_its_link_focuses_the_first_box(
    page, url_of, screenshot
):
    send_untouched(page, HELP, url_of["help-new"])

    group = page.locator("#div_id_kinds")
    # One message, above the boxes, for the whole group; the group (its fieldset) is described
    # by it, and no box's label turns red.
    expect(group.locator(".field-error")).to_have_count(1)
    expect(group.locator(".field-error")).to_have_text("Error: Tick at least one kind of help.")
    expect(
        group.get_by_role("group", name="What kind of help do you need?")
    ).to_have_accessible_description(
        re.compile(r"Tick every kind that applies\.\s*Error: Tick at least one kind of help\.")
    )
    for label in group.locator(".form-check-label").all():
        assert label.evaluate("e => getComputedStyle(e).color") not in REDS
    message = group.locator(".field-error").bounding_box()
    first_box = page.get_by_role("checkbox", name="Funding", exact=True).bounding_box()
    assert message and first_box and message["y"] < first_box["y"]

    page.locator(".error-summary").get_by_role("link", name=re.compile("Tick at least one")).click()
    expect(page.get_by_role("checkbox", name="Funding", exact=True)).to_be_focused()
    screenshot(page)


def test_the_keyboard_reaches_the_summary_links_first(page, url_of):
    send_untouched(page, POOL, url_of["pool-join"])

    expect(page.locator(".error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    links = page.locator(".error-summary").get_by_role("link")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your e-mail address")).to_be_focused()
    # The consent box: its link focuses the box itself.
    links.last.click()
    expect(page.get_by_role("checkbox", name=re.compile(r"^I agree that"))).to_be_focused()


def test_the_summary_works_without_javascript(new_context, url_of, screenshot):
    page = new_context(java_script_enabled=False).new_page()
    send_untouched(page, HELP, url_of["help-new"])

    expect(page).to_have_title("Error: " + HELP.heading + SUFFIX)
    summary = page.locator("form .error-summary")
    summary.get_by_role("link", name=re.compile("Tick at least one")).click()
    expect(page).to_have_url(re.compile(r"#id_kinds_0$"))
    expect(page.get_by_role("checkbox", name="Funding", exact=True)).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"#id_title$"))
    expect(page.get_by_label("A short title")).to_be_focused()
    screenshot(page)


def test_an_unreadable_date_is_explained_and_what_was_typed_stays(page, url_of, screenshot):
    page.goto(url_of["help-new"])
    needed_by = page.get_by_label("Needed by")
    expect(needed_by).to_have_attribute("type", "text")
    expect(needed_by).to_have_accessible_description(re.compile(r"^For example, 31 March \d{4}"))
    needed_by.fill("next Tuesday")
    page.get_by_role("button", name="Send to the PSF").click()

    link = page.locator(".error-summary").get_by_role("link", name=re.compile("^Enter the date"))
    expect(link).to_have_text(re.compile(r"Enter the date as a day, month and year, like 31 March"))
    expect(needed_by).to_have_value("next Tuesday")
    link.click()
    expect(needed_by).to_be_focused()
    screenshot(page)


def test_a_post_too_many_shows_the_form_again_as_it_was_typed(page, url_of, settings, screenshot):
    settings.RATELIMIT_FORM_RATE = "1/h"  # an hour: no window ends while the test runs
    page.goto(url_of["help-new"])
    fill_help_request(page, title="The first request")
    submit_help_request(page)
    expect(page).to_have_url(re.compile(r"/help/status/[\w-]+/$"))

    page.goto(url_of["help-new"])
    fill_help_request(page, title="The second request")
    submit_help_request(page)

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "This form has been sent too many times from your connection, so nothing was saved. "
        "Wait an hour, then send it again: what you typed is still here."
    )
    expect(page).to_have_title("Error: " + HELP.heading + SUFFIX)
    expect(page.get_by_label("A short title")).to_have_value("The second request")
    expect(page.get_by_role("checkbox", name="Funding", exact=True)).to_be_checked()
    expect(page.locator("#id_line-0-amount")).to_have_value("500")
    assert list(HelpRequest.objects.values_list("title", flat=True)) == ["The first request"]
    screenshot(page)


def test_a_problem_in_a_part_the_script_hides_keeps_that_part_shown(page, url_of):
    page.goto(url_of["help-new"])
    page.get_by_label("Links (optional)").fill("not a web address")
    page.get_by_label("I have a suggestion for the PSF").check()
    expect(page.locator("fieldset[data-help-only]")).to_be_hidden()
    page.get_by_label("A short title").fill("Publish the grants calendar")
    page.get_by_label("Tell us more").fill("It would help us plan.")
    page.get_by_role("button", name="Send to the PSF").click()

    link = page.locator(".error-summary").get_by_role("link")
    expect(link).to_have_text(
        ["These are not web addresses (they should start with https://): not a web address"]
    )
    expect(page.get_by_label("I have a suggestion for the PSF")).to_be_checked()
    expect(page.locator("fieldset[data-help-only]")).to_be_visible()
    link.click()
    expect(page.get_by_label("Links (optional)")).to_be_focused()
