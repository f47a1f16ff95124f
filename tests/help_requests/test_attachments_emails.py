"""E-mails about a request say how many files came with it, never what they are called: the
submitter's address is unproved, so their mail carries our words and a count only."""

import pytest

from attachments.checks import check_files
from help_requests.models import HelpRequest
from help_requests.services import (
    help_request_submit,
    help_request_submitter_reply,
    help_request_triage,
)
from notifications.models import OutboundEmail
from notifications.rendering import email_render

from .attachment_helpers import pdf, text

pytestmark = pytest.mark.django_db

NAMES = ("venue-quote-Grace-Hopper.pdf", "budget.txt")


def checked():
    return check_files([pdf(NAMES[0]), text(NAMES[1])])


def bodies(row: OutboundEmail) -> str:
    """The e-mail as it is sent: its text and HTML parts."""
    message = email_render(email=row)
    return message.body + "".join(str(content) for content, _ in message.alternatives)


def test_staff_and_the_submitter_hear_how_many_files_a_new_request_has(help_kinds, stored):
    help_request_submit(
        title="Venue money",
        description="For our meetup.",
        name="Grace Hopper",
        email="grace@example.org",
        area=HelpRequest.Area.COMMUNITY,
        kinds=[help_kinds["advice"]],
        files=checked(),
    )

    staff = OutboundEmail.objects.get(template="help_requests/new_staff")
    receipt = OutboundEmail.objects.get(template="help_requests/receipt")
    assert "Files: 2" in bodies(staff)
    assert "you sent 2 files" in bodies(receipt)
    for name in NAMES:
        assert name not in bodies(receipt)
        assert name not in str(receipt.context)


def test_a_request_without_files_says_nothing_of_them(help_request):
    staff = OutboundEmail.objects.get(template="help_requests/new_staff")
    assert "Files:" not in bodies(staff)


def test_the_submitter_hears_how_many_files_a_reply_brings(help_request, staff, stored):
    help_request_triage(
        help_request=help_request,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="Please fill in the attached form.",
        reply_files=checked(),
        internal_note="Their last form was incomplete.",
        note_files=check_files([pdf("internal.pdf")]),
    )

    question = OutboundEmail.objects.get(template="help_requests/question")
    assert question.context["files"] == 2  # the reply's, not the note's
    assert "Our reply comes with 2 files: download them from the status page." in bodies(question)
    for name in (*NAMES, "internal.pdf"):
        assert name not in bodies(question)


def test_staff_hear_how_many_files_the_submitter_sent_with_a_reply(help_request, stored):
    help_request_submitter_reply(
        help_request=help_request, body="Here is the quote.", files=check_files([pdf()])
    )

    notice = OutboundEmail.objects.get(template="help_requests/submitter_reply")
    assert "They attached 1 file to the reply" in bodies(notice)
