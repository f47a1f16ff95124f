"""Someone without an account asks for a link to their data, opens it from the e-mail, downloads
what is held, and erases it, in a browser."""

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from help_requests.models import HelpRequest
from tests.factories import HelpRequestFactory, PoolMemberFactory
from volunteers.models import PoolMember

from .helpers import VOLUNTEER, VOLUNTEER_EMAIL, link_in, mail_to
from .test_accessibility import BLOCKING_IMPACTS, describe
from .test_csp import watch_csp_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "A room for the Nairobi sprint"


def test_ask_for_a_link_open_it_download_and_erase(
    new_context, axe_source, areas, live_server, screenshot
):
    # The site's CSP is enforced (and watched); axe-core comes in as an init script, which the
    # policy does not govern, and checks each page on the way.
    context = new_context()
    csp_violations = watch_csp_violations(context)
    context.add_init_script(script=axe_source)
    page = context.new_page()
    found: list[str] = []

    def audit(name: str) -> None:
        screenshot(page, name)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        found.extend(describe(name, v) for v in violations if v["impact"] in BLOCKING_IMPACTS)

    asked = HelpRequestFactory(name=VOLUNTEER, email=VOLUNTEER_EMAIL, title=TITLE)
    PoolMemberFactory(email=VOLUNTEER_EMAIL, name=VOLUNTEER, interests=["web"])
    other = HelpRequestFactory(title="Somebody else's request")

    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy and your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy and your data")
    audit("privacy")
    page.get_by_label("Your e-mail address").fill(VOLUNTEER_EMAIL)
    page.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    # The e-mail, as it arrives: our words, the link, how long it works.
    (message,) = mail_to(VOLUNTEER_EMAIL)
    assert message.subject == "Your link to what the PSF Helpdesk holds about you"
    assert "The link works once, for 60 minutes." in message.body
    link = link_in(message.body, live_server.url, "/privacy/link/")
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    audit("link")
    page.get_by_role("button", name="Open my data").click()
    expect(page).to_have_url(f"{live_server.url}/privacy/data/")
    expect(page.get_by_text(f"{asked.reference}: {TITLE}")).to_be_visible()
    expect(page.get_by_text("Somebody else's request")).to_have_count(0)
    expect(page.locator(".consent-quote")).to_contain_text("I agree that the Python Software")
    audit("data")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download all of it (a ZIP file)").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        data = json.loads(archive.read("psf-helpdesk-my-data.json"))
    assert [r["title"] for r in data["help_requests"]] == [TITLE]
    assert data["volunteer_pool"][0]["email"] == VOLUNTEER_EMAIL
    assert other.email not in json.dumps(data)

    page.get_by_role("link", name="Erase it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase your data")
    expect(page.get_by_text(f"You have 1 open request: {asked.reference}")).to_be_visible()
    page.get_by_role("button", name="Erase my data").click()  # the box is not ticked yet
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm")
    assert PoolMember.objects.filter(email=VOLUNTEER_EMAIL).exists()
    page.get_by_label(re.compile(r"^I understand that this removes my data")).check()
    audit("erase")
    page.get_by_role("button", name="Erase my data").click()

    expect(page).to_have_url(f"{live_server.url}/privacy/erased/")
    expect(page.get_by_role("status")).to_have_text("Your data has been erased.")
    audit("erased")
    assert not PoolMember.objects.filter(email__iexact=VOLUNTEER_EMAIL).exists()
    kept = HelpRequest.objects.get(reference=asked.reference)
    assert (kept.name, kept.title) == (
        "A person who asked to be forgotten",
        "[removed at the person's request]",
    )

    page.goto(link)  # the link worked once, and went with the data
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert not found, "\n".join(found)
    assert not csp_violations, "\n".join(csp_violations)
