"""Two transactions queueing the same e-mail at once (a double click, a retried task) on Postgres,
where they really race: one row, one e-mail, and both callers get that row."""

import time

import pytest
from django.db import transaction

from notifications.models import OutboundEmail
from notifications.services import email_queue
from tests.concurrency import errors, run_together
from tests.conftest import ON_POSTGRES

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
    pytest.mark.django_db(transaction=True),
]


def queue_and_hold(n: int) -> int:
    with transaction.atomic():
        (row,) = email_queue(
            to=["ada@example.org"],
            template="outbox_test/hello",
            context={"name": "Ada", "title": "Sprint room", "reference": "HR-2026-0007"},
            key="help-request:7:receipt",
        )
        # Neither has committed when the other looks for the key: the second INSERT waits for
        # the first transaction, then meets its row.
        time.sleep(0.3)
    return row.pk


def test_two_transactions_queueing_the_same_key_write_one_row_and_send_one_email(
    email_templates, eager_celery, mailoutbox
):
    results = run_together(2, queue_and_hold)

    assert errors(results) == []
    (row,) = OutboundEmail.objects.all()
    assert results == [row.pk, row.pk]
    assert row.status == OutboundEmail.Status.SENT
    assert [message.to for message in mailoutbox] == [["ada@example.org"]]
