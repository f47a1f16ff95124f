"""Scanning each new file with ClamAV: queued after the commit, retried by the beat sweeper."""

from celery import current_app
from django.conf import settings
from django.db import transaction

from .models import Attachment

SCAN_TASK = "attachments.tasks.scan_attachment"


def scan_state_for_new_file() -> str:
    """Pending when a scanner is configured; otherwise kept, and shown, as not scanned."""
    if settings.ATTACHMENT_SCANNER_URL:
        return Attachment.ScanState.PENDING
    return Attachment.ScanState.UNSCANNED


def scan_later(attachment: Attachment) -> None:
    """Queue the scan once the file's row is committed (a lost queueing is swept up later)."""
    if attachment.scan_state != Attachment.ScanState.PENDING:
        return
    pk = attachment.pk
    transaction.on_commit(lambda: current_app.tasks[SCAN_TASK].delay(pk), robust=True)
