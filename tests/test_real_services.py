"""Behaviour that only real PostgreSQL and Redis can show: row locks, concurrency, broker faults.

Skipped in the embedded default; run with DATABASE_URL=postgres://... and REDIS_URL=redis://...
"""

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from help_requests.services import help_request_submit
from notifications import sending
from notifications.models import OutboundEmail
from notifications.tasks import send_outbound_email, sweep_pending_emails

from .concurrency import errors, run_together
from .conftest import ON_POSTGRES, ON_REDIS

BASE_DIR = Path(__file__).resolve().parent.parent


def slow_sends(seconds: float):
    """Make each SMTP hand-off take a while, so concurrent senders overlap for real."""
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        time.sleep(seconds)
        return original(self, messages)

    return mock.patch.object(EmailBackend, "send_messages", send_messages)


def pending_row(n: int = 0, age: timedelta = timedelta(minutes=5)) -> OutboundEmail:
    return OutboundEmail.objects.create(
        to=f"person{n}@example.org",
        template="outbox_test/hello",
        context={"name": f"Person {n}", "title": "Sprint room", "reference": "HR-2026-0007"},
        idempotency_key=f"concurrency:{n}",
        next_attempt_at=timezone.now() - age,
    )


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_get_distinct_sequential_references():
    def submit(n: int) -> str:
        return help_request_submit(
            type="suggestion", title=f"Suggestion {n}", description="Sent at the same moment."
        ).reference

    # Only the references matter here; no e-mail needs to reach the broker.
    with mock.patch.object(send_outbound_email, "apply_async"):
        references = run_together(8, submit)

    assert errors(references) == []
    year = timezone.now().year
    assert len(set(references)) == 8
    assert all(reference.startswith(f"HR-{year}-") for reference in references)
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(numbers[0], numbers[0] + 8))


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_the_same_email_delivered_to_two_workers_at_once_is_sent_once(email_templates, mailoutbox):
    row = pending_row()

    with slow_sends(0.5):
        outcomes = run_together(2, lambda n: send_outbound_email(row.pk))

    assert errors(outcomes) == []
    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 1)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_running_at_once_send_each_lost_email_once(
    email_templates, eager_celery, mailoutbox
):
    rows = [pending_row(n) for n in range(6)]

    with slow_sends(0.1):
        sweeps = run_together(2, lambda n: sweep_pending_emails())

    assert errors(sweeps) == []
    assert Counter(message.to[0] for message in mailoutbox) == {row.to: 1 for row in rows}
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://...")
@pytest.mark.django_db(transaction=True)
def test_a_sweeper_never_makes_an_email_a_worker_has_just_claimed_due_again(
    email_templates, eager_celery, mailoutbox, monkeypatch
):
    """A worker's claim commits while a sweeper, which had found the row overdue, is at work:
    the sweeper must leave the row alone (it used to overwrite the claim's lease, and its own
    task then sent the e-mail a second time)."""
    row = pending_row()  # overdue: its task was lost
    claiming = threading.Event()
    real_claim = sending._claim

    def claim_committed_late(email_id: int):
        with transaction.atomic():  # the claimed row stays locked a moment, as under load
            email = real_claim(email_id)
            if email is not None:
                claiming.set()
                time.sleep(0.5)
        return email

    monkeypatch.setattr(sending, "_claim", claim_committed_late)

    def work(n: int):
        if n == 0:
            return send_outbound_email(row.pk)
        assert claiming.wait(10)
        return sweep_pending_emails()

    outcomes = run_together(2, work)

    assert errors(outcomes) == []
    assert outcomes[0] == "sent"
    assert [message.to[0] for message in mailoutbox] == [row.to]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 1)


class Blackhole:
    """A 'broker' that accepts connections and never answers (a half-dead Redis)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.clients: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.clients.append(conn)

    def close(self) -> None:
        for conn in self.clients:
            conn.close()
        self.server.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


ENQUEUE = """
import time
import django
django.setup()
from notifications.services import email_enqueue
started = time.monotonic()
queued = email_enqueue(email_id=1)
print(queued, round(time.monotonic() - started, 2))
"""


@pytest.mark.redis
@pytest.mark.skipif(not ON_REDIS, reason="needs REDIS_URL=redis://...")
@pytest.mark.parametrize("fault", ["blackholed", "refused"])
def test_a_broker_that_does_not_answer_cannot_hang_a_web_request(fault):
    """RELIABILITY matrix 1 and 2, in a fresh process that reads its broker from the env."""
    blackhole = Blackhole() if fault == "blackholed" else None
    port = blackhole.port if blackhole else closed_port()
    try:
        done = subprocess.run(
            [sys.executable, "-c", ENQUEUE],
            cwd=BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "psf_helpdesk.settings.test",
                "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
            },
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        if blackhole:
            blackhole.close()

    assert done.returncode == 0, done.stderr
    queued, seconds = done.stdout.split()
    assert queued == "False"
    assert float(seconds) < 5
    assert "the sweeper will retry" in done.stderr


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.skipif(not (ON_REDIS and ON_POSTGRES), reason="needs DATABASE_URL and REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_a_committed_submission_hands_its_emails_to_the_real_broker():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery")

    help_request_submit(
        title="Sprint room",
        description="Forty people.",
        name="Grace",
        email="grace@example.org",
        area="events",
    )

    assert broker.llen("celery") == 2
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"pending"}
    broker.delete("celery")
