"""Thin Celery tasks around the outbox: send one row, sweep rows whose enqueue was lost."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboundEmail
from .rendering import email_render
from .services import email_enqueue

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_outbound_email(email_id: int) -> str:
    """Send one outbox row at most once; on failure, schedule the next try with backoff."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return "skipped"  # already sent, failed for good, or another worker holds it
        try:
            email_render(email=email).send()
        except Exception as exc:
            email.attempts += 1
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
                logger.error("Outbound e-mail %s failed for good: %s", email.pk, email.last_error)
            else:
                delay = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (email.attempts - 1)
                email.next_attempt_at = timezone.now() + timedelta(seconds=delay)
                logger.warning("Outbound e-mail %s failed, retry in %ss", email.pk, delay)
            email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.attempts += 1
            if email.secret:
                email.context = {}  # a used link or code has no business staying around
            email.save(update_fields=["status", "sent_at", "attempts", "context"])
            return "sent"
    if email.status == OutboundEmail.Status.PENDING:
        countdown = (email.next_attempt_at - timezone.now()).total_seconds()
        email_enqueue(email_id=email.pk, countdown=max(countdown, 0))
    return email.status


@shared_task
def sweep_pending_emails() -> int:
    """Re-queue pending rows well past their due time; returns how many were re-queued."""
    # A row pending this long past its due time has lost its task (broker down, worker killed).
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    ids = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, next_attempt_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        email_enqueue(email_id=email_id)
    return len(ids)
