"""manage.py mail_receive (one message, from a file or standard input) and mail_fetch."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from mail_in.management.commands.mail_receive import outcome_words
from mail_in.models import InboundMessage

from .mails import raw_message

pytestmark = pytest.mark.django_db


def run(*args: str, stdin: bytes | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_mail_receive_takes_in_a_file_once(tmp_path):
    eml = tmp_path / "message.eml"
    eml.write_bytes(raw_message(1))

    first = run("mail_receive", str(eml))
    again = run("mail_receive", str(eml))

    message = InboundMessage.objects.get()
    assert message.door == "command" and message.raw.read() == eml.read_bytes()
    assert first == outcome_words(message)
    assert again == f"Already taken in: {outcome_words(message)}"


def test_mail_receive_reads_standard_input_bytes(monkeypatch):
    body = raw_message(1, subject="Caf\u00e9 Python", body="Gr\u00fc\u00dfe aus K\u00f6ln")

    run("mail_receive", stdin=body, monkeypatch=monkeypatch)

    assert InboundMessage.objects.get().raw.read() == body


def test_mail_receive_says_what_the_message_became():
    """The words for each outcome; the reference comes from what intake made of the message."""
    made = InboundMessage(outcome="new_request", reference="HR-2026-0001")
    assert outcome_words(made) == "New request HR-2026-0001"
    reply = InboundMessage(outcome="reply", reference="HR-2026-0042")
    assert outcome_words(reply) == "Reply to HR-2026-0042"
    held = InboundMessage(outcome="quarantined", reason="spam")
    assert outcome_words(held) == "Quarantined (Flagged as spam upstream)"


def test_mail_receive_refuses_an_empty_input_or_a_missing_file(monkeypatch, tmp_path):
    with pytest.raises(CommandError, match="empty"):
        run("mail_receive", stdin=b"", monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match="Cannot read"):
        run("mail_receive", str(tmp_path / "nothing.eml"))
    assert not InboundMessage.objects.exists()


def test_mail_fetch_needs_a_mailbox(settings):
    settings.MAIL_IMAP_URL = ""
    with pytest.raises(CommandError, match="MAIL_IMAP_URL is not set"):
        run("mail_fetch")


def test_mail_fetch_reads_the_mailbox_and_prints_the_counts(imap_account, settings):
    settings.MAIL_IMAP_URL = imap_account.url()
    imap_account.deliver(raw_message(1), raw_message(2))

    printed = run("mail_fetch")

    assert (
        printed == f"{imap_account.name}@127.0.0.1/INBOX: 2 taken in, 0 taken in before, 0 errors."
    )
    assert run("mail_fetch").endswith(": 0 taken in, 0 taken in before, 0 errors.")
    assert imap_account.subjects("Processed") == ["Question 1", "Question 2"]


def test_mail_fetch_fails_clearly_when_the_mailbox_cannot_be_read(imap_account, settings):
    settings.MAIL_IMAP_URL = imap_account.url().split("?")[0]  # the test CA left out

    with pytest.raises(CommandError, match=r"could not be read.*CERTIFICATE_VERIFY_FAILED"):
        run("mail_fetch")
