"""mail_in's fixtures: a real Dovecot (dovecot, imap_account: tests/mail_in/dovecot.py), and a
small conversation handler that submits and replies through the help_requests services."""

import pytest

from help_requests.models import Comment, HelpRequest
from help_requests.services import RequestClosed, help_request_submit, help_request_submitter_reply
from mail_in import extensions
from mail_in.classify import visible_reply
from mail_in.extensions import ReplyRefused, Routed
from mail_in.models import InboundMessage
from mail_in.parsing import ParsedMail

from .dovecot import dovecot, imap_account  # noqa: F401


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
