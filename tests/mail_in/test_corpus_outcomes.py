"""Every shape of the corpus, through the one intake service: each becomes a request, a reply,
ignored noise or a quarantined message with a reason staff can read, and none raises."""

import pytest

from help_requests.models import HelpRequest
from mail_in.models import InboundMessage
from mail_in.services import mail_intake

from . import corpus

pytestmark = pytest.mark.django_db

Outcome, Reason = InboundMessage.Outcome, InboundMessage.Reason

EXPECTED = {
    "plain": (Outcome.NEW_REQUEST, ""),
    "outlook_html_only": (Outcome.NEW_REQUEST, ""),
    "apple_mail_quoted_printable": (Outcome.NEW_REQUEST, ""),
    # Sent to a plus address whose signature was never ours.
    "gmail_reply_with_history": (Outcome.QUARANTINED, Reason.BAD_SIGNATURE),
    "iso2022jp_subject": (Outcome.NEW_REQUEST, ""),
    "out_of_office": (Outcome.AUTO_REPLY, ""),
    "postfix_dsn_bounce": (Outcome.BOUNCE, ""),
    "mailing_list_post": (Outcome.LIST, ""),
    "no_message_id": (Outcome.NEW_REQUEST, ""),
    "malformed_mime": (Outcome.NEW_REQUEST, ""),
    "unknown_charset": (Outcome.NEW_REQUEST, ""),
    "nested_100_levels": (Outcome.NEW_REQUEST, ""),
    "headers_only": (Outcome.NEW_REQUEST, ""),
    "binary_junk": (Outcome.QUARANTINED, Reason.NO_SENDER),
    "thirty_mb": (Outcome.QUARANTINED, Reason.SIZE),
    "five_hundred_attachments": (Outcome.NEW_REQUEST, ""),
    "tnef_winmail": (Outcome.NEW_REQUEST, ""),
    "spam_flagged": (Outcome.QUARANTINED, Reason.SPAM),
    "with_pdf_attachment": (Outcome.NEW_REQUEST, ""),
}


def test_the_table_covers_the_whole_corpus():
    assert set(EXPECTED) == set(corpus.BUILDERS)


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_each_shape_becomes_what_staff_expect_once(shape):
    raw = corpus.BUILDERS[shape]()

    message, created = mail_intake(raw=raw, door=InboundMessage.Door.COMMAND)
    again, created_again = mail_intake(raw=raw, door=InboundMessage.Door.COMMAND)

    assert (message.outcome, message.reason) == EXPECTED[shape]
    assert created and not created_again and again.pk == message.pk
    assert message.detail  # in words, for staff
    made = HelpRequest.objects.filter(source=HelpRequest.Source.EMAIL).count()
    assert made == (1 if message.outcome == Outcome.NEW_REQUEST else 0)
