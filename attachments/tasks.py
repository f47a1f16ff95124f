"""Thin Celery tasks around scanning: each calls one function of attachments/scanning.py."""

from celery import shared_task

from .scanning import (
    SCAN_HARD_LIMIT,
    SCAN_SOFT_LIMIT,
    SCAN_TASK,
    attachment_scan,
    attachments_sweep_pending,
)


@shared_task(
    name=SCAN_TASK, acks_late=True, soft_time_limit=SCAN_SOFT_LIMIT, time_limit=SCAN_HARD_LIMIT
)
def scan_attachment(pk: int) -> str:
    """Scan one pending file with clamd, exactly once; a scanner that is down leaves it pending."""
    return attachment_scan(attachment_id=pk)


@shared_task
def sweep_pending_attachments() -> int:
    """Re-queue pending files whose scan is due again, oldest first; returns how many."""
    return attachments_sweep_pending()
