"""Threads on the way out: every e-mail carries a Message-ID of ours (the same on every try), the
loop header, its RFC 3834 kind, and, within a thread, In-Reply-To and References to the mail the
same person had before, so their mail client shows one conversation (docs/mail-in.md)."""

import re
import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.rendering import email_render
from notifications.services import (
    NOT_AUTOMATIC,
    REFERENCES_CAP,
    email_queue,
    email_queue_batch,
)
from notifications.tasks import send_outbound_email
from tests.factories import StaffFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

OURS = re.compile(r"^hd\.[0-9a-f]{32}@python\.org$")


def queue(to: str = "ada@example.org", **kwargs) -> OutboundEmail:
    (row,) = email_queue(
        to=[to],
        template="outbox_test/hello",
        context={"name": "Ada", "title": "Sprint room", "reference": "HR-2026-0007"},
        **kwargs,
    )
    return row


def header(message, name: str) -> str | None:
    value = message.message()[name]
    return None if value is None else str(value)


class FailOnce(BaseEmailBackend):
    """Refuses the first message (a temporary failure), then delivers like locmem."""

    sent: list = []
    failed = False

    def send_messages(self, email_messages):
        if not type(self).failed:
            type(self).failed = True
            raise smtplib.SMTPResponseException(451, b"4.3.0 Try again later")
        type(self).sent.extend(email_messages)
        return len(email_messages)


def test_every_sent_email_carries_our_message_id_and_the_loop_header(email_templates, mailoutbox):
    row = queue()
    assert OURS.match(row.message_id)

    assert send_outbound_email(row.pk) == "sent"

    (message,) = mailoutbox
    assert header(message, "Message-ID") == f"<{row.message_id}>"
    assert header(message, "X-PSF-Helpdesk") == "1"
    assert header(message, "Auto-Submitted") == "auto-generated"


def test_a_retried_email_keeps_its_message_id(email_templates, settings):
    FailOnce.sent, FailOnce.failed = [], False
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailOnce"}}
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a worker, which retries later
    row = queue()

    with (
        time_machine.travel(timezone.now(), tick=False) as clock,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("notifications.sending.email_enqueue", lambda **kwargs: True)
        assert send_outbound_email(row.pk) == "pending"
        clock.shift(timedelta(minutes=5))
        assert send_outbound_email(row.pk) == "sent"

    (message,) = FailOnce.sent
    assert header(message, "Message-ID") == f"<{row.message_id}>"


def test_each_email_gets_a_message_id_of_its_own_also_in_a_batch(email_templates):
    queue_rows = email_queue(
        to=["ada@example.org", "grace@example.org"], template="outbox_test/hello", context={}
    )
    email_queue_batch(
        emails=[
            {
                "to": [f"member{n}@example.org"],
                "template": "outbox_test/hello",
                "context": {},
                "key": f"k{n}",
                "headers": {"List-Unsubscribe": "<https://x.example/u>"},
            }
            for n in range(3)
        ],
        batch="pool-mailing:1",
    )
    batch_rows = list(OutboundEmail.objects.filter(batch="pool-mailing:1"))

    ids = [row.message_id for row in [*queue_rows, *batch_rows]]
    assert len(set(ids)) == 5
    assert all(OURS.match(message_id) for message_id in ids)
    message = email_render(email=batch_rows[0])
    assert header(message, "Message-ID") == f"<{batch_rows[0].message_id}>"
    assert header(message, "X-PSF-Helpdesk") == "1"
    assert header(message, "List-Unsubscribe") == "<https://x.example/u>"  # kept


def test_the_second_email_of_a_thread_replies_to_the_first(email_templates):
    first = queue(thread="HR-2026-0007")
    second = queue(thread="HR-2026-0007")

    assert "In-Reply-To" not in first.headers
    assert second.headers["In-Reply-To"] == f"<{first.message_id}>"
    assert second.headers["References"] == f"<{first.message_id}>"
    assert second.thread == "HR-2026-0007"
    message = email_render(email=second)
    assert header(message, "In-Reply-To") == f"<{first.message_id}>"
    assert header(message, "References") == f"<{first.message_id}>"


def test_a_thread_follows_its_latest_email_and_keeps_its_first_in_references(email_templates):
    rows = [queue(thread="HR-2026-0007") for _ in range(REFERENCES_CAP + 3)]
    last = rows[-1]

    earlier = [row.message_id for row in rows[:-1]]
    assert last.headers["In-Reply-To"] == f"<{earlier[-1]}>"
    references = last.headers["References"].split()
    assert len(references) == REFERENCES_CAP
    assert references[0] == f"<{earlier[0]}>"  # the root clients hang the thread on
    assert references[1:] == [f"<{message_id}>" for message_id in earlier[-(REFERENCES_CAP - 1) :]]


def test_threads_are_per_recipient_and_per_reference(email_templates):
    to_ada = queue(to="ada@example.org", thread="HR-2026-0007")
    queue(to="grace@example.org", thread="HR-2026-0008")

    to_grace = queue(to="Grace@Example.org", thread="HR-2026-0007")
    again_to_ada = queue(to="ADA@example.org", thread="HR-2026-0007")
    unthreaded = queue(to="ada@example.org")

    assert "In-Reply-To" not in to_grace.headers  # Ada's mail is none of Grace's business
    assert again_to_ada.headers["In-Reply-To"] == f"<{to_ada.message_id}>"
    assert "In-Reply-To" not in unthreaded.headers


def test_mail_that_never_went_out_is_not_threaded_on(email_templates):
    cancelled = queue(thread="HR-2026-0007")
    OutboundEmail.objects.filter(pk=cancelled.pk).update(status=OutboundEmail.Status.CANCELLED)

    assert "In-Reply-To" not in queue(thread="HR-2026-0007").headers


def test_an_answer_to_someone_s_message_replies_to_it(email_templates, mailoutbox):
    earlier = queue(thread="HR-2026-0007")

    row = queue(thread="HR-2026-0007", in_reply_to="<CAF=x.1@mail.example.org>")
    send_outbound_email(row.pk)

    (message,) = mailoutbox
    assert header(message, "In-Reply-To") == "<CAF=x.1@mail.example.org>"
    assert header(message, "References") == (f"<{earlier.message_id}> <CAF=x.1@mail.example.org>")
    assert header(message, "Message-ID") == f"<{row.message_id}>"  # ours, as always


@pytest.mark.parametrize(
    "in_reply_to",
    [
        "<a@b.example>\r\nBcc: mallory@evil.example",
        "a@b.example\nBcc: mallory@evil.example",
        "<a@b.example> <c@d.example>",
        "<no-at-sign.example>",
        "<" + "x" * 300 + "@example.org>",
        "<ünïcode@example.org>",
    ],
)
def test_a_message_id_from_outside_that_is_not_sane_is_ignored(
    email_templates, mailoutbox, in_reply_to
):
    row = queue(in_reply_to=in_reply_to)
    assert send_outbound_email(row.pk) == "sent"

    (message,) = mailoutbox
    assert header(message, "In-Reply-To") is None
    assert header(message, "References") is None
    assert header(message, "Bcc") is None
    assert message.recipients() == ["ada@example.org"]


def test_threading_costs_the_same_queries_however_long_the_thread(email_templates):
    def queries_for_one_more() -> int:
        with CaptureQueriesContext(connection) as captured:
            email_queue(
                to=["ada@example.org", "grace@example.org"],
                template="outbox_test/hello",
                context={},
                thread="HR-2026-0007",
            )
        return len(captured)

    short = queries_for_one_more()
    for _ in range(5):
        queries_for_one_more()
    assert queries_for_one_more() == short


def test_a_person_s_own_words_carry_no_auto_submitted(email_templates, mailoutbox):
    row = queue(auto_submitted=NOT_AUTOMATIC)
    send_outbound_email(row.pk)

    (message,) = mailoutbox
    assert header(message, "Auto-Submitted") is None
    assert header(message, "X-PSF-Helpdesk") == "1"  # still ours, for the loop check


def test_staff_find_a_thread_s_emails_by_its_reference(email_templates, client):
    in_thread = queue(thread="HR-2026-0007")
    queue(thread="HR-2026-0008")
    person = StaffFactory(email="outbox.reader@python.org", is_superuser=False)
    person.user_permissions.add(Permission.objects.get(codename="view_outboundemail"))
    sign_in(client, person)

    page = client.get("/admin/notifications/outboundemail/", {"q": "HR-2026-0007"})

    assert [row.pk for row in page.context["cl"].result_list] == [in_thread.pk]
    page = client.get("/admin/notifications/outboundemail/", {"q": in_thread.message_id})
    assert [row.pk for row in page.context["cl"].result_list] == [in_thread.pk]
