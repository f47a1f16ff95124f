"""Every e-mail about a request is in the request's thread; the submitter's carry a signed plus
address as Reply-To, so answering from a mail client reaches the request, and staff's carry none
(they answer in the admin). A staff member's own words are not marked as automatic mail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from funding.models import Decision, FundingRequest
from funding.services import funding_decision_record
from help_requests.models import HelpRequest
from help_requests.quarantine import help_request_attachment_quarantined
from help_requests.services import (
    help_request_nudge_overdue,
    help_request_submitter_reply,
    help_request_triage,
)
from mail_in.addresses import reference_from_address
from notifications.models import OutboundEmail

from ..funding.factories import submit_funding

pytestmark = pytest.mark.django_db


def _reply(help_request, staff):
    help_request_triage(help_request=help_request, by=staff, public_reply="Here is our answer.")


def _question(help_request, staff):
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Which dates?",
    )


def _closed(help_request, staff):
    help_request_triage(help_request=help_request, by=staff, status=HelpRequest.Status.RESOLVED)


def _closed_with_words(help_request, staff):
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.RESOLVED,
        public_reply="Enjoy the meetup.",
    )


def _decision(help_request, staff):
    funding_decision_record(
        funding_request=FundingRequest.objects.get(help_request=help_request),
        by=staff,
        outcome=Decision.Outcome.DECLINED,
        message="The round is spent.",
    )


# (what staff do, the template the submitter gets, its Auto-Submitted)
SUBMITTER_MAIL = [
    (_reply, "help_requests/reply", None),
    (_question, "help_requests/question", None),
    (_closed, "help_requests/closed", "auto-generated"),
    (_closed_with_words, "help_requests/closed", None),
    (_decision, "funding/decision", None),
]


def submitter_row(help_request, template) -> OutboundEmail:
    return OutboundEmail.objects.get(to=help_request.email, template=template)


def check_submitter_mail(row: OutboundEmail, help_request: HelpRequest) -> None:
    assert row.thread == help_request.reference
    assert reference_from_address(row.reply_to) == (help_request.reference, True)
    receipt = OutboundEmail.objects.get(to=help_request.email, template__endswith="receipt")
    assert row.headers["In-Reply-To"] == f"<{receipt.message_id}>"


@pytest.mark.parametrize(("act", "template", "auto"), SUBMITTER_MAIL)
def test_the_submitter_s_mail_replies_into_the_request(help_kinds, staff, act, template, auto):
    help_request = submit_funding()

    act(help_request, staff)

    row = submitter_row(help_request, template)
    check_submitter_mail(row, help_request)
    assert row.headers.get("Auto-Submitted") == auto


def test_the_receipt_replies_into_the_request_and_is_machine_written(help_request):
    receipt = submitter_row(help_request, "help_requests/receipt")

    assert reference_from_address(receipt.reply_to) == (help_request.reference, True)
    assert receipt.thread == help_request.reference
    assert receipt.headers["Auto-Submitted"] == "auto-generated"  # the web form's: no answer
    assert "In-Reply-To" not in receipt.headers  # the first of the thread


def test_a_quarantined_file_is_told_in_the_thread(help_request, attachment_factory):
    attachment = attachment_factory(help_request)

    help_request_attachment_quarantined(attachment=attachment)

    row = submitter_row(help_request, "help_requests/attachment_quarantined")
    check_submitter_mail(row, help_request)
    staff = OutboundEmail.objects.get(template="help_requests/attachment_quarantined_staff")
    assert (staff.thread, staff.reply_to) == (help_request.reference, "")


def test_staff_mail_is_threaded_without_a_reply_address(help_request, staff, settings):
    help_request_submitter_reply(help_request=help_request, body="One more thing.")
    help_request.answer_due = timezone.localdate() - timedelta(days=10)
    help_request.save(update_fields=["answer_due"])

    help_request_nudge_overdue()

    rows = OutboundEmail.objects.filter(to=settings.PSF_STAFF_EMAIL).order_by("created_at", "pk")
    assert [row.template for row in rows] == [
        "help_requests/new_staff",
        "help_requests/submitter_reply",
        "help_requests/overdue",
    ]
    assert {(row.thread, row.reply_to) for row in rows} == {(help_request.reference, "")}
    first, *later = rows
    assert all(row.headers["References"].startswith(f"<{first.message_id}>") for row in later)
