"""Intake tests run against real help requests: a small conversation handler (until
help_requests registers its own) that submits and replies through the help_requests services."""

import dataclasses
import email
import email.policy
import email.utils

import pytest

from help_requests.models import Comment, HelpRequest
from help_requests.services import RequestClosed, help_request_submit, help_request_submitter_reply
from mail_in import extensions, services
from mail_in.classify import visible_reply
from mail_in.extensions import ReplyRefused, Routed
from mail_in.models import InboundMessage
from mail_in.parsing import ParsedMail, parse_message


class RequestsByMail:
    """Conversations as help requests: a new one is submitted, a reply is the submitter's."""

    prefix = "HR"

    def owner_email(self, reference: str) -> str | None:
        found = HelpRequest.objects.filter(reference=reference).values_list("email", flat=True)
        return next(iter(found), None)

    def start(self, *, mail: ParsedMail, message: InboundMessage) -> Routed:
        help_request = help_request_submit(
            title=mail.subject or "(no subject)",
            description=mail.text or "(no text)",
            name=mail.sender_name,
            email=mail.sender_email,
        )
        help_request.source = HelpRequest.Source.EMAIL
        help_request.save(update_fields=["source"])
        return Routed(help_request, help_request.reference)

    def reply(self, *, reference: str, mail: ParsedMail, message: InboundMessage) -> Routed:
        help_request = HelpRequest.objects.get(reference=reference)
        try:
            help_request_submitter_reply(help_request=help_request, body=visible_reply(mail.text))
        except RequestClosed:
            raise ReplyRefused(
                InboundMessage.Reason.CLOSED, f"{reference} is closed and takes no replies"
            ) from None
        comment = Comment.objects.filter(request=help_request, by_submitter=True).latest("pk")
        return Routed(comment, reference)


@pytest.fixture
def conversations_handler():
    """RequestsByMail registered for the test; whatever was registered before, back after."""
    before = list(extensions._conversations)
    handler = RequestsByMail()
    extensions.register_conversations(handler)
    yield handler
    extensions._conversations[:] = before


def _recipients(message: email.message.Message) -> tuple[str, ...]:
    fields = [str(v) for name in ("to", "cc", "delivered-to", "x-original-to")
              for v in message.get_all(name, [])]  # fmt: skip
    return tuple(address.lower() for _, address in email.utils.getaddresses(fields) if address)


def _bounced(message: email.message.Message) -> tuple[str, ...]:
    failed = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload():
            if str(block.get("Action", "")).strip().lower() == "failed":
                failed.append(str(block.get("Final-Recipient", "")).split(";")[-1].strip())
    return tuple(failed)


@pytest.fixture(autouse=True)
def reads_recipients_and_bounces(monkeypatch):
    """The first parse_message leaves recipients and bounces out; until the full reader lands,
    intake is given them from the same bytes (a reader that fills them is used as it is)."""

    def parse(raw: bytes) -> ParsedMail:
        mail = parse_message(raw)
        if mail.recipients and (mail.bounced or "delivery-status" not in raw.decode("latin-1")):
            return mail
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
        return dataclasses.replace(
            mail,
            recipients=mail.recipients or _recipients(message),
            bounced=mail.bounced or _bounced(message),
        )

    monkeypatch.setattr(services, "parse_message", parse)
