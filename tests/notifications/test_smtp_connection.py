"""A worker keeps its SMTP connection between sends (notifications/smtp.py), against a real
SMTP server: one connection for many e-mails, and a fresh one when the kept one went away."""

import smtplib
import time
from unittest import mock

import pytest
from django.core.mail import EmailMessage

from notifications import smtp
from notifications.smtp import smtp_send
from tests.end_to_end.stack import SmtpSink


@pytest.fixture
def sink(settings):
    with SmtpSink() as server:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
            }
        }
        yield server
    smtp._drop()


@pytest.fixture
def connects():
    with mock.patch.object(smtplib.SMTP, "connect", autospec=True, wraps=smtplib.SMTP.connect) as m:
        yield m


def message(n: int) -> EmailMessage:
    return EmailMessage(f"Message {n}", "Hello.", "psf@python.org", [f"person{n}@example.org"])


def wait_for(sink: SmtpSink, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_many_emails_go_out_on_one_connection(sink, connects):
    for n in range(5):
        smtp_send(message(n))

    wait_for(sink, 5)
    assert [m.rcpt_tos for m in sink.messages] == [[f"person{n}@example.org"] for n in range(5)]
    assert connects.call_count == 1


def test_a_connection_idle_too_long_is_replaced(sink, connects):
    smtp_send(message(1))
    later = time.monotonic() + smtp.IDLE_SECONDS + 1
    with mock.patch.object(smtp.time, "monotonic", return_value=later):
        smtp_send(message(2))

    wait_for(sink, 2)
    assert len(sink.messages) == 2
    assert connects.call_count == 2


def test_when_the_server_dropped_the_kept_connection_the_email_goes_out_on_a_new_one(
    settings, connects
):
    with SmtpSink() as first:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": first.port, "timeout": 5},
            }
        }
        smtp_send(message(1))
    # The server restarted on the same port: it no longer knows the kept connection.
    with SmtpSink(port=first.port) as second:
        smtp_send(message(2))
        wait_for(second, 1)
        assert [m.rcpt_tos for m in second.messages] == [["person2@example.org"]]
    smtp._drop()
    assert connects.call_count == 2


def test_a_send_that_fails_raises_and_the_next_starts_afresh(sink, connects):
    smtp_send(message(1))
    with (
        mock.patch.object(smtplib.SMTP, "sendmail", side_effect=smtplib.SMTPDataError(451, b"no")),
        pytest.raises(smtplib.SMTPDataError),
    ):
        smtp_send(message(2))

    smtp_send(message(3))

    wait_for(sink, 2)
    assert [m.rcpt_tos for m in sink.messages] == [["person1@example.org"], ["person3@example.org"]]
    assert connects.call_count == 2
