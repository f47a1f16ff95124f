"""Thin Celery tasks around the outbox: each calls one function of notifications/sending.py."""

from celery import shared_task

from .sending import SEND_HARD_LIMIT, SEND_SOFT_LIMIT, email_send, emails_sweep_pending
from .services import SEND_TASK


@shared_task(
    name=SEND_TASK, acks_late=True, soft_time_limit=SEND_SOFT_LIMIT, time_limit=SEND_HARD_LIMIT
)
def send_outbound_email(email_id: int) -> str:
    """Send one outbox row at most once; on failure, schedule the next try with backoff."""
    return email_send(email_id=email_id)


@shared_task
def sweep_pending_emails() -> int:
    """Re-queue pending rows well past their due time, oldest first; returns how many."""
    return emails_sweep_pending()
