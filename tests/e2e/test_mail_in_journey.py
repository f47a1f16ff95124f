"""Mail in, in the browser (docs/mail-in.md): a message to psf@ arrives by the HTTP door and
becomes a request; its sender gets our receipt, with a status link and a plus Reply-To, and
follows the link; a plain staff member (the PSF staff group, an authenticator app, not a
superuser) finds the message in "Incoming mail" and the request it became, then decides on the
quarantine: one flagged message turned into a request, another discarded.

Screenshots: var/screenshots/<test>-mail-in-list-<width>.png and
<test>-mail-in-quarantined-<width>.png, at 1280 and 390 px."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from help_requests.models import HelpRequest
from mail_in.addresses import reply_address
from mail_in.models import InboundMessage
from mail_in.services import mail_intake
from mail_in.views import SIGNATURE_HEADER, TIMESTAMP_HEADER, inbound_signature
from tests.factories import StaffFactory
from tests.mail_in.corpus import spam_flagged, with_pdf_attachment

from .helpers import admin_login, link_in, mail_to
from .test_staff_sign_in import expect_no_axe_violations, staff_group

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_celery"),  # the receipt goes out as it would with a worker
]

SECRET = "e2e-inbound-secret"
ADA = "ada@example.org"
SUBJECT = "Venue quote for our sprint"
TEXT = "Hello PSF,\n\nThe venue's quote for our sprint is attached.\n\nAda\n"
PDF_NAME = "venue-quote.pdf"
SPAM_SUBJECT = "You have won 1,000,000 USD"
JUNK_SUBJECT = "Cheap watches, today only"
# As long as real ones come (Outlook's Message-IDs), with nowhere to break a line.
LONG_ADDRESS = "international.prize.notification.office@lottery-winners-department.example.biz"
LONG_ID = "DB9PR03MB7323A1B2C3D4E5F6A7B8C9D0E1F2@DB9PR03MB7323.eurprd03.prod.outlook.com"
LIST = "/admin/mail_in/inboundmessage/"
WIDTHS = (1280, 390)


@pytest.fixture
def inbound_secret(settings) -> str:
    """The HTTP door is open: the live server runs in this process, with these settings."""
    settings.MAIL_INBOUND_SECRET = SECRET
    return SECRET


def mail_staff():
    """A plain member of the PSF staff group: its permissions open Incoming mail."""
    member = StaffFactory(email="mail.reader@python.org", name="Mail Reader", is_superuser=False)
    member.groups.add(staff_group())
    return member


def post_inbound(page: Page, raw: bytes) -> dict:
    """What a mail server's pipe does: POST the raw message, signed, to /mail/inbound/."""
    timestamp = str(int(time.time()))
    response = page.request.post(
        "/mail/inbound/",
        data=raw,
        headers={
            "Content-Type": "message/rfc822",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: inbound_signature(secret=SECRET, timestamp=timestamp, body=raw),
        },
    )
    assert response.status == 200, response.text()
    return response.json()


def fits(page: Page, screenshot, label: str, axe_source: str) -> None:
    """No axe violation; at 1280 and 390 px the page never scrolls sideways; a screenshot each."""
    expect_no_axe_violations(page, axe_source, label)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{label} is {scroll_width} px wide at {width} px"
        screenshot(page, f"{label}-{width}")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def test_a_message_by_the_http_door_becomes_a_request_with_a_receipt_and_staff_see_both(
    new_context, live_server, inbound_secret, help_kinds
):
    raw = with_pdf_attachment(
        subject=SUBJECT, text=TEXT, filename=PDF_NAME, message_id="ada-quote-1@example.org"
    )
    door = new_context().new_page()
    answer = post_inbound(door, raw)
    assert answer["outcome"] == "new_request" and not answer["duplicate"]
    help_request = HelpRequest.objects.get()
    assert answer["reference"] == help_request.reference
    assert post_inbound(door, raw)["duplicate"]  # the same message again is taken in once

    # Ada's receipt: our words and her status link, never what she wrote; replies thread back.
    (receipt,) = mail_to(ADA)
    assert receipt.subject == f"We received your request {help_request.reference}"
    assert receipt.reply_to == [reply_address(help_request.reference)]
    assert re.fullmatch(rf"psf\+{help_request.reference}\.\w+@python\.org", receipt.reply_to[0]), (
        receipt.reply_to
    )
    assert receipt.extra_headers["Auto-Submitted"] == "auto-replied"  # RFC 3834: no loops
    for hers in (SUBJECT, "quote for our sprint is attached", PDF_NAME):
        assert hers not in receipt.body
    assert "Files: you sent 1 file" in receipt.body
    status_url = link_in(receipt.body, live_server.url, "/help/status/")

    submitter = new_context().new_page()
    submitter.goto(status_url)
    expect(submitter.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(submitter.get_by_text(f"Request {help_request.reference}")).to_be_visible()
    sent = submitter.get_by_role("region", name="Files you sent")
    expect(sent.locator("li")).to_have_count(1)
    expect(sent.locator("li")).to_contain_text(PDF_NAME)

    # Staff: Incoming mail lists it, with its outcome and a link to the request it became.
    admin = new_context().new_page()
    admin_login(admin, mail_staff())
    section = admin.locator(".app-mail_in")
    expect(section.locator("caption")).to_have_text("Incoming mail")
    section.get_by_role("link", name="Incoming messages", exact=True).click()
    expect(admin).to_have_url(f"{live_server.url}{LIST}")
    row = admin.locator("#result_list tbody tr").filter(has_text=SUBJECT)
    expect(row.locator(".field-outcome")).to_have_text("New request")
    expect(row.locator(".field-sender")).to_have_text("Ada Lovelace")
    row.get_by_role("link", name=help_request.reference, exact=True).click()

    expect(admin).to_have_url(
        live_server.url + reverse("admin:help_requests_helprequest_change", args=[help_request.pk])
    )
    expect(admin.locator(".fieldBox.field-source .readonly")).to_have_text("E-mail")
    expect(admin.locator(".field-files ul.files > li")).to_contain_text(PDF_NAME)


def test_staff_turn_a_flagged_message_into_a_request_and_discard_another(
    new_context, live_server, inbound_secret, help_kinds, axe_source, screenshot
):
    # Taken in by this process (the live server shares its database), as a door would.
    spam, _ = mail_intake(
        raw=spam_flagged(
            subject=SPAM_SUBJECT, from_=f"Prize Office <{LONG_ADDRESS}>", message_id=LONG_ID
        ),
        door=InboundMessage.Door.WEBHOOK,
    )
    junk, _ = mail_intake(
        raw=spam_flagged(subject=JUNK_SUBJECT, message_id="spam-0002@example.biz"),
        door=InboundMessage.Door.WEBHOOK,
    )
    assert spam.outcome == junk.outcome == InboundMessage.Outcome.QUARANTINED
    assert not mail_to(LONG_ADDRESS) and not mail_to("winner@example.biz")  # no answer to spam

    admin = new_context(bypass_csp=True).new_page()  # axe is injected as an inline script
    admin_login(admin, mail_staff())
    admin.goto(LIST)
    expect(admin.get_by_role("heading", level=1)).to_have_text("Incoming messages")
    expect(admin.get_by_text("Intake is off")).to_have_count(0)  # the HTTP door is open
    row = admin.locator("#result_list tbody tr").filter(has_text=SPAM_SUBJECT)
    expect(row.locator(".field-outcome")).to_have_text("Quarantined")
    expect(row.locator(".field-reason")).to_have_text("Flagged as spam upstream")
    fits(admin, screenshot, "mail-in-list", axe_source)

    # The flagged message, read whole with why it waits; staff turn it into a request.
    row.get_by_role("link", name=SPAM_SUBJECT).click()
    expect(admin.locator(".field-detail .readonly")).to_have_text(
        "Flagged as spam upstream (X-Spam-Flag: YES): quarantined, nothing sent."
    )
    expect(admin.locator(".field-sender_address .readonly")).to_have_text(
        f"Prize Office <{LONG_ADDRESS}>"
    )
    expect(admin.locator(".field-whole_text")).to_contain_text("claim your prize")
    fits(admin, screenshot, "mail-in-quarantined", axe_source)
    for name in ("Turn into a request", "Discard"):  # big enough for a thumb on a phone
        box = admin.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["height"] >= 44, (name, box)
    admin.get_by_role("button", name="Turn into a request").click()

    expect(admin.locator(".messagelist")).to_contain_text("1 message(s) turned into a request.")
    spam.refresh_from_db()
    assert spam.outcome == InboundMessage.Outcome.NEW_REQUEST
    new_request = HelpRequest.objects.get(title=SPAM_SUBJECT)
    assert new_request.source == HelpRequest.Source.EMAIL
    assert spam.reference == new_request.reference
    expect(admin.locator(".field-outcome .readonly")).to_have_text("New request")
    expect(admin.get_by_role("button", name="Turn into a request")).to_have_count(0)
    admin.locator(".field-became").get_by_role("link", name=new_request.reference).click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text(new_request.reference)
    expect(admin.locator(".fieldBox.field-source .readonly")).to_have_text("E-mail")

    # The other is discarded: listed still, nothing made of it.
    admin.goto(LIST)
    admin.locator("#result_list tbody tr").filter(has_text=JUNK_SUBJECT).get_by_role(
        "link", name=JUNK_SUBJECT
    ).click()
    admin.get_by_role("button", name="Discard", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("1 message(s) discarded.")
    expect(admin.locator(".field-outcome .readonly")).to_have_text("Discarded by staff")
    expect(admin.locator(".field-decided .readonly")).to_contain_text("mail.reader@python.org")
    junk.refresh_from_db()
    assert junk.outcome == InboundMessage.Outcome.DISCARDED
    assert not HelpRequest.objects.filter(title=JUNK_SUBJECT).exists()
