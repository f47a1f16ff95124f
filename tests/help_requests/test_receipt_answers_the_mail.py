"""The receipt of a request that came by e-mail is an answer to that e-mail: the sender's mail
client shows it under the message they sent (In-Reply-To and References name its Message-ID).
Their Message-ID is theirs to write: one that is not a plain `<...@...>` id of a sane length is
not used, and nothing in it can add a header to our mail (docs/mail-in.md, "Threads")."""

from email.message import EmailMessage

import pytest

from help_requests.mail import HelpRequestConversations
from help_requests.models import HelpRequest
from help_requests.services import help_request_triage
from mail_in.models import InboundMessage
from mail_in.parsing import ParsedMail
from mail_in.services import mail_intake
from notifications.models import OutboundEmail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery", "stored")]

SENDER = "grace@example.org"


def raw_mail(message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Grace Hopper <{SENDER}>"
    message["To"] = "psf@python.org"
    message["Subject"] = "Projector for PyCon Lagos"
    message["Message-ID"] = message_id
    message.set_content("Could the PSF lend us a projector?")
    return message.as_bytes()


def receipt_sent(mailoutbox):
    (receipt,) = [m for m in mailoutbox if m.to == [SENDER]]
    return receipt.message()


def test_the_receipt_shows_under_the_sender_s_message(
    help_kinds, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = mail_intake(
            raw=raw_mail("<CAF=q9+x.1@mail.example.org>"), door=InboundMessage.Door.COMMAND
        )

    assert message.outcome == InboundMessage.Outcome.NEW_REQUEST
    receipt = receipt_sent(mailoutbox)
    assert receipt["In-Reply-To"] == "<CAF=q9+x.1@mail.example.org>"
    assert "<CAF=q9+x.1@mail.example.org>" in receipt["References"].split()
    assert receipt["Auto-Submitted"] == "auto-replied"
    # Our own Message-ID still, and staff's mail is not made an answer to the sender's.
    row = OutboundEmail.objects.get(to=SENDER)
    assert receipt["Message-ID"] == f"<{row.message_id}>"
    staff = OutboundEmail.objects.get(template="help_requests/new_staff")
    assert "In-Reply-To" not in staff.headers


def test_a_reply_from_staff_later_stays_in_the_same_conversation(
    help_kinds, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = mail_intake(
            raw=raw_mail("<first.1@mail.example.org>"), door=InboundMessage.Door.COMMAND
        )
    help_request = HelpRequest.objects.get(pk=message.target_id)

    help_request_triage(help_request=help_request, by=staff, public_reply="Yes, we can.")

    receipt = OutboundEmail.objects.get(to=SENDER, template="help_requests/receipt")
    reply = OutboundEmail.objects.get(to=SENDER, template="help_requests/reply")
    assert reply.headers["In-Reply-To"] == f"<{receipt.message_id}>"


UNUSABLE = [
    "no-at-sign.example.org",
    "two@signs@example.org",
    "spaced out@example.org",
    "x" * 300 + "@example.org",
    "a@b>\r\nBcc: mallory@evil.example",
    "a@b\nBcc: mallory@evil.example",
    "a@b\rBcc: mallory@evil.example",
    "a@b>, <c@d",
    "ünïcode@example.org",
    "",
]


@pytest.mark.parametrize("message_id", UNUSABLE)
def test_a_message_id_that_is_not_sane_is_not_used(
    help_kinds, mailoutbox, django_capture_on_commit_callbacks, message_id
):
    mail = ParsedMail(
        message_id=message_id,
        key="k1",
        sender_name="Grace Hopper",
        sender_email=SENDER,
        subject="Projector for PyCon Lagos",
        text="Could the PSF lend us a projector?",
    )
    record = InboundMessage(door=InboundMessage.Door.COMMAND, size=1, message_key="k1")

    with django_capture_on_commit_callbacks(execute=True):
        HelpRequestConversations().start(mail=mail, message=record)

    receipt = receipt_sent(mailoutbox)  # the receipt still goes, as the first of its thread
    assert receipt["In-Reply-To"] is None
    assert receipt["References"] is None
    assert receipt["Bcc"] is None
    assert [m.bcc for m in mailoutbox] == [[], []]
    row = OutboundEmail.objects.get(to=SENDER)
    assert not any("\r" in v or "\n" in v for v in row.headers.values())
