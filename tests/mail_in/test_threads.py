"""A reply lands on its request once: by our signed plus address, by In-Reply-To or References
against our Message-IDs, or by a reference in the subject from the submitter's own address.
Anything else is a new conversation, or goes to staff."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from help_requests.models import Comment, HelpRequest
from help_requests.services import help_request_submit, help_request_triage
from mail_in.addresses import reply_address
from mail_in.models import InboundMessage
from mail_in.services import mail_intake
from mail_in.threads import ThreadMatch, match_thread
from notifications.models import OutboundEmail

from .letters import letter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("conversations_handler")]

Outcome = InboundMessage.Outcome
Reason = InboundMessage.Reason


@pytest.fixture
def request_by_mail() -> HelpRequest:
    """Grace's request, and our receipt to her as the outbox keeps it: sent, with its ids."""
    help_request = help_request_submit(
        title="Room for our meetup", description="We meet monthly.", email="grace@example.org"
    )
    OutboundEmail.objects.filter(template="help_requests/receipt").update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        message_id="receipt.1@helpdesk.python.org",
        thread=help_request.reference,
    )
    return help_request


def take(raw: bytes) -> InboundMessage:
    message, created = mail_intake(raw=raw, door=InboundMessage.Door.WEBHOOK)
    assert created
    return message


def replies(help_request: HelpRequest) -> list[str]:
    return [c.body.strip() for c in Comment.objects.filter(request=help_request, by_submitter=True)]


def test_a_reply_to_our_plus_address_lands_on_its_request(request_by_mail):
    ref = request_by_mail.reference
    message = take(letter(to=reply_address(ref), subject="Re: your receipt", body="Thanks!"))

    assert (message.outcome, message.reason) == (Outcome.REPLY, "")
    assert message.reference == ref
    assert message.detail == f"Reply to {ref} matched by its plus address."
    assert replies(request_by_mail) == ["Thanks!"]
    assert message.target == Comment.objects.get(by_submitter=True)
    assert HelpRequest.objects.count() == 1


def test_a_forged_plus_address_is_quarantined_and_attached_nowhere(request_by_mail):
    ref = request_by_mail.reference
    forged = reply_address(ref).replace(reply_address(ref).split(".")[1].split("@")[0], "aaaaaaaa")
    assert forged != reply_address(ref)
    OutboundEmail.objects.all().delete()

    message = take(letter(to=forged, body="Let me in."))

    assert (message.outcome, message.reason) == (Outcome.QUARANTINED, Reason.BAD_SIGNATURE)
    assert message.reference == "" and message.target is None
    assert ref in message.detail and "signature does not match" in message.detail
    assert replies(request_by_mail) == [] and HelpRequest.objects.count() == 1
    assert not OutboundEmail.objects.exists()


def test_a_forged_plus_address_wins_over_a_good_in_reply_to(request_by_mail):
    forged = f"psf+{request_by_mail.reference}.aaaaaaaa@python.org"
    raw = letter(to=forged, headers={"In-Reply-To": "<receipt.1@helpdesk.python.org>"})

    assert take(raw).reason == Reason.BAD_SIGNATURE
    assert replies(request_by_mail) == []


def test_a_reply_by_in_reply_to_alone(request_by_mail):
    raw = letter(subject="Re: hello", headers={"In-Reply-To": "<receipt.1@helpdesk.python.org>"})
    message = take(raw)

    assert message.outcome == Outcome.REPLY
    assert message.detail == f"Reply to {request_by_mail.reference} matched by its In-Reply-To."
    assert len(replies(request_by_mail)) == 1


def test_a_reply_by_references_the_newest_of_ours_counts(request_by_mail):
    other = help_request_submit(title="Other", description="x", email="grace@example.org")
    OutboundEmail.objects.create(
        to="grace@example.org",
        template="help_requests/reply",
        idempotency_key="k-other",
        message_id="reply.2@helpdesk.python.org",
        thread=other.reference,
        next_attempt_at=timezone.now(),
    )
    references = (
        "<someone.else@example.org> <receipt.1@helpdesk.python.org> "
        "<reply.2@helpdesk.python.org> <grace.3@example.org>"
    )
    message = take(letter(headers={"References": references}))

    assert (message.outcome, message.reference) == (Outcome.REPLY, other.reference)
    assert message.detail == f"Reply to {other.reference} matched by its References."


def test_an_unknown_in_reply_to_starts_a_new_conversation(request_by_mail):
    message = take(letter(headers={"In-Reply-To": "<never.ours@example.org>"}))

    assert message.outcome == Outcome.NEW_REQUEST
    assert HelpRequest.objects.count() == 2


def test_a_reference_in_the_subject_from_the_submitter_is_a_reply(request_by_mail):
    ref = request_by_mail.reference
    message = take(letter(sender="GRACE@Example.org", subject=f"Re: [{ref}] Room"))

    assert (message.outcome, message.reference) == (Outcome.REPLY, ref)
    assert message.detail == f"Reply to {ref} matched by its subject."


def test_a_reference_in_the_subject_from_someone_else_is_a_new_conversation(request_by_mail):
    ref = request_by_mail.reference
    message = take(letter(sender="mallory@example.net", subject=f"About {ref}, urgent"))

    assert message.outcome == Outcome.NEW_REQUEST and message.reference != ref
    assert replies(request_by_mail) == []


@pytest.mark.parametrize("subject", ["Re: FR-2026-0001", "Re: HR-2026-9999", "XHR-2026-0001"])
def test_a_subject_with_no_reference_of_ours_is_no_match(request_by_mail, subject):
    mail = type("Mail", (), {})  # the fields match_thread reads
    mail.recipients, mail.in_reply_to, mail.references = (), (), ()
    mail.subject, mail.sender_email = subject, "grace@example.org"

    assert match_thread(mail) is None  # type: ignore[arg-type]


def test_match_thread_says_how_it_matched(request_by_mail):
    ref = request_by_mail.reference
    mail = type("Mail", (), {})
    mail.recipients, mail.in_reply_to, mail.references = (reply_address(ref).upper(),), (), ()
    mail.subject, mail.sender_email = "", "grace@example.org"

    assert match_thread(mail) == ThreadMatch(ref, "plus address", True, "grace@example.org")  # type: ignore[arg-type]


def test_a_matched_reply_from_another_address_goes_to_staff(request_by_mail):
    ref = request_by_mail.reference
    raw = letter(sender="colleague@pyladies.example", to=reply_address(ref), body="Me too")
    message = take(raw)

    assert (message.outcome, message.reason) == (Outcome.QUARANTINED, Reason.OTHER_SENDER)
    assert message.reference == ref and message.target is None
    assert message.detail == (
        f"A reply to {ref} (matched by its plus address) from an address that is not the "
        "submitter's: staff decide, nothing sent."
    )
    assert replies(request_by_mail) == []


def test_a_reply_that_answers_a_question_puts_the_request_back(request_by_mail, staff):
    help_request_triage(
        help_request=request_by_mail,
        by=staff,
        status=HelpRequest.Status.TRIAGED,
    )
    help_request_triage(
        help_request=request_by_mail,
        by=staff,
        status=HelpRequest.Status.WAITING,
        public_reply="How many people come?",
    )
    take(letter(to=reply_address(request_by_mail.reference), body="About forty."))

    request_by_mail.refresh_from_db()
    assert request_by_mail.status == HelpRequest.Status.TRIAGED


def test_a_reply_the_handler_refuses_goes_to_staff_and_writes_nothing(
    request_by_mail, staff, settings
):
    help_request_triage(help_request=request_by_mail, by=staff, status=HelpRequest.Status.RESOLVED)
    emails = OutboundEmail.objects.count()
    too_late = timezone.now() + timedelta(days=settings.HELPDESK_REOPEN_DAYS + 1)

    with time_machine.travel(too_late):
        message = take(letter(to=reply_address(request_by_mail.reference), body="One more thing"))

    assert (message.outcome, message.reason) == (Outcome.QUARANTINED, Reason.CLOSED)
    assert message.reference == request_by_mail.reference
    assert message.detail.startswith(f"{request_by_mail.reference} was closed (resolved) on ")
    assert message.detail.endswith(": quarantined, nothing sent.")
    assert replies(request_by_mail) == [] and OutboundEmail.objects.count() == emails


def test_only_references_with_the_handlers_prefix_count(monkeypatch, conversations_handler):
    monkeypatch.setattr(conversations_handler, "owner_email", lambda reference: "grace@example.org")
    mail = type("Mail", (), {})
    mail.recipients, mail.in_reply_to, mail.references = (), (), ()
    mail.sender_email = "grace@example.org"

    mail.subject = "Re: FR-2026-0001"
    assert match_thread(mail) is None  # type: ignore[arg-type]
    mail.recipients = (reply_address("FR-2026-0001"),)  # signed, but not a reference of ours
    assert match_thread(mail) is None  # type: ignore[arg-type]
    mail.recipients = ()
    mail.subject = "Re: hr-2026-0001"
    assert match_thread(mail) == ThreadMatch("HR-2026-0001", "subject", True, "grace@example.org")  # type: ignore[arg-type]
