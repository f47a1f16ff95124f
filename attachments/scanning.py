"""Scanning each new file with ClamAV: queued after the commit, retried by the beat sweeper.

A file is scanned exactly once. The scan runs with the file's row locked (select_for_update,
skip_locked), and only while it is pending: a second task for the same file, from the sweeper or
a redelivery, finds the row locked or no longer pending and does nothing. A scanner that is down
or answers with an error leaves the file pending, the attempt counted and the reason kept in
scan_detail; nothing but clamd's own "OK" marks a file clean. The sweeper re-queues pending files
as the outbox's does (docs/architecture.md, "The outbox"), less often the longer they wait.
"""

import logging
import time
from datetime import timedelta

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .clamd import ScannerUnavailable, Verdict, scan_stream
from .extensions import quarantine_hooks
from .models import Attachment

logger = logging.getLogger(__name__)

SCAN_TASK = "attachments.tasks.scan_attachment"
# Connecting, sending and waiting for the verdict each have ATTACHMENT_SCAN_TIMEOUT_SECONDS.
SCAN_SOFT_LIMIT = 2 * settings.ATTACHMENT_SCAN_TIMEOUT_SECONDS + 10
SCAN_HARD_LIMIT = SCAN_SOFT_LIMIT + 10
SWEEP_BATCH = 500
SWEEP_GRACE = timedelta(minutes=1)
_DETAIL_LENGTH = Attachment._meta.get_field("scan_detail").max_length or 200


def scan_state_for_new_file() -> str:
    """Pending when a scanner is configured; otherwise kept, and shown, as not scanned."""
    if settings.ATTACHMENT_SCANNER_URL:
        return Attachment.ScanState.PENDING
    return Attachment.ScanState.UNSCANNED


def scan_enqueue(attachment_id: int) -> bool:
    """Hand a file to Celery. A broker that is down only delays the scan: the sweeper retries."""
    try:
        current_app.tasks[SCAN_TASK].delay(attachment_id)
    except Exception:
        logger.warning(
            "Could not queue the scan of attachment %s; the sweeper will",
            attachment_id,
            exc_info=True,
        )
        return False
    return True


def scan_later(attachment: Attachment) -> None:
    """Queue the scan once the file's row is committed (a lost queueing is swept up later)."""
    if attachment.scan_state != Attachment.ScanState.PENDING:
        return
    pk = attachment.pk
    transaction.on_commit(lambda: scan_enqueue(pk), robust=True)


def _verdict(attachment: Attachment) -> Verdict:
    """clamd's verdict on the stored file, read from storage in chunks (never whole)."""
    try:
        with attachment.file.storage.open(attachment.file.name or "", "rb") as stream:
            return scan_stream(stream)
    except OSError as exc:  # the storage's: scan_stream turns the scanner's into its own
        reason = f"The stored file could not be read: {type(exc).__name__}"
        raise ScannerUnavailable(reason) from exc
    except SoftTimeLimitExceeded as exc:
        raise ScannerUnavailable(
            f"The scan took longer than its time limit ({SCAN_SOFT_LIMIT} s)."
        ) from exc


def attachment_scan(*, attachment_id: int) -> str:
    """Scan one pending file, once; returns "clean", "infected", "pending" (no verdict) or
    "skipped" (not pending, or being scanned by another worker right now)."""
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update(skip_locked=True)
            .filter(pk=attachment_id, scan_state=Attachment.ScanState.PENDING)
            .first()
        )
        if attachment is None:
            return "skipped"
        attachment.scan_attempts += 1
        started = time.monotonic()
        try:
            verdict = _verdict(attachment)
        except ScannerUnavailable as exc:
            attachment.scan_detail = str(exc)[:_DETAIL_LENGTH]
            attachment.save(update_fields=["scan_attempts", "scan_detail"])
            logger.warning(
                "attachment.scan_failed id=%s attempts=%s reason=%s",
                attachment.pk,
                attachment.scan_attempts,
                attachment.scan_detail,
            )
            return "pending"
        attachment.scanned_at = timezone.now()
        if verdict.infected:
            attachment.scan_state = Attachment.ScanState.INFECTED
            attachment.scan_detail = verdict.signature[:_DETAIL_LENGTH]
        else:
            attachment.scan_state = Attachment.ScanState.CLEAN
            attachment.scan_detail = ""
        attachment.save(update_fields=["scan_state", "scan_detail", "scan_attempts", "scanned_at"])
        logger.info(
            "attachment.scanned id=%s result=%s bytes=%s seconds=%.3f",
            attachment.pk,
            attachment.scan_state,
            attachment.size,
            time.monotonic() - started,
        )
        if verdict.infected:
            for hook in quarantine_hooks():  # in this transaction: their e-mails commit with it
                hook(attachment=attachment)
        return str(attachment.scan_state)


def _retry_after(attempts: int) -> timedelta:
    """How old a pending file must be before the sweeper queues it again: a minute while it has
    been tried at most once (its task may be lost), then 2, 4 ... 64 minutes, then an hour more
    for each further try."""
    if attempts <= 1:
        return SWEEP_GRACE
    if attempts <= 7:
        return timedelta(minutes=2 ** (attempts - 1))
    return timedelta(minutes=64 + 60 * (attempts - 7))


def attachments_sweep_pending() -> int:
    """Re-queue pending files older than a minute whose next try is due, oldest first; returns
    how many. Scanning twice is harmless (see attachment_scan), so this needs no lock."""
    now = timezone.now()
    pending = (
        Attachment.objects.filter(
            scan_state=Attachment.ScanState.PENDING, created_at__lt=now - SWEEP_GRACE
        )
        .order_by("created_at", "pk")
        .values_list("pk", "created_at", "scan_attempts")
    )
    due = [
        pk
        for pk, created_at, attempts in pending.iterator()
        if now - created_at >= _retry_after(attempts)
    ][:SWEEP_BATCH]
    queued = 0
    for attachment_id in due:
        if not scan_enqueue(attachment_id):
            break  # the broker is down: the next sweep tries again
        queued += 1
    return queued
