"""Queue e-mails through the outbox: a row in the caller's transaction, a task after commit."""

import logging
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)


def email_queue(
    *,
    to: Iterable[str],
    template: str,
    context: dict[str, Any],
    reply_to: str = "",
    headers: dict[str, str] | None = None,
    key: str = "",
    secret: bool = False,
) -> list[OutboundEmail]:
    """Write one outbox row per recipient and send each once the transaction commits.

    `key` makes the call idempotent: a second call with the same key and recipient adds nothing.
    `secret` marks a context that holds a sign-in link or code: hidden in the admin, wiped once
    sent.
    """
    key = key or uuid.uuid4().hex
    rows = []
    for address in dict.fromkeys(to):  # de-duplicate, keep order
        row, created = OutboundEmail.objects.get_or_create(
            idempotency_key=f"{key}:{address.lower()}",
            defaults={
                "to": address,
                "template": template,
                "context": context,
                "reply_to": reply_to,
                "headers": headers or {},
                "secret": secret,
                "next_attempt_at": timezone.now(),
            },
        )
        if created:
            transaction.on_commit(partial(email_enqueue, email_id=row.pk), robust=True)
        rows.append(row)
    return rows


def email_enqueue(*, email_id: int, countdown: float = 0) -> bool:
    """Hand a row to Celery. A broker that is down only delays the e-mail: the sweeper retries."""
    from .tasks import send_outbound_email

    try:
        send_outbound_email.apply_async(args=(email_id,), countdown=countdown)
    except Exception:
        logger.warning("Could not queue outbound e-mail %s; the sweeper will retry", email_id)
        return False
    return True


def email_retry(*, email: OutboundEmail) -> None:
    """Give a failed e-mail a fresh set of attempts (the admin's "retry" action)."""
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(
            pk=email.pk, status=OutboundEmail.Status.FAILED
        ).update(
            status=OutboundEmail.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
        )
        if updated:
            transaction.on_commit(partial(email_enqueue, email_id=email.pk), robust=True)
