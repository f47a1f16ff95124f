"""While a worker is sending an e-mail, a second delivery of its task (the broker redelivering
it, the sweeper, a duplicate) sends nothing: the row is leased for as long as a send may take."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.sending import SEND_HARD_LIMIT
from notifications.services import email_queue
from notifications.smtp import smtp_send
from notifications.tasks import send_outbound_email

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seconds_into_the_send", [0, 1, SEND_HARD_LIMIT])
def test_a_task_delivered_again_during_the_send_skips_the_row(
    email_templates, mailoutbox, seconds_into_the_send
):
    (row,) = email_queue(
        to=["ada@example.org"],
        template="outbox_test/hello",
        context={"name": "Ada", "title": "Sprint room", "reference": "HR-2026-0007"},
    )
    start = timezone.now()
    second_delivery: list[str] = []

    def slow_send(message) -> None:
        """SMTP is slow: meanwhile another worker is handed the same row."""
        with time_machine.travel(start + timedelta(seconds=seconds_into_the_send), tick=False):
            second_delivery.append(send_outbound_email(row.pk))
        smtp_send(message)

    with (
        time_machine.travel(start, tick=False),
        mock.patch("notifications.sending.smtp_send", side_effect=slow_send),
    ):
        first_delivery = send_outbound_email(row.pk)

    assert (first_delivery, second_delivery) == ("sent", ["skipped"])
    assert [message.to for message in mailoutbox] == [["ada@example.org"]]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 1)
