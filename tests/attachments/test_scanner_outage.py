"""A scanner that is down leaves files pending; when it is back the sweeper has each scanned
exactly once, whoever else queues it (docs/architecture.md, "The outbox", for the sweeper)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from attachments import scanning
from attachments.models import Attachment
from attachments.scanning import attachment_scan, attachments_sweep_pending
from help_requests.services import help_request_submit
from notifications.models import OutboundEmail

from .clamd_server import EICAR, ClamdServer, free_port
from .conftest import attach, require_clamd

BUDGET = b"Venue hire,500,USD\n"


def scans_logged(server: ClamdServer, expected: int) -> list[str]:
    """clamd's log of the streams it scanned, once it has written the expected lines."""
    deadline = time.monotonic() + 5
    while len(server.scans_logged()) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return server.scans_logged()


@pytest.fixture
def stopped_clamd(tmp_path, settings, eager_celery):
    """A clamd of this test's own, not started yet: the scanner is down."""
    server = ClamdServer(tmp_path / "clamd", require_clamd())
    settings.ATTACHMENT_SCANNER_URL = server.tcp_url
    yield server
    server.stop()


@pytest.mark.django_db
def test_while_clamd_is_down_files_stay_pending_then_each_is_scanned_once_when_it_is_back(
    stopped_clamd, help_request, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=True)
    with django_capture_on_commit_callbacks(execute=True):  # the upload's own scan: refused
        budget = attach(help_request, BUDGET)
        quote = attach(help_request, EICAR, name="quote.pdf")
    for attachment in (budget, quote):
        attachment.refresh_from_db()
        assert attachment.scan_state == Attachment.ScanState.PENDING
        assert not attachment.downloadable
        assert attachment.scan_attempts == 1
        assert attachment.scan_detail.startswith("clamd could not be reached:")

    assert attachments_sweep_pending() == 0  # younger than a minute: their own task is enough
    time_machine.shift(timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        assert attachments_sweep_pending() == 2  # tried again, still down
    assert set(Attachment.objects.values_list("scan_state", "scan_attempts")) == {("pending", 2)}
    time_machine.shift(timedelta(seconds=30))
    assert attachments_sweep_pending() == 0  # the next try waits longer: 2 minutes in all

    stopped_clamd.start()
    time_machine.shift(timedelta(seconds=30))
    assert attachments_sweep_pending() == 2

    budget.refresh_from_db()
    quote.refresh_from_db()
    assert (budget.scan_state, budget.scan_attempts) == (Attachment.ScanState.CLEAN, 3)
    assert (quote.scan_state, quote.scan_attempts) == (Attachment.ScanState.INFECTED, 3)
    assert budget.downloadable and not quote.downloadable
    logged = scans_logged(stopped_clamd, 2)
    assert len(logged) == 2
    assert logged[0].endswith(": OK") and logged[1].endswith("FOUND")  # oldest first

    # Later sweeps, and a task delivered twice, scan nothing again, nor tell anyone twice.
    time_machine.shift(timedelta(hours=2))
    assert attachments_sweep_pending() == 0
    assert attachment_scan(attachment_id=budget.pk) == "skipped"
    assert attachment_scan(attachment_id=quote.pk) == "skipped"
    assert stopped_clamd.scans_before_a_marker() == logged
    assert OutboundEmail.objects.filter(template__contains="quarantined").count() == 2


@pytest.mark.django_db
def test_a_scanner_down_for_long_is_tried_less_and_less_often(
    stopped_clamd, help_request, time_machine, django_capture_on_commit_callbacks
):
    """As the outbox's sweeper: 1, 2, 4 ... minutes, then hourly, so an outage does not flood
    the broker."""
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        attachment = attach(help_request, BUDGET)
    time_machine.shift(timedelta(seconds=1))
    tried_at = []
    for minute in range(1, 181):  # three hours
        time_machine.shift(timedelta(minutes=1))
        if attachments_sweep_pending():
            tried_at.append(minute)

    assert tried_at == [1, 2, 4, 8, 16, 32, 64, 124]
    attachment.refresh_from_db()
    assert attachment.scan_state == Attachment.ScanState.PENDING
    assert attachment.scan_attempts == 1 + len(tried_at)


@pytest.mark.django_db(transaction=True)
def test_the_task_and_the_sweeper_racing_scan_a_file_once(
    clamd_server, settings, eager_celery, help_kinds, monkeypatch
):
    """While one worker scans a file (its row locked), the sweeper's task and a redelivered one
    skip it; the file is scanned once. Row locks need PostgreSQL (CI's step 3 runs this)."""
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip(
            "the race needs row locks (select_for_update): run with a PostgreSQL DATABASE_URL"
        )
    settings.ATTACHMENT_SCANNER_URL = f"tcp://127.0.0.1:{free_port()}"  # down at upload
    request = help_request_submit(
        title="Sprint receipts", description="Attached.", email="sprint@example.org"
    )
    attachment = attach(request, BUDGET)  # autocommit: its scan ran, and was refused
    Attachment.objects.filter(pk=attachment.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    settings.ATTACHMENT_SCANNER_URL = clamd_server.tcp_url  # back
    before = len(clamd_server.scans_logged())

    scanning_now, may_finish = threading.Event(), threading.Event()
    real_scan = scanning.scan_stream

    def slow_scan(stream, **kwargs):
        verdict = real_scan(stream, **kwargs)
        if threading.current_thread() is not threading.main_thread():
            scanning_now.set()
            may_finish.wait(20)
        return verdict

    monkeypatch.setattr(scanning, "scan_stream", slow_scan)
    results = {}

    def worker() -> None:
        try:
            results["worker"] = attachment_scan(attachment_id=attachment.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert scanning_now.wait(20)
        assert attachments_sweep_pending() == 1  # queued, and (eagerly) skipped: locked
        assert attachment_scan(attachment_id=attachment.pk) == "skipped"
    finally:
        may_finish.set()
        thread.join(30)

    assert results["worker"] == "clean"
    assert attachment_scan(attachment_id=attachment.pk) == "skipped"
    attachment.refresh_from_db()
    assert attachment.scan_state == Attachment.ScanState.CLEAN
    assert len(scans_logged(clamd_server, before + 2)) == before + 1
