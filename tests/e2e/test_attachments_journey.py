"""Files with a request, in the browser: a submitter attaches a budget to a funding request
(after a refused file), sees it listed while it is being checked; a real clamd scans it; a plain
staff member signs in with their authenticator app and downloads the very same bytes.

The scan is the worker's: tasks are not eager here, so the file stays "Being checked" until the
test runs the worker's task (attachments.tasks.scan_attachment) against the real clamd.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from attachments.models import Attachment
from attachments.tasks import scan_attachment
from help_requests.models import HelpRequest
from psf_helpdesk.celery import app as celery_app
from tests.attachments.clamd_server import ClamdServer
from tests.attachments.conftest import require_clamd
from tests.attachments.files import EXE, PDF, xlsx
from tests.factories import StaffFactory

from .helpers import TITLE, admin_login, fill_help_request, submit_help_request
from .test_accessibility import BLOCKING_IMPACTS, axe_violations, describe
from .test_staff_sign_in import staff_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUDGET = "budget.xlsx"
QUOTE = "Venue-quote-from-the-Yaba-Tech-Hub-conference-centre-for-March-2027-signed.pdf"
WIDTHS = (1280, 390)
FILES_INPUT = "#id_files"


@pytest.fixture(scope="module")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdServer]:
    server = ClamdServer(tmp_path_factory.mktemp("clamd"), require_clamd())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_scans(clamd: ClamdServer, settings) -> Iterator[ClamdServer]:
    """clamd is the live server's scanner, and scans wait for a worker (the test) to run them:
    queued on the in-memory broker, not run eagerly on commit."""
    previous = celery_app.conf.task_always_eager  # read before the Django setting changes
    settings.ATTACHMENT_SCANNER_URL = clamd.tcp_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield clamd
    celery_app.conf.task_always_eager = previous


def no_serious_axe_violations(page: Page, axe_source: str, name: str) -> None:
    found = [
        describe(name, violation)
        for violation in axe_violations(page, axe_source)
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not found, "axe-core found violations:\n" + "\n".join(found)


def at_each_width(page: Page, screenshot, label: str) -> None:
    """Screenshots at 1280 and 390 px; at 390 nothing scrolls sideways (long names wrap)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"{label}-{width}")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def test_a_budget_attached_to_a_funding_request_is_downloaded_by_staff_after_the_scan(
    new_context, help_kinds, worker_scans, axe_source, screenshot, tmp_path: Path
):
    budget = xlsx()

    # The submitter (axe is injected as an inline script: only this context bypasses the CSP).
    page = new_context(bypass_csp=True).new_page()
    page.goto("/help/new/")
    fill_help_request(page)
    chosen = [
        {"name": BUDGET, "mimeType": "application/octet-stream", "buffer": budget},
        {"name": QUOTE, "mimeType": "application/pdf", "buffer": PDF},
    ]
    page.set_input_files(FILES_INPUT, chosen)
    page.locator(FILES_INPUT).scroll_into_view_if_needed()
    at_each_width(page, screenshot, "form-files")

    # With them, a program renamed budget.pdf: refused for its content, the summary names it.
    refused = {"name": "budget.pdf", "mimeType": "application/pdf", "buffer": EXE}
    page.set_input_files(FILES_INPUT, [*chosen, refused])
    submit_help_request(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link").first).to_have_text(
        re.compile(r"^budget\.pdf is not a file type we accept\. Send PDF, ")
    )
    expect(page.locator("#id_files_error")).to_contain_text("budget.pdf is not a file type")
    assert HelpRequest.objects.count() == 0
    assert Attachment.objects.count() == 0
    no_serious_axe_violations(page, axe_source, "help form with a refused file")
    page.locator(FILES_INPUT).scroll_into_view_if_needed()
    at_each_width(page, screenshot, "form-refused")

    # The form came back filled in; the good files are chosen again, and it goes.
    expect(page.get_by_label("A short title")).to_have_value(TITLE)
    page.set_input_files(FILES_INPUT, chosen)
    submit_help_request(page)

    # The status page lists both, with type, size and the scan's state; no link yet.
    expect(page).to_have_url(re.compile(r"/help/status/[\w-]+/$"))
    help_request = HelpRequest.objects.get()
    sent = page.get_by_role("region", name="Files you sent").locator("li")
    expect(sent).to_have_count(2)
    expect(sent.filter(has_text=BUDGET)).to_have_text(
        re.compile(rf"^\s*{re.escape(BUDGET)}\s+\(XLSX, {len(budget)}\xa0bytes\)\s+Being checked")
    )
    expect(sent.filter(has_text=QUOTE)).to_contain_text("(PDF, ")
    expect(sent.get_by_role("link")).to_have_count(0)
    no_serious_axe_violations(page, axe_source, "status page with files")
    at_each_width(page, screenshot, "status-files")

    # A plain staff member (not a superuser) with an authenticator app opens the request.
    triager = StaffFactory(email="plain.triager@python.org", is_superuser=False)
    triager.groups.add(staff_group())
    admin = new_context().new_page()
    admin_login(admin, triager)
    admin.goto(f"/admin/help_requests/helprequest/{help_request.pk}/change/")
    staff_files = admin.locator(".field-files ul.files > li")
    expect(staff_files.filter(has_text=BUDGET)).to_contain_text("Being checked")
    expect(staff_files.get_by_role("link")).to_have_count(0)  # nothing downloads before the scan

    # The worker scans each file with the real clamd.
    for attachment in Attachment.objects.all():
        assert scan_attachment(attachment.pk) == "clean"
    assert len(worker_scans.scans_logged()) == 2

    admin.reload()
    expect(staff_files.filter(has_text=BUDGET)).to_contain_text("Checked")
    link = staff_files.get_by_role("link", name=BUDGET, exact=True)
    with admin.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == BUDGET
    saved = tmp_path / "downloaded.xlsx"
    download.save_as(saved)
    assert saved.read_bytes() == budget

    response = admin.context.request.get(link.get_attribute("href") or "")
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "sandbox"
    screenshot(admin, "admin-files")

    # The submitter's page now offers the checked files too.
    page.reload()
    expect(sent.filter(has_text=BUDGET)).to_contain_text("Checked")
    expect(sent.get_by_role("link", name=BUDGET, exact=True)).to_be_visible()
    at_each_width(page, screenshot, "status-checked")
