"""Staff triage in the admin, and the submitter answering on their status page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from help_requests.models import HelpRequest
from help_requests.services import help_request_submit, help_request_triage

from .helpers import admin_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Which city is the meetup in, and how many people come?"
CORRECTED_TITLE = "Venue money for PyLadies Lagos (Yaba)"


def test_staff_triage_in_admin(new_context, help_request, staff, other_staff, screenshot):
    taken = help_request_submit(
        title="Servers for a sprint", description="Two VMs.", email="x@y.org"
    )
    help_request_triage(help_request=taken, by=other_staff, assignee=other_staff)
    admin = new_context().new_page()
    admin_login(admin, staff)

    admin.goto("/admin/help_requests/helprequest/")
    admin.locator("#changelist-filter").get_by_role("link", name="Unassigned").click()
    expect(admin).to_have_url(re.compile(r"[?&]assignee=none"))
    expect(admin.get_by_role("link", name=taken.reference)).to_have_count(0)
    admin.get_by_role("checkbox", name=re.compile(help_request.reference)).check()
    admin.get_by_label("Action:").select_option(label="Assign to me")
    admin.get_by_role("button", name="Run").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 request(s) assigned to you.")
    screenshot(admin, "changelist")

    admin.goto("/admin/help_requests/helprequest/?assignee=mine")
    admin.get_by_role("link", name=help_request.reference).click()
    expect(admin.locator("#id_status")).to_have_value("new")
    admin.locator("#id_status").select_option(label="Waiting on submitter")
    admin.locator("#id_public_reply").fill(QUESTION)
    screenshot(admin, "change")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(admin.locator(".messagelist")).to_contain_text("Your reply is on its way")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.WAITING
    assert help_request.assignee == staff
    question_mail = [m for m in mail.outbox if m.to == [help_request.email]][-1]
    assert QUESTION in question_mail.body

    # The submitter, in their own browser with no session, follows the private link.
    submitter = new_context().new_page()
    submitter.goto(help_request.get_absolute_url())
    expect(submitter.locator(".status-badge")).to_have_text("Waiting for your answer")
    question = submitter.get_by_role("region", name="The PSF needs more information")
    expect(question).to_contain_text(QUESTION)
    form = submitter.locator("#correction-form")
    expect(form.get_by_label("Title")).to_have_value(help_request.title)
    screenshot(submitter, "question")
    form.get_by_label("Your answer").fill("In Yaba, Lagos; about 40 people.")
    form.get_by_label("Title").fill(CORRECTED_TITLE)
    form.get_by_role("button", name="Send answer").click()

    expect(submitter.get_by_role("status")).to_contain_text("your reply has been sent to the PSF")
    expect(submitter.get_by_role("heading", level=1)).to_have_text(CORRECTED_TITLE)
    expect(submitter.locator(".status-badge")).to_have_text("Received")
    expect(question).to_have_count(0)
    expect(submitter.locator("#reply-form")).to_be_visible()
    timeline = submitter.locator(".timeline li")
    expect(timeline).to_have_count(3)
    expect(timeline.nth(1)).to_contain_text("Waiting for your answer")
    expect(timeline.nth(2)).to_contain_text("Received")
    screenshot(submitter, "answered")

    admin.goto(f"/admin/help_requests/helprequest/{help_request.pk}/change/")
    expect(admin.locator("#id_status")).to_have_value("new")
    expect(admin.locator(".field-title .readonly")).to_have_text(CORRECTED_TITLE)
    history = admin.locator("#events-group tbody tr")
    expect(history.filter(has_text="Details edited by submitter")).to_contain_text("title")
    for change in ["Status: New → Waiting on submitter", "Status: Waiting on submitter → New"]:
        expect(history.filter(has_text=change)).to_have_count(1)
    expect(history.filter(has_text="Assignee")).to_contain_text(staff.email)
    screenshot(admin, "history")
