"""The outbox: every e-mail is a row first, sent after commit, exactly once, even after outages."""

import io
import logging
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from help_requests.services import help_request_submit
from notifications.models import OutboundEmail
from notifications.services import email_queue
from notifications.tasks import send_outbound_email, sweep_pending_emails
from tests.boundary import LONGEST_EMAIL
from tests.signin import force_sign_in

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


def test_staff_and_submitter_emails_are_complete_and_staff_answer_from_the_admin(
    eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        help_request = submit()

    staff_email = sent_to(mailoutbox, "psf@python.org")
    receipt = sent_to(mailoutbox, "grace@example.org")
    # No Reply-To: an answer by e-mail would be lost from the record; the admin keeps it.
    assert staff_email.reply_to == []
    admin = f"/admin/help_requests/helprequest/{help_request.pk}/change/"
    assert admin in staff_email.body
    assert "grace@example.org" in staff_email.body  # staff still see who wrote
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

    staff, receipt = sorted(mailoutbox, key=lambda m: m.to != ["psf@python.org"])
    ((html, _),) = staff.alternatives
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    ((html, _),) = receipt.alternatives
    assert "alert(1)" not in html  # the receipt carries none of the submitter's text


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
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a worker, as in production
    row = queue()
    start = timezone.now()

    with mock.patch("notifications.sending.email_enqueue") as enqueue:
        with time_machine.travel(start, tick=False):
            assert send_outbound_email(row.pk) == "pending"
            row.refresh_from_db()
            assert (row.attempts, row.next_attempt_at) == (1, start + timedelta(seconds=30))
            # A redelivered or duplicate task before the wait is over sends nothing.
            assert send_outbound_email(row.pk) == "skipped"
        with time_machine.travel(start + timedelta(seconds=31), tick=False):
            assert send_outbound_email(row.pk) == "pending"

    assert [call.kwargs["countdown"] for call in enqueue.call_args_list] == [30.0, 60.0]
    assert failing_smtp.calls == 2
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 2
    assert "451" in row.last_error


def test_an_email_that_keeps_failing_is_marked_failed_and_logged(
    email_templates, failing_smtp, settings, mailoutbox, caplog
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.CELERY_TASK_ALWAYS_EAGER = False
    row = queue()
    start = timezone.now()

    with caplog.at_level(logging.WARNING), mock.patch("notifications.sending.email_enqueue"):
        for minutes in range(5):  # the worker keeps being handed the row, long after the backoff
            with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
                send_outbound_email(row.pk)

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert row.attempts == 3
    assert failing_smtp.calls == 3  # no fourth try, no endless loop
    assert row.last_error.startswith("SMTPResponseException")
    assert "Try again later" in row.last_error
    assert mailoutbox == []
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].name == "notifications.sending"
    assert str(row.pk) in errors[0].getMessage()


def test_in_the_embedded_default_a_failed_send_is_tried_once_and_left_for_later(
    email_templates, failing_smtp, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(to="ada@example.org")
        second = queue(to="grace@example.org")

    assert failing_smtp.calls == 1  # the second one did not wait on SMTP as well
    for row in (first, second):
        row.refresh_from_db()
        assert row.status == OutboundEmail.Status.PENDING

    # SMTP is back; `manage.py outbox_send` (what `make run` documents) sends what is due.
    failing_smtp.calls = 0
    settings = __import__("django.conf").conf.settings
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    out = io.StringIO()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        call_command("outbox_send", stdout=out)
    assert out.getvalue() == "Outbox: 2 sent.\n"
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.org", "grace@example.org"]


def test_a_worker_killed_while_sending_has_counted_its_attempt(email_templates, settings):
    """The attempt is committed before SMTP is called: a mail that kills workers stops."""
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = queue()

    class Killed(BaseException):  # like SIGKILL: no except clause of ours runs
        pass

    start = timezone.now()
    with mock.patch("notifications.sending.email_render", side_effect=Killed):
        for minutes in (0, 5):
            with time_machine.travel(start + timedelta(minutes=minutes)), pytest.raises(Killed):
                send_outbound_email(row.pk)
        row.refresh_from_db()
        assert (row.attempts, row.status) == (2, OutboundEmail.Status.PENDING)
        # The sweeper hands it out again: it is given up, not sent a third time.
        with time_machine.travel(start + timedelta(minutes=10)):
            assert send_outbound_email(row.pk) == "skipped"
    row.refresh_from_db()
    assert (row.attempts, row.status) == (2, OutboundEmail.Status.FAILED)
    assert "worker stopped during each of the 2 attempts" in row.last_error


def test_staff_cannot_delete_outbox_rows(staff_client):
    row = queue()
    response = staff_client.get(f"/admin/notifications/outboundemail/{row.pk}/delete/")
    assert response.status_code == 403
    assert OutboundEmail.objects.filter(pk=row.pk).exists()


def test_a_long_address_and_a_long_key_fit_the_idempotency_key(email_templates, mailoutbox):
    key = "k" * 500
    (row,) = email_queue(to=[LONGEST_EMAIL], template="outbox_test/hello", context={}, key=key)
    assert len(row.idempotency_key) == 64
    (again,) = email_queue(
        to=[LONGEST_EMAIL.upper()], template="outbox_test/hello", context={}, key=key
    )
    assert again.pk == row.pk


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
    force_sign_in(client, staff)

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


def test_while_the_workers_are_down_the_sweeper_spaces_out_its_requeues(email_templates):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        row = queue()
    requeued_at = []
    with mock.patch("notifications.sending.email_enqueue"):  # nobody consumes the queue
        for minute in range(1, 40):
            with time_machine.travel(start + timedelta(minutes=minute, seconds=30), tick=False):
                if sweep_pending_emails():
                    requeued_at.append(minute)
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    assert requeued_at == [1, 3, 7, 15, 31]  # each wait as long again as the row had waited


def test_the_sweeper_takes_the_oldest_rows_first(email_templates, monkeypatch):
    monkeypatch.setattr("notifications.sending.SWEEP_BATCH", 2)
    start = timezone.now()
    rows = []
    for minutes in (3, 1, 2):  # queued out of order
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            rows.append(queue(to=f"m{minutes}@example.org"))
    with (
        mock.patch("notifications.sending.email_enqueue") as enqueue,
        time_machine.travel(start + timedelta(minutes=10), tick=False),
    ):
        assert sweep_pending_emails() == 2
    sent_to = [
        OutboundEmail.objects.get(pk=c.kwargs["email_id"]).to for c in enqueue.call_args_list
    ]
    assert sent_to == ["m1@example.org", "m2@example.org"]
