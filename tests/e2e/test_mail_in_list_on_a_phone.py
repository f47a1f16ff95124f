"""Incoming mail on a phone and on a desk: at 390 px each message's outcome and what it became
are on screen without scrolling sideways (each message a block of lines, not a row of seven
columns); at 1280 px the list is a table whose columns all fit. The change page's sections of one
field say their name once, in the heading, and screen readers still hear it.

Screenshots: var/screenshots/test_*-list-<width>.png and test_*-message-<width>.png."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mail_in.models import InboundMessage, MailboxState
from mail_in.services import mail_intake
from tests.mail_in.corpus import spam_flagged
from tests.mail_in.letters import letter

from .helpers import admin_login
from .test_mail_in_journey import LIST, LONG_ADDRESS, LONG_ID, mail_staff
from .test_staff_sign_in import expect_no_axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_celery"),
]

PHONE, DESK = 390, 1280
LONG_SUBJECT = (
    "Re: Fwd: Sponsorship prospectus for PyCon Namibia 2027 (draft 3, with the venue's quote)"
)

# Where each row's outcome and "became" cells are, and the list's box and the page's width.
MEASURE = """() => {
  const table = document.querySelector('#result_list');
  const cells = [...table.querySelectorAll('tbody tr')].map(row => {
    const box = (name) => {
      const cell = row.querySelector('.field-' + name);
      const r = cell.getBoundingClientRect();
      return {left: r.left, right: r.right, width: r.width, text: cell.innerText.trim()};
    };
    return {outcome: box('outcome'), became: box('became'), subject: box('subject_cell')};
  });
  return {
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    table: Math.ceil(table.getBoundingClientRect().width),
    box: table.closest('.results').clientWidth,
    cells,
  };
}"""


def take_in(raw: bytes) -> InboundMessage:
    return mail_intake(raw=raw, door=InboundMessage.Door.WEBHOOK)[0]


@pytest.fixture
def mail():
    """A list as staff find it: a new request, a long-winded one, a quarantined spam from a long
    address, one discarded; and a mailbox whose last read failed with a long error."""
    take_in(letter(subject="Stickers for PyLadies Windhoek"))
    take_in(
        letter(sender=f"Ada Lovelace <ada.lovelace@{'x' * 40}.example.org>", subject=LONG_SUBJECT)
    )
    spam = take_in(
        spam_flagged(
            subject="You have won", from_=f"Prize Office <{LONG_ADDRESS}>", message_id=LONG_ID
        )
    )
    junk = take_in(spam_flagged(subject="Cheap watches", message_id="junk-1@example.biz"))
    InboundMessage.objects.filter(pk=junk.pk).update(outcome=InboundMessage.Outcome.DISCARDED)
    MailboxState.objects.create(
        mailbox="psf@imap.example.org/INBOX",
        last_polled_at=timezone.now(),
        last_error="[Errno 111] Connection refused while connecting to imap.example.org:993",
    )
    return spam


def check_list(page: Page, width: int) -> None:
    sizes = page.evaluate(MEASURE)
    assert sizes["page"] <= width, f"the page is {sizes['page']} px wide at {width} px"
    assert sizes["table"] <= sizes["box"], f"the list is {sizes['table']} px in {sizes['box']} px"
    assert len(sizes["cells"]) == 4
    for row in sizes["cells"]:
        for name in ("outcome", "became", "subject"):
            cell = row[name]
            assert cell["left"] >= 0 and cell["right"] <= width, (width, name, row)
            assert cell["width"] > 0, (width, name, row)


def test_the_list_reads_on_a_phone_and_fits_a_desk(
    new_context, live_server, mail, axe_source, screenshot
):
    admin = new_context(bypass_csp=True, viewport={"width": PHONE, "height": 844}).new_page()
    admin_login(admin, mail_staff())
    admin.goto(LIST)

    for width in (PHONE, DESK):
        admin.set_viewport_size({"width": width, "height": 900})
        screenshot(admin, f"list-{width}")
        check_list(admin, width)
        expect_no_axe_violations(admin, axe_source, f"incoming mail at {width} px")
    # What a message became is still a link, and the spam's outcome and reason are said.
    row = admin.locator("#result_list tbody tr").filter(has_text="You have won")
    expect(row.locator(".field-outcome")).to_have_text("Quarantined")
    expect(row.locator(".field-reason")).to_contain_text("Flagged as spam upstream")


def test_a_section_of_one_field_says_its_name_once(
    new_context, live_server, mail, axe_source, screenshot
):
    admin = new_context(bypass_csp=True).new_page()
    admin_login(admin, mail_staff())
    admin.goto(f"{LIST}{mail.pk}/change/")

    for width in (DESK, PHONE):
        admin.set_viewport_size({"width": width, "height": 900})
        screenshot(admin, f"message-{width}")
        for section, field in (
            ("Headers", "headers_summary"),
            ("The whole message as text", "whole_text"),
        ):
            group = admin.get_by_role("group", name=section, exact=True)  # named by its heading
            expect(group.get_by_role("heading", name=section)).to_be_visible()
            label = group.locator(f".field-{field} label")
            expect(label).to_have_count(1)  # still there for screen readers...
            box = label.bounding_box()
            assert box is not None and box["width"] <= 1 and box["height"] <= 1, (
                section,
                box,
            )  # ...not on screen
            content = group.locator(f".field-{field} .readonly").bounding_box()
            row = group.locator(f".form-row.field-{field}").bounding_box()
            assert content and row and content["x"] - row["x"] < 20, (section, content, row)
        expect_no_axe_violations(admin, axe_source, f"a message at {width} px")
    expect(admin.get_by_role("group", name="Headers")).to_contain_text("X-Spam-Flag")
