"""The outbox: every e-mail is a row first, sent after commit, exactly once, even after outages."""

import logging
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from help_requests.services import help_request_submit
from notifications.models import OutboundEmail
from notifications.services import email_queue
from notifications.tasks import send_outbound_email, sweep_pending_emails
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    """An SMTP server that answers every message with a temporary failure."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        raise smtplib.SMTPResponseException(451, b"4.3.0 Try again later")


@pytest.fixture
def failing_smtp(settings):
    FailingBackend.calls = 0
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    return FailingBackend


def queue(to: str = "ada@example.org", **kwargs) -> OutboundEmail:
    (row,) = email_queue(
        to=[to],
        template="outbox_test/hello",
        context={"name": "Ada", "title": "Sprint room", "reference": "HR-2026-0007"},
        **kwargs,
    )
    return row


def test_an_email_is_written_with_the_change_and_sent_only_after_commit(
    email_templates, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            row = queue()
            assert OutboundEmail.objects.get(pk=row.pk).status == OutboundEmail.Status.PENDING
            assert mailoutbox == []
        assert mailoutbox == []

    (message,) = mailoutbox
    assert message.to == ["ada@example.org"]
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.sent_at is not None


def test_an_email_queued_in_a_rolled_back_transaction_never_exists(
    email_templates, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the change it reports failed")

    assert callbacks == []
    assert OutboundEmail.objects.count() == 0
    assert mailoutbox == []


def test_queueing_twice_with_the_same_key_sends_one_email(
    email_templates, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(key="help-request:1:receipt")
        queue(key="help-request:1:receipt")

    assert OutboundEmail.objects.count() == 1
    assert len(mailoutbox) == 1


def test_an_email_has_a_one_line_subject_a_text_part_and_an_html_part(email_templates, mailoutbox):
    row = queue(reply_to="grace@example.org")

    send_outbound_email(row.pk)

    (message,) = mailoutbox
    assert message.subject == "Hello Ada, your request HR-2026-0007"
    assert "Dear Ada," in message.body
    assert message.from_email == "PSF Helpdesk <noreply@python.org>"
    assert message.reply_to == ["grace@example.org"]
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>Sprint room</strong>" in html


def submit(**changes):
    fields = {
        "title": "Sprint room at EuroPython",
        "description": "Forty people, two days.",
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "area": "events",
    }
    return help_request_submit(**{**fields, **changes})


def sent_to(mailoutbox, address):
    (message,) = [message for message in mailoutbox if message.to == [address]]
    return message


def test_staff_and_submitter_emails_are_complete_and_staff_can_reply_to_the_submitter(
    eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        help_request = submit()

    staff_email = sent_to(mailoutbox, "psf@python.org")
    receipt = sent_to(mailoutbox, "grace@example.org")
    assert staff_email.reply_to == ["grace@example.org"]
    for message in (staff_email, receipt):
        assert "\n" not in message.subject
        assert help_request.reference in message.subject
        assert message.body.strip()
        ((html, mimetype),) = message.alternatives
        assert mimetype == "text/html"
        assert help_request.reference in html
    # The submitter's receipt carries their private status link.
    assert f"/help/status/{help_request.token}/" in receipt.body


def test_a_script_in_a_title_arrives_escaped_in_the_html_email(
    eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(title='<script>alert(1)</script>"><img src=x onerror=alert(2)>')

    assert len(mailoutbox) == 2
    for message in mailoutbox:
        ((html, _),) = message.alternatives
        assert "<script>" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_title_with_a_line_break_cannot_add_email_headers(
    eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(title="Sprint room\r\nBcc: victim@example.org")

    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.bcc == []
        assert message.message()["Bcc"] is None
        assert message.recipients() == message.to


def test_the_same_row_delivered_twice_sends_one_email(email_templates, mailoutbox):
    row = queue()

    first = send_outbound_email(row.pk)
    second = send_outbound_email(row.pk)

    assert (first, second) == ("sent", "skipped")
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_temporary_smtp_failure_is_retried_with_growing_waits(
    email_templates, failing_smtp, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    row = queue()

    with (
        time_machine.travel(timezone.now(), tick=False),
        mock.patch("notifications.tasks.email_enqueue") as enqueue,
    ):
        assert send_outbound_email(row.pk) == "pending"
        row.refresh_from_db()
        assert row.attempts == 1
        assert row.next_attempt_at == timezone.now() + timedelta(seconds=30)
        assert send_outbound_email(row.pk) == "pending"

    assert [call.kwargs["countdown"] for call in enqueue.call_args_list] == [30.0, 60.0]
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 2
    assert "451" in row.last_error


def test_an_email_that_keeps_failing_is_marked_failed_and_logged(
    email_templates,
    failing_smtp,
    eager_celery,
    settings,
    mailoutbox,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.OUTBOX_MAX_ATTEMPTS = 3

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        row = queue()

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert row.attempts == 3
    assert failing_smtp.calls == 3  # no fourth try, no endless loop
    assert row.last_error.startswith("SMTPResponseException")
    assert "Try again later" in row.last_error
    assert mailoutbox == []
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].name == "notifications.tasks"
    assert str(row.pk) in errors[0].getMessage()


def test_staff_can_retry_a_failed_email_from_the_admin(
    client,
    staff,
    email_templates,
    eager_celery,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    row = OutboundEmail.objects.create(
        to="ada@example.org",
        template="outbox_test/hello",
        context={"name": "Ada", "title": "Sprint room", "reference": "HR-2026-0007"},
        idempotency_key="failed-row",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
        last_error="SMTPResponseException: (451, b'Try again later')",
        next_attempt_at=timezone.now() - timedelta(hours=1),
    )
    sign_in(client, staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/outboundemail/",
            {"action": "retry", "_selected_action": [row.pk], "index": "0"},
        )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.attempts == 1
    (message,) = mailoutbox
    assert message.to == ["ada@example.org"]


def test_the_sweeper_resends_only_emails_left_pending_for_over_a_minute(
    email_templates, eager_celery, mailoutbox
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        lost = queue(to="lost@example.org")
        delivered = queue(to="delivered@example.org")
        send_outbound_email(delivered.pk)
        OutboundEmail.objects.create(
            to="gave-up@example.org",
            template="outbox_test/hello",
            idempotency_key="gave-up",
            status=OutboundEmail.Status.FAILED,
            next_attempt_at=start,
        )
    mailoutbox.clear()

    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        fresh = queue(to="fresh@example.org")
        assert sweep_pending_emails() == 1

    assert [message.to for message in mailoutbox] == [["lost@example.org"]]
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == OutboundEmail.Status.SENT
    assert fresh.status == OutboundEmail.Status.PENDING


FORM = {
    "type": "help",
    "name": "Grace Hopper",
    "email": "grace@example.org",
    "area": "community",
    "kinds": ["advice"],
    "title": "Advice on a code of conduct",
    "description": "We are writing our first one.",
}


def test_a_request_sent_while_the_broker_is_down_is_saved_and_mailed_once_it_is_back(
    client,
    help_kinds,
    eager_celery,
    mailoutbox,
    caplog,
    django_capture_on_commit_callbacks,
):
    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(send_outbound_email, "apply_async", side_effect=broker_down),
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/help/new/", FORM)

    assert response.status_code == 302
    rows = OutboundEmail.objects.all()
    assert {row.to for row in rows} == {"psf@python.org", "grace@example.org"}
    assert {row.status for row in rows} == {OutboundEmail.Status.PENDING}
    assert mailoutbox == []
    assert any("sweeper will retry" in record.getMessage() for record in caplog.records)

    # The broker is back; the beat job runs a couple of minutes later, and again after that.
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert sweep_pending_emails() == 2
        assert sweep_pending_emails() == 0

    assert sorted(message.to[0] for message in mailoutbox) == [
        "grace@example.org",
        "psf@python.org",
    ]
    assert {row.status for row in OutboundEmail.objects.all()} == {OutboundEmail.Status.SENT}
