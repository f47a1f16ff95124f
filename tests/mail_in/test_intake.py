"""What a message becomes: a new request, a reply on its request, or a record that says why it
was ignored or quarantined; never an e-mail to anyone for noise."""

import dataclasses
import logging

import hypothesis
import pytest
from django.core import mail as django_mail
from hypothesis import strategies as st

from help_requests.models import Comment, HelpRequest
from mail_in import extensions, services
from mail_in.models import InboundMessage
from mail_in.services import mail_intake
from notifications.models import OutboundEmail

from .letters import letter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("conversations_handler")]

Outcome = InboundMessage.Outcome
Reason = InboundMessage.Reason
IMAP = InboundMessage.Door.IMAP


def take(raw: bytes) -> InboundMessage:
    message, created = mail_intake(raw=raw, door=IMAP)
    assert created
    return message


def test_a_first_message_becomes_a_request_from_email_with_a_receipt():
    message = take(letter(subject="Room for our meetup", body="We meet monthly in Lagos."))

    help_request = HelpRequest.objects.get()
    assert (help_request.title, help_request.email) == ("Room for our meetup", "grace@example.org")
    assert help_request.name == "Grace Hopper"
    assert help_request.description.strip() == "We meet monthly in Lagos."
    assert help_request.source == HelpRequest.Source.EMAIL
    assert (message.outcome, message.reason) == (Outcome.NEW_REQUEST, "")
    assert message.target == help_request and message.reference == help_request.reference
    assert message.detail == f"New request {help_request.reference}."
    receipt = OutboundEmail.objects.get(template="help_requests/receipt")
    assert receipt.to == "grace@example.org"


def test_the_message_is_recorded_with_its_bytes():
    raw = letter(subject="Kept as it came", message_id="kept@example.org")
    message = take(raw)

    message.refresh_from_db()
    assert message.message_key == message.message_id == "kept@example.org"
    assert (message.sender_email, message.subject) == ("grace@example.org", "Kept as it came")
    assert message.size == len(raw) and message.door == IMAP
    with message.raw.open("rb") as handle:
        assert handle.read() == raw


@pytest.mark.parametrize(
    "headers, said",
    [
        ({"Auto-Submitted": "auto-replied"}, "Auto-reply (Auto-Submitted: auto-replied)"),
        ({"X-Autoreply": "yes"}, "Auto-reply (X-Autoreply: yes)"),
        ({"X-Autorespond": "Out of office"}, "Auto-reply (X-Autorespond: Out of office)"),
        ({"Precedence": "bulk"}, "Auto-reply (Precedence: bulk)"),
    ],
)
def test_an_auto_reply_is_recorded_and_nothing_else_happens(headers, said):
    message = take(letter(subject="Out of office", headers=headers))

    assert message.outcome == Outcome.AUTO_REPLY
    assert message.detail == f"{said}: ignored, nothing sent."
    assert not HelpRequest.objects.exists() and not OutboundEmail.objects.exists()
    assert django_mail.outbox == []


def test_list_mail_is_ignored():
    message = take(letter(headers={"List-Id": "Python Announce <python-announce.python.org>"}))

    assert message.outcome == Outcome.LIST
    assert message.detail.startswith("List mail (List-Id: Python Announce")
    assert not HelpRequest.objects.exists() and not OutboundEmail.objects.exists()


def test_our_own_message_coming_back_is_ignored():
    message = take(letter(sender="PSF Helpdesk <noreply@python.org>"))

    assert message.outcome == Outcome.OWN
    assert message.detail == "Our own message came back: ignored, nothing sent."
    assert not HelpRequest.objects.exists() and not OutboundEmail.objects.exists()


def test_mail_flagged_as_spam_upstream_is_quarantined():
    message = take(letter(headers={"X-Spam-Flag": "YES"}))

    assert (message.outcome, message.reason) == (Outcome.QUARANTINED, Reason.SPAM)
    assert (
        message.detail == "Flagged as spam upstream (X-Spam-Flag: YES): quarantined, nothing sent."
    )
    assert not HelpRequest.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize("sender", ["", "not an address", "Grace <grace@>"])
def test_a_message_without_a_usable_sender_is_quarantined(sender):
    message = take(letter(sender=sender))

    assert (message.outcome, message.reason) == (Outcome.QUARANTINED, Reason.NO_SENDER)
    assert not HelpRequest.objects.exists() and not OutboundEmail.objects.exists()


def test_a_message_over_the_size_limit_is_quarantined_with_only_its_headers_read(settings):
    settings.MAIL_MAX_MESSAGE_MB = 1
    raw = letter(subject="A big scan", body="x" * (1024 * 1024 + 10))
    message = take(raw)

    assert (message.outcome, message.reason) == (Outcome.QUARANTINED, Reason.SIZE)
    assert message.detail.startswith("Over the size limit (1.0 MB; the limit is 1 MB)")
    assert message.subject == "A big scan" and message.text == ""  # the body was not read
    assert message.size == len(raw) and message.raw  # kept for staff to download
    assert not HelpRequest.objects.exists() and not OutboundEmail.objects.exists()


def test_a_message_at_the_size_limit_is_read(settings):
    settings.MAIL_MAX_MESSAGE_MB = 1
    raw = letter(body="x" * 1000)
    raw += b"y" * (1024 * 1024 - len(raw))
    assert len(raw) == 1024 * 1024

    assert take(raw).outcome == Outcome.NEW_REQUEST


def test_a_sender_over_the_hourly_cap_is_quarantined(settings):
    settings.MAIL_SENDER_HOURLY_CAP = 3
    firsts = [take(letter(subject=f"Question {n}")) for n in range(3)]
    assert {m.outcome for m in firsts} == {Outcome.NEW_REQUEST}

    over = take(letter(subject="Question 4"))
    other = take(letter(sender="ada@example.org", subject="Someone else"))

    assert (over.outcome, over.reason) == (Outcome.QUARANTINED, Reason.RATE)
    assert over.detail == (
        "This sender had already sent 3 messages in the last hour (the cap is 3): "
        "quarantined, nothing sent."
    )
    assert HelpRequest.objects.count() == 4  # the three firsts and the other sender's
    assert other.outcome == Outcome.NEW_REQUEST


def test_the_hourly_cap_counts_only_the_last_hour(settings, time_machine):
    settings.MAIL_SENDER_HOURLY_CAP = 1
    time_machine.move_to("2026-12-07 09:00Z")
    take(letter(subject="First"))
    time_machine.move_to("2026-12-07 10:01Z")

    assert take(letter(subject="Second")).outcome == Outcome.NEW_REQUEST


def test_an_error_while_acting_undoes_the_acting_and_keeps_the_message(monkeypatch, caplog):
    def broken_reply(*args, **kwargs):
        HelpRequest.objects.update(title="half done")
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    # A bug in the handler after it wrote something: a part that would not decode.
    original = services._start

    def start_then_break(message, mail):
        original(message, mail)
        broken_reply()

    monkeypatch.setattr(services, "_start", start_then_break)
    with caplog.at_level(logging.ERROR, logger="mail_in"):
        message, created = mail_intake(raw=letter(subject="Breaks"), door=IMAP)

    assert created
    message.refresh_from_db()
    assert (message.outcome, message.reason) == (Outcome.QUARANTINED, Reason.UNREADABLE)
    assert message.detail.startswith("Could not be read (UnicodeDecodeError: 'utf-8' codec")
    assert message.target is None and message.reference == ""
    assert message.subject == "Breaks" and message.raw
    assert not HelpRequest.objects.exists()  # the request it had started is gone again
    assert not OutboundEmail.objects.exists()  # and its receipt with it
    assert "mail_in.unreadable" in caplog.text


def test_a_reader_that_raises_still_leaves_a_quarantined_record(monkeypatch):
    def parse(raw):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(services, "parse_message", parse)
    message, created = mail_intake(raw=letter(subject="Deep", message_id="deep@x"), door=IMAP)

    assert created and message.outcome == Outcome.QUARANTINED
    assert message.reason == Reason.UNREADABLE
    assert "RecursionError: maximum recursion depth exceeded" in message.detail
    assert message.message_key == "deep@x" and message.subject == "Deep"


def test_nul_bytes_and_undecodable_headers_are_recorded_not_raised():
    raw = letter(subject="Before").replace(b"Subject: Before", b"Subject: Caf\xe9 \x00 ok")

    message = take(raw)

    message.refresh_from_db()
    assert "\x00" not in message.subject and message.subject.startswith("Caf")


def test_no_reply_is_taken_when_no_handler_is_registered(monkeypatch):
    monkeypatch.setattr(extensions, "_conversations", [])
    message = take(letter())

    assert (message.outcome, message.reason) == (Outcome.QUARANTINED, Reason.UNREADABLE)
    assert message.detail.startswith("No app takes conversations")
    assert not Comment.objects.exists()


@hypothesis.settings(  # examples: the profile (tests/conftest.py)
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@hypothesis.given(
    head=st.lists(
        st.tuples(
            st.sampled_from(["From", "Subject", "Message-ID", "To", "Content-Type", "X-Junk"]),
            st.binary(max_size=60),
        ),
        max_size=6,
    ),
    body=st.binary(max_size=300),
)
def test_any_bytes_are_recorded_once_and_never_raise(head, body):
    raw = b"".join(name.encode() + b": " + value + b"\r\n" for name, value in head)
    raw += b"\r\n" + body
    before = InboundMessage.objects.count()

    message, created = mail_intake(raw=raw, door=IMAP)
    again, created_again = mail_intake(raw=raw, door=IMAP)

    assert again.pk == message.pk and not created_again
    assert InboundMessage.objects.count() == before + int(created)
    assert message.outcome in Outcome.values and message.detail


@pytest.mark.parametrize("said", ["Caf\udce9", "half a pair \ud800", "nul \x00 here"])
def test_what_a_reader_decodes_badly_is_stored_safely(monkeypatch, said):
    real = services.parse_message
    monkeypatch.setattr(
        services, "parse_message", lambda raw: dataclasses.replace(real(raw), subject=said)
    )

    message = take(letter())

    message.refresh_from_db()
    assert "\x00" not in message.subject and message.outcome == Outcome.NEW_REQUEST
